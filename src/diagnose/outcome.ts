/**
 * established / failed / incomplete. A handshake failed only on evidence: an alert, a reset or FIN before it
 * completed, an answer that is not TLS, or a hello left unanswered past the timeout. Everything else the capture
 * simply does not show — above all a capture that starts mid-connection, which is never a failure.
 */
import type { Outcome } from '../model/record.js';
import type { RuleContext } from './context.js';

export function decideOutcome(facts: Omit<RuleContext, 'outcome'>): Outcome {
  if (facts.record.tls.established) return 'established';
  if (facts.midStream) return facts.connectRefused || facts.connectTimedOut ? 'failed' : 'incomplete';
  if (facts.handshakeHidden && !isPlaintextFatalAlert(facts)) return 'incomplete';
  if (facts.failureAct !== null || facts.helloTimedOut) return 'failed';
  return 'incomplete';
}

function isPlaintextFatalAlert(facts: Omit<RuleContext, 'outcome'>): boolean {
  const alert = facts.decisiveAlert;
  return alert !== null && alert.level === 2 && !alert.encrypted;
}
