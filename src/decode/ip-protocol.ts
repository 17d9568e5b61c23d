/**
 * IP protocol numbers (https://www.iana.org/assignments/protocol-numbers) this decoder follows, shared by IPv4's
 * protocol field and IPv6's last next-header.
 */
import { ENCAP_IP_IN_IP, enterEncapsulation } from './encapsulation.js';
import {
  DONE_MALFORMED,
  DONE_OTHER,
  LAYER_GRE,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_TCP,
  LAYER_UDP,
  NO_LAYER,
  type Cursor,
} from './layer.js';

export const IPPROTO_TCP = 6;

const PROTOCOL_LAYERS: ReadonlyArray<readonly [number, number]> = [
  [IPPROTO_TCP, LAYER_TCP],
  [17, LAYER_UDP], // tunnels over UDP (VXLAN, Geneve, GTP-U)
  [4, LAYER_IPV4], // IPv4 in IP (RFC 2003)
  [41, LAYER_IPV6], // IPv6 in IP (RFC 4213 6in4, RFC 2473)
  [47, LAYER_GRE],
];
const layerByProtocol = new Uint8Array(256);
for (const [protocol, layer] of PROTOCOL_LAYERS) layerByProtocol[protocol] = layer;

/** The layer after an IP header whose payload is `protocol`; an IP header in IP counts as a tunnel crossed. */
export function layerForIpProtocol(protocol: number, cursor: Cursor): number {
  const next = layerByProtocol[protocol];
  if (next === LAYER_TCP) return next;
  if (next === NO_LAYER) return DONE_OTHER;
  if ((next === LAYER_IPV4 || next === LAYER_IPV6) && !enterEncapsulation(cursor, ENCAP_IP_IN_IP)) return DONE_MALFORMED;
  return next;
}
