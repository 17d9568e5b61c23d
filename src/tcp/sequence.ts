/**
 * TCP sequence numbers live on a 32-bit circle (RFC 9293 §3.4): a comparison is only meaningful as the signed
 * distance between two numbers less than 2^31 apart, which holds for anything inside one window.
 */

/** Signed distance from `from` to `to` on the 2^32 circle: positive when `to` is ahead. */
export function seqDelta(to: number, from: number): number {
  return (to - from) | 0;
}

/** `seq + n` wrapped to an unsigned 32-bit sequence number. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}
