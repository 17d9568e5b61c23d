/**
 * Flow keys read straight from the address bytes, so finding a packet's flow formats nothing and, for IPv4,
 * allocates nothing. Both directions of a connection give the same key.
 */

/** The 4 bytes of an IPv4 address as a signed 32-bit integer (only ever compared, never shown). */
export function ipv4Address(buf: Buffer, offset: number): number {
  return (buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3];
}

/**
 * A hash of an IPv4 4-tuple that is the same both ways (the endpoints' hashes are combined by xor) and small enough
 * to stay a V8 small integer, so a Map keyed by it boxes nothing. Flows sharing a hash are chained and told apart
 * by their addresses and ports.
 */
export function ipv4FlowHash(srcAddress: number, srcPort: number, dstAddress: number, dstPort: number): number {
  return (endpointHash(srcAddress, srcPort) ^ endpointHash(dstAddress, dstPort)) & 0x3fffffff;
}

function endpointHash(address: number, port: number): number {
  let h = Math.imul(address ^ Math.imul(port, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 16);
}

/**
 * An IPv6 address and port as a 17-character string: the 16 address bytes as latin1, then the port as one char.
 * The table orders a packet's two endpoint strings (low, high) so that both directions meet in one entry.
 */
export function ipv6Endpoint(buf: Buffer, offset: number, port: number): string {
  return buf.toString('latin1', offset, offset + 16) + String.fromCharCode(port);
}

/** An IPv4 address kept as ipv4Address() read it, printed in dotted decimal (RFC 791 §3.2 text form). */
export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/**
 * Which of `shards` a TCP segment's connection belongs to: the same for both directions, and for every connection
 * the same in every run. IPv6 addresses are folded to 32 bits first; only the spread matters here.
 */
export function shardOf(buf: Buffer, srcOffset: number, srcPort: number, dstOffset: number, dstPort: number, addrLength: number, shards: number): number {
  const hash =
    addrLength === 4
      ? ipv4FlowHash(ipv4Address(buf, srcOffset), srcPort, ipv4Address(buf, dstOffset), dstPort)
      : (endpointHash(foldIpv6(buf, srcOffset), srcPort) ^ endpointHash(foldIpv6(buf, dstOffset), dstPort)) & 0x3fffffff;
  return hash % shards;
}

function foldIpv6(buf: Buffer, offset: number): number {
  let h = 0;
  for (let i = 0; i < 16; i += 4) h = Math.imul(h ^ ipv4Address(buf, offset + i), 0x9e3779b1);
  return h;
}
