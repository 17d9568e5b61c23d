/**
 * TCP header (RFC 9293 §3.1): the end of every walk that finds a segment.
 */
import { DONE_MALFORMED, DONE_TCP, type Cursor } from './layer.js';
import type { TcpSegment } from './types.js';

const MIN_HEADER = 20;
/** ACK alone (no PSH, FIN, RST or URG), and SYN-ACK: segments that carry no data but padding. */
const ACK_ONLY = 0x10;
const SYN_ACK = 0x12;
/** A minimum Ethernet frame (60 bytes) pads a bare IPv4/TCP header (54) with at most 6 bytes. */
const MAX_ETHERNET_PADDING = 6;

/**
 *   0               16              32
 *   | source port   | dest port     |
 *   | sequence number               |
 *   | acknowledgement number        |
 *   | off | rsv | flags | window    |
 *   | checksum      | urgent ptr    |
 *   | options ((off - 5) * 4 bytes) | payload ...
 *
 * Options are skipped (the flow stages need none of them). A data offset below 5, or past the captured bytes or the
 * IP datagram, is malformed. The payload is what was captured; `payloadLength` is what the IP header says was sent.
 */
export function tcpLayer(buf: Buffer, cursor: Cursor, out: TcpSegment): number {
  const offset = cursor.offset;
  const end = cursor.end;
  if (offset + MIN_HEADER > end) return DONE_MALFORMED;
  const headerLength = (buf[offset + 12] >> 4) << 2;
  const payloadStart = offset + headerLength;
  if (headerLength < MIN_HEADER || payloadStart > end || payloadStart > cursor.declaredEnd) return DONE_MALFORMED;

  out.srcPort = (buf[offset] << 8) | buf[offset + 1];
  out.dstPort = (buf[offset + 2] << 8) | buf[offset + 3];
  // `* 0x1000000` rather than `<< 24` keeps the 32-bit numbers unsigned without a `>>> 0` round trip.
  out.seq = buf[offset + 4] * 0x1000000 + ((buf[offset + 5] << 16) | (buf[offset + 6] << 8) | buf[offset + 7]);
  out.ack = buf[offset + 8] * 0x1000000 + ((buf[offset + 9] << 16) | (buf[offset + 10] << 8) | buf[offset + 11]);
  out.flags = buf[offset + 13];
  out.window = (buf[offset + 14] << 8) | buf[offset + 15];
  out.payloadStart = payloadStart;
  out.payloadEnd = end < cursor.declaredEnd ? end : cursor.declaredEnd;
  out.payloadLength = cursor.declaredEnd - payloadStart;
  if (isPaddedAck(buf, out)) {
    out.payloadEnd = payloadStart;
    out.payloadLength = 0;
  }
  return DONE_TCP;
}

/**
 * A pure ACK (or a SYN-ACK) whose "payload" is at most 6 zero bytes: the Ethernet padding of a minimum frame that a stack or a tap
 * counted into the IP total length. Read as data it would claim the sequence numbers of the next real segment, and
 * the first copy of those bytes wins in reassembly. Real data is not sent that way: a send ends with PSH, and no TLS
 * record is all zeros.
 */
function isPaddedAck(buf: Buffer, out: TcpSegment): boolean {
  const length = out.payloadEnd - out.payloadStart;
  if ((out.flags !== ACK_ONLY && out.flags !== SYN_ACK) || length === 0 || length > MAX_ETHERNET_PADDING || out.payloadLength !== length) return false;
  for (let i = out.payloadStart; i < out.payloadEnd; i++) if (buf[i] !== 0) return false;
  return true;
}
