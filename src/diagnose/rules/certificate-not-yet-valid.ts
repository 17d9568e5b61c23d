import type { Finding, RuleContext } from '../context.js';
import { certificateReaction, checkedAt, leafPhrase, otherProblems, reactionBasis } from '../certificate.js';
import { humanDuration, isoDate } from '../describe.js';

/**
 * A certificate whose notBefore (RFC 5280 §4.1.2.5) lies after the capture time: issued for the future, or — far
 * more often — a clock that is wrong on the client, the server or the issuing machine. Verified by the check; OpenSSL
 * clients say bad_certificate (42) for it, which corroborates without naming it (docs/alerts.md).
 */
export function certificateNotYetValid(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  const reaction = certificateReaction(facts);
  if (!check || !reaction || check.notYetValidFor === null) return null;
  const leaf = tls.certificates[0];
  return {
    code: 'certificate-not-yet-valid',
    title: 'The server\'s certificate is not valid yet',
    evidence: [
      `${leafPhrase(leaf)} becomes valid on ${leaf ? isoDate(leaf.notBefore) : 'its notBefore date'}, ` +
        `${humanDuration(check.notYetValidFor)} after the capture`,
      checkedAt(check),
      reaction.line,
      reaction.prompt
        ? "verified by the certificate's validity dates; the client's prompt reaction corroborates"
        : "verified by the certificate's validity dates, but the client's act came too late to be a reaction to it",
      ...otherProblems(check, (p) => /valid|before/i.test(p)),
    ],
    fix: 'Check the clocks: the client\'s (or the capturing machine\'s) clock may be behind, or the certificate was issued with a future date. Sync clocks with NTP; reissue the certificate if its dates are wrong.',
    basis: reactionBasis(reaction, 'certificate-not-yet-valid', 'verified'),
    consistent: reaction.prompt,
    caveat: reaction.caveat ?? undefined,
  };
}
