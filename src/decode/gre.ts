/**
 * GRE (RFC 2784, key and sequence from RFC 2890, PPTP's enhanced GRE from RFC 2637 §4.1) and the ERSPAN mirroring
 * headers it may carry.
 */
import { ENCAP_ERSPAN, ENCAP_GRE, enterEncapsulation } from './encapsulation.js';
import { layerForEtherType } from './ethertype.js';
import { DONE_MALFORMED, DONE_OTHER, LAYER_ERSPAN2, LAYER_ETHERNET, NO_LAYER, type Cursor } from './layer.js';

const GRE_HEADER = 4;
const CHECKSUM_PRESENT = 0x8000;
const ROUTING_PRESENT = 0x4000;
const KEY_PRESENT = 0x2000;
const SEQUENCE_PRESENT = 0x1000;
const ACK_PRESENT = 0x0080;
const VERSION_MASK = 0x0007;
const ERSPAN2_HEADER = 8;
const ERSPAN3_HEADER = 12;
const ERSPAN3_PLATFORM_SUBHEADER = 8;

/**
 *   0 1 2 3 4   8      13 16                32
 *   |C|R|K|S|s|Recur|A|flags|ver| protocol type |
 *   [ checksum          | reserved1 / offset  ]  C or R
 *   [ key (PPTP: payload length, call id)     ]  K
 *   [ sequence number                         ]  S
 *   [ acknowledgement number (version 1)      ]  A
 *
 * Source routing (R, RFC 1701) is obsolete and not followed. ERSPAN type I is GRE 0x88BE without a sequence number
 * and has no header of its own: the mirrored Ethernet frame follows at once.
 */
export function greLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + GRE_HEADER > cursor.end) return DONE_MALFORMED;
  const flags = (buf[offset] << 8) | buf[offset + 1];
  const version = flags & VERSION_MASK;
  if (version > 1 || (flags & ROUTING_PRESENT) !== 0) return DONE_OTHER;
  let headerLength = GRE_HEADER;
  if ((flags & CHECKSUM_PRESENT) !== 0) headerLength += 4;
  if ((flags & KEY_PRESENT) !== 0) headerLength += 4;
  if ((flags & SEQUENCE_PRESENT) !== 0) headerLength += 4;
  if (version === 1 && (flags & ACK_PRESENT) !== 0) headerLength += 4;
  if (offset + headerLength > cursor.end) return DONE_MALFORMED;

  const next = layerForEtherType((buf[offset + 2] << 8) | buf[offset + 3]);
  if (next === NO_LAYER) return DONE_OTHER;
  if (!enterEncapsulation(cursor, ENCAP_GRE)) return DONE_MALFORMED;
  cursor.offset = offset + headerLength;
  if (next === LAYER_ERSPAN2 && (flags & SEQUENCE_PRESENT) === 0) {
    return enterEncapsulation(cursor, ENCAP_ERSPAN) ? LAYER_ETHERNET : DONE_MALFORMED;
  }
  return next;
}

/**
 * ERSPAN type II header (draft-foschiano-erspan §4.2), then the mirrored Ethernet frame.
 *
 *   | ver=1 (4) | VLAN (12) | COS (3) | En (2) | T | session id (10) | reserved (12) | index (20) |
 */
export function erspan2Layer(buf: Buffer, cursor: Cursor): number {
  if (cursor.offset + ERSPAN2_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[cursor.offset] >> 4 !== 1) return DONE_OTHER;
  if (!enterEncapsulation(cursor, ENCAP_ERSPAN)) return DONE_MALFORMED;
  cursor.offset += ERSPAN2_HEADER;
  return LAYER_ETHERNET;
}

/**
 * ERSPAN type III header (draft-foschiano-erspan §4.3); only Ethernet frames (frame type 0) are followed.
 *
 *   | ver=2 (4) | VLAN (12) | COS (3) | BSO (2) | T | session id (10) |
 *   | timestamp (32)                                                  |
 *   | SGT (16) | P | FT (5) | HW id (6) | D | Gra (2) | O |
 *   [ platform specific subheader (8) ]  O
 */
export function erspan3Layer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + ERSPAN3_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[offset] >> 4 !== 2) return DONE_OTHER;
  const frameType = (buf[offset + 10] >> 2) & 0x1f;
  if (frameType !== 0) return DONE_OTHER;
  const headerLength = ERSPAN3_HEADER + ((buf[offset + 11] & 0x01) !== 0 ? ERSPAN3_PLATFORM_SUBHEADER : 0);
  if (offset + headerLength > cursor.end) return DONE_MALFORMED;
  if (!enterEncapsulation(cursor, ENCAP_ERSPAN)) return DONE_MALFORMED;
  cursor.offset = offset + headerLength;
  return LAYER_ETHERNET;
}
