/**
 * BSD loopback encapsulation: LINKTYPE_NULL (0, family in the capturing host's byte order) and LINKTYPE_LOOP (108,
 * family in network byte order). https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
 */
import { DONE_MALFORMED, DONE_OTHER, LAYER_IPV4, LAYER_IPV6, NO_LAYER, type Cursor } from './layer.js';

const LOOPBACK_HEADER = 4;

/** Address family values of the BSDs: IPv6 differs between them (OpenBSD/NetBSD 24, FreeBSD 28, Darwin 30). */
const FAMILY_LAYERS: ReadonlyArray<readonly [number, number]> = [
  [2, LAYER_IPV4],
  [24, LAYER_IPV6],
  [28, LAYER_IPV6],
  [30, LAYER_IPV6],
];
const layerByFamily = new Uint8Array(256);
for (const [family, layer] of FAMILY_LAYERS) layerByFamily[family] = layer;

/**
 *   0                         4
 *   | address family (32 bit) | IP packet ...
 *
 * The byte order of a NULL header is the writer's, unknown to the reader; a LOOP header is big-endian. Families are
 * small numbers, so whichever end holds the non-zero byte gives the order, and one step reads both link types.
 */
export function loopbackLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + LOOPBACK_HEADER > cursor.end) return DONE_MALFORMED;
  const bigEndian = buf[offset] === 0 && buf[offset + 1] === 0;
  const family = bigEndian
    ? (buf[offset + 2] << 8) | buf[offset + 3]
    : buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16) | (buf[offset + 3] << 24);
  const next = family >= 0 && family < 256 ? layerByFamily[family] : NO_LAYER;
  if (next === NO_LAYER) return DONE_OTHER;
  cursor.offset = offset + LOOPBACK_HEADER;
  return next;
}
