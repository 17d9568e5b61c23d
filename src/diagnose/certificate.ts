/**
 * What the certificate rules share: whether the client turned the server's chain down, and how the chain is named
 * in evidence. The record's certificate check (made at capture time, against the SNI and the trust store) decides
 * what was wrong; the client's alert only corroborates, because stacks often send a vaguer one.
 */
import type { CertificateCheck, CertificateFacts, ConnectionRecord, EvidenceBasis } from '../model/record.js';
import type { RuleContext } from './context.js';
import { humanDuration, isoDate, isoTime, quoted, summarizeList } from './describe.js';
import { ALERT_MEANINGS } from './alert-meanings.js';
import { actSentence } from './evidence.js';
import { stepPhrase } from './steps.js';
import { delayWords } from './timing.js';

/**
 * Alerts a client sends about the server's certificate (RFC 5246 §7.2.2, RFC 8446 §6.2): bad_certificate (42),
 * unsupported_certificate (43), certificate_revoked (44), certificate_expired (45), certificate_unknown (46),
 * unknown_ca (48).
 */
export const CERTIFICATE_ALERTS: ReadonlySet<number> = new Set([42, 43, 44, 45, 46, 48]);

/** How the client turned the server's chain down, as the certificate rules read it. */
export interface CertificateReaction {
  /** the act in one evidence line */
  line: string;
  /** prompt, right after the server's certificate (or the finished handshake): a reaction to it */
  prompt: boolean;
  /** why the act does not read as a reaction, when it is not prompt */
  caveat: string | null;
  /** the client's alert description, when it sent a readable one */
  alert: number | null;
}

/**
 * The client's act after the server's certificate: an alert, a reset or a close during the handshake, or a hang-up
 * right after a completed one (clients that verify only then). null when the client did neither (or the server failed
 * first). A close long after the certificate answers something else — a timer, an operator — not the certificate.
 */
export function certificateReaction(facts: RuleContext): CertificateReaction | null {
  const rejection = facts.clientRejection;
  if (rejection !== null) {
    const { act } = rejection;
    const alert = act.kind === 'alert' && act.alert !== null && act.alert.description !== null ? act.alert.description : null;
    // an explicit alert names the client's reason whenever it comes; a bare close must be prompt to mean anything
    const prompt = rejection.prompt || alert !== null;
    const caveat = prompt
      ? null
      : `the client's ${act.kind} came ${delayWords(rejection.delay)} after ${rejection.answered ? stepPhrase(rejection.answered) : 'the server\'s last message'}, ` +
        `too late to be a reaction to it (round trip ${facts.rtt === null ? 'unknown' : delayWords(facts.rtt)}): something else ended the handshake`;
    return { line: actSentence(facts, act), prompt, caveat, alert };
  }
  const hangUp = facts.hangUp;
  if (hangUp !== null) {
    const how =
      hangUp.kind === 'RST'
        ? 'reset the connection (RST)'
        : hangUp.kind === 'FIN'
          ? hangUp.unseen === true
            ? 'closed the connection (inferred: its FIN was not captured, but the server acknowledged one; the delay is at most this)'
            : 'closed the connection (FIN)'
          : 'sent a fatal alert';
    const alertNote = hangUp.alertRecord !== null ? ` after one ${hangUp.alertRecord.length}-byte encrypted record, the size of an alert,` : '';
    return {
      line: hangUp.prompt
        ? `the handshake completed, then the client${alertNote} ${how} ${delayWords(hangUp.delay)} later without sending any application data: it did not accept the session (clients such as Node.js, wget with GnuTLS and curl's host-name check verify only after the handshake)`
        : `the handshake completed, but the client never sent application data and ${how} ${delayWords(hangUp.delay)} later`,
      prompt: hangUp.prompt,
      caveat: hangUp.prompt
        ? null
        : `the client's close came ${delayWords(hangUp.delay)} after the handshake, too late to be a verdict on the certificate: it may have given up for another reason`,
      alert: null,
    };
  }
  return null;
}

/** The server-certificate causes an alert can name. */
const SERVER_CERTIFICATE_CAUSES: ReadonlySet<string> = new Set([
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-hostname-mismatch',
  'certificate-untrusted',
  'certificate-chain-incomplete',
]);

/**
 * The client's alert states `code` when, by what the stacks send (alert-meanings.ts, from docs/alerts.md), it stands
 * for that certificate cause and at most one other: certificate_expired (expired or not yet valid), unknown_ca
 * (untrusted root or missing intermediate). bad_certificate and certificate_unknown stand for every defect in some
 * stack (Go, GnuTLS, Java): they corroborate, they state nothing.
 */
