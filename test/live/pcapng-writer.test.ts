import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/file.js';
import { PcapngBlockEncoder, PcapngFileWriter, encodePcapngHeader } from '../../src/capture/pcapng-writer.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { ROOT } from '../helpers/shared.js';

interface Frame {
  data: Buffer;
  ts: number;
  linkType: number;
  origLen: number;
}

async function framesOf(path: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  await readCaptureFile(path, {
    frame: (data, ts, linkType, origLen) => frames.push({ data: Buffer.from(data), ts, linkType, origLen }),
  });
  return frames;
}

async function recordsOf(path: string): Promise<ConnectionRecord[]> {
  const records: ConnectionRecord[] = [];
  await analyzeFile(path, {}, (r) => records.push(r));
  return records;
}

describe('pcapng writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-pcapng-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites a real capture frame for frame, microsecond timestamps, same records', async () => {
    const source = resolve(ROOT, 'captures/certificate-expired.pcap');
    const frames = await framesOf(source);
    const out = join(dir, 'rewritten.pcapng');
    const writer = new PcapngFileWriter(out, { linkType: frames[0].linkType, snaplen: 65535, name: 'eth0', application: 'tlsdiag test' });
    for (const f of frames) writer.packet(f.data, f.ts, f.origLen);
    expect(await writer.close()).toBeNull();

    const back = await framesOf(out);
    expect(back).toHaveLength(frames.length);
    for (let i = 0; i < frames.length; i++) {
      expect(back[i].data.equals(frames[i].data)).toBe(true);
      expect(back[i].linkType).toBe(frames[i].linkType);
      expect(back[i].origLen).toBe(frames[i].origLen);
      expect(Math.abs(back[i].ts - frames[i].ts)).toBeLessThan(1e-6);
    }
    const original = await recordsOf(source);
    const rewritten = await recordsOf(out);
    expect(rewritten.map((r) => [r.client, r.server, r.outcome, r.diagnosis?.code])).toEqual(
      original.map((r) => [r.client, r.server, r.outcome, r.diagnosis?.code]),
    );
  });

  it('keeps blocks 32-bit aligned with their lengths at both ends', () => {
    const chunks: Buffer[] = [];
    const encoder = new PcapngBlockEncoder((bytes) => chunks.push(bytes));
    for (const size of [1, 2, 3, 4, 5, 60]) encoder.packet(Buffer.alloc(size, 0xab), 1_700_000_000.123456, size);
    encoder.flush();
    const bytes = Buffer.concat([encodePcapngHeader({ linkType: 1, snaplen: 65535, name: 'lo', application: 'x' }), ...chunks]);
    let at = 0;
    const types: number[] = [];
    while (at < bytes.length) {
      const length = bytes.readUInt32LE(at + 4);
      expect(length % 4).toBe(0);
      expect(bytes.readUInt32LE(at + length - 4)).toBe(length);
      types.push(bytes.readUInt32LE(at));
      at += length;
    }
    expect(at).toBe(bytes.length);
    expect(types).toEqual([0x0a0d0d0a, 1, 6, 6, 6, 6, 6, 6]);
    // timestamp of the first packet: 1700000000123456 µs split in two 32-bit halves
    const epb = bytes.subarray(bytes.readUInt32LE(4) + bytes.readUInt32LE(bytes.readUInt32LE(4) + 4));
    const micros = epb.readUInt32LE(12) * 2 ** 32 + epb.readUInt32LE(16);
    expect(micros).toBe(1_700_000_000_123_456);
  });

  it('reports a file it cannot create', async () => {
    const writer = new PcapngFileWriter(join(dir, 'no/such/folder/x.pcapng'), { linkType: 1, snaplen: 65535, name: 'lo', application: 'x' });
    expect((await writer.ready())?.message).toMatch(/ENOENT/);
    writer.packet(Buffer.alloc(60), 1, 60);
    expect(await writer.close()).not.toBeNull();
  });

  it('leaves a readable file after every flush, before close', async () => {
    const frames = await framesOf(resolve(ROOT, 'captures/healthy-tls12.pcap'));
    const out = join(dir, 'flushed.pcapng');
    const writer = new PcapngFileWriter(out, { linkType: frames[0].linkType, snaplen: 65535, name: 'eth0', application: 'x' });
    for (const f of frames.slice(0, 3)) writer.packet(f.data, f.ts, f.origLen);
    writer.flush();
    // ready() waits for the writes queued so far
    await writer.ready();
    expect((await framesOf(out)).length).toBe(3);
    expect(readFileSync(out).length).toBeGreaterThan(0);
    await writer.close();
  });
});
