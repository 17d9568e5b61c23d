import type { Finding, RuleContext } from '../context.js';
import { alertLabel, quoted, summarizeList } from '../describe.js';
import { alertSentence } from '../evidence.js';

/** no_application_protocol (120, RFC 7301 §3.2): the ALPN lists have nothing in common. */
const NO_APPLICATION_PROTOCOL = 120;

/** What an alert usually means, for alerts no more specific rule claims (RFC 8446 §6.2, RFC 5246 §7.2). */
export const ALERT_HINTS: ReadonlyMap<number, string> = new Map([
  [10, 'a message arrived out of order: often a middlebox or a broken implementation'],
  [20, 'a record failed to decrypt or authenticate: corruption on the path, or mismatched keys'],
  [22, 'a record was longer than allowed'],
  [47, 'a field held a value the sender refuses (often a key share or an extension)'],
  [49, 'the certificate was valid but the sender\'s policy refuses access'],
  [50, 'a message could not be parsed: an implementation bug, or a middlebox altering the handshake'],
  [51, 'a signature or Finished check failed: a key mismatch or a tampering middlebox'],
  [80, 'the sender hit an internal error unrelated to the peer: see its logs'],
  [109, 'a mandatory extension was missing'],
  [110, 'an extension was sent that the peer never asked for'],
  [120, 'client and server have no application protocol (ALPN) in common'],
]);

/** Any other alert that ended the handshake: named, with what it usually means. */
export function otherAlert(facts: RuleContext): Finding | null {
  const act = facts.failureAct;
  if (!act || act.kind !== 'alert' || !act.alert) return null;
  const alert = act.alert;
  const evidence = [alertSentence(facts, alert, act.after)];
  const hint = alert.description === null ? null : ALERT_HINTS.get(alert.description);
  if (hint) evidence.push(`${alertLabel(alert)} usually means ${hint}`);
  if (alert.description === NO_APPLICATION_PROTOCOL && facts.clientHello) {
    evidence.push(`the client offered ALPN ${summarizeList(facts.clientHello.alpn.map((p) => quoted(p, 40)))}`);
  }
  if (alert.description === null) evidence.push('the alert was encrypted: its reason is not visible in the capture');
  const sawStart = facts.record.tcp.synTs !== null;
  if (facts.clientHello === null && facts.record.tls.serverHello === null && !sawStart) {
    evidence.push('the capture begins after the hellos: a plaintext fatal alert is sent only during the handshake, so it shows how that handshake ended');
  } else if (facts.clientHello === null && facts.record.tls.serverHello === null && alert.from === 'client') {
    evidence.push(
      'the client sent it before any ClientHello: its own TLS library refused to start the handshake — most often no protocol version or cipher suite it is allowed to use (for example TLS 1.0/1.1 only, disabled by the library\'s security policy)',
    );
  }
  const sender = alert.from === 'server' ? 'server' : 'client';
  return {
    code: 'other-alert',
    title: alert.description === null ? `The ${sender} ended the handshake with an encrypted alert` : `The ${sender} ended the handshake with ${alertLabel(alert)}`,
    evidence,
    fix:
      alert.description === NO_APPLICATION_PROTOCOL
        ? 'Enable a protocol the client offers (e.g. h2 or http/1.1) in the server\'s ALPN configuration, or make the client offer one the server supports.'
        : `Look at the ${sender}'s logs at that moment: the alert names the problem it found${hint ? ` (${hint})` : ''}.`,
    basis: alert.description === null ? 'inferred' : 'stated',
    consistent: true,
  };
}
