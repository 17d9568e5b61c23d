import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import type { CertificateFacts } from '../model/record.js';
import { certificateSignatureAlgorithm } from './der.js';

/*
 * Parsing a certificate costs ~110 µs and a signature check ~25 µs, while the same few chains come back on every
 * connection to the same servers. So certificates, their descriptions and issuance verdicts are memoised by the
 * SHA-256 of the DER (~7 µs), in bounded maps that forget their oldest entries first.
 */
const CACHE_LIMIT = 1024;
const certificatesByDigest = new Map<string, X509Certificate | null>();
const factsByDigest = new Map<string, CertificateFacts>();
const issuanceVerdicts = new Map<string, IssuanceVerdict>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

/** Lower-case hex SHA-256 of the DER: the certificate's fingerprint, and the key of the memo maps. */
export function derDigest(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * X509Certificate for a DER certificate, or null. (Its own error for bad DER, "PEM routines::no start line", comes
 * from falling back to PEM parsing and says nothing useful.)
 */
export function openCertificate(der: Buffer, digest = derDigest(der)): X509Certificate | null {
  const known = certificatesByDigest.get(digest);
  if (known !== undefined) return known;
  let cert: X509Certificate | null = null;
  try {
    cert = new X509Certificate(der);
  } catch {
    // not DER the certificate parser accepts: null says so
  }
  return remember(certificatesByDigest, digest, cert);
}

/**
 * A distinguished name in the one-line RFC 4514 order, most specific first: 'CN=R3, O=Let's Encrypt, C=US'.
 * Node gives one RDN per line in certificate order (C first), so the lines are reversed.
 */
export function oneLineName(multiLine: string | undefined): string {
  if (!multiLine) return '';
  return multiLine.split('\n').filter(Boolean).reverse().join(', ');
}

/**
 * Splits Node's subjectAltName string ('DNS:a.example, IP Address:192.0.2.1') into entries. Node quotes an entry
 * whose value holds a comma or quote as a JSON string (DNS:"a,b"), so commas inside quotes do not split.
 */
export function splitSubjectAltName(san: string | undefined): string[] {
  if (!san) return [];
  const entries: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= san.length; i++) {
    const ch = san[i];
    if (ch === '\\' && quoted) i++;
    else if (ch === '"') quoted = !quoted;
    else if (i === san.length || (!quoted && ch === ',' && san[i + 1] === ' ')) {
      entries.push(unquoteEntry(san.slice(start, i)));
      start = i + 2;
      i++;
    }
  }
  return entries;
}

function unquoteEntry(entry: string): string {
  const colon = entry.indexOf(':');
  if (colon < 0 || entry[colon + 1] !== '"') return entry;
  try {
    return entry.slice(0, colon + 1) + String(JSON.parse(entry.slice(colon + 1)));
  } catch {
    return entry;
  }
}

/** 'Jan  1 00:00:00 2024 GMT' → '2024-01-01T00:00:00Z' (seconds precision, as certificates have). */
export function isoDate(opensslDate: string): string {
  const time = opensslTime(opensslDate);
  if (Number.isNaN(time)) return opensslDate;
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** OpenSSL's ASN1_TIME_print form: 'Jan  1 00:00:00 2030 GMT', the year in full, fractions of a second optional. */
const OPENSSL_TIME = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{1,4}) GMT$/;

/**
 * Milliseconds since the epoch of a certificate time as Node's X509Certificate prints it (OpenSSL's text), NaN when
 * it is not in that form. Read field by field: Date.parse would take the year 30 of a GeneralizedTime 0030 (RFC 5280
 * §4.1.2.5.2 allows any year) for 2030, moving an expired certificate into the future.
 */
