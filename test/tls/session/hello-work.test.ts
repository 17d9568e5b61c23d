/**
 * Item 3 of the hostile-input issue: a ClientHello with 15,000 extensions (60 KB) cost quarter of a second each time
 * its shape came back, because the extension lists of two look-alike hellos were compared type by type against each
 * other (quadratic). The work is counted here, never timed: every read of an element of the hellos' lists goes
 * through a counting proxy, and a repeated shape must cost a few reads per extension.
 */
import { describe, expect, it } from 'vitest';
import { parseClientHello, type ClientHello } from '../../../src/tls/messages/client-hello.js';
import { HelloShapes } from '../../../src/tls/session/hello-shapes.js';

/** A ClientHello body (RFC 8446 §4.1.2) whose extensions are `types`, each empty, in the order given. */
function helloBody(types: readonly number[]): Buffer {
  const extensions = Buffer.alloc(types.length * 4);
  types.forEach((type, i) => extensions.writeUInt16BE(type, i * 4));
  const head = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0, 0, 4, 0x13, 0x01, 0xc0, 0x2f, 1, 0])]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(extensions.length);
  return Buffer.concat([head, length, extensions]);
}

/** `n` distinct extension types that no parser reads (unassigned), so each is only listed; GREASE left out. */
function types(n: number): number[] {
  const out: number[] = [];
  for (let t = 0x1000; out.length < n; t++) if ((t & 0x0f0f) !== 0x0a0a) out.push(t);
  return out;
}

/** Reads of array elements through the proxies made by `counted`. */
let reads = 0;
function counted(list: number[]): number[] {
  return new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key !== 'length' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
}

function parse(list: readonly number[]): ClientHello {
  const hello = parseClientHello(helloBody(list));
  if ('error' in hello) throw new Error(hello.error);
  expect(hello.extensions).toHaveLength(list.length);
  return hello;
}

/** Element reads made by the second, look-alike hello of `n` extensions (shuffled: a browser's next connection). */
function readsForRepeat(n: number): number {
  const list = types(n);
  const shapes = new HelloShapes();
  const first = parse(list);
  shapes.facts(first, false);
  const shuffled = [...list].reverse();
  const second = parse(shuffled);
  const proxied: ClientHello = { ...second, extensions: counted(second.extensions) };
  first.extensions = counted(first.extensions);
  reads = 0;
  const facts = shapes.facts(proxied, false);
  expect(facts.ja4).not.toBe('');
  return reads;
}

describe('ClientHello shapes: linear in the number of extensions', () => {
  it('a repeat of a 15,000-extension hello reads each extension a few times, not once per other extension', () => {
    const n = 15_000;
    const work = readsForRepeat(n);
    // the hash over the types, then one tally pass over each list
    expect(work).toBeLessThanOrEqual(4 * n);
    expect(work).toBeGreaterThanOrEqual(2 * n);
  });

  it('twice the extensions, twice the work', () => {
    const small = readsForRepeat(2000);
    const large = readsForRepeat(4000);
    expect(large / small).toBeLessThan(2.2);
  });

  it('still tells multisets apart: a repeated type is not another type', () => {
    const shapes = new HelloShapes();
    const a = parse([0x1001, 0x1001, 0x1002]);
    const b = parse([0x1001, 0x1002, 0x1002]);
    const grease = parse([0x1001, 0x0a0a, 0x1002]);
    const plain = parse([0x1001, 0x1002, 0x1002]);
    expect(shapes.facts(a, false)).not.toBe(shapes.facts(b, false));
    expect(shapes.facts(grease, false).ja4).not.toBe(shapes.facts(plain, false).ja4);
  });
});
