/**
 * What every emitted ConnectionRecord must look like, whatever bytes produced it: the keys of src/model/record.ts,
 * values in their allowed sets, finite numbers, strings a terminal can be given once sanitised, and bounded lists.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConnectionRecord } from '../../src/model/record.js';
import { sanitizeForTerminal } from '../../src/model/sanitize.js';
import { MAX_TIMELINE } from '../../src/tls/session/timeline.js';
import { recordToNdjson } from '../../src/cli/output/ndjson.js';

/** ConnectionRecord's keys, written out here on purpose: a key added or renamed in the model must be noticed. */
export const RECORD_KEYS = [
  'id', 'capture', 'client', 'server', 'clientInferredBy', 'firstTs', 'lastTs', 'end', 'observedUntil',
  'tcp', 'tls', 'outcome', 'diagnosis', 'warnings', 'timeline', 'notes',
].sort();

export const TCP_KEYS = ['synTs', 'synAckTs', 'rst', 'fin', 'ttl', 'packets', 'payloadBytes', 'gapBytes', 'tunnel'].sort();

export const TLS_KEYS = [
  'startTls', 'clientHello', 'serverHello', 'certificates', 'certificatesTs', 'certificateCheck', 'certificateRequested',
  'clientCertificates', 'alerts', 'changeCipherSpec', 'recordCounts', 'encryptedRecords', 'nonTlsResponse', 'history',
  'helloRetryRequest', 'established', 'establishedTs', 'decrypted',
].sort();

const OUTCOMES = new Set(['established', 'failed', 'incomplete']);
const ENDS = new Set(['closed', 'reset', 'idle', 'capture-end', 'evicted']);
const INFERRED_BY = new Set(['syn', 'client-hello', 'syn-ack', 'server-hello', 'port']);
/** what a terminal must never receive raw: C0/C1 controls, DEL, bidirectional overrides, lone surrogates */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;
/** per-record notes: the tracker keeps 32, the record builder adds at most two of its own */
const MAX_RECORD_NOTES = 34;

/** Every way `record` breaks the contract, in plain words; empty when it is well-formed. */
export function recordProblems(record: ConnectionRecord): string[] {
  const problems: string[] = [];
  const expectKeys = (what: string, value: unknown, keys: string[]) => {
    const actual = value !== null && typeof value === 'object' ? Object.keys(value).sort() : [];
    if (actual.join() !== keys.join()) problems.push(`${what} keys ${actual.join()} ≠ ${keys.join()}`);
  };
  expectKeys('record', record, RECORD_KEYS);
  expectKeys('tcp', record.tcp, TCP_KEYS);
  expectKeys('tls', record.tls, TLS_KEYS);
  if (!OUTCOMES.has(record.outcome)) problems.push(`outcome ${record.outcome}`);
  if (!ENDS.has(record.end)) problems.push(`end ${record.end}`);
  if (!INFERRED_BY.has(record.clientInferredBy)) problems.push(`clientInferredBy ${record.clientInferredBy}`);
  if (record.outcome === 'failed' && record.diagnosis === null) problems.push('failed without a diagnosis');
  if (record.diagnosis !== null) {
    const d = record.diagnosis;
    if (typeof d.code !== 'string' || typeof d.title !== 'string' || typeof d.fix !== 'string' || !Array.isArray(d.evidence)) {
      problems.push('diagnosis shape');
    }
  }
  for (const endpoint of [record.client, record.server]) {
    if (typeof endpoint.ip !== 'string' || !Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 65535) {
      problems.push(`endpoint ${JSON.stringify(endpoint)}`);
    }
  }
  if (record.timeline.length > MAX_TIMELINE) problems.push(`timeline of ${record.timeline.length}`);
  const decrypted = record.tls.decrypted;
  if (decrypted !== null) {
    // nothing is decrypted without secrets: a fuzzed capture never carries them, unless a DSB gave some
    if (!Array.isArray(decrypted.sides) || decrypted.sides.length === 0 || !['keylog', 'dsb'].includes(decrypted.by)) {
      problems.push(`decrypted ${JSON.stringify(decrypted)}`);
    }
  }
  for (const alert of record.tls.alerts) {
    if (alert.decrypted === true && (!alert.encrypted || alert.description === null)) problems.push('decrypted alert without its description');
  }
  if (record.notes.length > MAX_RECORD_NOTES) problems.push(`${record.notes.length} notes`);
  walkValues(record, '', problems);
  const roundTrip: unknown = JSON.parse(JSON.stringify(record));
  if (!isDeepStrictEqual(roundTrip, record)) problems.push('does not survive a JSON round trip');
  try {
    JSON.parse(recordToNdjson(record));
  } catch (error) {
    problems.push(`NDJSON line does not parse: ${(error as Error).message}`);
  }
  return problems;
}

/** Numbers finite, strings safe once sanitised, nothing but plain data. */
function walkValues(value: unknown, path: string, problems: string[]): void {
  if (problems.length > 20) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push(`${path} = ${value}`);
  } else if (typeof value === 'string') {
    const shown = sanitizeForTerminal(value, 100_000);
    if (UNSAFE.test(shown)) problems.push(`${path}: sanitised string still unsafe`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walkValues(item, `${path}[${i}]`, problems));
  } else if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) problems.push(`${path} is a ${proto?.constructor?.name}, not plain data`);
    for (const [key, item] of Object.entries(value)) walkValues(item, `${path}.${key}`, problems);
  } else if (typeof value !== 'boolean' && value !== null && value !== undefined) {
    problems.push(`${path} is a ${typeof value}`);
  }
}

