/**
 * Item 9 of the hostile-input issue: a gzip capture followed by bytes that are not gzip lost data — every connection
 * of a small capture ("no capture inside", exit 2), the last ones of a large one — because zlib's gunzip read the
 * junk as a next member and dropped the output of the call that met it. Members are now framed by tlsdiag
 * (src/capture/gzip.ts): everything before the junk is kept and the junk is noted, as gzip(1) and tshark do.
 */
import { Readable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile, readCaptureStream } from '../../src/capture/file.js';
import type { FrameSink } from '../../src/capture/types.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { handshakeFrames, toPcap } from '../robustness/handshake-frames.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-gzip-trailing-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A pcap of `connections` complete handshakes, each on its own client port, 10 ms apart. */
function capture(connections: number): Buffer {
  const frames = [];
  for (let i = 0; i < connections; i++) frames.push(...handshakeFrames({ start: 1_700_000_000 + i / 100, clientPort: 1024 + i, clientIsn: i * 7919, serverIsn: i * 104729 }));
  return toPcap(frames);
}

async function analyze(bytes: Buffer, name: string): Promise<{ records: ConnectionRecord[]; notes: string[] }> {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  const records: ConnectionRecord[] = [];
  const summary = await analyzeFile(file, {}, (r) => records.push(r));
  return { records, notes: summary.notes };
}

const JUNK = Buffer.from('this is not gzip: a transfer appended it\n');

describe('gzip followed by trailing bytes', () => {
  it('a small capture keeps every connection and notes the junk', async () => {
    const pcap = capture(3);
    const gz = gzipSync(pcap);
    const { records, notes } = await analyze(Buffer.concat([gz, JUNK]), 'small.pcap.gz');
    expect(records.map((r) => r.outcome)).toEqual(['established', 'established', 'established']);
    expect(notes).toEqual([`the gzip data ends at compressed byte ${gz.length}; ${JUNK.length} byte(s) that are not gzip after it were ignored`]);
  });

  it('a large capture keeps every connection (nothing lost at the end) and notes the junk', async () => {
    const pcap = capture(4000);
    expect(pcap.length).toBeGreaterThan(2_000_000);
    const gz = gzipSync(pcap, { level: 1 });
    const { records, notes } = await analyze(Buffer.concat([gz, JUNK, Buffer.alloc(100_000, 0x55)]), 'large.pcap.gz');
    expect(records).toHaveLength(4000);
    expect(records.every((r) => r.outcome === 'established')).toBe(true);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/that are not gzip after it were ignored/);
  });

  it('zero padding is noted as such; two members (cat a.gz b.gz) are read as one capture', async () => {
    const pcap = capture(6);
    const padded = await analyze(Buffer.concat([gzipSync(pcap), Buffer.alloc(512)]), 'padded.pcap.gz');
    expect(padded.records).toHaveLength(6);
    expect(padded.notes).toEqual([expect.stringMatching(/512 zero byte\(s\) after it were ignored$/)]);
    const half = Math.floor(pcap.length / 2);
    const twoMembers = Buffer.concat([gzipSync(pcap.subarray(0, half)), gzipSync(pcap.subarray(half))]);
    const both = await analyze(twoMembers, 'two-members.pcap.gz');
    expect(both.records).toHaveLength(6);
    expect(both.notes).toEqual([]);
  });

  it('from a pipe too, whatever the chunking', async () => {
    const pcap = capture(50);
    const bytes = Buffer.concat([gzipSync(pcap), JUNK]);
    for (const size of [3, 7, 4096, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      let frames = 0;
      const sink: FrameSink = { frame: () => void frames++ };
      const summary = await readCaptureStream('pipe', Readable.from(chunks), sink);
      expect(frames, `chunks of ${size}`).toBe(50 * 8);
      expect(summary.notes.map((n) => n.message)).toEqual([expect.stringMatching(/not gzip after it were ignored$/)]);
    }
  });

  it('a damaged member is still an error after what it held, a cut one is noted as cut', async () => {
    const pcap = capture(20);
    const gz = gzipSync(pcap);
    const cut = await analyze(gz.subarray(0, Math.floor(gz.length * 0.7)), 'cut.pcap.gz');
    expect(cut.records.length).toBeGreaterThan(0);
    expect(cut.notes.some((n) => n.includes('unexpected end of file'))).toBe(true);
    const file = path.join(work, 'text.gz');
    writeFileSync(file, gzipSync(Buffer.from('hello, this is text')));
    await expect(readCaptureFile(file, { frame() {} })).rejects.toThrow(/not a capture file/);
  });
});

describe('gzip in many small members', () => {
  it('reads 20,000 members — empty ones between 1-byte ones — as the capture they hold, and still checks each CRC', async () => {
    // a small member is inflated in one call, not by a stream of its own (500,000 empty members took 11 s that way)
    const pcap = capture(13);
    const members: Buffer[] = [];
    for (let i = 0; i < pcap.length; i++) {
      members.push(gzipSync(pcap.subarray(i, i + 1)));
      if (members.length < 20_000) members.push(gzipSync(Buffer.alloc(0)));
    }
    expect(members.length).toBeGreaterThanOrEqual(20_000);
    const plain = await analyze(pcap, 'plain.pcap');
    const split = await analyze(Buffer.concat(members), 'members.pcap.gz');
    expect(split.notes).toEqual([]);
    expect(split.records.map((r) => [r.outcome, r.tls.history])).toEqual(plain.records.map((r) => [r.outcome, r.tls.history]));
    // a member whose trailer does not match its data is delivered and noted, as gzip -d warns
    const damaged = Buffer.concat(members.slice(0, 8));
    damaged[members[0].length - 8] ^= 0xff;
    const noted = await analyze(Buffer.concat([damaged, ...members.slice(8)]), 'damaged.pcap.gz');
    expect(noted.notes).toEqual([expect.stringMatching(/gzip member 1: its CRC-32 or length does not match its data \(kept anyway\)/)]);
    expect(noted.records).toHaveLength(plain.records.length);
  });
});
