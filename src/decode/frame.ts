/**
 * The decoder's entry point: one captured frame in, the innermost TCP segment out.
 *
 * The frame is walked layer by layer (layer.ts): a table maps each layer id to its step, each step names the next.
 * Per frame nothing is allocated: the cursor and the caller's `out` are reused, the tunnel string is built only when
 * a tunnel was crossed, and cached.
 */
import { capwapLayer } from './capwap.js';
import { MAX_NESTING, trailName } from './encapsulation.js';
import { erspan2Layer, erspan3Layer, greLayer } from './gre.js';
import { capwapIeee80211Layer, ieee80211Layer, ieee80211PaddedLayer } from './ieee80211.js';
import { ipv4Layer } from './ipv4.js';
import { ipv6Layer } from './ipv6.js';
import {
  DONE_FRAGMENT,
  DONE_MALFORMED,
  DONE_OTHER,
  DONE_TCP,
  LAYER_AVS,
  LAYER_CAPWAP,
  LAYER_CISCO_HDLC,
  LAYER_COUNT,
  LAYER_ERSPAN2,
  LAYER_ERSPAN3,
  LAYER_ETHERNET,
  LAYER_GENEVE,
  LAYER_GRE,
  LAYER_GTPU,
  LAYER_IEEE80211,
  LAYER_IEEE80211_CAPWAP,
  LAYER_IEEE80211_PADDED,
  LAYER_IP_BY_VERSION,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_LOOPBACK,
  LAYER_MPLS,
  LAYER_PPI,
  LAYER_PPP,
  LAYER_PPPOE,
  LAYER_PRISM,
  LAYER_RADIOTAP,
  LAYER_SLL,
  LAYER_SLL2,
  LAYER_TCP,
  LAYER_UDP,
  LAYER_VLAN,
  LAYER_VXLAN,
  NO_LAYER,
  type Cursor,
  type LayerStep,
} from './layer.js';
import { ethernetLayer, vlanLayer } from './ethernet.js';
import { firstLayerOf } from './link.js';
import { loopbackLayer } from './loopback.js';
import { mplsLayer } from './mpls.js';
import { ciscoHdlcLayer, pppLayer, pppoeLayer } from './ppp.js';
import { avsLayer, ppiLayer, prismLayer, radiotapLayer } from './radio-headers.js';
import { ipByVersionLayer } from './raw-ip.js';
import { sll2Layer, sllLayer } from './sll.js';
import { tcpLayer } from './tcp.js';
import type { DecodeResult, TcpSegment } from './types.js';
import { geneveLayer, gtpuLayer, udpLayer, vxlanLayer } from './udp-tunnels.js';

export { formatAddress } from './address.js';
export { linkTypeName } from './link-names.js';
export { newTcpSegment } from './segment.js';

const STEP_BY_LAYER: ReadonlyArray<readonly [number, LayerStep]> = [
  [LAYER_ETHERNET, ethernetLayer],
  [LAYER_VLAN, vlanLayer],
  [LAYER_MPLS, mplsLayer],
  [LAYER_PPPOE, pppoeLayer],
  [LAYER_PPP, pppLayer],
  [LAYER_CISCO_HDLC, ciscoHdlcLayer],
  [LAYER_SLL, sllLayer],
  [LAYER_SLL2, sll2Layer],
  [LAYER_LOOPBACK, loopbackLayer],
  [LAYER_IP_BY_VERSION, ipByVersionLayer],
  [LAYER_IPV4, ipv4Layer],
  [LAYER_IPV6, ipv6Layer],
  [LAYER_TCP, tcpLayer],
  [LAYER_UDP, udpLayer],
  [LAYER_GRE, greLayer],
  [LAYER_VXLAN, vxlanLayer],
  [LAYER_GENEVE, geneveLayer],
  [LAYER_GTPU, gtpuLayer],
  [LAYER_ERSPAN2, erspan2Layer],
  [LAYER_ERSPAN3, erspan3Layer],
  [LAYER_IEEE80211, ieee80211Layer],
  [LAYER_IEEE80211_PADDED, ieee80211PaddedLayer],
  [LAYER_IEEE80211_CAPWAP, capwapIeee80211Layer],
  [LAYER_RADIOTAP, radiotapLayer],
  [LAYER_PPI, ppiLayer],
  [LAYER_PRISM, prismLayer],
  [LAYER_AVS, avsLayer],
  [LAYER_CAPWAP, capwapLayer],
];
const steps: LayerStep[] = new Array(LAYER_COUNT).fill(malformedStep);
for (const [layer, step] of STEP_BY_LAYER) steps[layer] = step;

/** indexed by the negated DONE_* outcome */
const RESULTS: DecodeResult[] = new Array<DecodeResult>(5).fill('malformed');
RESULTS[-DONE_TCP] = 'tcp';
RESULTS[-DONE_OTHER] = 'other';
RESULTS[-DONE_FRAGMENT] = 'fragment';

/**
 * A frame with no tunnel takes 3 to 5 steps; each tunnel adds a handful. Stacked VLAN tags and MPLS labels are one
 * step each however many, so this only stops a walk that something hostile keeps going.
 */
const MAX_STEPS = 8 * (MAX_NESTING + 2);

const cursor: Cursor = { offset: 0, end: 0, declaredEnd: 0, frameEnd: 0, frameWhole: false, trail: new Uint8Array(MAX_NESTING), depth: 0 };

/**
 * Decodes one frame of link type `linkType` (LINKTYPE_* number) down to its innermost TCP header, filling `out`.
 * Returns 'tcp' when `out` holds a segment (valid until the next call), otherwise why not. Never throws: malformed
 * and hostile frames are a 'malformed' result. The layers read are listed in link.ts, ethertype.ts, ip-protocol.ts
 * and udp-tunnels.ts; the wire formats are drawn beside each step.
 */
export function decodeFrame(linkType: number, frame: Buffer, out: TcpSegment): DecodeResult {
  return decodeFrameAt(linkType, frame, 0, frame.length, out);
}

/**
 * decodeFrame for the frame `buf[start, end)`, without a view of it: the offsets `out` reports are offsets into `buf`.
 */
export function decodeFrameAt(
  linkType: number,
  buf: Buffer,
  start: number,
  end: number,
  out: TcpSegment,
  origLen: number = Number.POSITIVE_INFINITY,
): DecodeResult {
  let layer = firstLayerOf(linkType);
  if (layer === NO_LAYER) return 'unsupported-link';
  cursor.offset = start;
  cursor.end = end;
  cursor.declaredEnd = end;
  cursor.frameEnd = end;
  cursor.frameWhole = origLen <= end - start;
  cursor.depth = 0;
  out.buf = buf;
  out.truncated = false;
  out.fragment = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    layer = steps[layer](buf, cursor, out);
    if (layer < 0) {
      if (layer === DONE_TCP) out.tunnel = cursor.depth === 0 ? '' : trailName(cursor);
      return RESULTS[-layer];
    }
  }
  return 'malformed';
}

function malformedStep(): number {
  return DONE_MALFORMED;
}

