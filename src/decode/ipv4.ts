/**
 * IPv4 header (RFC 791 §3.1).
 */
import { layerForIpProtocol } from './ip-protocol.js';
import { DONE_FRAGMENT, DONE_MALFORMED, type Cursor } from './layer.js';
import type { TcpSegment } from './types.js';

const MIN_HEADER = 20;
const MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET = 0x1fff;

/**
 *   0       4       8               16      19                      32
 *   | ver | IHL | DSCP/ECN        | total length                     |
 *   | identification              | flags | fragment offset          |
 *   | TTL       | protocol        | header checksum                  |
 *   | source address                                                 |
 *   | destination address                                            |
 *   | options (IHL * 4 - 20 bytes) ...                               |
 *
 * The total length trims Ethernet padding; beyond the captured bytes it marks the segment truncated — unless the
 * capture kept the whole frame (original length = captured length), when the length field is bogus and the captured
 * bytes are the datagram (Wireshark clamps it the same way). A total length
 * of 0 is what captures taken below segmentation offload show for large sends: the captured bytes are the datagram.
 * A later fragment (offset ≠ 0) has no TCP header; the first one (MF set) is decoded and flagged.
 */
export function ipv4Layer(buf: Buffer, cursor: Cursor, out: TcpSegment): number {
  const offset = cursor.offset;
  const end = cursor.end;
  if (offset + MIN_HEADER > end) return DONE_MALFORMED;
  const versionAndIhl = buf[offset];
  if (versionAndIhl >> 4 !== 4) return DONE_MALFORMED;
  const headerLength = (versionAndIhl & 0x0f) << 2;
  if (headerLength < MIN_HEADER || offset + headerLength > end) return DONE_MALFORMED;

  const totalLength = (buf[offset + 2] << 8) | buf[offset + 3];
  if (totalLength === 0) {
    cursor.declaredEnd = end;
  } else {
    if (totalLength < headerLength) return DONE_MALFORMED;
    const datagramEnd = offset + totalLength;
    // Beyond the captured bytes the snaplen cut the datagram; beyond an outer length field (PPPoE, UDP of a
    // tunnel) the IP header is the one that lies (senders that count link padding do), so the outer length wins.
    if (datagramEnd <= end) {
      cursor.declaredEnd = datagramEnd;
      cursor.end = datagramEnd;
    } else if (end < cursor.frameEnd || cursor.frameWhole) {
      cursor.declaredEnd = end;
    } else {
      cursor.declaredEnd = datagramEnd;
      out.truncated = true;
    }
  }

  const fragmentField = (buf[offset + 6] << 8) | buf[offset + 7];
  if ((fragmentField & FRAGMENT_OFFSET) !== 0) return DONE_FRAGMENT;
  if ((fragmentField & MORE_FRAGMENTS) !== 0) out.fragment = true;

  out.ipVersion = 4;
  out.addrLength = 4;
  out.srcAddrOffset = offset + 12;
  out.dstAddrOffset = offset + 16;
  out.ttl = buf[offset + 8];
  cursor.offset = offset + headerLength;
  return layerForIpProtocol(buf[offset + 9], cursor);
}
