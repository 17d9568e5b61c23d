/**
 * Integer reads in a byte order chosen at run time: capture files are written in their writer's order and announce
 * it (pcap magic, pcapng byte-order magic), so the parsers carry a flag instead of two copies of every loop.
 * Callers check bounds first; these never throw on offsets they were given inside the buffer.
 */

export function readU16(buf: Buffer, offset: number, littleEndian: boolean): number {
  return littleEndian ? buf[offset] | (buf[offset + 1] << 8) : (buf[offset] << 8) | buf[offset + 1];
}

export function readU32(buf: Buffer, offset: number, littleEndian: boolean): number {
  return littleEndian ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

export function readI32(buf: Buffer, offset: number, littleEndian: boolean): number {
  return littleEndian ? buf.readInt32LE(offset) : buf.readInt32BE(offset);
}
