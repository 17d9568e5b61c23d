/**
 * PPP (LINKTYPE_PPP 9, LINKTYPE_PPP_HDLC 50), PPPoE sessions (EtherType 0x8864, LINKTYPE_PPP_ETHER 51) and Cisco HDLC
 * (LINKTYPE_C_HDLC 104).
 */
import { ENCAP_PPPOE, enterEncapsulation } from './encapsulation.js';
import { layerForEtherType } from './ethertype.js';
import { DONE_MALFORMED, DONE_OTHER, LAYER_IPV4, LAYER_IPV6, LAYER_PPP, NO_LAYER, type Cursor } from './layer.js';

/** PPP DLL protocol numbers (https://www.iana.org/assignments/ppp-numbers) that carry what this decoder follows. */
const PPP_PROTOCOL_LAYERS: ReadonlyArray<readonly [number, number]> = [
  [0x0021, LAYER_IPV4],
  [0x0057, LAYER_IPV6],
];
const layerByPppProtocol = new Map<number, number>(PPP_PROTOCOL_LAYERS);

const HDLC_ALL_STATIONS = 0xff;
const HDLC_UI = 0x03;
const PPPOE_HEADER = 6;
const PPPOE_VERSION_TYPE = 0x11;
const PPPOE_SESSION_DATA = 0x00;
const CISCO_HDLC_HEADER = 4;

/**
 * A PPP frame (RFC 1661 §2), optionally in HDLC-like framing (RFC 1662 §3.1: address 0xFF, control 0x03 first).
 *
 *   [ 0xFF | 0x03 ] | protocol (1 or 2) | information ...
 *
 * The protocol field is one byte when compressed (RFC 1661 §6.5): a protocol's low byte is odd and its high byte even,
 * so an odd first byte is a whole compressed protocol.
 */
export function pppLayer(buf: Buffer, cursor: Cursor): number {
  const end = cursor.end;
  let offset = cursor.offset;
  if (offset + 2 <= end && buf[offset] === HDLC_ALL_STATIONS && buf[offset + 1] === HDLC_UI) offset += 2;
  if (offset >= end) return DONE_MALFORMED;
  let protocol = buf[offset];
  if ((protocol & 1) === 0) {
    if (offset + 2 > end) return DONE_MALFORMED;
    protocol = (protocol << 8) | buf[offset + 1];
    offset += 2;
  } else {
    offset += 1;
  }
  const next = layerByPppProtocol.get(protocol);
  if (next === undefined) return DONE_OTHER;
  cursor.offset = offset;
  return next;
}

/**
 * A PPPoE session-stage header (RFC 2516 §4) before a PPP frame (without HDLC framing).
 *
 *   0            1       2            4          6
 *   | ver | type | code  | session id | length   | PPP protocol | payload ...
 *
 * `length` counts the PPP protocol field and payload; it trims the Ethernet padding.
 */
export function pppoeLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + PPPOE_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[offset] !== PPPOE_VERSION_TYPE || buf[offset + 1] !== PPPOE_SESSION_DATA) return DONE_OTHER;
  if (!enterEncapsulation(cursor, ENCAP_PPPOE)) return DONE_MALFORMED;
  const payloadEnd = offset + PPPOE_HEADER + ((buf[offset + 4] << 8) | buf[offset + 5]);
  if (payloadEnd < cursor.end) cursor.end = payloadEnd;
  cursor.offset = offset + PPPOE_HEADER;
  return LAYER_PPP;
}

/**
 * Cisco HDLC (LINKTYPE_C_HDLC 104): address (0x0F unicast, 0x8F broadcast), control 0, then an EtherType.
 *
 *   | address | control | EtherType (2) | payload ...
 */
export function ciscoHdlcLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + CISCO_HDLC_HEADER > cursor.end) return DONE_MALFORMED;
  const next = layerForEtherType((buf[offset + 2] << 8) | buf[offset + 3]);
  if (next === NO_LAYER) return DONE_OTHER;
  cursor.offset = offset + CISCO_HDLC_HEADER;
  return next;
}
