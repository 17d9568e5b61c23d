import type { Finding, RuleContext } from '../context.js';
import { resetLines } from '../reset-evidence.js';

/** The client aborted the handshake with a TCP reset and no TLS alert. */
export function resetByClient(facts: RuleContext): Finding | null {
  const lines = resetLines(facts);
  if (!lines || facts.reset?.from !== 'client') return null;
  return {
    code: 'reset-by-client',
    title: 'The client reset the connection during the handshake',
    evidence: lines,
    fix: 'The client gave up without a TLS alert: check the client\'s own error (a timeout, a rejected certificate, a cancelled request) in its logs; its TLS library usually names the reason there.',
    basis: 'verified',
    consistent: true,
  };
}
