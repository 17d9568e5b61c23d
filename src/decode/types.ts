/**
 * The decoder's output: one TCP segment, found under whatever link layer and tunnels carried it.
 * The decoder fills one reused object per frame (no allocation per packet); everything in it is valid only until the
 * next frame is decoded. Address bytes are not formatted here: `formatAddress` does that once per new flow.
 */
export interface TcpSegment {
  /** the frame's bytes (a view of the capture chunk) that the offsets below index */
  buf: Buffer;
  ipVersion: 4 | 6;
  /** offsets into `buf` of the innermost IP header's source and destination addresses; length 4 or 16 */
  srcAddrOffset: number;
  dstAddrOffset: number;
  addrLength: 4 | 16;
  /** IPv4 TTL or IPv6 hop limit of the innermost IP header */
  ttl: number;
  srcPort: number;
  dstPort: number;
  /** unsigned 32-bit sequence and acknowledgement numbers */
  seq: number;
  ack: number;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80) */
  flags: number;
  window: number;
  /** the TCP payload is buf[payloadStart, payloadEnd) — fewer bytes than sent when `truncated` */
  payloadStart: number;
  payloadEnd: number;
  /** bytes of TCP payload the IP header says were sent (may exceed payloadEnd - payloadStart) */
  payloadLength: number;
  /** the frame was cut by the snaplen before the end of the IP datagram */
  truncated: boolean;
  /** the IP datagram is a fragment (first fragment only reaches here: later ones carry no TCP header) */
  fragment: boolean;
  /** outermost-first encapsulations crossed, e.g. 'vlan', 'pppoe', 'gre', 'vxlan', 'geneve', 'gtp-u', 'ip-in-ip' ('' when none) */
  tunnel: string;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** Why a frame yielded no TCP segment. */
export type DecodeResult =
  | 'tcp' // `out` holds a segment
  | 'other' // a well-formed frame that is not TCP (ARP, UDP that is no tunnel, ICMP, ...)
  | 'fragment' // a non-first IP fragment: no TCP header in it
  | 'malformed' // a header that contradicts itself or runs past the captured bytes
  | 'unsupported-link'; // a link type the decoder does not know
