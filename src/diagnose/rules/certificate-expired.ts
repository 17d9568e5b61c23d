import type { Finding, RuleContext } from '../context.js';
import { certificateReaction, checkedAt, leafPhrase, otherProblems, reactionBasis, TLS13_HIDDEN } from '../certificate.js';
import { humanDuration, isoDate, quoted } from '../describe.js';
import { alertSentence } from '../evidence.js';

/** certificate_expired (45, RFC 5246 §7.2.2): "a certificate has expired or is not currently valid". */
const CERTIFICATE_EXPIRED = 45;

/**
 * A certificate past its notAfter (RFC 5280 §4.1.2.5) at the capture time. Verified by the check of the server's
 * chain; stated as well when the client's alert is certificate_expired. The alert alone decides when the chain could
 * not be seen (TLS 1.3) — or when the server sends it, about the client's own certificate.
 */
export function certificateExpired(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  const leaf = tls.certificates[0];
  const reaction = certificateReaction(facts);
  const alert = facts.decisiveAlert?.description === CERTIFICATE_EXPIRED ? facts.decisiveAlert : null;

  if (check && reaction && (check.expiredFor !== null || check.chainDateProblems.length > 0)) {
    const evidence: string[] = [];
    if (check.expiredFor !== null) {
      evidence.push(
        `${leafPhrase(leaf)} expired on ${leaf ? isoDate(leaf.notAfter) : 'its notAfter date'}, ` +
          `${humanDuration(check.expiredFor)} before the capture`,
      );
    }
    for (const problem of check.chainDateProblems) evidence.push(`in the chain: ${quoted(problem, 160)}`);
    evidence.push(checkedAt(check), reaction.line);
    evidence.push(
      reaction.prompt
        ? "verified by the certificate's validity dates; the client's prompt reaction corroborates"
        : "verified by the certificate's validity dates, but the client's act came too late to be a reaction to it",
    );
    evidence.push(...otherProblems(check, (p) => /expire|valid/i.test(p)));
    return {
      code: 'certificate-expired',
      title: 'The server\'s certificate has expired',
      evidence,
      fix: 'Renew the server\'s certificate (and any expired intermediate) and install the new chain on the server; automate renewal (ACME) so it cannot lapse again. If the dates look wrong, check the clock of the machine that judged them.',
      basis: reactionBasis(reaction, 'certificate-expired', 'verified'),
      consistent: reaction.prompt,
      caveat: reaction.caveat ?? undefined,
    };
  }
  if (!alert) return null;
  if (alert.from === 'server') {
    return {
      code: 'certificate-expired',
      title: 'The server rejected the client\'s certificate as expired',
      evidence: [alertSentence(facts, alert), 'certificate_expired from the server is about the certificate the client presented'],
      fix: 'Renew the client\'s certificate and configure the client with the new one.',
      basis: 'stated',
      consistent: true,
    };
  }
  return {
    code: 'certificate-expired',
    title: 'The client rejected the server\'s certificate as expired',
    evidence: [
      alertSentence(facts, alert),
      facts.tls13 ? TLS13_HIDDEN : 'the record holds no certificate check to confirm it',
      'stated by the client: certificate_expired also covers a certificate that is not yet valid (RFC 5246 §7.2.2)',
    ],
    fix: 'Check the server certificate\'s notAfter date (openssl s_client -connect host:port | openssl x509 -noout -dates) and renew it; if it is still valid, the client\'s clock is wrong.',
    basis: 'stated',
    consistent: true,
    caveat: check && check.expiredFor === null ? "tlsdiag's own check finds the certificate in date" : undefined,
  };
}
