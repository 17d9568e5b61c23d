/**
 * EtherType registry (IEEE 802 numbers, https://www.iana.org/assignments/ieee-802-numbers): which layer follows a
 * 2-byte protocol type. Ethernet, VLAN tags, SNAP, Linux cooked headers, GRE and Geneve all name their payload this way.
 */
import {
  LAYER_ERSPAN2,
  LAYER_ERSPAN3,
  LAYER_ETHERNET,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_MPLS,
  LAYER_PPP,
  LAYER_PPPOE,
  LAYER_VLAN,
  NO_LAYER,
} from './layer.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

const ETHERTYPE_LAYERS: ReadonlyArray<readonly [number, number]> = [
  [ETHERTYPE_IPV4, LAYER_IPV4],
  [ETHERTYPE_IPV6, LAYER_IPV6],
  [0x8100, LAYER_VLAN], // IEEE 802.1Q customer tag
  [0x88a8, LAYER_VLAN], // IEEE 802.1ad service tag (QinQ)
  [0x9100, LAYER_VLAN], // pre-standard QinQ
  [0x9200, LAYER_VLAN], // pre-standard QinQ
  [0x8847, LAYER_MPLS], // MPLS unicast
  [0x8848, LAYER_MPLS], // MPLS multicast
  [0x8864, LAYER_PPPOE], // PPPoE session stage (discovery 0x8863 carries no IP)
  [0x6558, LAYER_ETHERNET], // transparent Ethernet bridging (GRE, Geneve, NVGRE)
  [0x88be, LAYER_ERSPAN2], // ERSPAN type I/II (in GRE)
  [0x22eb, LAYER_ERSPAN3], // ERSPAN type III (in GRE)
  [0x880b, LAYER_PPP], // PPP (enhanced GRE of PPTP)
];

/** 64 KiB, one byte per EtherType: a lookup costs one load on the per-packet path. */
const layerByEtherType = new Uint8Array(0x10000);
for (const [etherType, layer] of ETHERTYPE_LAYERS) layerByEtherType[etherType] = layer;

/** The layer that follows EtherType `etherType`, or NO_LAYER (0) when it carries nothing this decoder follows. */
export function layerForEtherType(etherType: number): number {
  return etherType < 0x10000 ? layerByEtherType[etherType] : NO_LAYER;
}
