import type { Finding, RuleContext } from '../context.js';
import { checkedAt, clientCertificateAlert, clientRejection, leafPhrase, otherProblems, TLS13_HIDDEN } from '../certificate.js';
import { quoted } from '../describe.js';

/** unknown_ca (48): the client could not anchor the chain in its trust store. */
const UNKNOWN_CA = 48;

/**
 * The chain ends in a certificate the client does not trust: self-signed, or issued by a private CA (RFC 5280 §6).
 * Decided by the record's check against the trust store, or — when the chain was encrypted (TLS 1.3) or the check
 * found nothing — by the client's certificate alert.
 */
export function certificateUntrusted(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  const rejection = clientRejection(facts);
  if (!rejection) return null;
  const alert = clientCertificateAlert(facts);
  const checkFound = check !== null && (!check.trusted || check.selfSigned);
  if (!checkFound && alert === null) return null;
  const leaf = tls.certificates[0];
  const evidence: string[] = [];
  if (check && checkFound) {
    evidence.push(
      check.selfSigned
        ? `${leafPhrase(leaf)} is self-signed`
        : `${leafPhrase(leaf)} chains to ${quoted(check.missingIssuer ?? leaf?.issuer ?? 'an unknown issuer')}, which is in no trust store tlsdiag knows`,
      ...(tls.certificates.length > 1 && !check.chainComplete
        ? ['the chain sent ends at an intermediate: what is missing is most likely a root the client does not have (a private or TLS-inspection CA)']
        : []),
      checkedAt(check),
      rejection,
      'decided by checking the chain against the trust store; the client\'s reaction corroborates',
      ...otherProblems(check, (p) => /trust|self|issuer/i.test(p)),
    );
  } else {
    evidence.push(
      rejection,
      check
        ? 'tlsdiag\'s own check found the chain trusted: the client\'s trust store differs'
        : facts.tls13
          ? TLS13_HIDDEN
          : 'the record holds no certificate check to confirm it',
    );
  }
  return {
    code: 'certificate-untrusted',
    title: 'The client does not trust the server\'s certificate',
    evidence,
    fix:
      alert === UNKNOWN_CA || checkFound
        ? 'Install a certificate from a CA the clients trust on the server; or, for a private CA, add that CA\'s root to the client\'s trust store (never disable verification).'
        : 'Inspect the server\'s chain as the client sees it (openssl s_client -showcerts) and compare it with the client\'s trust store and policy; replace the certificate or add the issuing CA to the client\'s store.',
  };
}
