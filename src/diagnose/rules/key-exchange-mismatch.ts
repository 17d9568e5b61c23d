import type { ClientHelloFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { isTls13Version } from '../record-acts.js';
import { groupLabel, namedCode, summarizeList } from '../describe.js';
import { actSentence, offeredVersions, realSuites } from '../evidence.js';
import { isModernSuite, WIDELY_SUPPORTED_GROUPS } from '../suites.js';

/**
 * handshake_failure (40), illegal_parameter (47), insufficient_security (71), and Java's unexpected_message (10) for no
 * common TLS 1.3 group: what servers send on no common group (docs/alerts.md).
 */
const NO_COMMON_PARAMETERS: ReadonlySet<number> = new Set([10, 40, 47, 71]);

/**
 * No common key exchange group or signature algorithm (RFC 8446 §4.1.1, §4.2.7, §4.2.3). Told by a HelloRetryRequest
 * (the server found no usable key share and named the group it wants, §4.1.4) followed by failure; or by a server
 * refusing, right after the ClientHello, a client whose suites cannot be the problem — it offers only TLS 1.3, whose
 * suites every server shares (§9.1), or modern suites with groups no common server supports.
 */
export function keyExchangeMismatch(facts: RuleContext): Finding | null {
  const hello = facts.clientHello;
  const act = facts.failureAct;
  if (!hello || !act) return null;
  const serverHello = facts.serverHello;
  // a real ServerHello is followed by the server's encrypted flight: without one the failure answered the retry
  // the retry must come before the act that ended the handshake: a client that left first did not leave over it
  const afterRetry =
    facts.helloRetry !== null &&
    (facts.helloRetry.ts === null || facts.helloRetry.ts <= act.ts) &&
    (serverHello === null ||
      (facts.postHelloRecords.server.length === 0 && facts.record.tls.certificatesTs === null));
  const refusedHello =
    facts.serverFailedClientHello &&
    act.alert !== null &&
    act.alert.description !== null &&
    NO_COMMON_PARAMETERS.has(act.alert.description);
  const suites = realSuites(hello);
  const suitesFine = suites.codes.some((code, i) => isModernSuite(code, suites.names[i]));
  const unusualGroups = hello.groups.length > 0 && !hello.groups.some((g) => WIDELY_SUPPORTED_GROUPS.has(g));
  const tls13Only = offersOnlyTls13(hello) && suitesFine;
  // TLS 1.3 with its mandatory suite and current TLS 1.2 suites beside: a server refusing that is most likely short of
  // a group or signature algorithm, not a suite (docs/alerts.md: TLS 1.3 servers say handshake_failure for both)
  const suitesShared = offersTls13Mandatory(hello) && suitesFine;
  if (!afterRetry && !(refusedHello && (tls13Only || suitesShared || (suitesFine && unusualGroups)))) return null;

  const evidence: string[] = [];
  if (afterRetry && facts.helloRetry) {
    const wanted = facts.helloRetry.group;
    evidence.push(
      wanted
        ? `the server sent a HelloRetryRequest asking for key share group ${groupLabel(wanted)}`
        : 'the server sent a HelloRetryRequest: none of the client\'s key shares was acceptable',
    );
    if (wanted && !hello.groups.includes(wanted)) evidence.push('the client never listed that group as supported');
  }
  const groups = hello.groups.map((g, i) => namedCode(hello.groupNames[i], g));
  evidence.push(
    `the client offered groups ${summarizeList(groups)}, with key shares for ${summarizeList(hello.keyShareGroups.map(groupLabel))}`,
  );
  if (!afterRetry && unusualGroups) {
    evidence.push('none of them is x25519 (0x001d), secp256r1 (0x0017) or secp384r1 (0x0018), the groups servers commonly support');
  }
  if (!afterRetry && suitesShared && !tls13Only) {
    evidence.push('the client offered TLS 1.3 with TLS_AES_128_GCM_SHA256, which every TLS 1.3 server supports, and current TLS 1.2 suites: inferred, the suites are unlikely to be what failed');
  }
  if (!afterRetry && tls13Only) {
    evidence.push('the client offered only TLS 1.3, whose TLS_AES_128_GCM_SHA256 every server must support (RFC 8446 §9.1): the cipher suites cannot be what failed');
  }
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
      'Make the client offer a group the server supports (x25519 or secp256r1 work almost everywhere), or enable the ' +
      'client\'s groups on the server; if the groups match, compare the signature algorithms the client accepts ' +
      'with the server certificate\'s key type (RSA, ECDSA, Ed25519).',
    basis: afterRetry ? 'verified' : 'inferred',
    consistent: true,
    weight: unusualGroups ? 1 : 0,
  };
}

function offersOnlyTls13(hello: ClientHelloFacts): boolean {
  const { versions, fromExtension } = offeredVersions(hello);
  return fromExtension && versions.length > 0 && versions.every(isTls13Version);
}

/** supported_versions lists TLS 1.3 and the suites hold TLS_AES_128_GCM_SHA256 (RFC 8446 §9.1). */
function offersTls13Mandatory(hello: ClientHelloFacts): boolean {
  const { versions, fromExtension } = offeredVersions(hello);
  return fromExtension && versions.some(isTls13Version) && hello.cipherSuites.includes('0x1301');
}
