/**
 * Printable IP addresses. Called once per new flow, not per packet, so it may build strings.
 */

/**
 * Formats the 4 or 16 address bytes at `buf[offset]`: IPv4 dotted quad, IPv6 in RFC 5952 §4 canonical form (lower-case
 * hex, no leading zeros, the longest run of two or more zero groups, the first of equal runs, as '::'). IPv4-mapped
 * addresses (::ffff:0:0/96) keep the dotted quad in their last 32 bits (RFC 5952 §5).
 */
export function formatAddress(buf: Buffer, offset: number, length: 4 | 16): string {
  if (length === 4) return dottedQuad(buf, offset);

  const groups: number[] = new Array(8);
  for (let i = 0; i < 8; i++) groups[i] = (buf[offset + 2 * i] << 8) | buf[offset + 2 * i + 1];
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return '::ffff:' + dottedQuad(buf, offset + 12);
  }

  let bestStart = -1;
  let bestLength = 1; // a single zero group is never shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }

  if (bestStart < 0) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups.slice(bestStart + bestLength).map(hex).join(':');
  return head + '::' + tail;
}

function dottedQuad(buf: Buffer, offset: number): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

function hex(group: number): string {
  return group.toString(16);
}
