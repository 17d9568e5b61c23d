import type { Finding, RuleContext } from '../context.js';
import { actSentence, alertSentence } from '../evidence.js';

/** certificate_required (116, RFC 8446 §6.2). */
const CERTIFICATE_REQUIRED = 116;

/**
 * The server asked for a client certificate (CertificateRequest, RFC 5246 §7.4.4 / RFC 8446 §4.3.2) and failed the
 * handshake when the client sent none (an empty Certificate, §7.4.6) or sent one it would not accept.
 */
export function clientCertificateRequired(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const required = tls.alerts.find((a) => a.from === 'server' && a.description === CERTIFICATE_REQUIRED);
  const act = facts.failureAct;
  const serverFailedAfterHello =
    act !== null && act.from === 'server' && facts.serverHello !== null && act.ts >= facts.serverHello.ts;
  if (!required && !(tls.certificateRequested && serverFailedAfterHello)) return null;

  const sent = tls.clientCertificates;
  const evidence: string[] = [];
  if (tls.certificateRequested) evidence.push('the server asked for a client certificate (CertificateRequest)');
  evidence.push(
    sent === null
      ? 'the client sent no Certificate message'
      : sent === 0
        ? 'the client answered with an empty Certificate message: it had no certificate to offer'
        : `the client sent a certificate chain of ${sent} certificate${sent === 1 ? '' : 's'}, which the server refused`,
  );
  evidence.push(required ? alertSentence(facts, required) : actSentence(facts, act!));
  const refused = sent !== null && sent > 0;
  return {
    code: 'client-certificate-required',
    title: refused ? 'The server refused the client\'s certificate' : 'The server requires a client certificate and the client sent none',
    evidence,
    fix: refused
      ? 'Give the client a certificate issued by a CA the server trusts for client authentication (check the server\'s client CA list, the certificate\'s dates and its clientAuth extended key usage).'
      : 'Configure the client with its certificate and private key (for example curl --cert/--key, or the keystore of a Java client); or, if client authentication is not wanted, make it optional on the server.',
    basis: required ? 'stated' : 'verified',
    consistent: true,
  };
}
