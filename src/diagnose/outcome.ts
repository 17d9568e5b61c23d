/**
 * established / failed / incomplete. A handshake failed only on evidence: an alert, a reset or FIN before it
 * completed, an answer that is not TLS, or a hello left unanswered past the timeout. Everything else the capture
 * simply does not show — above all a capture that starts mid-connection, which is never a failure.
 */
import type { Outcome } from '../model/record.js';
import type { RuleContext } from './context.js';

export function decideOutcome(facts: Omit<RuleContext, 'outcome'>): Outcome {
  if (facts.record.tls.established) return facts.hangUp !== null || facts.clientLeftBeforeCompletion ? 'failed' : 'established';
  if (facts.tls13FinishedThenIdle || sessionCarriedData(facts)) return 'established';
  // one direction only: a silence or a missing answer proves nothing, but a plaintext fatal alert shows the end
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
