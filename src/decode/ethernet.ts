/**
 * Ethernet (LINKTYPE_ETHERNET 1) and the IEEE 802.1Q / 802.1ad VLAN tags it may carry.
 */
import { ENCAP_VLAN, enterEncapsulation } from './encapsulation.js';
import { layerForEtherType } from './ethertype.js';
import { DONE_MALFORMED, DONE_OTHER, LAYER_VLAN, NO_LAYER, type Cursor } from './layer.js';

const ETHERNET_HEADER = 14;
const VLAN_TAG = 4;
/** IEEE 802.3: values up to 1500 in the type field are a length (802.3 frame), from 1536 (0x0600) an EtherType */
const MAX_8023_LENGTH = 1500;
const MIN_ETHERTYPE = 0x0600;
const LLC_HEADER = 3;
const SNAP_HEADER = 5;

/**
 * Ethernet II or IEEE 802.3 header (IEEE 802.3 clause 3).
 *
 *   0          6          12            14
 *   | dst MAC  | src MAC  | type/length | payload ...
 *
 * A type/length up to 1500 is an 802.3 length (trims the frame's padding) followed by LLC (see `afterTypeOrLength`).
 */
export function ethernetLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + ETHERNET_HEADER > cursor.end) return DONE_MALFORMED;
  const typeOrLength = (buf[offset + 12] << 8) | buf[offset + 13];
  return afterTypeOrLength(buf, cursor, typeOrLength, offset + ETHERNET_HEADER);
}

/**
 * A stack of VLAN tags (IEEE 802.1Q, 802.1ad QinQ, any depth); the cursor is on the first tag's TCI, its TPID having
 * been read as the previous header's EtherType.
 *
 *   0          2               4
 *   | PCP/DEI/VID | type/length | next tag or payload ...
 */
export function vlanLayer(buf: Buffer, cursor: Cursor): number {
  if (!enterEncapsulation(cursor, ENCAP_VLAN)) return DONE_MALFORMED;
  const end = cursor.end;
  let offset = cursor.offset;
  // Each tag consumes 4 bytes, so the captured length bounds the loop.
  for (;;) {
    if (offset + VLAN_TAG > end) return DONE_MALFORMED;
    const typeOrLength = (buf[offset + 2] << 8) | buf[offset + 3];
    offset += VLAN_TAG;
    if (layerForEtherType(typeOrLength) !== LAYER_VLAN) return afterTypeOrLength(buf, cursor, typeOrLength, offset);
  }
}

/**
 * What follows an Ethernet type/length field that ends at `offset`. An 802.3 length is followed by an IEEE 802.2
 * LLC header; only SNAP (DSAP 0xAA, SSAP 0xAA, UI 0x03) with an EtherType OUI 00-00-00 (RFC 1042) carries IP.
 *
 *   | DSAP | SSAP | ctrl | OUI (3) | EtherType (2) | payload ...
 */
function afterTypeOrLength(buf: Buffer, cursor: Cursor, typeOrLength: number, offset: number): number {
  if (typeOrLength >= MIN_ETHERTYPE) {
    cursor.offset = offset;
    const next = layerForEtherType(typeOrLength);
    return next === NO_LAYER ? DONE_OTHER : next;
  }
  if (typeOrLength > MAX_8023_LENGTH) return DONE_OTHER;
  const frameEnd = offset + typeOrLength;
  if (frameEnd < cursor.end) cursor.end = frameEnd;
  if (offset + LLC_HEADER > cursor.end) return DONE_MALFORMED;
  const isSnap = buf[offset] === 0xaa && buf[offset + 1] === 0xaa && buf[offset + 2] === 0x03;
  if (!isSnap) return DONE_OTHER;
  offset += LLC_HEADER;
  if (offset + SNAP_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[offset] !== 0 || buf[offset + 1] !== 0 || buf[offset + 2] !== 0) return DONE_OTHER;
  const etherType = (buf[offset + 3] << 8) | buf[offset + 4];
  cursor.offset = offset + SNAP_HEADER;
  const next = layerForEtherType(etherType);
  return next === NO_LAYER ? DONE_OTHER : next;
}
