import type { Finding, RuleContext } from '../context.js';
import { alertSentence, offeredVersionsSentence } from '../evidence.js';

/** inappropriate_fallback (86, RFC 7507 §3): the client retried with a lower version and said so with TLS_FALLBACK_SCSV. */
const INAPPROPRIATE_FALLBACK = 86;

export function inappropriateFallback(facts: RuleContext): Finding | null {
  const alert = facts.decisiveAlert;
  if (!alert || alert.description !== INAPPROPRIATE_FALLBACK) return null;
  const hello = facts.clientHello;
  const evidence = [alertSentence(facts, alert)];
  if (hello) {
    evidence.push(
      hello.fallbackScsv
        ? 'the ClientHello carried TLS_FALLBACK_SCSV (0x5600): it was a retry at a lower version'
        : 'the ClientHello did not carry TLS_FALLBACK_SCSV, yet the server answered as if it had',
      offeredVersionsSentence(hello),
    );
  }
  return {
    code: 'inappropriate-fallback',
    title: 'The server refused a downgraded retry of the handshake',
    evidence,
    fix:
      'The client fell back to a lower TLS version after an earlier attempt failed, and the server (which supports a ' +
      'higher one) refused. Find why the first, higher-version attempt failed (often a middlebox or a flaky path) ' +
      'and fix that; the fallback is a symptom.',
    basis: 'stated',
    consistent: true,
  };
}
