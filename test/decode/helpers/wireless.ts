// Hand-built 802.11 frames and the radio headers captured before them: no capture at hand holds a monitor-mode trace.
import { bytes, u16 } from './frames.js';

const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

export const AP = [0x84, 0x80, 0x2d, 0x2b, 0x45, 0x90];
export const STATION = [0x54, 0xf2, 0x01, 0xe1, 0xb2, 0x99];
export const ROUTER = [0x10, 0xf3, 0x11, 0xea, 0xee, 0xc1];

export interface WlanOptions {
  /** first frame control byte: version, type, subtype (0x08 data, 0x88 QoS data) */
  frameControl?: number;
  /** second frame control byte: ToDS 0x01, FromDS 0x02, more fragments 0x04, protected 0x40, order 0x80 */
  flags?: number;
  /** the sequence control field; its low 4 bits are the fragment number */
  sequenceControl?: number;
  /** QoS control (QoS subtypes only); 0x0080 marks an A-MSDU */
  qosControl?: number;
  /** write the frame control bytes swapped, as some CAPWAP controllers do */
  swapFrameControl?: boolean;
  /** bytes of padding after the header (radiotap's data-pad flag) */
  pad?: number;
}

/** An 802.11 data frame header (IEEE 802.11-2020 §9.3.2.1) sized by its flags, then `body`. */
export function wlan(body: Buffer, o: WlanOptions = {}): Buffer {
  const frameControl = o.frameControl ?? 0x08;
  const flags = o.flags ?? 0x01;
  const fc = o.swapFrameControl ? [flags, frameControl] : [frameControl, flags];
  const header = [...fc, 0x2c, 0x00, ...AP, ...STATION, ...ROUTER, ...le16(o.sequenceControl ?? 0x3070)];
  if ((flags & 0x03) === 0x03) header.push(...AP);
  if ((frameControl & 0x80) !== 0) {
    header.push(...le16(o.qosControl ?? 0));
    if ((flags & 0x80) !== 0) header.push(0x11, 0x22, 0x33, 0x44);
  }
  header.push(...new Array(o.pad ?? 0).fill(0));
  return bytes(header, body);
}

/** LLC/SNAP with the RFC 1042 OUI (or another), then `payload`. */
export function llcSnap(etherType: number, payload: Buffer, oui = [0, 0, 0]): Buffer {
  return bytes([0xaa, 0xaa, 0x03, ...oui, ...u16(etherType)], payload);
}

/** One A-MSDU subframe: DA, SA, big-endian length, the MSDU, padding to 4 bytes. */
export function amsduSubframe(msdu: Buffer, pad = true): Buffer {
  const padding = pad ? (4 - ((14 + msdu.length) % 4)) % 4 : 0;
  return bytes([...ROUTER, ...STATION, ...u16(msdu.length)], msdu, Buffer.alloc(padding));
}

export interface RadiotapOptions {
  /** the Flags field's value (0x10 FCS at end, 0x20 data pad, 0x40 bad FCS); none when undefined */
  flags?: number;
  tsft?: boolean;
  /** extra presence words after the first (each with bit 31 set but the last) */
  extendedWords?: number;
  version?: number;
  /** overrides the length field */
  length?: number;
}

/** A radiotap header: presence words, then TSFT (8-aligned) and Flags as asked, then `frame`. */
export function radiotap(frame: Buffer, o: RadiotapOptions = {}): Buffer {
  const extended = o.extendedWords ?? 0;
  let present = (o.tsft ? 0x01 : 0) | (o.flags !== undefined ? 0x02 : 0);
  if (extended > 0) present = (present | 0x80000000) >>> 0;
  const header = [o.version ?? 0, 0, 0, 0, ...le32(present)];
  for (let i = 0; i < extended; i++) header.push(...le32(i < extended - 1 ? 0x80000000 : 0x00000001));
  if (o.tsft) {
    while (header.length % 8 !== 0) header.push(0);
    header.push(1, 2, 3, 4, 5, 6, 7, 8);
  }
  if (o.flags !== undefined) header.push(o.flags);
  const length = o.length ?? header.length;
  header[2] = length & 0xff;
  header[3] = length >> 8;
  return bytes(header, frame);
}

export interface PpiOptions {
  linkType?: number;
  /** 802.11-Common flags (0x0001 FCS present, 0x0004 FCS invalid); no such field when undefined */
  commonFlags?: number;
  /** adds a 3-byte vendor field first, padded when `aligned` */
  aligned?: boolean;
  /** overrides the header length */
  length?: number;
}

/** A PPI header (little-endian) with an optional odd-sized field and an 802.11-Common field, then `frame`. */
export function ppi(frame: Buffer, o: PpiOptions = {}): Buffer {
  const fields: number[] = [...le16(30000), ...le16(3), 0xaa, 0xbb, 0xcc];
  if (o.aligned) fields.push(0);
  if (o.commonFlags !== undefined) {
    fields.push(...le16(2), ...le16(20), 1, 2, 3, 4, 5, 6, 7, 8, ...le16(o.commonFlags), ...new Array(10).fill(0));
  }
  const length = o.length ?? 8 + fields.length;
  return bytes([0, o.aligned ? 1 : 0, ...le16(length), ...le32(o.linkType ?? 105), ...fields], frame);
}

/** A 144-byte Prism header (message code, length, device name, ten DID items), then `frame`. */
export function prism(frame: Buffer): Buffer {
  const header = Buffer.alloc(144);
  header.writeUInt32LE(0x44, 0);
  header.writeUInt32LE(144, 4);
  header.write('wlan0', 8, 'latin1');
  return bytes(header, frame);
}

/** An AVS version 1 header (big-endian magic and length, 64 bytes), then `frame`. */
export function avs(frame: Buffer, length = 64): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x80211001, 0);
  header.writeUInt32BE(length, 4);
  return bytes(header, frame);
}

export interface CapwapOptions {
  /** preamble byte (version << 4 | type) */
  preamble?: number;
  /** header length in 4-byte words; computed from the optional parts when undefined */
  hlen?: number;
  wbid?: number;
  /** T: the payload is the binding's native frame */
  native?: boolean;
  /** wireless specific information bytes (sets W) */
  wireless?: number[];
  keepAlive?: boolean;
  /** sets F with this fragment offset (8-byte units) */
  fragmentOffset?: number;
}

/** A CAPWAP data header (RFC 5415 §4.3), then `payload`. */
export function capwap(payload: Buffer, o: CapwapOptions = {}): Buffer {
  const optional: number[] = [];
  if (o.wireless) {
    optional.push(o.wireless.length, ...o.wireless);
    while (optional.length % 4 !== 0) optional.push(0);
  }
  const hlen = o.hlen ?? 2 + optional.length / 4;
  const wbid = o.wbid ?? 1;
  const native = o.native ?? true;
  const byte2 = ((wbid & 0x1f) << 1) | (native ? 1 : 0);
  let byte3 = 0;
  if (o.fragmentOffset !== undefined) byte3 |= 0x80;
  if (o.wireless) byte3 |= 0x20;
  if (o.keepAlive) byte3 |= 0x08;
  const offset = o.fragmentOffset ?? 0;
  const header = [o.preamble ?? 0, (hlen & 0x1f) << 3, byte2, byte3, 0x12, 0x34, (offset >> 5) & 0xff, (offset & 0x1f) << 3];
  return bytes(header, optional, payload);
}
