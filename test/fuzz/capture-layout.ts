/**
 * Where the records of a real capture sit, so mutations can aim at framing fields rather than only at random bytes.
 * Test-only and forgiving: it stops at the first block it cannot frame (the corpus holds cut and damaged files).
 *
 * Classic pcap (pcap-savefile(5)): 24-byte file header, then per record `ts_sec ts_frac incl_len orig_len` (16 bytes,
 * 24 in Kuznetsov's modified format) and incl_len bytes of frame.
 * pcapng (draft-ietf-opsawg-pcapng §3.1): every block `type total_length body... total_length`; Enhanced and obsolete
 * Packet Blocks hold `interface ts_high ts_low captured_length original_length` before the frame, Simple Packet Blocks
 * only `original_length`.
 */
export interface CaptureUnit {
  /** first byte of the record / block */
  offset: number;
  length: number;
  /** the frame bytes inside it (dataLength 0 when it holds no frame) */
  dataOffset: number;
  dataLength: number;
  /** offsets of 32-bit length fields that frame this unit or its frame */
  lengthFields: number[];
  /** offset of a 32-bit timestamp field (seconds, or the high word), -1 when none */
  tsField: number;
}

export interface CaptureLayout {
  kind: 'pcap' | 'pcapng';
  littleEndian: boolean;
  /** bytes before the first unit (the pcap file header; 0 for pcapng, whose header is a block) */
  headerLength: number;
  units: CaptureUnit[];
}

const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const EPB = 6;
const OBSOLETE_PB = 2;
const SPB = 3;

export function layoutOf(buf: Buffer): CaptureLayout | null {
  if (buf.length < 24) return null;
  const magicLe = buf.readUInt32LE(0);
  const magicBe = buf.readUInt32BE(0);
  const pcapMagics = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34];
  if (pcapMagics.includes(magicLe)) return pcapLayout(buf, true, magicLe === 0xa1b2cd34 ? 24 : 16);
  if (pcapMagics.includes(magicBe)) return pcapLayout(buf, false, magicBe === 0xa1b2cd34 ? 24 : 16);
  if (magicLe === PCAPNG_SECTION_HEADER) return pcapngLayout(buf);
  return null;
}

function pcapLayout(buf: Buffer, littleEndian: boolean, recordHeader: number): CaptureLayout {
  const u32 = (at: number) => (littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const units: CaptureUnit[] = [];
  for (let at = 24; at + recordHeader <= buf.length; ) {
    const captured = u32(at + 8);
    const end = at + recordHeader + captured;
    if (end > buf.length) break;
    units.push({
      offset: at,
      length: end - at,
      dataOffset: at + recordHeader,
      dataLength: captured,
      lengthFields: [at + 8, at + 12],
      tsField: at,
    });
    at = end;
  }
  return { kind: 'pcap', littleEndian, headerLength: 24, units };
}

function pcapngLayout(buf: Buffer): CaptureLayout {
  const units: CaptureUnit[] = [];
  let littleEndian = true;
  let first: boolean | null = null;
  for (let at = 0; at + 12 <= buf.length; ) {
    if (buf.readUInt32LE(at) === PCAPNG_SECTION_HEADER) {
      if (at + 12 > buf.length) break;
      littleEndian = buf.readUInt32LE(at + 8) === PCAPNG_BYTE_ORDER_MAGIC;
    }
    first ??= littleEndian;
    const u32 = (o: number) => (littleEndian ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const type = u32(at);
    const total = u32(at + 4);
    if (total < 12 || total % 4 !== 0 || at + total > buf.length) break;
    const unit: CaptureUnit = { offset: at, length: total, dataOffset: at, dataLength: 0, lengthFields: [at + 4, at + total - 4], tsField: -1 };
    if ((type === EPB || type === OBSOLETE_PB) && total >= 32) {
      const captured = Math.min(u32(at + 20), total - 32);
      unit.dataOffset = at + 28;
      unit.dataLength = captured;
      unit.lengthFields.push(at + 20, at + 24);
      unit.tsField = at + 12;
    } else if (type === SPB && total >= 16) {
      unit.dataOffset = at + 12;
      unit.dataLength = total - 16;
      unit.lengthFields.push(at + 8);
    }
    units.push(unit);
    at += total;
  }
  return { kind: 'pcapng', littleEndian: first ?? true, headerLength: 0, units };
}
