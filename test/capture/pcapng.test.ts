// Hand-built pcapng: layouts the public corpus does not contain (big-endian sections, several sections, Simple and
// obsolete Packet Blocks, power-of-two resolutions, offsets) and hostile lengths.
import { describe, expect, it } from 'vitest';
import { PCAPNG_MAX_BLOCK } from '../../src/capture/pcapng.js';
import { ticksToSeconds, unitsPerSecond } from '../../src/capture/pcapng-time.js';
import {
  block,
  enhancedPacket,
  interfaceBlock,
  obsoletePacket,
  option,
  parseBytes,
  payload,
  sectionHeader,
  simplePacket,
} from './build.js';

const ETHERNET = 1;
const RAW_IP = 101;
const LINUX_SLL = 113;

describe('pcapng sections', () => {
  it('reads a big-endian section', () => {
    const file = Buffer.concat([
      sectionHeader(false),
      interfaceBlock(ETHERNET, 65535, false),
      enhancedPacket(0, 1_700_000_000_123_456n, payload(1, 60), false, 1514),
    ]);
    const { parser, frames } = parseBytes(file);
    expect(parser.format).toBe('pcapng');
    expect(parser.notes).toEqual([]);
    expect(frames).toHaveLength(1);
    expect(frames[0].data).toEqual(payload(1, 60));
    expect(frames[0].linkType).toBe(ETHERNET);
    expect(frames[0].origLen).toBe(1514);
    expect(frames[0].ts).toBeCloseTo(1_700_000_000.123456, 6);
  });

  it('starts a new interface list and byte order with each section', () => {
    const file = Buffer.concat([
      sectionHeader(true),
      interfaceBlock(ETHERNET, 0, true),
      interfaceBlock(RAW_IP, 0, true),
      enhancedPacket(1, 1_000_000n, payload(1, 20), true),
      sectionHeader(false),
      interfaceBlock(LINUX_SLL, 0, false),
      enhancedPacket(0, 2_000_000n, payload(2, 21), false),
      // interface 1 belonged to the first section only
      enhancedPacket(1, 3_000_000n, payload(3, 22), false),
    ]);
    const { parser, frames } = parseBytes(file);
    expect(frames.map((f) => [f.linkType, f.ts, f.data.length])).toEqual([
      [RAW_IP, 1, 20],
      [LINUX_SLL, 2, 21],
    ]);
    expect(parser.notes).toHaveLength(1);
    expect(parser.notes[0].kind).toBe('corrupt');
    expect(parser.notes[0].message).toContain('interface 1');
    expect(parser.stopped).toBe(false);
  });

  it('gives the same frames whatever the chunk boundaries', () => {
    const file = Buffer.concat([
      sectionHeader(false),
      interfaceBlock(ETHERNET, 0, false),
      ...Array.from({ length: 20 }, (_, i) => enhancedPacket(0, BigInt(i) * 1_000_000n, payload(i, 40 + i), false)),
      sectionHeader(true),
      interfaceBlock(ETHERNET, 0, true),
      enhancedPacket(0, 5n, payload(99, 33), true),
    ]);
    const whole = parseBytes(file).frames;
    expect(whole).toHaveLength(21);
    for (const step of [1, 3, 7, 64]) {
      expect(parseBytes(file, step).frames).toEqual(whole);
    }
  });

  it('stops at a section of an unknown major version', () => {
    const file = Buffer.concat([
      sectionHeader(true),
      interfaceBlock(ETHERNET, 0, true),
      enhancedPacket(0, 1n, payload(1, 10), true),
      sectionHeader(true, 2),
      interfaceBlock(ETHERNET, 0, true),
      enhancedPacket(0, 2n, payload(2, 10), true),
    ]);
    const { parser, frames } = parseBytes(file);
    expect(frames).toHaveLength(1);
    expect(parser.stopped).toBe(true);
    expect(parser.notes[0].message).toContain('version 2');
  });
});

