/**
 * MPLS label stack (EtherType 0x8847 / 0x8848).
 */
import { ENCAP_MPLS, enterEncapsulation } from './encapsulation.js';
import { DONE_MALFORMED, DONE_OTHER, LAYER_ETHERNET, LAYER_IPV4, LAYER_IPV6, type Cursor } from './layer.js';

const LABEL_ENTRY = 4;
const BOTTOM_OF_STACK = 0x01;
const CONTROL_WORD = 4;

/**
 * RFC 3032 §2.1 label stack entries, repeated until the bottom-of-stack bit:
 *
 *   0                   20  23 24       32
 *   | label              | TC |S|  TTL   |
 *
 * MPLS does not name its payload: the first nibble after the stack decides (RFC 4928): 4 IPv4, 6 IPv6, 0 a pseudowire
 * control word (RFC 4385, 4 bytes) before an Ethernet frame. Anything else (a pseudowire without control word) is
 * left alone, as guessing would misread it.
 */
export function mplsLayer(buf: Buffer, cursor: Cursor): number {
  if (!enterEncapsulation(cursor, ENCAP_MPLS)) return DONE_MALFORMED;
  const end = cursor.end;
  let offset = cursor.offset;
  for (;;) {
    if (offset + LABEL_ENTRY > end) return DONE_MALFORMED;
    const bottom = (buf[offset + 2] & BOTTOM_OF_STACK) !== 0;
    offset += LABEL_ENTRY;
    if (bottom) break;
  }
  if (offset >= end) return DONE_OTHER;
  const nibble = buf[offset] >> 4;
  cursor.offset = offset;
  if (nibble === 4) return LAYER_IPV4;
  if (nibble === 6) return LAYER_IPV6;
  if (nibble === 0) {
    cursor.offset = offset + CONTROL_WORD;
    return LAYER_ETHERNET;
  }
  return DONE_OTHER;
}