export function opensslTime(text: string): number {
  const m = OPENSSL_TIME.exec(text);
  if (m === null) return NaN;
  const month = MONTHS.indexOf(m[1]);
  if (month < 0) return NaN;
  const date = new Date(Date.UTC(2000, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
  date.setUTCFullYear(Number(m[6]), month, Number(m[2]));
  return date.getTime();
}

/** Bits of an elliptic curve key by OpenSSL curve name (RFC 8422 curves and the Brainpool ones of RFC 7027). */
const CURVE_BITS: ReadonlyMap<string, number> = new Map([
  ['prime256v1', 256],
  ['secp256k1', 256],
  ['secp384r1', 384],
  ['secp521r1', 521],
  ['secp224r1', 224],
  ['prime192v1', 192],
  ['brainpoolP256r1', 256],
  ['brainpoolP384r1', 384],
  ['brainpoolP512r1', 512],
  ['SM2', 256],
]);

/** Key sizes of key types whose size is fixed by the type (RFC 8410). */
const FIXED_KEY_BITS: ReadonlyMap<string, number> = new Map([
  ['ed25519', 256],
  ['x25519', 256],
  ['ed448', 456],
  ['x448', 448],
]);

function keyDescription(cert: X509Certificate): { keyType: string | null; keyBits: number | null } {
  const key = publicKeyOf(cert);
  if (key === null) return { keyType: null, keyBits: null };
  try {
    const keyType = key.asymmetricKeyType ?? null;
    const details = key.asymmetricKeyDetails;
    let keyBits = details?.modulusLength ?? null;
    if (keyBits === null && details?.namedCurve !== undefined) keyBits = CURVE_BITS.get(details.namedCurve) ?? null;
    if (keyBits === null && keyType !== null) keyBits = FIXED_KEY_BITS.get(keyType) ?? null;
    return { keyType, keyBits };
  } catch {
    return { keyType: null, keyBits: null };
  }
}

/**
 * The certificate's public key as a KeyObject, or null when this OpenSSL cannot load its type (ML-DSA on Node 20).
 */
export function publicKeyOf(cert: X509Certificate): KeyObject | null {
  try {
    return cert.publicKey;
  } catch {
    return null;
  }
}

export type IssuanceVerdict = 'yes' | 'unverifiable' | 'bad-signature' | 'no';

/**
 * `issuer` issued `child`: names and key identifiers match (checkIssued) and the signature verifies with the
 * issuer's key. When that key's type cannot be loaded here the signature cannot be checked and the names alone
 * decide ('unverifiable').
 */
export function issuedBy(child: X509Certificate, issuer: X509Certificate): IssuanceVerdict {
  const key = child.fingerprint256 + '>' + issuer.fingerprint256;
  return issuanceVerdicts.get(key) ?? remember(issuanceVerdicts, key, judgeIssuance(child, issuer));
}

function judgeIssuance(child: X509Certificate, issuer: X509Certificate): IssuanceVerdict {
  const key = publicKeyOf(issuer);
  // OpenSSL's checkIssued also fails when it cannot load the key, so only the names are left to compare
  if (key === null) return child.issuer === issuer.subject ? 'unverifiable' : 'no';
  try {
    if (!child.checkIssued(issuer)) return 'no';
    return child.verify(key) ? 'yes' : 'bad-signature';
  } catch {
    return 'no';
  }
}

/** Issued by itself: the issuer name equals the subject name and it is signed by its own key (see issuedBy). */
export function isSelfSigned(cert: X509Certificate): boolean {
  if (cert.issuer !== cert.subject) return false;
  const verdict = issuedBy(cert, cert);
  return verdict === 'yes' || verdict === 'unverifiable';
}

/** Lower-case hex SHA-256 of the DER, no colons. */
export function fingerprintHex(cert: X509Certificate): string {
  return cert.fingerprint256.replaceAll(':', '').toLowerCase();
}

/** What a certificate says about itself (RFC 5280 §4.1), for the connection record. Never throws. */
export function describeCertificate(der: Buffer): CertificateFacts {
  const digest = derDigest(der);
  const facts = factsByDigest.get(digest) ?? remember(factsByDigest, digest, readFacts(der, digest));
  // callers own what they get: the memoised object stays untouched
  return { ...facts, san: [...facts.san] };
}

function readFacts(der: Buffer, digest: string): CertificateFacts {
  const cert = openCertificate(der, digest);
  if (cert === null) {
    return {
      subject: '',
      issuer: '',
      san: [],
      notBefore: '',
      notAfter: '',
      selfSigned: false,
      ca: false,
      keyType: null,
      keyBits: null,
      signatureAlgorithm: null,
      serialNumber: '',
      sha256: '',
      error: 'not a valid DER certificate',
    };
  }
  const { keyType, keyBits } = keyDescription(cert);
  return {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    san: splitSubjectAltName(cert.subjectAltName),
    notBefore: isoDate(cert.validFrom),
    notAfter: isoDate(cert.validTo),
    selfSigned: isSelfSigned(cert),
    ca: cert.ca,
    keyType,
    keyBits,
    signatureAlgorithm: certificateSignatureAlgorithm(der),
    serialNumber: cert.serialNumber,
    sha256: digest,
  };
}
