import type { RecordFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { actSentence, alertSentence } from '../evidence.js';

/** certificate_required (116, RFC 8446 §6.2). */
const CERTIFICATE_REQUIRED = 116;
/** The most a record of EncryptedExtensions or CertificateRequest is taken to hold when sizes are read (no CA list). */
const SMALL_MESSAGE_RECORD = 1024;

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
  if (!required && !(tls.certificateRequested && serverFailedAfterHello)) return clientStoppedAtRequest(facts);

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

/**
 * The client closed at the server's CertificateRequest: a bare FIN or RST, no alert, promptly after the server's
 * flight, and nothing of its own flight sent. Browsers do that when asked for a certificate: Chromium drops the
 * connection, asks the user (or its store) for a certificate, and connects again with one or with an empty
 * Certificate. The request is seen in TLS ≤ 1.2 (or decrypted); in TLS 1.3 it is read from the record sizes of
 * stacks that put each message in its own record (OpenSSL, Go): one more small record between EncryptedExtensions and
 * the Certificate than a flight without a request has.
 */
function clientStoppedAtRequest(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const rejection = facts.clientRejection;
  if (rejection === null || !rejection.prompt || rejection.act.kind === 'alert' || rejection.act.kind === 'non-TLS') return null;
  const sentNothing = facts.tls13
    ? facts.postHelloRecords.client.length === 0
    : tls.clientCertificates === null && tls.changeCipherSpec.client === null;
  if (!sentNothing) return null;
  const bySizes = !tls.certificateRequested && facts.tls13 && requestBySizes(facts.postHelloRecords.server);
  if (!tls.certificateRequested && !bySizes) return null;
  const sizes = facts.postHelloRecords.server.map((r) => r.length).join(', ');
  return {
    code: 'client-certificate-required',
    title: 'The server asks for a client certificate and the client closed instead of answering',
    evidence: [
      tls.certificateRequested
        ? 'the server asked for a client certificate (CertificateRequest)'
        : `inferred from record sizes: the server's encrypted flight (${sizes} bytes) has a small record between EncryptedExtensions and the Certificate, where a CertificateRequest goes (RFC 8446 §4.3.2)`,
      `${actSentence(facts, rejection.act)}, without an alert and without sending its own flight`,
      'inferred: browsers close at a CertificateRequest, ask the user or their store for a certificate, and connect again with it or with none; the next connection from this client shows which',
    ],
    fix: 'If the server really requires client certificates, give the clients one (a browser: import it into its certificate store); if client authentication is not wanted, make it optional or turn it off on the server.',
    basis: 'inferred',
    consistent: true,
    caveat: bySizes ? 'TLS 1.3 hides the CertificateRequest: it is read from record sizes (a key log would show it)' : undefined,
  };
}

/**
 * TLS 1.3: the server's encrypted flight, one message per record, holds a CertificateRequest: at least five records
 * (EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished), the first two small and the
 * third larger than the second. A flight packed into fewer records says nothing.
 */
function requestBySizes(server: readonly RecordFacts[]): boolean {
  if (server.length < 5) return false;
  const [extensions, request, certificate] = server;
  return extensions.length <= SMALL_MESSAGE_RECORD && request.length <= SMALL_MESSAGE_RECORD && certificate.length > request.length;
}
