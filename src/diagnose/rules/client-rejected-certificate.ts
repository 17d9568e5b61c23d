import type { RecordFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { isAlertSized } from '../../tls/encrypted-sizes.js';
import { alertSentence, when } from '../evidence.js';
import { delayWords, verdictWindow } from '../timing.js';

const TITLE = 'The client rejected the server\'s certificate (TLS 1.3)';
const FIX =
  'Check the server\'s certificate as this client sees it: expiry, the host name it connects to, and whether the ' +
  'issuing CA is in the client\'s trust store (openssl s_client -connect host:port -servername name). Client-side ' +
  'logs name the exact reason; a key log (--keylog) lets tlsdiag read the certificate and the alert.';

/**
 * TLS 1.3 encrypts the server's certificate and the client's alert, but not their sizes (encrypted-sizes.ts). When
 * the server has sent its encrypted flight and the client promptly answers with an alert-sized record instead of a
 * Finished, or with nothing and a close, the client rejected what the server sent — almost always its certificate.
 * Inferred: the reason itself is not visible. A client that finishes the handshake and at once sends an alert-sized
 * record and closes, without data and without reading the server's session tickets, is read the same way at low
 * confidence: a client that only probes the handshake closes alike.
 */
export function clientRejectedCertificate(facts: RuleContext): Finding | null {
  if (!facts.tls13) return null;
  // the certificate was read (a key log decrypted it): the certificate rules name what was wrong with it
  if (facts.record.tls.certificateCheck !== null && facts.hangUp === null) return null;
  if (facts.hangUp !== null) return byHangUp(facts);
  return byPlaintextAlert(facts) ?? byRecordSizes(facts);
}

function byRecordSizes(facts: RuleContext): Finding | null {
  const rejection = facts.clientRejection;
  if (rejection === null) return null;
  const act = rejection.act;
  const suite = facts.serverHello?.cipherSuite ?? null;
  const { client, server } = facts.postHelloRecords;
  const flight = server.filter((r) => r.ts <= act.ts);
  if (flight.length === 0) return null;
  if (facts.record.tls.alerts.some((a) => a.from === 'server' && a.ts <= act.ts)) return null;
  const end = facts.firstEnd;
  const flightLine = `after the ServerHello the server sent ${flight.length} encrypted record${flight.length === 1 ? '' : 's'} (${flight.map((r) => r.length).join(', ')} bytes): its encrypted certificate and Finished`;
  const inferred = 'inferred from record sizes and timing: TLS 1.3 encrypts the certificate and the alert, so the reason itself is not visible';
  const caveat = rejection.prompt ? undefined : `the client's answer came ${delayWords(rejection.delay)} after the server's flight: too late to be a reaction to it`;
  const endLine =
    end !== null
      ? `then the ${end.from} ${end.kind === 'RST' ? 'reset' : 'closed'} the connection (${end.kind}) ${when(facts, end.ts)}, and no application data followed`
      : 'nothing followed from the client: no Finished, no application data';
  if (client.length === 0) {
    // no Finished at all: Node in TLS 1.3 drops the connection before sending it (FIN, or RST over unread data)
    if (end === null || end.from !== 'client') return null;
    if (facts.record.tls.alerts.some((a) => a.ts <= end.ts)) return null;
    const reset = end.kind === 'RST';
    return {
      code: 'client-rejected-certificate',
      title: TITLE,
      evidence: [
        flightLine,
        `the client sent no encrypted record in answer — neither its Finished nor an alert — and ${reset ? 'reset' : 'closed'} the connection (${end.kind}) ${when(facts, end.ts)}`,
        `${inferred}; some clients drop the connection without an alert when their certificate check fails (Node.js), and the close is a reset when the server's session tickets came with its flight and were left unread`,
      ],
      fix: FIX,
      basis: 'inferred',
      // a reset is how clients abort for any reason (a harness, a cancelled request): only an alternative then
      consistent: rejection.prompt && !reset,
      caveat: caveat ?? (reset ? RESET_ALSO : undefined),
    };
  }
  const first = client[0];
  const upTo = end !== null ? Math.max(end.ts, act.ts) : act.ts;
  if (client.filter((r) => r.ts <= upTo).length !== 1) return null;
  if (!isAlertSized(first.length, suite)) return finishedThenReset(facts, first, flightLine, inferred);
  return {
    code: 'client-rejected-certificate',
    title: TITLE,
    evidence: [
      flightLine,
      `the client's first encrypted record, ${when(facts, first.ts)}, was ${first.length} bytes: the size of an encrypted alert, smaller than any Finished of the negotiated suite`,
      endLine,
      inferred,
      ...(caveat !== undefined ? [`${caveat}; but an alert is an answer whenever it comes`] : []),
    ],
    fix: FIX,
    basis: 'inferred',
    // an alert-sized record is an alert, an answer whenever it comes (as a readable one is: certificate.ts); a late
    // one (a JVM's first host-name check took 0.2 s) only lowers the confidence
    consistent: true,
    ...(rejection.prompt ? {} : { ceiling: 'low' as const }),
    caveat,
  };
}

/**
 * The client sent one record the size of its Finished and at once reset the connection, with nothing from the server
 * after it: it completed its side of the handshake and dropped it, with the server's tickets unread (wget with
 * GnuTLS verifies after the handshake; gnutls-serv sends its tickets with its flight, so the handshake never shows
 * the server answering the Finished). A client aborting for any other reason resets alike: an alternative only.
 */
function finishedThenReset(facts: RuleContext, finished: RecordFacts, flightLine: string, inferred: string): Finding | null {
  // a reset in place of a FIN: the client closed with the server's data unread (RFC 1122 §4.2.2.13); a FIN followed
  // by a reset is any close that data arrived after
  const end = facts.firstEnd;
  const rst = facts.record.tcp.rst;
  if (end === null || end.from !== 'client' || end.kind !== 'RST' || rst === null || rst.from !== 'client') return null;
  if (facts.postHelloRecords.server.some((r) => r.ts > finished.ts && r.ts <= rst.ts)) return null;
  if (facts.record.tls.alerts.some((a) => a.ts <= rst.ts)) return null;
  const delay = rst.ts - finished.ts;
  if (delay < 0 || delay > verdictWindow(facts.rtt)) return null;
  return {
    code: 'client-rejected-certificate',
    title: 'The client dropped the connection right after its TLS 1.3 Finished: most likely it rejected the certificate',
    evidence: [
      flightLine,
      `the client's one encrypted record, ${when(facts, finished.ts)}, was ${finished.length} bytes: its Finished`,
      `then it reset the connection ${delayWords(delay)} later, without a byte of application data: a reset in place of a FIN, so the server's data was left unread`,
      'clients that verify the certificate after the handshake (wget with GnuTLS, Node.js) fail that way',
      `${inferred}; a client that merely tests the handshake closes the same way`,
    ],
    fix: FIX,
    basis: 'inferred',
    // a reset is how clients abort for any reason: only an alternative to reset-by-client
    consistent: false,
    caveat: RESET_ALSO,
  };
}

const RESET_ALSO = "a reset right after the server's flight is also how a client aborts for other reasons";

/** Client alerts about the server's certificate that name no particular defect (RFC 8446 §6.2). */
const VAGUE_CERTIFICATE_ALERTS: ReadonlySet<number> = new Set([42, 43, 44, 46]);

/**
 * TLS 1.3 with the certificate hidden, but the client's alert readable (stacks that send it before switching keys):
 * bad_certificate, unsupported_certificate, certificate_revoked or certificate_unknown says the client rejected the
 * certificate — stated — without saying which defect.
 */
function byPlaintextAlert(facts: RuleContext): Finding | null {
  const alert = facts.decisiveAlert;
  if (alert === null || alert.from !== 'client' || alert.description === null || !VAGUE_CERTIFICATE_ALERTS.has(alert.description)) return null;
  if (facts.record.tls.certificateCheck !== null) return null;
  return {
    code: 'client-rejected-certificate',
    title: `The client rejected the server's certificate with ${alert.name ?? `alert ${alert.description}`} (TLS 1.3)`,
    evidence: [
      alertSentence(facts, alert),
      'the certificate itself was encrypted (TLS 1.3): the alert says the client rejected it, not which defect it found (an expired or not yet valid certificate, a name mismatch, an unknown issuer — a client whose clock is wrong sees valid certificates as not yet valid)',
    ],
    fix: FIX,
    basis: 'stated',
    consistent: true,
    // stated that the client rejected the certificate, not which defect it found: the cause is known only in kind
    ceiling: 'medium',
  };
}

/** A completed TLS 1.3 handshake the client hung up on at once, the certificate unseen (context.ts findHangUp). */
function byHangUp(facts: RuleContext): Finding | null {
  const hangUp = facts.hangUp;
  if (hangUp === null || facts.record.tls.certificateCheck !== null) return null;
  // A client that read what the server sent after its Finished (session tickets) before closing took the session
  // and left: a probe, or a client collecting a ticket. One that verifies after the handshake and fails closes at once,
  // and a reset says it left the server's tickets unread.
  const finishedTs = hangUp.ts - hangUp.delay;
  const readTickets = facts.postHelloRecords.server.some((r) => r.ts > finishedTs && r.ts <= hangUp.ts);
  if (readTickets) return null;
  // and it says so: an alert-sized record before the close (curl's close_notify), or a reset over the server's unread
  // tickets (wget, Node). A bare FIN is how a browser drops a spare connection it opened in parallel.
  if (hangUp.alertRecord === null && hangUp.kind !== 'RST') return null;
  return {
    code: 'client-rejected-certificate',
    title: 'The client hung up right after the TLS 1.3 handshake: most likely it rejected the certificate',
    evidence: [
      `the client sent its Finished, then ${hangUp.alertRecord !== null ? `one ${hangUp.alertRecord.length}-byte encrypted record (the size of an alert) and ` : ''}${hangUp.kind === 'RST' ? 'reset' : hangUp.kind === 'FIN' ? 'closed' : 'ended'} the connection ${delayWords(hangUp.delay)} later${hangUp.unseen === true ? ' at most (its FIN was not captured: the server acknowledged one)' : ''}, without a byte of application data`,
      'clients that verify the certificate after the handshake (Node.js; wget with GnuTLS; curl for the host name) fail that way',
      'inferred from the order and timing of records only: the certificate is encrypted, and a client that merely tests the handshake closes the same way',
    ],
    fix: FIX,
    basis: 'inferred',
    consistent: true,
    ceiling: 'low',
  };
}
