import type { CertificateFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { checkedAt, clientRejection, leafPhrase, otherProblems } from '../certificate.js';
import { quoted } from '../describe.js';

/**
 * The server sent a chain that stops short (RFC 5246 §7.4.2 / RFC 8446 §4.4.2: the sender provides the chain up to,
 * optionally, the root): a certificate's issuer is neither the next one sent nor a root the store knows.
 */
export function certificateChainIncomplete(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  const rejection = clientRejection(facts);
  if (!check || !rejection || check.chainComplete) return null;
  // Servers send their leaf and intermediates; the root is theirs to omit. A chain that stops above a CA certificate
  // most likely lacks only a root the client does not have — a private or TLS-inspection CA: untrusted, not incomplete.
  if (stopsAtCaCertificate(tls.certificates, check.missingIssuer)) return null;
  const leaf = tls.certificates[0];
  const sent = tls.certificates.length;
  return {
    code: 'certificate-chain-incomplete',
    title: 'The server sends an incomplete certificate chain',
    evidence: [
      `the server sent ${sent} certificate${sent === 1 ? '' : 's'}: ${tls.certificates.map((c) => quoted(c.subject, 80)).join(' → ')}`,
      check.missingIssuer !== null
        ? `the chain stops at issuer ${quoted(check.missingIssuer)}, which was neither sent nor is a known root`
        : `${leafPhrase(leaf)}: its issuer was neither sent nor is a known root`,
      checkedAt(check),
      rejection,
      'decided by following the chain the server sent; the client\'s reaction corroborates',
      ...otherProblems(check, (p) => /issuer|chain|incomplete/i.test(p)),
    ],
    fix: 'Configure the server to send the intermediate certificate(s) with its own (the "full chain" file from the CA, e.g. fullchain.pem), so clients can build a path to a root they trust.',
  };
}

/** The certificate whose issuer is missing is itself a CA (an intermediate): what is missing is most likely a root. */
function stopsAtCaCertificate(certificates: readonly CertificateFacts[], missingIssuer: string | null): boolean {
  if (missingIssuer === null) return false;
  const top = certificates.find((c) => c.issuer === missingIssuer);
  return top !== undefined && top.ca;
}
