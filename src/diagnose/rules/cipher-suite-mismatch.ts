import type { ClientHelloFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { isTls13Version } from '../record-acts.js';
import { actSentence, offeredSuitesSentence, offeredVersions, realSuites } from '../evidence.js';
import { isModernSuite } from '../suites.js';

/** TLS_AES_128_GCM_SHA256, the suite every TLS 1.3 implementation must support (RFC 8446 §9.1). */
const TLS_AES_128_GCM_SHA256 = '0x1301';

function offersTls13(hello: ClientHelloFacts): boolean {
  return offeredVersions(hello).versions.some(isTls13Version);
}

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
  // a client offering TLS 1.3 with its mandatory suite shares a suite with every TLS 1.3 server (RFC 8446 §9.1)
  const mandatory13 = offersTls13(hello) && hello.cipherSuites.includes(TLS_AES_128_GCM_SHA256);
  const modern = codes.some((code, i) => isModernSuite(code, names[i]));
  if (!legacy) {
    evidence.push(
      mandatory13
        ? 'the client offered TLS 1.3 with TLS_AES_128_GCM_SHA256, which every TLS 1.3 server supports: unless the server lacks TLS 1.3, the suites are unlikely to be the cause'
        : 'inferred: handshake_failure names no reason, and the client offered current suites',
    );
  }
  evidence.push(actSentence(facts, act), 'the server sent no ServerHello');
  return {
    code: 'cipher-suite-mismatch',
    title: 'The server accepts none of the cipher suites the client offered',
    evidence,
    fix: legacy
      ? 'Update the client (or its cipher configuration) so that it offers current suites such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or the TLS 1.3 suites; enabling legacy suites on the server is a last resort.'
      : 'Compare the client\'s suite list with the server\'s allowed suites and enable at least one suite on both sides (on the server, check the configured cipher string and that its certificate type — RSA or ECDSA — matches the suites).',
    basis: 'inferred',
    consistent: true,
    weight: legacy ? 1 : 0,
    caveat: mandatory13 || modern ? 'the client offered current suites a server shares' : undefined,
  };
}
