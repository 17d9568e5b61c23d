/**
 * Warnings for handshakes that worked but should not be relied on: they are not failures, so they never become a
 * diagnosis. Each check is a function of the record; the list below is data, run in order.
 */
import type { CertificateCheck, ConnectionRecord } from '../model/record.js';
import { humanDuration, isoDate, namedCode, quoted, versionLabel } from './describe.js';
import { droppedAfterHandshakeWarning } from './post-handshake.js';
import { insecureSuiteReason } from './suites.js';

/** A certificate expiring within this many seconds of the capture gets a warning. */
export const EXPIRY_WARNING_WINDOW = 30 * 86400;
/** Smallest RSA (and DSA) key accepted without a warning (NIST SP 800-57, CA/B Forum baseline). */
export const MIN_RSA_BITS = 2048;
/** Versions deprecated by RFC 8996 (TLS 1.0, 1.1), RFC 7568 (SSL 3.0) and RFC 6176 (SSL 2.0). */
export const DEPRECATED_VERSIONS: ReadonlySet<string> = new Set(['0x0002', '0x0300', '0x0301', '0x0302']);

/** One warning check; `dropped` says the client dropped the session at once (so it did not accept the certificate). */
type WarningCheck = (record: ConnectionRecord, dropped: boolean) => string | null;

const deprecatedVersion: WarningCheck = ({ tls }) => {
  const version = tls.serverHello?.version;
  if (!version || !DEPRECATED_VERSIONS.has(version)) return null;
  return `negotiated ${versionLabel(version)}, a deprecated protocol version: enable TLS 1.2 or 1.3 on both sides`;
};

const insecureSuite: WarningCheck = ({ tls }) => {
  const hello = tls.serverHello;
  if (!hello) return null;
  const reason = insecureSuiteReason(hello.cipherSuite, hello.cipherSuiteName);
  if (!reason) return null;
  return `negotiated an insecure cipher suite ${namedCode(hello.cipherSuiteName, hello.cipherSuite)}: ${reason}`;
};

const expiringSoon: WarningCheck = ({ tls }, dropped) => {
  const leaf = tls.certificates[0];
  const check = tls.certificateCheck;
  if (!leaf || leaf.error || !check) return null;
  if (check.expiredFor !== null) {
    if (dropped) return null;
    return `the server's certificate ${quoted(leaf.subject)} had expired ${humanDuration(check.expiredFor)} before the capture, yet the client accepted it: it may not verify certificates`;
  }
  const notAfter = new Date(leaf.notAfter).getTime() / 1000;
  if (Number.isNaN(notAfter)) return null;
  const left = notAfter - check.at;
  if (left < 0 || left > EXPIRY_WARNING_WINDOW) return null;
  return `the server's certificate ${quoted(leaf.subject)} expires on ${isoDate(leaf.notAfter)}, ${humanDuration(left)} after the capture: renew it`;
};

const weakKey: WarningCheck = ({ tls }) => {
  const leaf = tls.certificates[0];
  if (!leaf || leaf.keyBits === null || leaf.keyType === null) return null;
  const type = leaf.keyType.toLowerCase();
  if ((type === 'rsa' || type === 'rsa-pss' || type === 'dsa') && leaf.keyBits < MIN_RSA_BITS) {
    return `the server's certificate has a weak ${leaf.keyType.toUpperCase()} key of ${leaf.keyBits} bits (at least ${MIN_RSA_BITS} expected)`;
  }
  return null;
};

const sha1Signature: WarningCheck = ({ tls }) => {
  const signed = tls.certificates.find(
    (c) => !c.selfSigned && c.signatureAlgorithm !== null && /sha-?1(?![0-9])/i.test(c.signatureAlgorithm),
  );
  if (!signed) return null;
  return `the certificate ${quoted(signed.subject)} is signed with SHA-1 (${quoted(signed.signatureAlgorithm ?? '', 60)}), which is no longer collision-resistant`;
};

const untrustedChain: WarningCheck = ({ tls }, dropped) => {
  const check = tls.certificateCheck;
  if (dropped || !check || (check.trusted && !check.selfSigned)) return null;
  const why = check.selfSigned ? 'is self-signed' : 'does not chain to a trusted root';
  return `the server's certificate ${why}, yet the handshake completed: the client may be configured to skip verification (or trusts a private CA)`;
};

/** The checks of the negotiated values, then those of the server's chain: the order warnings are given in. */
const NEGOTIATION_CHECKS: readonly WarningCheck[] = [deprecatedVersion, insecureSuite];
const CHAIN_CHECKS: readonly WarningCheck[] = [expiringSoon, weakKey, sha1Signature, untrustedChain];

/**
 * The chain's warnings depend on the chain, its check and `dropped` alone, and every connection that met one chain
 * judged the same way (per SNI and second) holds the same check object: they are worked out once per check (a date
 * parse, a regular expression and a few sentences each time, for every connection of a busy server).
 */
const chainWarningsByCheck = new WeakMap<CertificateCheck, [kept?: readonly string[], dropped?: readonly string[]]>();

function chainWarnings(record: ConnectionRecord, dropped: boolean): readonly string[] {
  const check = record.tls.certificateCheck;
  let known: [kept?: readonly string[], dropped?: readonly string[]] | undefined;
  if (check !== null) {
    known = chainWarningsByCheck.get(check);
    const warnings = known?.[dropped ? 1 : 0];
    if (warnings !== undefined) return warnings;
  }
  const warnings: string[] = [];
  for (const run of CHAIN_CHECKS) {
    const warning = run(record, dropped);
    if (warning !== null) warnings.push(warning);
  }
  if (check !== null) {
    if (known === undefined) chainWarningsByCheck.set(check, (known = []));
    known[dropped ? 1 : 0] = warnings;
  }
  return warnings;
}

/** The warnings of an established connection, in a stable order. */
export function establishedWarnings(record: ConnectionRecord): string[] {
  const dropped = droppedAfterHandshakeWarning(record);
  const warnings: string[] = dropped === null ? [] : [dropped];
  for (const run of NEGOTIATION_CHECKS) {
    const warning = run(record, dropped !== null);
    if (warning !== null) warnings.push(warning);
  }
  const chain = chainWarnings(record, dropped !== null);
  return chain.length === 0 ? warnings : warnings.concat(chain);
}