describe('pcapng packet blocks', () => {
  it('reads a Simple Packet Block on interface 0, cut to the snaplen, timed like the packet before', () => {
    const file = Buffer.concat([
      sectionHeader(true),
      interfaceBlock(ETHERNET, 50, true),
      enhancedPacket(0, 7_500_000n, payload(1, 40), true),
      simplePacket(1514, payload(2, 60), true),
      simplePacket(30, payload(3, 30), true),
    ]);
    const { parser, frames } = parseBytes(file);
    expect(frames.map((f) => [f.data.length, f.origLen, f.ts, f.linkType])).toEqual([
      [40, 40, 7.5, ETHERNET],
      [50, 1514, 7.5, ETHERNET],
      [30, 30, 7.5, ETHERNET],
    ]);
    expect(frames[1].data).toEqual(payload(2, 50));
    expect(parser.notes.map((n) => n.kind)).toEqual(['format']);
  });

  it('never reads a Simple Packet Block past its own block', () => {
    const file = Buffer.concat([
      sectionHeader(true),
      interfaceBlock(ETHERNET, 0, true),
      simplePacket(9000, payload(1, 17), true),
    ]);
    const { frames } = parseBytes(file);
    // 17 bytes padded to 20: the padding is all the block holds beyond the data
    expect(frames[0].data.length).toBe(20);
    expect(frames[0].origLen).toBe(9000);
  });

  it('reads the obsolete Packet Block (type 2)', () => {
    const file = Buffer.concat([
      sectionHeader(false),
      interfaceBlock(ETHERNET, 0, false),
      interfaceBlock(RAW_IP, 0, false),
      obsoletePacket(1, 1_400_000_000_500_000n, payload(5, 44), false),
    ]);
    const { parser, frames } = parseBytes(file);
    expect(parser.notes).toEqual([]);
    expect(frames).toHaveLength(1);
    expect(frames[0].linkType).toBe(RAW_IP);
    expect(frames[0].data).toEqual(payload(5, 44));
    expect(frames[0].ts).toBeCloseTo(1_400_000_000.5, 6);
  });

  it('skips blocks it does not read, and names unknown ones once', () => {
    const file = Buffer.concat([
      sectionHeader(true),
      block(0x00000004, Buffer.alloc(8), true), // Name Resolution Block: quiet
      interfaceBlock(ETHERNET, 0, true),
      block(0x00000005, Buffer.alloc(8), true), // Interface Statistics Block: quiet
      block(0x0000000a, Buffer.alloc(16), true), // Decryption Secrets Block
      block(0x00001234, Buffer.alloc(4), true),
      block(0x00001234, Buffer.alloc(4), true),
      enhancedPacket(0, 1n, payload(1, 10), true),
    ]);
    const { parser, frames } = parseBytes(file);
    expect(frames).toHaveLength(1);
    expect(parser.notes.map((n) => n.kind)).toEqual(['skipped-block', 'skipped-block']);
    expect(parser.notes[0].message).toContain('Decryption Secrets Block');
    expect(parser.notes[1].message).toContain('0x1234');
  });
});

