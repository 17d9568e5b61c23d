/**
 * UDP (RFC 768), followed only when its destination port is a tunnel's: VXLAN, Geneve, GTP-U, CAPWAP data (whose
 * source port may be the tunnel's instead).
 */
import { ENCAP_GENEVE, ENCAP_GTPU, ENCAP_VXLAN, enterEncapsulation } from './encapsulation.js';
import { layerForEtherType } from './ethertype.js';
import {
  DONE_MALFORMED,
  DONE_OTHER,
  LAYER_CAPWAP,
  LAYER_ETHERNET,
  LAYER_GENEVE,
  LAYER_GTPU,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_VXLAN,
  NO_LAYER,
  type Cursor,
} from './layer.js';

const UDP_HEADER = 8;
const VXLAN_HEADER = 8;
const GENEVE_HEADER = 8;
const GTPU_HEADER = 8;
const GTPU_OPTIONAL_FIELDS = 4;

/** IANA-assigned destination ports of the tunnels decoded (the port a tunnel endpoint listens on). */
const PORT_LAYERS: ReadonlyArray<readonly [number, number]> = [
  [4789, LAYER_VXLAN], // RFC 7348
  [6081, LAYER_GENEVE], // RFC 8926
  [2152, LAYER_GTPU], // 3GPP TS 29.281
  [5247, LAYER_CAPWAP], // RFC 5415 data channel (5246, the control channel, is DTLS)
];
const layerByPort = new Uint8Array(0x10000);
for (const [port, layer] of PORT_LAYERS) layerByPort[port] = layer;

/**
 * Tunnels also recognised by their source port: a CAPWAP controller sends data from 5247 to the port the access point
 * sent from, which is any port. VXLAN and Geneve pick source ports for flow entropy, so theirs say nothing.
 */
const SOURCE_PORT_LAYERS: ReadonlyArray<readonly [number, number]> = [[5247, LAYER_CAPWAP]];
const layerBySourcePort = new Uint8Array(0x10000);
for (const [port, layer] of SOURCE_PORT_LAYERS) layerBySourcePort[port] = layer;

/**
 *   0               16              32
 *   | source port   | dest port     |
 *   | length        | checksum      | payload ...
 *
 * The length trims the payload (0, as segmentation offload leaves it, means "the captured bytes").
 */
export function udpLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + UDP_HEADER > cursor.end) return DONE_MALFORMED;
  let next = layerByPort[(buf[offset + 2] << 8) | buf[offset + 3]];
  if (next === NO_LAYER) next = layerBySourcePort[(buf[offset] << 8) | buf[offset + 1]];
  if (next === NO_LAYER) return DONE_OTHER;
  const length = (buf[offset + 4] << 8) | buf[offset + 5];
  if (length !== 0) {
    if (length < UDP_HEADER) return DONE_MALFORMED;
    if (offset + length < cursor.end) cursor.end = offset + length;
  }
  cursor.offset = offset + UDP_HEADER;
  return next;
}

/**
 * VXLAN header (RFC 7348 §5), then an Ethernet frame.
 *
 *   | flags (I = 0x08) | reserved (24) | VNI (24) | reserved (8) | inner Ethernet ...
 */
export function vxlanLayer(buf: Buffer, cursor: Cursor): number {
  if (cursor.offset + VXLAN_HEADER > cursor.end) return DONE_MALFORMED;
  if (!enterEncapsulation(cursor, ENCAP_VXLAN)) return DONE_MALFORMED;
  cursor.offset += VXLAN_HEADER;
  return LAYER_ETHERNET;
}

/**
 * Geneve header (RFC 8926 §3.4): the protocol type is an EtherType (0x6558 Ethernet, 0x0800 IPv4, 0x86DD IPv6).
 *
 *   0     2          8   9   10          16                32
 *   | ver | opt len  | O | C | reserved  | protocol type   |
 *   | VNI (24)                           | reserved (8)    |
 *   | options (opt len * 4 bytes) ...                      |
 */
export function geneveLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + GENEVE_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[offset] >> 6 !== 0) return DONE_OTHER;
  const headerLength = GENEVE_HEADER + ((buf[offset] & 0x3f) << 2);
  if (offset + headerLength > cursor.end) return DONE_MALFORMED;
  const next = layerForEtherType((buf[offset + 2] << 8) | buf[offset + 3]);
  if (next === NO_LAYER) return DONE_OTHER;
  if (!enterEncapsulation(cursor, ENCAP_GENEVE)) return DONE_MALFORMED;
  cursor.offset = offset + headerLength;
  return next;
}

/**
 * GTP-U header (3GPP TS 29.281 §5.1, §5.2); only G-PDUs (message type 255) carry user packets, an IP packet whose
 * version nibble says which.
 *
 *   0       3    4   5   6   7   8              16                32
 *   | ver=1 | PT | * | E | S | PN | message type | length          |
 *   | TEID (32)                                                    |
 *   [ sequence number (16)          | N-PDU (8) | next ext type   ]  when E, S or PN is set
 *   [ | ext length (4-octet units) | contents ... | next ext type ] ...  while the next ext type is not 0
 *
 * `length` counts everything after the first 8 bytes; it trims the payload.
 */
export function gtpuLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + GTPU_HEADER > cursor.end) return DONE_MALFORMED;
  const flags = buf[offset];
  if (flags >> 5 !== 1 || (flags & 0x10) === 0) return DONE_OTHER;
  if (buf[offset + 1] !== 0xff) return DONE_OTHER;
  const messageEnd = offset + GTPU_HEADER + ((buf[offset + 2] << 8) | buf[offset + 3]);
  if (messageEnd < cursor.end) cursor.end = messageEnd;
  const end = cursor.end;

  let position = offset + GTPU_HEADER;
  if ((flags & 0x07) !== 0) {
    if (position + GTPU_OPTIONAL_FIELDS > end) return DONE_MALFORMED;
    let nextExtension = (flags & 0x04) !== 0 ? buf[position + 3] : 0;
    position += GTPU_OPTIONAL_FIELDS;
    // Each extension is at least 4 bytes, so the walk advances and stops at the captured end.
    while (nextExtension !== 0) {
      if (position >= end) return DONE_MALFORMED;
      const length = buf[position] << 2;
      if (length === 0 || position + length > end) return DONE_MALFORMED;
      nextExtension = buf[position + length - 1];
      position += length;
    }
  }
  if (position >= end) return DONE_OTHER;
  const version = buf[position] >> 4;
  const next = version === 4 ? LAYER_IPV4 : version === 6 ? LAYER_IPV6 : NO_LAYER;
  if (next === NO_LAYER) return DONE_OTHER;
  if (!enterEncapsulation(cursor, ENCAP_GTPU)) return DONE_MALFORMED;
  cursor.offset = position;
  return next;
}
