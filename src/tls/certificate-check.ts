import type { X509Certificate } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { CertificateCheck } from '../model/record.js';
import {
  isoDate,
  issuedBy,
  isSelfSigned,
  oneLineName,
  openCertificate,
  opensslTime,
  publicKeyOf,
  splitSubjectAltName,
} from './certificate.js';
import { certificateSignatureAlgorithm } from './der.js';
import { foldName } from './der-name.js';
import type { TrustStore } from './trust-store.js';

/** Signature algorithms no current client accepts in a chain (RFC 9155 deprecates MD5 and SHA-1 signatures). */
const WEAK_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  'md2WithRSAEncryption',
  'md5WithRSAEncryption',
  'sha1WithRSAEncryption',
  'dsa-with-SHA1',
  'ecdsa-with-SHA1',
]);
const MIN_RSA_BITS = 2048;

const DURATION_UNITS: ReadonlyArray<readonly [seconds: number, name: string]> = [
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** 259200 → '3 days', 5400 → '1 hour', 42 → '42 seconds'. */
export function durationInWords(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  for (const [unit, name] of DURATION_UNITS) {
    if (whole >= unit || unit === 1) {
      const count = Math.floor(whole / unit);
      return `${count} ${name}${count === 1 ? '' : 's'}`;
    }
  }
  return `${whole} seconds`;
}

function epochSeconds(opensslDate: string): number {
  return opensslTime(opensslDate) / 1000;
}

function quoted(cert: X509Certificate): string {
  return `'${oneLineName(cert.subject)}'`;
}

/** Validity of one certificate at `at`: seconds past notAfter, or seconds before notBefore, else null. */
function dateProblem(cert: X509Certificate, at: number, what: string): string | null {
  const notAfter = epochSeconds(cert.validTo);
  const notBefore = epochSeconds(cert.validFrom);
  if (at > notAfter) {
    return `${what} expired ${durationInWords(at - notAfter)} before the handshake (notAfter ${isoDate(cert.validTo)})`;
  }
  if (at < notBefore) {
    return `${what} is not valid until ${durationInWords(notBefore - at)} after the handshake (notBefore ${isoDate(cert.validFrom)})`;
  }
  return null;
}

/**
 * An address is matched against the certificate's IP entries, a name against its DNS names. A colon marks an IPv6
 * address (no host name has one) without net.isIPv6, whose pattern costs every run 3 ms to compile on first use.
 */
function hostnameMatches(leaf: X509Certificate, sni: string): boolean {
  const name = sni.endsWith('.') ? sni.slice(0, -1) : sni;
  try {
    return isIPv4(name) || name.includes(':') ? leaf.checkIP(name) !== undefined : leaf.checkHost(name) !== undefined;
  } catch {
    return false;
  }
}

function namesOf(leaf: X509Certificate): string {
  const san = splitSubjectAltName(leaf.subjectAltName);
  return san.length > 0 ? `SAN: ${san.join(', ')}` : `no SAN; subject ${oneLineName(leaf.subject)}`;
}

/**
 * Judges the server's chain as a client would at capture time `at` (epoch seconds), against the SNI and `store`
 * (RFC 5280 §6 path building, simplified: names, key identifiers and signatures; no revocation, no policies).
 * `ders` is the Certificate message's list, leaf first; the rest may come in any order. Never throws.
 *
 * `selfSigned` means the chain ends at a self-signed certificate the store does not hold (the leaf itself or a
 * private root); a self-signed certificate the store trusts is not a problem and leaves it false.
 */
export function checkCertificateChain(
  ders: Buffer[],
  at: number,
  sni: string | null,
  store: TrustStore,
): CertificateCheck {
  const check: CertificateCheck = {
    at,
    expiredFor: null,
    notYetValidFor: null,
    chainDateProblems: [],
    hostnameMatches: null,
    selfSigned: false,
    chainComplete: false,
    trusted: false,
    missingIssuer: null,
    missingIssuerLooksIntermediate: null,
    problems: [],
  };
  if (ders.length === 0) {
    check.problems.push('the server sent no certificate');
    return check;
  }
  const certs = ders.map((der) => openCertificate(der));
  certs.forEach((cert, index) => {
    if (cert === null) check.problems.push(`certificate ${index + 1} of the chain is not a valid DER certificate`);
  });
  const leaf = certs[0];
  if (leaf === null) return check;

  const notAfter = epochSeconds(leaf.validTo);
  const notBefore = epochSeconds(leaf.validFrom);
  if (at > notAfter) check.expiredFor = Math.round(at - notAfter);
  if (at < notBefore) check.notYetValidFor = Math.round(notBefore - at);
  const leafDates = dateProblem(leaf, at, 'the certificate');
  if (leafDates !== null) check.problems.push(leafDates);

  if (sni !== null) {
    check.hostnameMatches = hostnameMatches(leaf, sni);
    if (!check.hostnameMatches) check.problems.push(`the name '${sni}' is not in the certificate (${namesOf(leaf)})`);
  }

  const onPath = walkChain(certs, store, check);

  certs.forEach((cert, index) => {
    if (index === 0 || cert === null) return;
    const suffix = onPath.has(index) ? '' : ' (sent but not part of the chain)';
    const problem = dateProblem(cert, at, `the chain certificate ${quoted(cert)}`);
    if (problem !== null) {
      check.chainDateProblems.push(problem + suffix);
      check.problems.push(problem + suffix);
    }
  });

  addStrengthProblems(ders, certs, onPath, check);
  return check;
}

/**
 * How far a chain is followed: OpenSSL's default verification depth (SSL_CTX_set_verify_depth), past which its
 * clients fail with "certificate chain too long". A Certificate message may hold thousands of certificates.
 */
export const MAX_CHAIN_DEPTH = 100;
/**
 * Issuance checks (name, key identifier and signature) spent on one chain. A real chain needs one or two per step; a
 * hostile one of thousands of certificates sharing one name would otherwise make every step try every certificate.
 */
export const MAX_ISSUANCE_CHECKS = 256;

/** The sent certificates by issuer-matching name, built once per chain so each step looks at its candidates only. */
class SentCertificates {
  private readonly bySubject = new Map<string, number[]>();
  /** issuance checks left for this chain */
  checksLeft = MAX_ISSUANCE_CHECKS;
  /** a full scan was made for a name the index did not hold (see findIssuer) */
  scanned = false;

  constructor(readonly certs: (X509Certificate | null)[]) {
    certs.forEach((cert, index) => {
      if (cert === null || index === 0) return;
      const key = nameKey(cert.subject);
      const list = this.bySubject.get(key);
      if (list === undefined) this.bySubject.set(key, [index]);
      else list.push(index);
    });
  }

  candidates(issuer: string): readonly number[] {
    return this.bySubject.get(nameKey(issuer)) ?? [];
  }
}

/**
 * A name as an index key: OpenSSL compares names in a canonical form (case and runs of spaces folded), which
 * checkIssued then confirms; folding here keeps such issuers among the candidates.
 */
function nameKey(name: string | undefined): string {
  return foldName(name ?? '');
}

/**
 * Follows issuers from the leaf: first among the certificates sent (any order), then in the store. Fills
 * chainComplete / trusted / selfSigned / missingIssuer and returns the indexes of the sent certificates on the path.
 * Linear in the chain: each step looks only at the sent certificates whose subject is its issuer, the path stops at
 * MAX_CHAIN_DEPTH and the issuance checks at MAX_ISSUANCE_CHECKS.
 */
function walkChain(certs: (X509Certificate | null)[], store: TrustStore, check: CertificateCheck): Set<number> {
  const onPath = new Set<number>([0]);
  const sent = new SentCertificates(certs);
  let current = certs[0] as X509Certificate;
  for (let depth = 1; ; depth++) {
    if (store.has(current)) {
      check.chainComplete = true;
      check.trusted = true;
      return onPath;
    }
    if (depth > MAX_CHAIN_DEPTH) {
      check.problems.push(`the chain is longer than ${MAX_CHAIN_DEPTH} certificates (clients give up there); it was not followed further`);
      return onPath;
    }
    const next = findSentIssuer(current, sent, onPath, check);
    if (next >= 0) {
      onPath.add(next);
      current = certs[next] as X509Certificate;
      continue;
    }
    if (store.issuersOf(current).some((anchor) => issuedBy(current, anchor) === 'yes')) {
      check.chainComplete = true;
      check.trusted = true;
      return onPath;
    }
    if (isSelfSigned(current)) {
      check.chainComplete = true;
      check.selfSigned = true;
      check.missingIssuer = oneLineName(current.subject);
      check.problems.push(
        onPath.size === 1
          ? `the certificate is self-signed and not in the trust store (${quoted(current)})`
          : `the chain ends at the self-signed certificate ${quoted(current)}, which is not in the trust store`,
      );
      return onPath;
    }
    if (sent.checksLeft <= 0) {
      check.problems.push(`the chain was not followed past ${quoted(current)}: too many certificates sent could have issued it`);
      return onPath;
    }
    check.missingIssuer = oneLineName(current.issuer);
    check.missingIssuerLooksIntermediate = intermediateHint(current, store);
    check.problems.push(
      `the issuer '${check.missingIssuer}' of ${quoted(current)} was not sent and is not in the trust store`,
    );
    return onPath;
  }
}

/**
 * The sent certificate that issued `child`, or -1. The certificates named as its issuer come first; when none of them
 * did, every unused certificate is tried once per chain (names OpenSSL matches in ways the folding misses).
 */
function findSentIssuer(child: X509Certificate, sent: SentCertificates, used: Set<number>, check: CertificateCheck): number {
  const named = sent.candidates(child.issuer);
  const found = tryIssuers(child, named, sent, used, check);
  if (found >= 0 || sent.scanned) return found;
  sent.scanned = true;
  const tried = new Set(named);
  const others: number[] = [];
  for (let index = 1; index < sent.certs.length; index++) if (!tried.has(index)) others.push(index);
  return tryIssuers(child, others, sent, used, check);
}

function tryIssuers(child: X509Certificate, indexes: readonly number[], sent: SentCertificates, used: Set<number>, check: CertificateCheck): number {
  let badSignatures = 0;
  for (const index of indexes) {
    const candidate = sent.certs[index];
    if (candidate === null || used.has(index)) continue;
    if (sent.checksLeft <= 0) return -1;
    sent.checksLeft--;
    const verdict = issuedBy(child, candidate);
    if (verdict === 'yes' || verdict === 'unverifiable') return index;
    // one problem per certificate checked, not one per impostor
    if (verdict === 'bad-signature' && badSignatures++ === 0) {
      check.problems.push(`the signature of ${quoted(child)} does not verify with the key of ${quoted(candidate)}`);
    }
  }
  return -1;
}

/** Short RSA keys and MD5/SHA-1 signatures on the path (a self-signed top's own signature is not checked by clients). */
function addStrengthProblems(
  ders: Buffer[],
  certs: (X509Certificate | null)[],
  onPath: Set<number>,
  check: CertificateCheck,
): void {
  for (const index of onPath) {
    const cert = certs[index] as X509Certificate;
    const what = index === 0 ? 'the certificate' : `the chain certificate ${quoted(cert)}`;
    const key = publicKeyOf(cert);
    const rsaBits = key?.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
    if (rsaBits !== undefined && rsaBits < MIN_RSA_BITS) {
      check.problems.push(`${what} has a ${rsaBits}-bit RSA key (under ${MIN_RSA_BITS} bits)`);
    }
    if (isSelfSigned(cert)) continue;
    const algorithm = certificateSignatureAlgorithm(ders[index]);
    if (algorithm !== null && WEAK_SIGNATURE_ALGORITHMS.has(algorithm)) {
      check.problems.push(`${what} is signed with ${algorithm}`);
    }
  }
}

/**
 * Why the issuer `child` names but nobody sent looks like an intermediate rather than a root the client may hold:
 * the certificate publishes its issuer's certificate (AIA caIssuers, RFC 5280 §4.2.2.1), or the store holds a root
 * of the issuer's own organization (O=), whose intermediates this one would be. null when neither.
 */
function intermediateHint(child: X509Certificate, store: TrustStore): string | null {
  if (/CA Issuers/i.test(child.infoAccess ?? '')) {
    return "the certificate names where its issuer's certificate is published (Authority Information Access)";
  }
  const organization = store.issuerOrganizationHeld(child);
  if (organization !== null) {
    return `the trust store holds a root of the issuer's organization "O=${organization}", of which the issuer would be an intermediate`;
  }
  return null;
}
