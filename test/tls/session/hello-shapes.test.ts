import { describe, expect, it } from 'vitest';
import { parseClientHello, type ClientHello } from '../../../src/tls/messages/client-hello.js';
import { clientHelloFacts } from '../../../src/tls/session/facts.js';
import { HelloShapes } from '../../../src/tls/session/hello-shapes.js';
import { availablePublicCaptures, requirePublicCapture } from '../../helpers/shared.js';
import { extractHandshakes } from '../handshake-extractor.js';

/** Captures with many ClientHellos from browsers (GREASE, shuffled extensions) and from several client builds. */
const FILES = ['ja4__tls-sni.pcapng', 'ndpi__sites.pcapng', 'ndpi__dnscrypt-v2-doh.pcap', 'arkime__openssl-tls1-tls1_2.pcap'];
const present = availablePublicCaptures('hello-shapes', FILES).map(requirePublicCapture);

function hellos(): ClientHello[] {
  const out: ClientHello[] = [];
  for (const file of present) {
    for (const m of extractHandshakes(file)) {
      if (m.type !== 1) continue;
      const ch = parseClientHello(m.body);
      if (!('error' in ch)) out.push(ch);
    }
  }
  return out;
}

describe.skipIf(present.length === 0)('ClientHello shapes shared between connections', () => {
  it('gives every ClientHello exactly the facts computed afresh, and shares lists between look-alikes', () => {
    const all = hellos();
    expect(all.length).toBeGreaterThan(50);
    const shapes = new HelloShapes();
    const sharedLists = new Set<readonly string[]>();
    for (const ch of all) {
      const cached = clientHelloFacts(ch, 1, false, shapes);
      expect(cached).toEqual(clientHelloFacts(ch, 1, false));
      sharedLists.add(cached.cipherSuites);
    }
    // look-alike hellos (same browser, other GREASE values and extension order) reuse one shape's lists
    expect(sharedLists.size).toBeLessThan(all.length);
  });

  it('tells apart extension lists that hold the same types a different number of times', () => {
    const [first] = hellos();
    const shapes = new HelloShapes();
    const a = { ...first, extensions: [0, 0, 10, 13] };
    const b = { ...first, extensions: [0, 10, 10, 13] };
    expect(clientHelloFacts(a, 1, false, shapes).ja4).toBe(clientHelloFacts(a, 1, false).ja4);
    expect(clientHelloFacts(b, 1, false, shapes).ja4).toBe(clientHelloFacts(b, 1, false).ja4);
  });

  it('tells apart hellos that differ only in one suite, the order of suites, or ALPN', () => {
    const [first] = hellos();
    const shapes = new HelloShapes();
    const base = clientHelloFacts(first, 1, false, shapes);
    const oneSuite = { ...first, cipherSuites: [...first.cipherSuites.slice(0, -1), 0x00ff] };
    const reordered = { ...first, cipherSuites: [...first.cipherSuites].reverse() };
    const otherAlpn = { ...first, alpn: ['http/1.0'] };
    for (const variant of [oneSuite, reordered, otherAlpn]) {
      const facts = clientHelloFacts(variant, 1, false, shapes);
      expect(facts).toEqual(clientHelloFacts(variant, 1, false));
      expect(facts.ja4 === base.ja4 && facts.cipherSuites === base.cipherSuites && facts.alpn === base.alpn).toBe(false);
    }
  });
});

describe('GREASE in the shared facts', () => {
  it("leaves out Chromium's GREASE signature algorithm, so look-alike hellos share facts that belong to each of them", async () => {
    const { analyzeFile } = await import('../../../src/pipeline/analyze-file.js');
    const { resolve } = await import('node:path');
    const { ROOT } = await import('../../helpers/shared.js');
    // Chromium 156 opens several connections, each ClientHello with its own random GREASE values (RFC 8701 §2)
    const records: { tls: { clientHello: { signatureAlgorithms: string[] } | null } }[] = [];
    await analyzeFile(resolve(ROOT, 'captures/browsers/no-common-cipher--chromium--nginx.pcap'), {}, (r) => records.push(r));
    expect(records.length).toBeGreaterThan(1);
    const grease = /^0x([0-9a-f])a\1a$/i;
    for (const r of records) {
      const algorithms = r.tls.clientHello!.signatureAlgorithms;
      expect(algorithms.length).toBeGreaterThan(5);
      expect(algorithms.filter((a) => grease.test(a))).toEqual([]);
    }
  });
});
