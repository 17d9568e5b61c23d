import type { Finding, RuleContext } from '../context.js';
import { actSentence, offeredSuitesSentence, realSuites } from '../evidence.js';
import { isModernSuite } from '../suites.js';

/** handshake_failure (40) and insufficient_security (71, RFC 5246 §7.2.2): how servers refuse every offered suite. */
const REFUSALS: ReadonlySet<number> = new Set([40, 71]);

/**
 * No cipher suite both sides accept (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3): the server refuses the ClientHello with
 * handshake_failure or insufficient_security before any ServerHello.
 */
export function cipherSuiteMismatch(facts: RuleContext): Finding | null {
  const hello = facts.clientHello;
  const act = facts.failureAct;
  if (!hello || !act || !facts.serverFailedClientHello) return null;
  if (!act.alert || act.alert.description === null || !REFUSALS.has(act.alert.description)) return null;
  const { names, codes } = realSuites(hello);
  const legacy = names.length > 0 && !codes.some((code, i) => isModernSuite(code, names[i]));
  const evidence = [offeredSuitesSentence(hello)];
  if (legacy) evidence.push('every one of them is a legacy suite: none combines forward secrecy with an AEAD cipher');
  evidence.push(actSentence(facts, act), 'the server sent no ServerHello');
  return {
    code: 'cipher-suite-mismatch',
    title: 'The server accepts none of the cipher suites the client offered',
    evidence,
    fix: legacy
      ? 'Update the client (or its cipher configuration) so that it offers current suites such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or the TLS 1.3 suites; enabling legacy suites on the server is a last resort.'
      : 'Compare the client\'s suite list with the server\'s allowed suites and enable at least one suite on both sides (on the server, check the configured cipher string and that its certificate type — RSA or ECDSA — matches the suites).',
  };
}
