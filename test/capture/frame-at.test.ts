import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createParser } from '../../src/capture/parser.js';
import type { FrameSink } from '../../src/capture/types.js';
import { availablePublicCaptures, requirePublicCapture, ROOT } from '../helpers/shared.js';

/** Every frame a parser emits, as text, through `frame` (views) or through `frameAt` (offsets). */
function framesOf(bytes: Buffer, useOffsets: boolean): string[] {
  const out: string[] = [];
  const note = (data: Buffer, ts: number, linkType: number, origLen: number) =>
    out.push(`${ts.toFixed(6)} ${linkType} ${origLen} ${data.toString('hex')}`);
  const sink: FrameSink = useOffsets
    ? { frame: () => out.push('frame() called though frameAt exists'), frameAt: (buf, start, end, ts, lt, len) => note(buf.subarray(start, end), ts, lt, len) }
    : { frame: note };
  const parser = createParser(bytes, sink)!;
  parser.feed(bytes, 0, bytes.length);
  return out;
}

const ours = readdirSync(join(ROOT, 'captures')).filter((f) => f.endsWith('.pcap')).map((f) => join(ROOT, 'captures', f));
const pcapng = availablePublicCaptures('frame-at', ['ndpi__sites.pcapng', 'wireshark-notes__pgsql-ssl.pcapng', 'pcapplusplus__many_interfaces-1.pcapng'])
  .map(requirePublicCapture);

describe('readers hand frames as offsets to sinks that take them, the same frames as views', () => {
  it.each([...ours.slice(0, 6), ...pcapng])('%s', (file) => {
    const bytes = readFileSync(file);
    const viaViews = framesOf(bytes, false);
    expect(viaViews.length).toBeGreaterThan(0);
    expect(framesOf(bytes, true)).toEqual(viaViews);
  });
});
