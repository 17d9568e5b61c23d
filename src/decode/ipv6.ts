/**
 * IPv6 header and extension headers (RFC 8200).
 */
import { layerForIpProtocol } from './ip-protocol.js';
import { DONE_FRAGMENT, DONE_MALFORMED, type Cursor } from './layer.js';
import type { TcpSegment } from './types.js';

const FIXED_HEADER = 40;
const MIN_EXTENSION = 8;

// How an extension header states its length (https://www.iana.org/assignments/ipv6-parameters, "IPv6 Extension
// Header Types"). No-next-header (59) and ESP (50) are not here: nothing readable follows them.
const EXT_NONE = 0;
const EXT_IN_8_OCTETS = 1; // RFC 8200 §4.3-4.6: hdr ext len in 8-octet units, not counting the first 8
const EXT_FRAGMENT = 2; // RFC 8200 §4.5: always 8 bytes
const EXT_IN_4_OCTETS = 3; // RFC 4302 §2.2 AH: payload len in 4-octet units, minus 2

const EXTENSION_KINDS: ReadonlyArray<readonly [number, number]> = [
  [0, EXT_IN_8_OCTETS], // hop-by-hop options
  [43, EXT_IN_8_OCTETS], // routing
  [44, EXT_FRAGMENT],
  [51, EXT_IN_4_OCTETS], // authentication header
  [60, EXT_IN_8_OCTETS], // destination options
  [135, EXT_IN_8_OCTETS], // mobility (RFC 6275)
  [139, EXT_IN_8_OCTETS], // HIP (RFC 7401)
  [140, EXT_IN_8_OCTETS], // shim6 (RFC 5533)
];
const extensionKind = new Uint8Array(256);
for (const [nextHeader, kind] of EXTENSION_KINDS) extensionKind[nextHeader] = kind;

/**
 *   0       4               12                                      32
 *   | ver | traffic class | flow label                              |
 *   | payload length                | next header | hop limit       |
 *   | source address (16)                                           |
 *   | destination address (16)                                      |
 *   | extension headers ... | upper-layer header ...                |
 *
 * Every extension header starts `| next header | length | ...` and is a multiple of 8 bytes (AH: of 4, at least
 * 12), so the walk over them always advances and ends within the captured bytes. A payload length of 0 (jumbogram
 * or segmentation offload) means the captured bytes are the datagram. A fragment header with a non-zero offset
 * ends the walk as a later fragment; with M set and offset 0 the segment is decoded and flagged.
 */
export function ipv6Layer(buf: Buffer, cursor: Cursor, out: TcpSegment): number {
  const offset = cursor.offset;
  if (offset + FIXED_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[offset] >> 4 !== 6) return DONE_MALFORMED;

  const payloadLength = (buf[offset + 4] << 8) | buf[offset + 5];
  if (payloadLength === 0) {
    cursor.declaredEnd = cursor.end;
  } else {
    const datagramEnd = offset + FIXED_HEADER + payloadLength;
    // As for IPv4: past the captured bytes is a snaplen cut, past an outer length field the outer length wins.
    if (datagramEnd <= cursor.end) {
      cursor.declaredEnd = datagramEnd;
      cursor.end = datagramEnd;
    } else if (cursor.end < cursor.frameEnd || cursor.frameWhole) {
      cursor.declaredEnd = cursor.end;
    } else {
      cursor.declaredEnd = datagramEnd;
      out.truncated = true;
    }
  }
  const end = cursor.end;

  out.ipVersion = 6;
  out.addrLength = 16;
  out.srcAddrOffset = offset + 8;
  out.dstAddrOffset = offset + 24;
  out.ttl = buf[offset + 7];

  let nextHeader = buf[offset + 6];
  let position = offset + FIXED_HEADER;
  for (;;) {
    const kind = extensionKind[nextHeader];
    if (kind === EXT_NONE) break;
    if (position + MIN_EXTENSION > end) return DONE_MALFORMED;
    let length: number;
    if (kind === EXT_IN_8_OCTETS) {
      length = (buf[position + 1] + 1) << 3;
    } else if (kind === EXT_FRAGMENT) {
      length = MIN_EXTENSION;
      const offsetAndFlags = (buf[position + 2] << 8) | buf[position + 3];
      if (offsetAndFlags >> 3 !== 0) return DONE_FRAGMENT;
      if ((offsetAndFlags & 1) !== 0) out.fragment = true;
    } else {
      length = (buf[position + 1] + 2) << 2;
    }
    if (position + length > end) return DONE_MALFORMED;
    nextHeader = buf[position];
    position += length;
  }
  cursor.offset = position;
  return layerForIpProtocol(nextHeader, cursor);
}
