import type { Finding, RuleContext } from '../context.js';
import { resetLines } from '../reset-evidence.js';

/** The server aborted the handshake with a TCP reset (RFC 9293 §3.5.2) and no TLS alert. */
export function resetByServer(facts: RuleContext): Finding | null {
  const lines = resetLines(facts);
  if (!lines || facts.reset?.from !== 'server') return null;
  return {
    code: 'reset-by-server',
    title: 'The server reset the connection during the handshake',
    evidence: lines,
    fix: 'The server (or the load balancer in front of it) dropped the handshake without saying why: check its logs at that time for TLS errors, crashes or connection limits, and its TLS configuration for the name and versions this client uses.',
    basis: 'verified',
    consistent: true,
  };
}