describe('pcapng timestamps', () => {
  it('applies if_tsresol as a power of two when its high bit is set', () => {
    const file = Buffer.concat([
      sectionHeader(true),
      interfaceBlock(ETHERNET, 0, true, [option(9, Buffer.from([0x80 | 20]), true)]),
      // 2^20 ticks per second: 1.5 s
      enhancedPacket(0, 3n * 2n ** 19n, payload(1, 10), true),
    ]);
    expect(parseBytes(file).frames[0].ts).toBe(1.5);
  });

  it('applies if_tsresol as a power of ten, and if_tsoffset in seconds', () => {
    const file = Buffer.concat([
      sectionHeader(false),
      interfaceBlock(ETHERNET, 0, false, [
        option(9, Buffer.from([9]), false),
        option(14, Buffer.from([0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00]), false), // 1_700_000_000 s
      ]),
      enhancedPacket(0, 123_456_789n, payload(1, 10), false),
    ]);
    expect(parseBytes(file).frames[0].ts).toBeCloseTo(1_700_000_000.123456789, 6);
  });

  it('keeps nanosecond timestamps of today exact to the microsecond', () => {
    const ticks = 1_722_705_809_121_409_460n; // a real frame.time_epoch, in ns
    const high = Number(ticks >> 32n);
    const low = Number(ticks & 0xffffffffn);
    const seconds = ticksToSeconds(high, low, 1e9);
    expect(seconds.toFixed(6)).toBe('1722705809.121409');
    expect(Math.abs(seconds - 1_722_705_809.12140946)).toBeLessThan(3e-7);
  });

  it('decodes the resolution byte both ways and refuses unusable ones', () => {
    expect(unitsPerSecond(6)).toBe(1e6);
    expect(unitsPerSecond(9)).toBe(1e9);
    expect(unitsPerSecond(0x80 | 10)).toBe(1024);
    expect(unitsPerSecond(0x7f)).toBe(0);
  });
});

describe('pcapng hostile lengths', () => {
  const good = Buffer.concat([sectionHeader(true), interfaceBlock(ETHERNET, 0, true), enhancedPacket(0, 1n, payload(1, 10), true)]);

  function withBadBlock(totalLength: number, trailing = totalLength): Buffer {
    const bad = Buffer.alloc(64);
    bad.writeUInt32LE(6, 0);
    bad.writeUInt32LE(totalLength, 4);
    bad.writeUInt32LE(trailing, 60);
    return Buffer.concat([good, bad, enhancedPacket(0, 2n, payload(2, 10), true)]);
  }

  it.each([
    ['absurd', 0xfffffff0],
    ['past the limit', PCAPNG_MAX_BLOCK + 4],
    ['too small', 8],
    ['not a multiple of 4', 62],
  ])('notes a block length that is %s and stops', (_, length) => {
    const { parser, frames } = parseBytes(withBadBlock(length));
    expect(frames).toHaveLength(1);
    expect(parser.stopped).toBe(true);
    expect(parser.notes).toHaveLength(1);
    expect(parser.notes[0]).toMatchObject({ kind: 'corrupt', offset: good.length });
  });

  it('notes a trailing length that differs from the leading one and stops', () => {
    const { parser, frames } = parseBytes(withBadBlock(64, 68));
    expect(frames).toHaveLength(1);
    expect(parser.notes[0].message).toContain('trailing length 68');
  });

  it('skips a packet block whose captured length runs past the block', () => {
    const lying = enhancedPacket(0, 3n, payload(3, 12), true);
    lying.writeUInt32LE(5000, 20);
    const { parser, frames } = parseBytes(Buffer.concat([good, lying, enhancedPacket(0, 4n, payload(4, 10), true)]));
    expect(frames.map((f) => f.data[0])).toEqual([1, 4]);
    expect(parser.notes[0].kind).toBe('corrupt');
    expect(parser.stopped).toBe(false);
  });

  it('notes a file that ends inside a block, keeping the frames before it', () => {
    const file = Buffer.concat([good, enhancedPacket(0, 2n, payload(2, 100), true)]);
    const { parser, frames } = parseBytes(file.subarray(0, file.length - 30), 16);
    expect(frames).toHaveLength(1);
    expect(parser.notes).toEqual([
      expect.objectContaining({ kind: 'truncated', offset: good.length }),
    ]);
  });

  it('stops at a bad byte-order magic', () => {
    const file = Buffer.from(good);
    file.writeUInt32LE(0xdeadbeef, 8);
    const { parser, frames } = parseBytes(file);
    expect(frames).toEqual([]);
    expect(parser.notes[0]).toMatchObject({ kind: 'corrupt', offset: 0 });
  });
});
