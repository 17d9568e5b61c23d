/**
 * The vocabulary the layer decoders share. Each layer is a step `(buf, cursor, out) => next`: it reads its header at
 * `cursor.offset`, moves the cursor past it and names the layer that follows, or ends the walk with a negative
 * outcome. `frame.ts` drives the walk from a table, so layers never call each other: no recursion, no import cycles,
 * and a tunnel nested in a tunnel costs one more loop turn.
 */
import type { TcpSegment } from './types.js';

/** Where the walk stands in the frame. One object per decoder, reused for every frame. */
export interface Cursor {
  /** start of the header the next step reads */
  offset: number;
  /** end of the captured bytes that belong to the current layer (outer lengths trim Ethernet padding etc.) */
  end: number;
  /** end of the innermost IP datagram as its header declares it: beyond `end` when the snaplen cut the frame */
  declaredEnd: number;
  /** end of the captured frame: `end` below it means an outer length field (not the snaplen) bounds the layer */
  frameEnd: number;
  /**
   * the capture kept the whole frame (original length = captured length): a length field that reaches past the
   * captured bytes then lies — the snaplen did not cut anything — and is clamped to them, as Wireshark does
   */
  frameWhole: boolean;
  /** encapsulations crossed, outermost first (Encapsulation codes), `depth` of them */
  trail: Uint8Array;
  depth: number;
}

export type LayerStep = (buf: Buffer, cursor: Cursor, out: TcpSegment) => number;

// Layer ids: indexes into the step table of frame.ts. 0 means "none" in the lookup tables below.
export const NO_LAYER = 0;
export const LAYER_ETHERNET = 1;
export const LAYER_VLAN = 2;
export const LAYER_MPLS = 3;
export const LAYER_PPPOE = 4;
export const LAYER_PPP = 5;
export const LAYER_SLL = 6;
export const LAYER_SLL2 = 7;
export const LAYER_LOOPBACK = 8;
export const LAYER_IP_BY_VERSION = 9;
export const LAYER_IPV4 = 10;
export const LAYER_IPV6 = 11;
export const LAYER_TCP = 12;
export const LAYER_UDP = 13;
export const LAYER_GRE = 14;
export const LAYER_VXLAN = 15;
export const LAYER_GENEVE = 16;
export const LAYER_GTPU = 17;
export const LAYER_ERSPAN2 = 18;
export const LAYER_ERSPAN3 = 19;
export const LAYER_CISCO_HDLC = 20;
export const LAYER_IEEE80211 = 21;
/** an 802.11 frame whose header is padded to a 4-byte boundary (radiotap's data-pad flag) */
export const LAYER_IEEE80211_PADDED = 22;
/** an 802.11 frame from a CAPWAP tunnel, whose frame control may be byte-swapped */
export const LAYER_IEEE80211_CAPWAP = 23;
export const LAYER_RADIOTAP = 24;
export const LAYER_PPI = 25;
export const LAYER_PRISM = 26;
export const LAYER_AVS = 27;
export const LAYER_CAPWAP = 28;
/** one past the highest layer id */
export const LAYER_COUNT = 29;

// Outcomes: negative, so one number carries either the next layer or the end of the walk.
export const DONE_TCP = -1;
export const DONE_OTHER = -2;
export const DONE_FRAGMENT = -3;
export const DONE_MALFORMED = -4;
