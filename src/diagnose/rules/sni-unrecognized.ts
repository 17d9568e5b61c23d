import type { Finding, RuleContext } from '../context.js';
import { quoted } from '../describe.js';
import { alertSentence } from '../evidence.js';

/** unrecognized_name (112, RFC 6066 §3): the server has no configuration for the name in the SNI. */
const UNRECOGNIZED_NAME = 112;

export function sniUnrecognized(facts: RuleContext): Finding | null {
  const alert = facts.record.tls.alerts.find((a) => a.description === UNRECOGNIZED_NAME && a.from === 'server');
  if (!alert) return null;
  const sni = facts.clientHello?.sni ?? null;
  return {
    code: 'sni-unrecognized',
    title: 'The server does not recognise the name the client asked for',
    evidence: [
      sni === null ? 'the ClientHello carried no server name (SNI)' : `the client asked for the server name ${quoted(sni)} (SNI)`,
      alertSentence(facts, alert),
      ...(alert.level === 1 ? ['the alert was a warning, yet the handshake did not complete after it'] : []),
    ],
    fix:
      sni === null
        ? 'Make the client send the server name (SNI), or give the server a default site for connections without one.'
        : `Add ${quoted(sni)} to the server's virtual hosts / certificate configuration, or correct the name the client connects to.`,
  };
}