export function alertStates(description: number | null, code: string): boolean {
  if (description === null) return false;
  const meaning = ALERT_MEANINGS[description];
  if (meaning === undefined) return false;
  const causes = new Set(meaning.causes.map((c) => c.code).filter((c) => SERVER_CERTIFICATE_CAUSES.has(c)));
  return causes.size <= 2 && causes.has(code);
}

/** The certificate finding's basis: stated when the client's alert states `code`, else what the check gives. */
export function reactionBasis(reaction: CertificateReaction, code: string, otherwise: EvidenceBasis): EvidenceBasis {
  return alertStates(reaction.alert, code) ? 'stated' : otherwise;
}

/** The client's decisive alert when it is about certificates, else null. */
export function clientCertificateAlert(facts: RuleContext): number | null {
  const alert = facts.decisiveAlert;
  if (!alert || alert.from !== 'client' || alert.description === null) return null;
  return CERTIFICATE_ALERTS.has(alert.description) ? alert.description : null;
}

/** 'the server's certificate "CN=example.com" issued by "CN=Example CA"' */
export function leafPhrase(leaf: CertificateFacts | undefined): string {
  if (!leaf) return "the server's certificate";
  if (leaf.error) return "the server's certificate (which could not be decoded)";
  return `the server's certificate ${quoted(leaf.subject)} issued by ${quoted(leaf.issuer)}`;
}

/** The SAN entries, quoted and summarised. */
export function sanPhrase(leaf: CertificateFacts): string {
  return leaf.san.length === 0 ? 'no subjectAltName' : `subjectAltName ${summarizeList(leaf.san.map((s) => quoted(s, 80)))}`;
}

/** When the check was made, for evidence. */
export function checkedAt(check: CertificateCheck): string {
  return `judged at the capture time of the certificate, ${isoTime(check.at)}`;
}

/** The check's other findings, so that a diagnosis never hides a second problem. */
export function otherProblems(check: CertificateCheck, shown: (problem: string) => boolean): string[] {
  const rest = check.problems.filter((p) => !shown(p));
  return rest.length === 0 ? [] : [`the certificate check also found: ${rest.map((p) => quoted(p, 160)).join('; ')}`];
}

export const TLS13_HIDDEN = 'the certificate itself was encrypted (TLS 1.3), so only the alert tells';

/** What unknown_ca cannot tell when the chain was encrypted (certificate-untrusted, certificate-chain-incomplete). */
export const UNKNOWN_CA_HIDDEN =
  'a client says unknown_ca both of a chain ending at a root it does not trust and of one lacking an intermediate: with the chain encrypted, the two cannot be told apart';

/**
 * The check's findings about the server chain as evidence phrases with their values (names quoted, dates ISO), most
 * specific first; [] when the check found nothing or there was none.
 */
export function certificateFindings(record: ConnectionRecord): string[] {
  const { certificateCheck: check, certificates, clientHello } = record.tls;
  if (!check) return [];
  const leaf = certificates[0];
  const findings: string[] = [];
  if (check.expiredFor !== null) {
    findings.push(`${leafPhrase(leaf)} expired on ${leaf ? isoDate(leaf.notAfter) : 'its notAfter date'}, ${humanDuration(check.expiredFor)} before the capture`);
  }
  if (check.notYetValidFor !== null) {
    findings.push(`${leafPhrase(leaf)} becomes valid on ${leaf ? isoDate(leaf.notBefore) : 'its notBefore date'}, ${humanDuration(check.notYetValidFor)} after the capture`);
  }
  for (const problem of check.chainDateProblems) findings.push(`in the chain: ${quoted(problem, 160)}`);
  if (check.hostnameMatches === false && clientHello?.sni) {
    findings.push(`the client asked for ${quoted(clientHello.sni)} but ${leafPhrase(leaf)} carries ${leaf ? sanPhrase(leaf) : 'other names'}`);
  }
  if (!check.chainComplete) {
    findings.push(`the chain stops at issuer ${quoted(check.missingIssuer ?? leaf?.issuer ?? 'unknown')}, which was neither sent nor is a known root`);
  } else if (check.selfSigned) {
    findings.push(`${leafPhrase(leaf)} is self-signed`);
  } else if (!check.trusted) {
    findings.push(`${leafPhrase(leaf)} does not chain to a root of the trust store`);
  }
  return findings;
}
