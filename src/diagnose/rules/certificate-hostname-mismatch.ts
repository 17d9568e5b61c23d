import type { Finding, RuleContext } from '../context.js';
import { certificateReaction, checkedAt, leafPhrase, otherProblems, sanPhrase } from '../certificate.js';
import { quoted } from '../describe.js';

/**
 * The name the client asked for (SNI, RFC 6066 §3) is not covered by the certificate's subjectAltName, or its CN
 * where there is no SAN (RFC 6125 §6.4). Verified by comparing them; no alert names it (OpenSSL says bad_certificate,
 * curl and Node check after the handshake and just hang up: docs/alerts.md).
 */
export function certificateHostnameMismatch(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  const reaction = certificateReaction(facts);
  const sni = facts.clientHello?.sni ?? null;
  if (!check || !reaction || check.hostnameMatches !== false || sni === null) return null;
  const leaf = tls.certificates[0];
  const evidence = [`the client asked for ${quoted(sni)} (SNI)`];
  if (leaf) evidence.push(`${leafPhrase(leaf)} carries ${sanPhrase(leaf)}`, `${quoted(sni)} matches none of them`);
  evidence.push(
    checkedAt(check),
    reaction.line,
    reaction.prompt
      ? "verified by comparing the SNI with the certificate's names; the client's prompt reaction corroborates"
      : "verified by comparing the SNI with the certificate's names, but the client's act came too late to be a reaction to it",
    ...otherProblems(check, (p) => /host|name|match/i.test(p)),
  );
  return {
    code: 'certificate-hostname-mismatch',
    title: 'The server\'s certificate is not valid for the name the client asked for',
    evidence,
    fix: `Install a certificate whose subjectAltName covers ${quoted(sni)} on the server (or on the virtual host that answers for it), or make the client connect with a name the certificate covers.`,
    basis: 'verified',
    consistent: reaction.prompt,
    caveat: reaction.caveat ?? undefined,
  };
}
