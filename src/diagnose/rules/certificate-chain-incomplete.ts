import type { CertificateFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { alertStates, certificateReaction, checkedAt, leafPhrase, otherProblems, TLS13_HIDDEN, UNKNOWN_CA_HIDDEN, type CertificateReaction } from '../certificate.js';
import { quoted } from '../describe.js';

/**
 * The server sent a chain that stops short (RFC 5246 §7.4.2 / RFC 8446 §4.4.2: the sender provides the chain up to,
 * optionally, the root): a non-CA certificate's issuer is neither the next one sent nor a root the store knows.
 * Outside observers cannot tell a missing intermediate from a private root that issues leaves directly, which private
 * PKIs do. Two signs tell an intermediate (tls/certificate-check.ts): the leaf publishes its issuer's certificate
 * (Authority Information Access, RFC 5280 §4.2.2.1), or the store holds a root of the issuer's organization — then
 * inferred. Without them only assumed, and the untrusted-root reading weighs as much.
 */
export function certificateChainIncomplete(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  const reaction = certificateReaction(facts);
  if (!reaction) return null;
  if (!check) return hiddenChain(facts, reaction);
  if (check.chainComplete) return null;
  // Servers send their leaf and intermediates; the root is theirs to omit. A chain that stops above a CA certificate
  // most likely lacks only a root the client does not have — a private or TLS-inspection CA: untrusted, not incomplete.
  if (stopsAtCaCertificate(tls.certificates, check.missingIssuer)) return null;
  const leaf = tls.certificates[0];
  const sent = tls.certificates.length;
  const hint = check.missingIssuerLooksIntermediate ?? null;
  const published = hint !== null;
  const stated = alertStates(reaction.alert, 'certificate-chain-incomplete');
  return {
    code: 'certificate-chain-incomplete',
    title: 'The server sends an incomplete certificate chain',
    evidence: [
      `the server sent ${sent} certificate${sent === 1 ? '' : 's'}: ${tls.certificates.map((c) => quoted(c.subject, 80)).join(' → ')}`,
      check.missingIssuer !== null
        ? `the chain stops at issuer ${quoted(check.missingIssuer)}, which was neither sent nor is a known root`
        : `${leafPhrase(leaf)}: its issuer was neither sent nor is a known root`,
      published
        ? `inferred: ${hint}, so it is an intermediate the server should send`
        : 'assumed: the missing issuer may be an intermediate the server should send, or a private root the client holds (private PKIs issue leaves from the root)',
      checkedAt(check),
      reaction.line,
      ...(stated ? ["the client's unknown_ca says it could not find the issuer"] : []),
      ...otherProblems(check, (p) => /issuer|chain|incomplete/i.test(p)),
    ],
    fix: FULL_CHAIN_FIX,
    basis: stated ? 'stated' : published ? 'inferred' : 'assumed',
    consistent: reaction.prompt,
    weight: published ? 1 : 0,
    caveat: reaction.caveat ?? (published ? undefined : 'the missing issuer may as well be a private root the client holds'),
  };
}

const FULL_CHAIN_FIX =
  'Configure the server to send the intermediate certificate(s) with its own (the "full chain" file from the CA, e.g. fullchain.pem), so clients can build a path to a root they trust.';

/**
 * TLS 1.3 without a key log: the chain was encrypted, and the client's alert states a missing intermediate as well as
 * an untrusted root (unknown_ca, by the alert table; certificate-untrusted.ts reads it the other way): stated, never
 * more than low.
 */
function hiddenChain(facts: RuleContext, reaction: CertificateReaction): Finding | null {
  if (!facts.tls13 || !alertStates(reaction.alert, 'certificate-chain-incomplete')) return null;
  return {
    code: 'certificate-chain-incomplete',
    title: 'The server may send an incomplete certificate chain',
    evidence: [reaction.line, TLS13_HIDDEN, UNKNOWN_CA_HIDDEN],
    fix: FULL_CHAIN_FIX,
    basis: 'stated',
    consistent: reaction.prompt,
    ceiling: 'low',
    caveat: reaction.caveat ?? undefined,
  };
}

/** The certificate whose issuer is missing is itself a CA (an intermediate): what is missing is most likely a root. */
function stopsAtCaCertificate(certificates: readonly CertificateFacts[], missingIssuer: string | null): boolean {
  if (missingIssuer === null) return false;
  const top = certificates.find((c) => c.issuer === missingIssuer);
  return top !== undefined && top.ca;
}

/** The chain stops below a CA certificate and the stopping certificate publishes where its issuer is. */
export function unknownIssuerIsPublished(facts: RuleContext): boolean {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  if (!check || check.chainComplete || (check.missingIssuerLooksIntermediate ?? null) === null) return false;
  return !stopsAtCaCertificate(tls.certificates, check.missingIssuer);
}
