/**
 * Bare IP packets with nothing before them: LINKTYPE_RAW (101, and the DLT_RAW values 12 / 14 some systems write),
 * LINKTYPE_IPV4 (228), LINKTYPE_IPV6 (229); also what GTP-U carries.
 */
import { DONE_MALFORMED, DONE_OTHER, LAYER_IPV4, LAYER_IPV6, type Cursor } from './layer.js';

/** The version nibble (RFC 791 §3.1, RFC 8200 §3: the first 4 bits of either header) decides between IPv4 and IPv6. */
export function ipByVersionLayer(buf: Buffer, cursor: Cursor): number {
  if (cursor.offset >= cursor.end) return DONE_MALFORMED;
  const version = buf[cursor.offset] >> 4;
  if (version === 4) return LAYER_IPV4;
  if (version === 6) return LAYER_IPV6;
  return DONE_OTHER;
}
