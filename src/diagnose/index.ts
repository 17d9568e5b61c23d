/**
 * From a connection record to what happened to its handshake: established, failed or incomplete, and for a failure
 * the cause with its evidence, fix, basis, confidence and the alternatives that also fit (docs/causes.md).
 */
import type { ConnectionRecord, Diagnosis, Outcome } from '../model/record.js';
import { buildContext, type RuleContext } from './context.js';
import { completedButAbandoned } from './record-acts.js';
import { DEFAULT_DIAGNOSE_OPTIONS, DEFAULT_HANDSHAKE_TIMEOUT, type DiagnoseOptions } from './options.js';
import { RULES } from './rules/index.js';
import { clientFlightRejectedDiagnosis, tls13ClientFlightRejected } from './tls13-client-flight-rejected.js';
import { delayWords } from './timing.js';
import { establishedWarnings } from './warnings.js';
import { BASIS_RANK, weigh, type WeighedFinding } from './weigh.js';

export { DEFAULT_DIAGNOSE_OPTIONS, DEFAULT_HANDSHAKE_TIMEOUT, type DiagnoseOptions };
export type { Finding, Rule, RuleContext } from './context.js';
export { RULES, type RuleEntry, type RuleKind } from './rules/index.js';

export interface DiagnoseResult {
  outcome: Outcome;
  diagnosis: Diagnosis | null;
  warnings: string[];
}

/**
 * Judges one record. Every rule runs; weigh() picks the primary cause among the findings. A capture that does not
 * show how the handshake ended is 'incomplete' and never diagnosed. A handshake that completed is failed only when
 * the packets show it did not work for its user: a TLS 1.3 server refusing the client's flight, or a client hanging
 * up at once, with no application data, on a certificate defect (or, TLS 1.3, on a certificate it could not see).
 * Pure: the record is not modified.
 */
export function diagnose(record: ConnectionRecord, options: DiagnoseOptions = DEFAULT_DIAGNOSE_OPTIONS): DiagnoseResult {
  // most connections are healthy: they need the warnings only, not the facts the failure rules share
  if (record.tls.established) {
    const rejection = tls13ClientFlightRejected(record);
    if (rejection !== null) {
      // a key log decrypted the server's alert: the rules read what it states instead of what its size suggests
      if (record.tls.alerts.some((a) => a.from === 'server' && a.description !== null && a.ts >= (record.tls.establishedTs ?? 0))) {
        const stated = findingsOf(buildContext(record, options)).filter((f) => f.kind === 'specific' && f.consistent);
        if (stated.length > 0) return { outcome: 'failed', diagnosis: weigh(stated), warnings: [] };
      }
      const finding = clientFlightRejectedDiagnosis(rejection);
      return { outcome: 'failed', diagnosis: weigh([{ ...finding, kind: 'specific', order: 0 }]), warnings: [] };
    }
    if (!completedButAbandoned(record)) return { outcome: 'established', diagnosis: null, warnings: establishedWarnings(record) };
    const facts = buildContext(record, options);
    if (facts.clientLeftBeforeCompletion) return failedBy(facts);
    // a hang-up fails the handshake only through a certificate cause, and never surely: a client that merely probes
    // the handshake, or a browser's spare connection, hangs up the same way
    // a late hang-up fails the handshake only on a defect tlsdiag verified or the client stated, never on a guess
    const hangUp = facts.hangUp;
    const findings =
      hangUp === null
        ? []
        : findingsOf(facts).filter((f) => HANG_UP_CAUSES.has(f.code) && (hangUp.prompt || BASIS_RANK[f.basis] >= BASIS_RANK.verified));
    const diagnosis = weigh(findings.map((f) => (f.ceiling === undefined ? { ...f, ceiling: 'medium' as const } : f)));
    if (diagnosis !== null) return { outcome: 'failed', diagnosis, warnings: [] };
    const warnings = establishedWarnings(record);
    if (facts.hangUp !== null && facts.tls13) warnings.push(hiddenHangUpWarning(facts.hangUp.delay));
    return { outcome: 'established', diagnosis: null, warnings };
  }
  const facts = buildContext(record, options);
  if (facts.outcome === 'incomplete') return { outcome: 'incomplete', diagnosis: null, warnings: [] };
  if (facts.outcome === 'established') return { outcome: 'established', diagnosis: null, warnings: [...establishedWarnings(record), IDLE_AFTER_FINISHED] };
  return failedBy(facts);
}

/** The weighed diagnosis of a failed handshake. */
function failedBy(facts: RuleContext): DiagnoseResult {
  const diagnosis = weigh(findingsOf(facts));
  if (diagnosis !== null) return { outcome: 'failed', diagnosis, warnings: [] };
  return { outcome: 'failed', diagnosis: null, warnings: ['the handshake failed but no rule recognised how'] };
}

const IDLE_AFTER_FINISHED =
  'the client sent its Finished (TLS 1.3) and no application data; the connection was closed long after, idle: the handshake completed';

/** A TLS 1.3 client that hung up at once: the certificate is not visible, so this stays a warning. */
function hiddenHangUpWarning(delay: number): string {
  return (
    `the client closed ${delayWords(delay)} after its Finished without sending application data: if it reported an ` +
    'error, it most likely rejected the server\'s certificate after the handshake (TLS 1.3 hides the certificate: ' +
    'a key log, --keylog, shows it); a client that only tests the handshake closes the same way'
  );
}

/** The causes a client's hang-up right after a completed handshake can stand for: the certificate it then checked. */
const HANG_UP_CAUSES: ReadonlySet<string> = new Set([
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-hostname-mismatch',
  'certificate-untrusted',
  'certificate-chain-incomplete',
  'client-rejected-certificate',
]);

/** Every rule's finding, in table order. */
function findingsOf(facts: RuleContext): WeighedFinding[] {
  const findings: WeighedFinding[] = [];
  RULES.forEach((entry, order) => {
    const finding = entry.rule(facts);
    if (finding !== null) findings.push({ ...finding, kind: entry.kind, order });
  });
  return findings;
}

