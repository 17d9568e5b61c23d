// Hand-built classic pcap: the corpus holds only little-endian microsecond files, so the other magics are built here.
import { describe, expect, it } from 'vitest';
import { PCAP_MAX_RECORD } from '../../src/capture/pcap.js';
import { sniffCapture } from '../../src/capture/sniff.js';
import { parseBytes, payload, pcapFileHeader, pcapRecord } from './build.js';

const ETHERNET = 1;

describe('classic pcap variants', () => {
  it.each([
    ['little-endian µs', 0xa1b2c3d4, true, 'pcap', 250_000, false],
    ['big-endian µs', 0xa1b2c3d4, false, 'pcap', 250_000, false],
    ['little-endian ns', 0xa1b23c4d, true, 'pcap-ns', 250_000_000, false],
    ['big-endian ns', 0xa1b23c4d, false, 'pcap-ns', 250_000_000, false],
    ['little-endian modified', 0xa1b2cd34, true, 'pcap', 250_000, true],
    ['big-endian modified', 0xa1b2cd34, false, 'pcap', 250_000, true],
  ] as const)('reads %s', (_, magic, le, format, quarterSecond, modified) => {
    const file = Buffer.concat([
      pcapFileHeader(magic, le, ETHERNET),
      pcapRecord(1_600_000_000, quarterSecond, payload(1, 60), le, modified),
      pcapRecord(1_600_000_001, 0, payload(2, 61), le, modified),
    ]);
    const { parser, frames } = parseBytes(file);
    expect(parser.format).toBe(format);
    expect(parser.notes).toEqual([]);
    expect(frames.map((f) => [f.ts, f.linkType, f.origLen])).toEqual([
      [1_600_000_000.25, ETHERNET, 70],
      [1_600_000_001, ETHERNET, 71],
    ]);
    expect(frames[0].data).toEqual(payload(1, 60));
    expect(frames[1].data).toEqual(payload(2, 61));
  });

  it('takes the link type from the low 16 bits, ignoring the FCS flags above', () => {
    // FCS present (bit 28) with a 4-byte length (bits 29-31 = 2 => 2 * 16 bits)
    const file = Buffer.concat([pcapFileHeader(0xa1b2c3d4, true, 0x5000_0000 | ETHERNET), pcapRecord(1, 0, payload(1, 10), true)]);
    expect(parseBytes(file).frames[0].linkType).toBe(ETHERNET);
  });

  it('notes an unexpected version but still reads', () => {
    const file = Buffer.concat([pcapFileHeader(0xa1b2c3d4, true, ETHERNET), pcapRecord(1, 0, payload(1, 10), true)]);
    file.writeUInt16LE(3, 6);
    const { parser, frames } = parseBytes(file);
    expect(frames).toHaveLength(1);
    expect(parser.notes[0]).toMatchObject({ kind: 'format', offset: 4 });
  });
});

describe('classic pcap damage', () => {
  const header = pcapFileHeader(0xa1b2c3d4, true, ETHERNET);
  const first = pcapRecord(10, 0, payload(1, 40), true);

  it.each([PCAP_MAX_RECORD + 1, 0xffffffff])('stops at a record claiming %i bytes, without sizing anything from it', (length) => {
    const hostile = pcapRecord(11, 0, payload(2, 40), true);
    hostile.writeUInt32LE(length, 8);
    const { parser, frames } = parseBytes(Buffer.concat([header, first, hostile, pcapRecord(12, 0, payload(3, 40), true)]));
    expect(frames).toHaveLength(1);
    expect(parser.stopped).toBe(true);
    expect(parser.notes).toEqual([
      expect.objectContaining({ kind: 'corrupt', offset: header.length + first.length }),
    ]);
  });

  it('accepts a record of exactly the limit', () => {
    const big = pcapRecord(11, 0, Buffer.alloc(PCAP_MAX_RECORD), true);
    expect(parseBytes(Buffer.concat([header, big]), 4096).frames[0].data.length).toBe(PCAP_MAX_RECORD);
  });

  it('notes a cut inside a record, and inside the file header', () => {
    const cut = Buffer.concat([header, first, pcapRecord(11, 0, payload(2, 40), true)]).subarray(0, header.length + first.length + 20);
    const { parser, frames } = parseBytes(cut, 5);
    expect(frames).toHaveLength(1);
    expect(parser.notes).toEqual([
      { kind: 'truncated', offset: header.length + first.length, message: expect.stringContaining('20 bytes into a packet record') },
    ]);

    const headerOnly = parseBytes(header.subarray(0, 10));
    expect(headerOnly.parser.notes[0]).toMatchObject({ kind: 'truncated', offset: 0 });
  });
});

describe('format sniffing', () => {
  it.each([
    ['d4c3b2a1', 'pcap'],
    ['a1b23c4d', 'pcap'],
    ['34cdb2a1', 'pcap'],
    ['0a0d0d0a', 'pcapng'],
    ['1f8b0800', 'gzip'],
    ['fd377a585a00', 'other-compression'],
  ])('recognises %s as %s', (hex, container) => {
    expect(sniffCapture(Buffer.from(hex, 'hex'))?.container).toBe(container);
  });

  it('recognises nothing in text or in too few bytes', () => {
    expect(sniffCapture(Buffer.from('<!DOCTYPE html>'))).toBeNull();
    expect(sniffCapture(Buffer.from('d4c3b2', 'hex'))).toBeNull();
  });
});
