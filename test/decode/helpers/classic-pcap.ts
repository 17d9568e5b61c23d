// Test-only reader of classic pcap files (not pcapng): enough to feed real captures to the decoder.
import { readFileSync } from 'node:fs';

export interface PcapFrame {
  data: Buffer;
  linkType: number;
}

/** Every record of a classic pcap file (either byte order, µs or ns); stops quietly at a cut record. */
export function readClassicPcap(file: string): PcapFrame[] {
  const buf = readFileSync(file);
  const magic = buf.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!littleEndian && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error(`${file}: not a classic pcap`);
  const u32 = (at: number) => (littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linkType = u32(20) & 0x0fffffff;
  const frames: PcapFrame[] = [];
  for (let at = 24; at + 16 <= buf.length; ) {
    const capturedLength = u32(at + 8);
    if (at + 16 + capturedLength > buf.length) break;
    frames.push({ data: buf.subarray(at + 16, at + 16 + capturedLength), linkType });
    at += 16 + capturedLength;
  }
  return frames;
}
