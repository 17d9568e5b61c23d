import type { Diagnosis } from '../../model/record.js';
import type { RuleContext } from '../context.js';
import { groupLabel, namedCode, summarizeList } from '../describe.js';
import { actSentence, realSuites } from '../evidence.js';
import { isModernSuite, WIDELY_SUPPORTED_GROUPS } from '../suites.js';

/** handshake_failure (40), illegal_parameter (47), insufficient_security (71): what servers send on no common group. */
const NO_COMMON_PARAMETERS: ReadonlySet<number> = new Set([40, 47, 71]);

/**
 * No common key exchange group or signature algorithm (RFC 8446 §4.1.1, §4.2.7, §4.2.3). Told by a HelloRetryRequest
 * (the server found no usable key share and named the group it wants, §4.1.4) followed by failure, or by a server
 * refusing a ClientHello whose suites are fine but whose groups are none that servers commonly support.
 */
export function keyExchangeMismatch(facts: RuleContext): Diagnosis | null {
  const hello = facts.clientHello;
  const act = facts.failureAct;
  if (!hello || !act) return null;
  const serverHello = facts.serverHello;
  // a real ServerHello is followed by the server's encrypted flight: without one the failure answered the retry
  const afterRetry =
    serverHello !== null &&
    serverHello.helloRetryRequest &&
    facts.postHelloRecords.server.length === 0 &&
    facts.record.tls.certificatesTs === null;
  const groups = hello.groups.map((g, i) => namedCode(hello.groupNames[i], g));
  const offersCommonGroup = hello.groups.some((g) => WIDELY_SUPPORTED_GROUPS.has(g));
  const suites = realSuites(hello);
  const suitesFine = suites.codes.some((code, i) => isModernSuite(code, suites.names[i]));
  const byGroups =
    facts.serverFailedClientHello &&
    act.alert !== null &&
    act.alert.description !== null &&
    NO_COMMON_PARAMETERS.has(act.alert.description) &&
    suitesFine &&
    hello.groups.length > 0 &&
    !offersCommonGroup;
  if (!afterRetry && !byGroups) return null;

  const evidence: string[] = [];
  if (afterRetry && serverHello) {
    const wanted = serverHello.retryGroup;
    evidence.push(
      wanted
        ? `the server sent a HelloRetryRequest asking for key share group ${groupLabel(wanted)}`
        : 'the server sent a HelloRetryRequest: none of the client\'s key shares was acceptable',
    );
    if (wanted && !hello.groups.includes(wanted)) evidence.push('the client never listed that group as supported');
  }
  evidence.push(
    `the client offered groups ${summarizeList(groups)}`,
    `key shares for ${summarizeList(hello.keyShareGroups.map((g) => groupLabel(g)))}`,
  );
  if (byGroups) evidence.push('none of them is x25519 (0x001d), secp256r1 (0x0017) or secp384r1 (0x0018), the groups servers commonly support');
  if (hello.signatureAlgorithms.length > 0) {
    const algorithms = hello.signatureAlgorithms.map((a, i) => namedCode(hello.signatureAlgorithmNames[i], a));
    evidence.push(`the client accepts signature algorithms ${summarizeList(algorithms)}`);
  }
  evidence.push(actSentence(facts, act));
  return {
    code: 'key-exchange-mismatch',
    title: 'Client and server have no key exchange group or signature algorithm in common',
    evidence,
    fix:
      'Make the client offer a group the server supports (x25519 or secp256r1 work everywhere) and a matching key ' +
      'share, or enable the client\'s groups on the server; check the signature algorithms too if the server\'s ' +
      'certificate key type (RSA, ECDSA, Ed25519) is not among those the client accepts.',
  };
}
