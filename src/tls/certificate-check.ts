import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { CertificateCheck } from '../model/record.js';
import {
  isoDate,
  issuedBy,
  isSelfSigned,
  oneLineName,
  openCertificate,
  publicKeyOf,
  splitSubjectAltName,
} from './certificate.js';
import { certificateSignatureAlgorithm } from './der.js';
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
  return Date.parse(opensslDate) / 1000;
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

function hostnameMatches(leaf: X509Certificate, sni: string): boolean {
  const name = sni.endsWith('.') ? sni.slice(0, -1) : sni;
  try {
    return isIP(name) !== 0 ? leaf.checkIP(name) !== undefined : leaf.checkHost(name) !== undefined;
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
 * Follows issuers from the leaf: first among the certificates sent (any order), then in the store. Fills
 * chainComplete / trusted / selfSigned / missingIssuer and returns the indexes of the sent certificates on the path.
 */
function walkChain(certs: (X509Certificate | null)[], store: TrustStore, check: CertificateCheck): Set<number> {
  const onPath = new Set<number>([0]);
  let current = certs[0] as X509Certificate;
  for (;;) {
    if (store.has(current)) {
      check.chainComplete = true;
      check.trusted = true;
      return onPath;
    }
    const next = findSentIssuer(current, certs, onPath, check);
    if (next >= 0) {
      onPath.add(next);
      current = certs[next] as X509Certificate;
      continue;
    }
    if (store.bySubject(current.issuer).some((anchor) => issuedBy(current, anchor) === 'yes')) {
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
    check.missingIssuer = oneLineName(current.issuer);
    check.missingIssuerLooksIntermediate = intermediateHint(current, store);
    check.problems.push(
      `the issuer '${check.missingIssuer}' of ${quoted(current)} was not sent and is not in the trust store`,
    );
    return onPath;
  }
}

function findSentIssuer(
  child: X509Certificate,
  certs: (X509Certificate | null)[],
  used: Set<number>,
  check: CertificateCheck,
): number {
  for (let index = 0; index < certs.length; index++) {
    const candidate = certs[index];
    if (candidate === null || used.has(index)) continue;
    const verdict = issuedBy(child, candidate);
    if (verdict === 'yes' || verdict === 'unverifiable') return index;
    if (verdict === 'bad-signature') {
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
  const organization = organizationOf(child.issuer);
  if (organization !== null && store.hasOrganization(organization)) {
    return `the trust store holds a root of the issuer's organization "O=${organization}", of which the issuer would be an intermediate`;
  }
  return null;
}

/** The O= value of a Node multi-line distinguished name, else null. */
export function organizationOf(name: string | undefined): string | null {
  for (const line of (name ?? '').split('\n')) if (line.startsWith('O=')) return line.slice(2);
  return null;
}
