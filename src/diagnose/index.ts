/**
 * From a connection record to what happened to its handshake: established, failed or incomplete, and for a failure
 * the cause with its evidence and fix (see docs/causes.md for every code).
 */
import type { ConnectionRecord, Diagnosis, Outcome } from '../model/record.js';
import { buildContext, type Finding } from './context.js';
import { DEFAULT_DIAGNOSE_OPTIONS, DEFAULT_HANDSHAKE_TIMEOUT, type DiagnoseOptions } from './options.js';
import { RULES } from './rules/index.js';
import { clientFlightRejectedDiagnosis, tls13ClientFlightRejected } from './tls13-client-flight-rejected.js';
import { establishedWarnings } from './warnings.js';

export { DEFAULT_DIAGNOSE_OPTIONS, DEFAULT_HANDSHAKE_TIMEOUT, type DiagnoseOptions };
export type { Rule, RuleContext } from './context.js';
export { RULES } from './rules/index.js';

export interface DiagnoseResult {
  outcome: Outcome;
  diagnosis: Diagnosis | null;
  warnings: string[];
}

/**
 * Judges one record. A failure is diagnosed by the first rule of RULES that fits; a capture that does not show how
 * the handshake ended is 'incomplete' and never diagnosed. Pure: the record is not modified.
 */
export function diagnose(record: ConnectionRecord, options: DiagnoseOptions = DEFAULT_DIAGNOSE_OPTIONS): DiagnoseResult {
  // most connections are healthy: they need the warnings only, not the facts the failure rules share
  if (record.tls.established) {
    // complete by TLS-level rules, but a TLS 1.3 server may still refuse the client's (hidden) certificate
    const rejection = tls13ClientFlightRejected(record);
    if (rejection === null) return { outcome: 'established', diagnosis: null, warnings: establishedWarnings(record) };
    return { outcome: 'failed', diagnosis: asDiagnosis(clientFlightRejectedDiagnosis(rejection)), warnings: [] };
  }
  const facts = buildContext(record, options);
  if (facts.outcome === 'incomplete') return { outcome: 'incomplete', diagnosis: null, warnings: [] };
  for (const [, rule] of RULES) {
    const finding = rule(facts);
    if (finding !== null) return { outcome: 'failed', diagnosis: asDiagnosis(finding), warnings: [] };
  }
  return { outcome: 'failed', diagnosis: null, warnings: ['the handshake failed but no rule recognised how'] };
}

/** Interim: every finding at medium confidence until the evidence-weighted reasoning lands. */
function asDiagnosis(finding: Finding): Diagnosis {
  return { ...finding, basis: 'inferred', confidence: 'medium', alternatives: [] };
}
