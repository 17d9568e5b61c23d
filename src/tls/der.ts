/*
 * A minimal DER reader (ITU-T X.690 §8.1, §10): just enough to walk an X.509 certificate (RFC 5280 §4.1) to the
 * fields node:crypto's X509Certificate does not expose on Node 20. Bounds-checked; malformed input gives null.
 */

/** One TLV: `buf[start]` is the tag, the value is `buf[valueStart, end)`. */
export interface DerElement {
  tag: number;
  start: number;
  valueStart: number;
  end: number;
}

export const DER_SEQUENCE = 0x30;
export const DER_OBJECT_IDENTIFIER = 0x06;
const MAX_LENGTH_OCTETS = 4;

/**
 * Reads the TLV at `offset`, which must end by `limit`:
 *
 * ```
 *  +-----+----------------------------------------------+-------+
 *  | tag | length: 0xxxxxxx (short) or 1nnnnnnn + n bytes | value |
 *  +-----+----------------------------------------------+-------+
 * ```
 * Multi-byte tags (low bits 11111), indefinite lengths and lengths past `limit` are not DER here: null.
 */
export function readDerElement(buf: Buffer, offset: number, limit = buf.length): DerElement | null {
  if (offset + 2 > limit) return null;
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) return null;
  let length = buf[offset + 1];
  let valueStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > MAX_LENGTH_OCTETS || valueStart + octets > limit) return null;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buf[valueStart + i];
    valueStart += octets;
  }
  const end = valueStart + length;
  if (end > limit) return null;
  return { tag, start: offset, valueStart, end };
}

/** The first child of a constructed element, null when it is empty or malformed. */
export function firstChild(buf: Buffer, parent: DerElement): DerElement | null {
  return readDerElement(buf, parent.valueStart, parent.end);
}

/** The element after `element` inside `parent`, null at the end. */
export function nextSibling(buf: Buffer, element: DerElement, parent: DerElement): DerElement | null {
  return readDerElement(buf, element.end, parent.end);
}

/** An OBJECT IDENTIFIER value (X.690 §8.19) in dotted form: base-128 arcs, the first byte holding the first two. */
export function decodeObjectIdentifier(buf: Buffer, element: DerElement): string | null {
  if (element.tag !== DER_OBJECT_IDENTIFIER || element.end <= element.valueStart) return null;
  const arcs: string[] = [];
  let arc = 0n;
  let first = true;
  for (let i = element.valueStart; i < element.end; i++) {
    arc = (arc << 7n) | BigInt(buf[i] & 0x7f);
    if (buf[i] & 0x80) continue;
    if (first) {
      const top = arc < 40n ? 0n : arc < 80n ? 1n : 2n;
      arcs.push(top.toString(), (arc - top * 40n).toString());
      first = false;
    } else {
      arcs.push(arc.toString());
    }
    arc = 0n;
  }
  if (buf[element.end - 1] & 0x80) return null;
  return arcs.join('.');
}

/** Signature algorithm OIDs seen in Web PKI and lab certificates, by dotted OID. */
const SIGNATURE_ALGORITHM_NAMES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.2', 'md2WithRSAEncryption'],
  ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'],
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.10', 'RSASSA-PSS'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption'],
  ['1.2.840.113549.1.1.14', 'sha224WithRSAEncryption'],
  ['1.3.14.3.2.29', 'sha1WithRSAEncryption'],
  ['1.2.840.10040.4.3', 'dsa-with-SHA1'],
  ['2.16.840.1.101.3.4.3.1', 'dsa-with-SHA224'],
  ['2.16.840.1.101.3.4.3.2', 'dsa-with-SHA256'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.2.840.10045.4.3.1', 'ecdsa-with-SHA224'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'],
  ['1.3.101.112', 'ed25519'],
  ['1.3.101.113', 'ed448'],
  ['2.16.840.1.101.3.4.3.17', 'ML-DSA-44'],
  ['2.16.840.1.101.3.4.3.18', 'ML-DSA-65'],
  ['2.16.840.1.101.3.4.3.19', 'ML-DSA-87'],
  ['1.2.156.10197.1.501', 'SM2-with-SM3'],
  ['1.2.643.7.1.1.3.2', 'GOST R 34.10-2012 (256-bit) with GOST R 34.11-2012'],
  ['1.2.643.7.1.1.3.3', 'GOST R 34.10-2012 (512-bit) with GOST R 34.11-2012'],
]);

/** A signature algorithm's name, or its dotted OID when it is not one we know. */
export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHM_NAMES.get(oid) ?? oid;
}

/**
 * The outer signatureAlgorithm of a certificate (RFC 5280 §4.1.1.2), as a name or dotted OID:
 *
 * ```
 *  Certificate ::= SEQUENCE {
 *    tbsCertificate       SEQUENCE { … },
 *    signatureAlgorithm   SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL },
 *    signatureValue       BIT STRING }
 * ```
 * null when the DER does not have that shape.
 */
export function certificateSignatureAlgorithm(der: Buffer): string | null {
  const certificate = readDerElement(der, 0);
  if (certificate === null || certificate.tag !== DER_SEQUENCE) return null;
  const tbs = firstChild(der, certificate);
  if (tbs === null || tbs.tag !== DER_SEQUENCE) return null;
  const algorithm = nextSibling(der, tbs, certificate);
  if (algorithm === null || algorithm.tag !== DER_SEQUENCE) return null;
  const oidElement = firstChild(der, algorithm);
  if (oidElement === null) return null;
  const oid = decodeObjectIdentifier(der, oidElement);
  return oid === null ? null : signatureAlgorithmName(oid);
}
