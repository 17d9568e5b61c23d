/**
 * Link-layer types (LINKTYPE_* numbers, https://www.tcpdump.org/linktypes.html) the decoder reads, and the layer that
 * starts each frame of that type.
 */
import {
  LAYER_AVS,
  LAYER_CISCO_HDLC,
  LAYER_ETHERNET,
  LAYER_IEEE80211,
  LAYER_IP_BY_VERSION,
  LAYER_LOOPBACK,
  LAYER_PPI,
  LAYER_PPP,
  LAYER_PPPOE,
  LAYER_PRISM,
  LAYER_RADIOTAP,
  LAYER_SLL,
  LAYER_SLL2,
  NO_LAYER,
} from './layer.js';

export { linkTypeName } from './link-names.js';

const LINK_LAYERS: ReadonlyArray<readonly [number, number]> = [
  [0, LAYER_LOOPBACK], // NULL: BSD loopback, family in host byte order
  [1, LAYER_ETHERNET],
  [9, LAYER_PPP],
  [12, LAYER_IP_BY_VERSION], // DLT_RAW as most systems number it
  [14, LAYER_IP_BY_VERSION], // DLT_RAW as BSD/OS numbers it
  [50, LAYER_PPP], // PPP_HDLC
  [51, LAYER_PPPOE], // PPP_ETHER: a PPPoE header without Ethernet
  [101, LAYER_IP_BY_VERSION], // RAW
  [104, LAYER_CISCO_HDLC], // C_HDLC
  [105, LAYER_IEEE80211], // IEEE802_11: the 802.11 frame alone
  [108, LAYER_LOOPBACK], // LOOP: OpenBSD loopback, family in network byte order
  [113, LAYER_SLL], // LINUX_SLL
  [119, LAYER_PRISM], // IEEE802_11_PRISM
  [127, LAYER_RADIOTAP], // IEEE802_11_RADIOTAP
  [163, LAYER_AVS], // IEEE802_11_AVS
  [192, LAYER_PPI], // PPI
  [228, LAYER_IP_BY_VERSION], // IPV4
  [229, LAYER_IP_BY_VERSION], // IPV6
  [276, LAYER_SLL2], // LINUX_SLL2
];

const MAX_LINK_TYPE = 511;
const layerByLinkType = new Uint8Array(MAX_LINK_TYPE + 1);
for (const [linkType, layer] of LINK_LAYERS) layerByLinkType[linkType] = layer;

/** The first layer of a frame of link type `linkType`, or NO_LAYER (0) when the decoder does not read that link type. */
export function firstLayerOf(linkType: number): number {
  return linkType >>> 0 === linkType && linkType <= MAX_LINK_TYPE ? layerByLinkType[linkType] : NO_LAYER;
}
