/**
 * Linux "cooked" capture headers: what `tcpdump -i any` writes. The protocol field is an EtherType.
 */
import { layerForEtherType } from './ethertype.js';
import { DONE_MALFORMED, DONE_OTHER, NO_LAYER, type Cursor } from './layer.js';

const SLL_HEADER = 16;
const SLL_PROTOCOL_AT = 14;
const SLL2_HEADER = 20;
const SLL2_PROTOCOL_AT = 0;

/**
 * LINKTYPE_LINUX_SLL (113), https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
 *
 *   0             2               4                6                14           16
 *   | packet type | ARPHRD type   | address length | address (8)    | protocol   | payload ...
 */
export function sllLayer(buf: Buffer, cursor: Cursor): number {
  return afterCookedHeader(buf, cursor, SLL_HEADER, SLL_PROTOCOL_AT);
}

/**
 * LINKTYPE_LINUX_SLL2 (276), https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
 *
 *   0          2          4                  8             10           11         12            20
 *   | protocol | reserved | interface index  | ARPHRD type | packet type | addr len | address (8) | payload ...
 */
export function sll2Layer(buf: Buffer, cursor: Cursor): number {
  return afterCookedHeader(buf, cursor, SLL2_HEADER, SLL2_PROTOCOL_AT);
}

/** Protocol values below 0x0600 (802.3, 802.2 LLC, CAN, netlink families) name no EtherType: nothing to follow. */
function afterCookedHeader(buf: Buffer, cursor: Cursor, headerLength: number, protocolAt: number): number {
  const offset = cursor.offset;
  if (offset + headerLength > cursor.end) return DONE_MALFORMED;
  const protocol = (buf[offset + protocolAt] << 8) | buf[offset + protocolAt + 1];
  const next = layerForEtherType(protocol);
  if (next === NO_LAYER) return DONE_OTHER;
  cursor.offset = offset + headerLength;
  return next;
}
