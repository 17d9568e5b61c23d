/**
 * X.509 certificates (RFC 5280 §4.1) written by the test with node:crypto keys, for chains no stack sends: thousands
 * of certificates long, or many sharing one name. Minimal on purpose: version 3, a serial, ecdsa-with-SHA256 (RFC 5758
 * §3.2), CN-only names, a validity, the key, and basicConstraints CA:true for the issuers. DER per X.690.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else if (n < 0x100) length = Buffer.from([0x81, n]);
  else if (n < 0x10000) length = Buffer.from([0x82, n >> 8, n & 0xff]);
  else length = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const utcTime = (text: string) => tlv(0x17, Buffer.from(text, 'ascii'));
/** GeneralizedTime (RFC 5280 §4.1.2.5.2): YYYYMMDDHHMMSSZ, any year */
export const generalizedTime = (text: string) => tlv(0x18, Buffer.from(text, 'ascii'));

function integer(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

const OID_COMMON_NAME = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
const OID_ECDSA_SHA256 = Buffer.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
const OID_BASIC_CONSTRAINTS = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x13]);

function name(commonName: string): Buffer {
  return sequence(set(sequence(OID_COMMON_NAME, utf8(commonName))));
}

export interface CertificateSpec {
  subject: string;
  issuer: string;
  serial: number;
  /** the key the certificate carries */
  publicKey: KeyObject;
  /** the issuer's key, which signs it */
  signingKey: KeyObject;
  ca?: boolean;
  /** notBefore and notAfter as DER times; default UTCTime 2020-01-01 to 2049-12-31 */
  validity?: [Buffer, Buffer];
}

/** One DER certificate, valid 2020–2049 unless `validity` says otherwise. */
export function derCertificate(spec: CertificateSpec): Buffer {
  const algorithm = sequence(OID_ECDSA_SHA256);
  const extensions = spec.ca
    ? [tlv(0xa3, sequence(sequence(OID_BASIC_CONSTRAINTS, tlv(0x01, Buffer.from([0xff])), tlv(0x04, sequence(tlv(0x01, Buffer.from([0xff])))))))]
    : [];
  const tbs = sequence(
    tlv(0xa0, integer(2)),
    integer(spec.serial),
    algorithm,
    name(spec.issuer),
    sequence(...(spec.validity ?? [utcTime('200101000000Z'), utcTime('491231235959Z')])),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    ...extensions,
  );
  const signature = sign('sha256', tbs, spec.signingKey);
  return sequence(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

export function ecKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}
