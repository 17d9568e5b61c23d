/**
 * Where TLS can begin inside a plaintext segment, rather than at its start: after a PROXY protocol header that a load
 * balancer put in front of the ClientHello (HAProxy's PROXY protocol, versions 1 and 2), or after a plaintext line
 * that a client sent in the same write as its ClientHello.
 *
 * PROXY v1: "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n" — one text line of at most 107 bytes.
 * PROXY v2: the 12-byte signature 0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A, version/command, family/protocol, a 16-bit
 * length, then that many bytes of addresses and TLVs.
 */
const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const PROXY_V2_HEADER_BYTES = 16;
const LINE_FEED = 0x0a;
const HANDSHAKE = 0x16;
/** how far into a plaintext segment a line end is looked for (a PROXY v1 line or a short command) */
const MAX_SCAN = 512;

/**
 * Candidate offsets in `data` at which a TLS handshake record may start, best first: after a PROXY v2 header, then
 * after each line feed that is followed by a handshake content type. The caller confirms a candidate by its framing.
 */
export function embeddedTlsCandidates(data: Buffer): number[] {
  const out: number[] = [];
  if (data.length > PROXY_V2_HEADER_BYTES && data.subarray(0, 12).equals(PROXY_V2_SIGNATURE)) {
    out.push(PROXY_V2_HEADER_BYTES + data.readUInt16BE(14));
  }
  const end = Math.min(data.length - 1, MAX_SCAN);
  for (let i = 0; i < end; i++) {
    if (data[i] === LINE_FEED && data[i + 1] === HANDSHAKE) out.push(i + 1);
  }
  return out;
}
