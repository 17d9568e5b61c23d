/**
 * established / failed / incomplete. A handshake failed only on evidence: an alert, a reset or FIN before it
 * completed, an answer that is not TLS, or a hello left unanswered past the timeout. Everything else the capture
 * simply does not show — above all a capture that starts mid-connection, which is never a failure.
 */
import type { Outcome } from '../model/record.js';
import type { RuleContext } from './context.js';
import { isAlertSized } from '../tls/encrypted-sizes.js';

export function decideOutcome(facts: Omit<RuleContext, 'outcome'>): Outcome {
  if (facts.record.tls.established) return facts.hangUp !== null || facts.clientLeftBeforeCompletion ? 'failed' : 'established';
  if (facts.tls13FinishedThenIdle || sessionCarriedData(facts)) return 'established';
  // one direction only: a silence or a missing answer proves nothing, but a plaintext fatal alert shows the end, and a
  // server that goes on after its flight shows the client's Finished arrived
  if (facts.oneSided && serverWentOnAfterHandshake(facts)) return 'established';
  if (facts.oneSided && !isPlaintextFatalAlert(facts)) return 'incomplete';
  if (facts.midStream) {
    if (facts.connectRefused || facts.connectTimedOut) return 'failed';
    // No hello at all, but a plaintext fatal alert: alerts travel in plaintext only before encryption starts, so it
    // ended a handshake — one that never started (a client whose TLS library refused to build a ClientHello), or one
    // whose beginning the capture missed. Either way the capture shows how it ended.
    if (facts.failureAct !== null && isPlaintextFatalAlert(facts)) return 'failed';
    return 'incomplete';
  }
  if (facts.handshakeHidden && !isPlaintextFatalAlert(facts)) return 'incomplete';
  if (facts.failureAct !== null || facts.helloTimedOut || facts.stallWait !== null) return 'failed';
  return 'incomplete';
}

function isPlaintextFatalAlert(facts: Omit<RuleContext, 'outcome'>): boolean {
  const alert = facts.decisiveAlert;
  return alert !== null && alert.level === 2 && !alert.encrypted;
}

/**
 * TLS ≤ 1.2, not marked complete, yet both sides sent application_data records after the ServerHello and no fatal
 * alert came before: the session carried data both ways, so the handshake completed — the capture lost or could not
 * read a ChangeCipherSpec or Finished (a corrupted record header, a gap).
 */
function sessionCarriedData(facts: Omit<RuleContext, 'outcome'>): boolean {
  const { tls } = facts.record;
  if (facts.tls13 || tls.serverHello === null) return false;
  const data = (from: 'client' | 'server') => tls.encryptedRecords.some((r) => r.from === from && r.contentType === 23);
  if (!data('client') || !data('server')) return false;
  return !tls.alerts.some((a) => a.level === 2 && !a.encrypted);
}

/** A later packet, not the same burst: more than this apart. */
const LATER_PACKET = 0.001;

/**
 * Only the server's side was captured, and it went on after the handshake: TLS ≤ 1.2 application data, or TLS 1.3
 * records in a later packet than its flight (with a Finished-sized record in it). A TLS 1.3 server sends its session
 * tickets and its data only once the client's Finished has arrived (RFC 8446 §4.6.1), so the handshake completed.
 */
function serverWentOnAfterHandshake(facts: Omit<RuleContext, 'outcome'>): boolean {
  const { tls, tcp } = facts.record;
  if (tcp.packets.client !== 0 || tls.serverHello === null) return false;
  const server = tls.encryptedRecords.filter((r) => r.from === 'server' && r.contentType === 23 && r.ts >= tls.serverHello!.ts);
  if (server.length === 0) return false;
  if (!facts.tls13) return true;
  const suite = tls.serverHello.cipherSuite;
  const flightEnd = server[0].ts;
  const flight = server.filter((r) => r.ts - flightEnd <= LATER_PACKET);
  return flight.some((r) => !isAlertSized(r.length, suite)) && server.some((r) => r.ts - flightEnd > LATER_PACKET);
}
