/**
 * CAPWAP data channel (RFC 5415 §4.3): how a wireless controller and its access points tunnel the stations' frames
 * over UDP port 5247. The control channel (5246) is DTLS and never reaches this step.
 */
import { ENCAP_CAPWAP, enterEncapsulation } from './encapsulation.js';
import { DONE_FRAGMENT, DONE_MALFORMED, DONE_OTHER, LAYER_ETHERNET, LAYER_IEEE80211_CAPWAP, type Cursor } from './layer.js';

const CAPWAP_MIN_HEADER = 8;
/** preamble version 0, type 0; type 1 means the rest of the datagram is a DTLS record */
const PREAMBLE_CLEAR_HEADER = 0x00;
/** wireless binding ids (RFC 5415 §4.3): only IEEE 802.11 (RFC 5416) has a native frame format this decoder reads */
const BINDING_IEEE80211 = 1;
const FLAG_FRAGMENT = 0x80;
const FLAG_KEEP_ALIVE = 0x08;

/**
 *   0        4        8         13        18        23 24                          32
 *   | version| type   | HLEN    | RID     | WBID    |T|F|L|W|M|K| flags (3)        |
 *   | fragment ID (16)          | fragment offset (13)           | reserved (3)    |
 *   [ radio MAC address: length (1) | address | padding to 4 ]  M
 *   [ wireless specific information: length (1) | data | padding to 4 ]  W
 *   | payload: an IEEE 802.3 frame (T = 0), or the binding's native frame (T = 1) ...
 *
 * HLEN counts the whole header, optional parts included, in 4-byte words. A keep-alive (K) carries message elements,
 * not a frame. A fragment (F) other than the first holds no headers of the inner frame.
 */
export function capwapLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + CAPWAP_MIN_HEADER > cursor.end) return DONE_MALFORMED;
  // Version 0 with type 0 is the only preamble followed by a clear header; type 1 (DTLS) is encrypted.
  if (buf[offset] !== PREAMBLE_CLEAR_HEADER) return DONE_OTHER;
  const headerLength = (buf[offset + 1] >> 3) << 2;
  if (headerLength < CAPWAP_MIN_HEADER || offset + headerLength > cursor.end) return DONE_MALFORMED;
  const flags = buf[offset + 3];
  if ((flags & FLAG_KEEP_ALIVE) !== 0) return DONE_OTHER;
  if ((flags & FLAG_FRAGMENT) !== 0 && ((buf[offset + 6] << 5) | (buf[offset + 7] >> 3)) !== 0) return DONE_FRAGMENT;

  const nativeFrame = (buf[offset + 2] & 0x01) !== 0;
  const binding = (buf[offset + 2] >> 1) & 0x1f;
  const next = !nativeFrame ? LAYER_ETHERNET : binding === BINDING_IEEE80211 ? LAYER_IEEE80211_CAPWAP : DONE_OTHER;
  if (next === DONE_OTHER) return DONE_OTHER;
  if (!enterEncapsulation(cursor, ENCAP_CAPWAP)) return DONE_MALFORMED;
  cursor.offset = offset + headerLength;
  return next;
}
