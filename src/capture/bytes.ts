/**
 * Integer reads in a byte order chosen at run time: capture files are written in their writer's order and announce
 * it (pcap magic, pcapng byte-order magic), so the parsers carry a flag instead of two copies of every loop.
 * Callers check bounds first; these never throw on offsets they were given inside the buffer.
 */

export function readU16(buf: Buffer, offset: number, littleEndian: boolean): number {
  return littleEndian ? buf[offset] | (buf[offset + 1] << 8) : (buf[offset] << 8) | buf[offset + 1];
}

// by indexing the bytes, which the compiler inlines; Buffer's readUInt32LE is a call with its own bounds check, and
// the readers make four of these per packet
export function readU32(buf: Buffer, offset: number, littleEndian: boolean): number {
  return littleEndian
    ? (buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16)) + buf[offset + 3] * 0x1000000
    : buf[offset] * 0x1000000 + ((buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]);
}

export function readI32(buf: Buffer, offset: number, littleEndian: boolean): number {
  return littleEndian ? buf.readInt32LE(offset) : buf.readInt32BE(offset);
}
