/**
 * What the size of an encrypted TLS 1.3 record says it holds (RFC 8446 §5.2). Every encrypted record carries its
 * content, one byte of inner content type, optional zero padding and the AEAD tag. A Finished is at least
 * 4 bytes of header + the transcript hash (§4.4.4); an alert is 2 bytes. So a record shorter than the smallest Finished
 * the negotiated suite allows cannot be a Finished — nor a Certificate, nor data worth the name: it is an alert
 * (padding aside, which stacks use sparingly: Java's alerts are 35 bytes, still below 53).
 */

/** The AEAD tag of each TLS 1.3 suite (RFC 8446 §B.4; RFC 8446 §9.1, RFC 6655 for CCM_8) and its hash length. */
const SUITE_SIZES: ReadonlyMap<string, { tag: number; hash: number }> = new Map([
  ['0x1301', { tag: 16, hash: 32 }], // TLS_AES_128_GCM_SHA256
  ['0x1302', { tag: 16, hash: 48 }], // TLS_AES_256_GCM_SHA384
  ['0x1303', { tag: 16, hash: 32 }], // TLS_CHACHA20_POLY1305_SHA256
  ['0x1304', { tag: 16, hash: 32 }], // TLS_AES_128_CCM_SHA256
  ['0x1305', { tag: 8, hash: 32 }], // TLS_AES_128_CCM_8_SHA256
]);
/** Unknown suites (drafts, experiments): the smallest tag and hash any TLS 1.3 suite uses. */
const SMALLEST = { tag: 8, hash: 32 };
const HANDSHAKE_HEADER = 4;
const INNER_TYPE = 1;
const ALERT_BODY = 2;

/** The smallest encrypted Finished record body for the suite, in bytes. */
export function smallestFinished(suite: string | null): number {
  const sizes = (suite !== null ? SUITE_SIZES.get(suite.toLowerCase()) : undefined) ?? SMALLEST;
  return HANDSHAKE_HEADER + sizes.hash + INNER_TYPE + sizes.tag;
}

/** The record body is the size of an encrypted alert under the suite: room for 2 bytes, less than a Finished. */
export function isAlertSized(length: number, suite: string | null): boolean {
  const sizes = (suite !== null ? SUITE_SIZES.get(suite.toLowerCase()) : undefined) ?? SMALLEST;
  return length >= ALERT_BODY + INNER_TYPE + sizes.tag && length < smallestFinished(suite);
}
