// The file reader's own behaviour: refusals with the file named, buffer growth, progress, gzip damage.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/file.js';
import { CaptureError } from '../../src/capture/types.js';
import { enhancedPacket, interfaceBlock, keepingSink, payload, pcapFileHeader, pcapRecord, sectionHeader } from './build.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'tlsdiag-file-'));
const BIN = path.resolve(import.meta.dirname, '../../bin/tlsdiag.js');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const file = path.join(scratch, name);
  writeFileSync(file, bytes);
  return file;
}

async function refusal(file: string): Promise<CaptureError> {
  const { sink } = keepingSink();
  const err = await readCaptureFile(file, sink).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CaptureError);
  const captureError = err as CaptureError;
  expect(captureError.message).toContain(file);
  expect(captureError.message).not.toContain('\n');
  return captureError;
}

describe('files that are not readable captures', () => {
  it('a missing file', async () => {
    const err = await refusal(path.join(scratch, 'nope.pcap'));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain('no such file');
  });

  it('a directory', async () => {
    const dir = path.join(scratch, 'dir.pcap');
    mkdirSync(dir);
    const err = await refusal(dir);
    expect(err.code).toBe('unreadable');
    expect(err.message).toContain('directory');
  });

  it('a file without read permission', async () => {
    const file = write('locked.pcap', pcapFileHeader(0xa1b2c3d4, true, 1));
    chmodSync(file, 0o000);
    if (process.getuid?.() !== 0) {
      const err = await refusal(file);
      expect(err.code).toBe('unreadable');
      expect(err.message).toContain('permission denied');
      return;
    }
    // root reads any file through its capabilities: the built CLI runs without the two that override file modes
    const without = '-dac_override,-dac_read_search';
    const run = spawnSync('setpriv', [`--inh-caps=${without}`, `--bounding-set=${without}`, '--', process.execPath, BIN, 'analyze', file], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('locked.pcap');
    expect(run.stderr).toContain('permission denied');
  });

  it('random bytes', async () => {
    const err = await refusal(write('random.pcap', Buffer.from('9a1fe3c07d5522b1c8e0f4a6', 'hex')));
    expect(err.code).toBe('not-a-capture');
    expect(err.message).toContain('9a 1f e3 c0');
  });

  it('an empty file', async () => {
    const err = await refusal(write('empty.pcapng', Buffer.alloc(0)));
    expect(err.code).toBe('not-a-capture');
    expect(err.message).toContain('empty');
  });

  it('a gzip file that holds no capture', async () => {
    const err = await refusal(write('text.gz', gzipSync(Buffer.from('hello, this is not a capture'))));
    expect(err.code).toBe('not-a-capture');
    expect(err.message).toContain('gzip');
  });

  it('an xz file', async () => {
    const err = await refusal(write('x.pcap.xz', Buffer.from('fd377a585a000004e6d6b446', 'hex')));
    expect(err.code).toBe('unsupported');
    expect(err.message).toContain('xz');
  });
});

describe('reading', () => {
  it('grows its buffer for a block larger than a chunk, and reports progress', async () => {
    const file = write(
      'big-block.pcapng',
      Buffer.concat([
        sectionHeader(true),
        interfaceBlock(1, 0, true),
        enhancedPacket(0, 1n, payload(1, 100), true),
        enhancedPacket(0, 2n, payload(2, 5000), true),
        enhancedPacket(0, 3n, payload(3, 100), true),
      ]),
    );
    const { sink, frames } = keepingSink();
    const progress: Array<[number, number]> = [];
    const summary = await readCaptureFile(file, sink, { chunkSize: 64, onProgress: (read, total) => progress.push([read, total]) });
    expect(summary).toMatchObject({ format: 'pcapng', gzip: false, frames: 3, notes: [] });
    expect(frames.map((f) => f.data)).toEqual([payload(1, 100), payload(2, 5000), payload(3, 100)]);
    const size = summary.bytes;
    expect(progress.at(-1)).toEqual([size, size]);
    expect(progress.every(([read, total], i) => total === size && (i === 0 || read > progress[i - 1][0]))).toBe(true);
  });

  it('stops reading at damage it cannot pass, keeping the frames before', async () => {
    const header = pcapFileHeader(0xa1b2c3d4, false, 1);
    const good = pcapRecord(1, 0, payload(1, 50), false);
    const bad = pcapRecord(2, 0, payload(2, 50), false);
    bad.writeUInt32BE(0x7fffffff, 8);
    const file = write('hostile.pcap', Buffer.concat([header, good, bad, Buffer.alloc(100_000)]));
    const { sink, frames } = keepingSink();
    const summary = await readCaptureFile(file, sink, { chunkSize: 128 });
    expect(frames).toHaveLength(1);
    expect(summary.notes).toEqual([expect.objectContaining({ kind: 'corrupt', offset: header.length + good.length })]);
  });

  it('a file holding only the first bytes of a header has nothing to read: a CaptureError naming it', async () => {
    const file = write('stub.pcap', pcapFileHeader(0xa1b23c4d, true, 1).subarray(0, 4));
    await expect(readCaptureFile(file, keepingSink().sink)).rejects.toMatchObject({
      code: 'corrupt',
      message: `${file}: the file ends inside its header (4 bytes): no packet can be read`,
    });
  });

  it('a whole header and no packet is a capture, if an empty one', async () => {
    const summary = await readCaptureFile(write('header-only.pcap', pcapFileHeader(0xa1b23c4d, true, 1)), keepingSink().sink);
    expect(summary).toMatchObject({ format: 'pcap-ns', frames: 0, notes: [] });
  });

  it('gzip damaged in the middle resolves with a note, the frames before the damage intact', async () => {
    // Deflate has no checksum before the end of the stream: bytes decoded from the damaged part are garbage until
    // zlib meets an impossible code, so only frames well before the damage are known to be intact.
    const noise = (i: number) => Buffer.from(Array.from({ length: 200 }, (_, j) => ((i * 7919 + j * 104729) ^ (j * j)) & 0xff));
    const records = Array.from({ length: 50 }, (_, i) => pcapRecord(i, 0, noise(i), true));
    const zipped = gzipSync(Buffer.concat([pcapFileHeader(0xa1b2c3d4, true, 1), ...records]));
    const damaged = Buffer.from(zipped);
    damaged.fill(0x55, Math.floor(damaged.length / 2));
    const { sink, frames } = keepingSink();
    const summary = await readCaptureFile(write('damaged.pcap.gz', damaged), sink);
    expect(summary.gzip).toBe(true);
    expect(frames.length).toBeGreaterThan(15);
    expect(frames.length).toBeLessThan(50);
    expect(frames.slice(0, 15).every((f, i) => f.data.equals(noise(i)))).toBe(true);
    expect(summary.notes.some((n) => n.kind === 'corrupt' || n.kind === 'truncated')).toBe(true);
  });
});
