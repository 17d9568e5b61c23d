import type { Finding, RuleContext } from '../context.js';
import { quoted } from '../describe.js';
import { alertSentence } from '../evidence.js';

/** unrecognized_name (112, RFC 6066 §3): the server has no configuration for the name in the SNI. */
const UNRECOGNIZED_NAME = 112;

/**
 * What servers send instead of unrecognized_name for a name they hold no certificate for (docs/alerts.md): Go's
 * crypto/tls internal_error (80) when GetCertificate fails, rustls access_denied (49).
 */
const NAME_REFUSALS: ReadonlySet<number> = new Set([49, 80]);

export function sniUnrecognized(facts: RuleContext): Finding | null {
  const sni = facts.clientHello?.sni ?? null;
  // without a name, unrecognized_name is about the missing one (nginx ssl_reject_handshake): sni-missing's
  if (sni === null) return null;
  const stated = facts.record.tls.alerts.find((a) => a.description === UNRECOGNIZED_NAME && a.from === 'server');
  const refusal = facts.failureAct?.alert?.description;
  const internal =
    stated === undefined && facts.serverFailedClientHello && refusal !== undefined && refusal !== null && NAME_REFUSALS.has(refusal)
      ? facts.failureAct!.alert
      : null;
  const alert = stated ?? internal;
  if (!alert) return null;
  return {
    code: 'sni-unrecognized',
    title: 'The server does not recognise the name the client asked for',
    evidence: [
      sni === null ? 'the ClientHello carried no server name (SNI)' : `the client asked for the server name ${quoted(sni)} (SNI)`,
      alertSentence(facts, alert),
      ...(alert.level === 1 ? ['the alert was a warning, yet the handshake did not complete after it'] : []),
      ...(internal !== null
        ? ['inferred: internal_error (Go) or access_denied (rustls) right after a ClientHello with a server name is how those servers refuse a name they hold no certificate for (docs/alerts.md); other servers send these alerts for other faults']
        : []),
    ],
    basis: internal !== null ? 'inferred' : 'stated',
    consistent: true,
    ceiling: internal !== null ? 'low' : undefined,
    weight: internal !== null ? -1 : 0,
    fix:
      sni === null
        ? 'Make the client send the server name (SNI), or give the server a default site for connections without one.'
        : `Add ${quoted(sni)} to the server's virtual hosts / certificate configuration, or correct the name the client connects to.`,
  };
}
