import type { EvidenceBasis } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { alertStates, certificateReaction, checkedAt, leafPhrase, otherProblems, TLS13_HIDDEN, UNKNOWN_CA_HIDDEN } from '../certificate.js';
import { quoted } from '../describe.js';
import { unknownIssuerIsPublished } from './certificate-chain-incomplete.js';

/** unknown_ca (48): the client could not anchor the chain in its trust store (RFC 5246 §7.2.2). */
const UNKNOWN_CA = 48;
/** Roots come and go from stores over the years: a capture this much older than the store may have used one. */
const STORE_DRIFT = 2 * 365 * 86400;

/**
 * The chain ends in a certificate the client does not trust (RFC 5280 §6): a self-signed leaf, or a root no store of
 * tlsdiag's knows. Stated when the client says unknown_ca. Otherwise verified for a self-signed leaf, and only
 * assumed for an unknown root: the client's store is not in the capture, a private
 * PKI's clients have its root, and roots that were public when an old capture was made may be gone from today's store.
 * A self-signed leaf is verified: it is its own issuer, which no trust store holds unless someone pinned it there.
 */
export function certificateUntrusted(facts: RuleContext): Finding | null {
  const { tls } = facts.record;
  const check = tls.certificateCheck;
  const reaction = certificateReaction(facts);
  if (!reaction) return null;
  const statedByAlert = alertStates(reaction.alert, 'certificate-untrusted');
  const checkFound = check !== null && (!check.trusted || check.selfSigned);
  if (!checkFound && !statedByAlert) return null;
  // a leaf whose missing issuer publishes its certificate is an intermediate the server left out: chain-incomplete's
  if (check !== null && !statedByAlert && unknownIssuerIsPublished(facts)) return null;
  const leaf = tls.certificates[0];
  // an alert about a chain the capture cannot see that states a missing intermediate too (unknown_ca): the two read alike
  const hiddenUnknownCa = check === null && alertStates(reaction.alert, 'certificate-chain-incomplete');
  const evidence: string[] = [];
  let basis: EvidenceBasis = statedByAlert ? 'stated' : 'assumed';
  if (check && checkFound) {
    const selfSignedLeaf = check.selfSigned && tls.certificates.length <= 1;
    if (selfSignedLeaf && !statedByAlert) basis = 'verified';
    evidence.push(
      check.selfSigned
        ? selfSignedLeaf
          ? `${leafPhrase(leaf)} is self-signed: no default trust store holds it`
          : `the chain ends at the self-signed root ${quoted(check.missingIssuer ?? 'unknown')}, which no trust store tlsdiag knows holds`
        : `${leafPhrase(leaf)} chains to ${quoted(check.missingIssuer ?? leaf?.issuer ?? 'an unknown issuer')}, which no trust store tlsdiag knows holds`,
      ...(tls.certificates.length > 1 && !check.chainComplete
        ? ['the chain sent ends at an intermediate: what is missing is most likely a root the client does not have (a private or TLS-inspection CA)']
        : []),
      checkedAt(check),
      reaction.line,
    );
    if (statedByAlert) evidence.push(`stated by the client: ${reaction.alert === UNKNOWN_CA ? 'unknown_ca means it could not anchor the chain in its trust store' : 'its alert is what stacks send for a chain they do not trust'}`);
    else if (!selfSignedLeaf) {
      evidence.push("assumed: tlsdiag does not know this root, but the client's trust store is not in the capture — a private PKI's clients hold its root (give it to tlsdiag with --ca)");
    }
    if (facts.options.trustStoreTime - check.at > STORE_DRIFT) {
      const years = Math.floor((facts.options.trustStoreTime - check.at) / (365 * 86400));
      evidence.push(`the capture is ${years} years older than tlsdiag's trust store: roots that were public then may have been removed since`);
    }
    evidence.push(...otherProblems(check, (p) => /trust|self|issuer/i.test(p)));
  } else {
    evidence.push(
      reaction.line,
      check
        ? "tlsdiag's own check found the chain trusted: the client's trust store differs"
        : facts.tls13
          ? TLS13_HIDDEN
          : 'the record holds no certificate check to confirm it',
    );
    if (hiddenUnknownCa) evidence.push(UNKNOWN_CA_HIDDEN);
  }
  return {
    code: 'certificate-untrusted',
    title: 'The client does not trust the server\'s certificate',
    evidence,
    fix: hiddenUnknownCa
      ? 'Check the chain the server sends (openssl s_client -showcerts -servername name): if it lacks an intermediate, configure the full chain; if it ends at a root the client does not hold, use a certificate from a CA the clients trust, or add a private CA\'s root to the client\'s trust store (never disable verification).'
      : statedByAlert || checkFound
        ? 'Install a certificate from a CA the clients trust on the server; or, for a private CA, add that CA\'s root to the client\'s trust store (never disable verification).'
        : 'Inspect the server\'s chain as the client sees it (openssl s_client -showcerts) and compare it with the client\'s trust store and policy; replace the certificate or add the issuing CA to the client\'s store.',
    basis,
    consistent: reaction.prompt,
    ...(hiddenUnknownCa ? { ceiling: 'low' as const } : {}),
    caveat:
      reaction.caveat ??
      (basis === 'assumed' ? "tlsdiag does not know the root, but the capture cannot show the client's trust store" : undefined),
  };
}
