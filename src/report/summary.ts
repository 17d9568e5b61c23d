import type { Confidence, ConnectionRecord, Outcome } from '../model/record.js';
import { RECORD_SCHEMA_VERSION } from '../model/record-lean.js';
import { isCaptureTime } from '../model/time.js';
import type { RecordSummary } from './types.js';

/** The cause given to a failure no rule recognised, so it still counts somewhere. */
export const UNDIAGNOSED = 'undiagnosed';

/** What a report keeps of one connection record. */
export function summarizeRecord(record: ConnectionRecord): RecordSummary {
  const failed = record.outcome === 'failed';
  const summary: RecordSummary = {
    capture: record.capture,
    id: record.id,
    clientIp: record.client.ip,
    clientPort: record.client.port,
    serverIp: record.server.ip,
    serverPort: record.server.port,
    // the wire's SNI may be 64 KB (an extension's length): kept in report rows, it is cut as an NDJSON line's is
    sni: record.tls.clientHello?.sni != null ? bounded(record.tls.clientHello.sni, () => undefined) : null,
    firstTs: record.firstTs,
    outcome: record.outcome,
    cause: failed ? (record.diagnosis?.code ?? UNDIAGNOSED) : null,
    title: failed ? (record.diagnosis?.title ?? 'The handshake failed but no rule recognised how') : null,
    confidence: failed ? (record.diagnosis?.confidence ?? 'low') : null,
    decrypted: record.tls.decrypted !== null,
  };
  if (record.sensor !== undefined) summary.sensor = record.sensor;
  if (record.uid !== undefined) summary.uid = record.uid;
  return summary;
}

const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['established', 'failed', 'incomplete']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEndpoint(value: unknown): value is { ip: string; port: number } {
  return isObject(value) && typeof value.ip === 'string';
}

/** A TCP port (RFC 9293 §3.1: 16 bits): an integer in 0..65535. */
function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

/**
 * The longest string an NDJSON record keeps in a report, in UTF-16 code units; a longer one is cut to this and ends in
 * '…'. A line may be 1 MiB (worker-input.ts), and every string kept lives as long as the report row it lands in (up to
 * 40,000 servers and as many clients, each with an example per cause), so a line's strings cannot be kept whole, and
 * the bound multiplies the report's largest memory. It holds what these strings are: a DNS name is at most 253
 * characters (RFC 1035 §2.3.4), a file name 255 bytes, an address under 50, and the titles and codes tlsdiag writes
 * under 150.
 */
export const MAX_NDJSON_STRING = 256;

/**
 * `text` as the report keeps it: whole when short, else its first MAX_NDJSON_STRING code units (never half a surrogate
 * pair) and '…', `cut` told. The cut is copied out: a slice would keep the whole line's string alive.
 */
function bounded(text: string, cut: () => void): string {
  if (text.length <= MAX_NDJSON_STRING) return text;
  cut();
  const high = text.charCodeAt(MAX_NDJSON_STRING - 1);
  const end = high >= 0xd800 && high <= 0xdbff ? MAX_NDJSON_STRING - 1 : MAX_NDJSON_STRING;
  return Buffer.from(`${text.slice(0, end)}…`, 'utf16le').toString('utf16le');
}

/**
 * One parsed NDJSON line (a record as `tlsdiag analyze --format ndjson` or `tlsdiag live` writes it) reduced to a
 * summary, or the reason it is not a connection record. Three shapes are read: the written record of
 * docs/record.md (`schemaVersion` 1, lean or full detail) and, from before `schemaVersion` existed, the in-memory
 * record of src/model/record.ts as it was written then. The fields a report reads sit at the same paths in all three;
 * only those are checked, the others may be missing.
 */
export function summarizeJson(value: unknown, cut: () => void = () => undefined): RecordSummary | string {
  if (!isObject(value)) return 'not a JSON object';
  if ('schemaVersion' in value) {
    const version = value.schemaVersion;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return 'schemaVersion is not a positive integer';
    if (version > RECORD_SCHEMA_VERSION) return `schemaVersion ${version} is newer than this tlsdiag reads (${RECORD_SCHEMA_VERSION})`;
  }
  if (typeof value.capture !== 'string' || typeof value.id !== 'string') return 'no capture or id: not a connection record';
  if (!isEndpoint(value.client) || !isEndpoint(value.server)) return 'no client or server endpoint';
  for (const side of ['client', 'server'] as const) {
    const port = (value[side] as { port: unknown }).port;
    if (!isPort(port)) return `${side} port ${JSON.stringify(port) ?? String(port)} is not a TCP port (0–65535)`;
  }
  if (typeof value.firstTs !== 'number' || !Number.isFinite(value.firstTs)) return 'no firstTs';
  // the range every time shown or bucketed must fall in (src/model/time.ts); a capture's reader clamps, a line is skipped
  if (!isCaptureTime(value.firstTs)) return `firstTs ${value.firstTs} is outside 1970–9999`;
  if (typeof value.outcome !== 'string' || !OUTCOMES.has(value.outcome)) return 'no outcome';
  const tls = isObject(value.tls) ? value.tls : {};
  const hello = isObject(tls.clientHello) ? tls.clientHello : {};
  const diagnosis = isObject(value.diagnosis) ? value.diagnosis : null;
  const failed = value.outcome === 'failed';
  const code = diagnosis !== null && typeof diagnosis.code === 'string' ? diagnosis.code : UNDIAGNOSED;
  const title = diagnosis !== null && typeof diagnosis.title === 'string' ? diagnosis.title : 'The handshake failed but no rule recognised how';
  const summary: RecordSummary = {
    capture: bounded(value.capture, cut),
    id: bounded(value.id, cut),
    clientIp: bounded(value.client.ip, cut),
    clientPort: value.client.port,
    serverIp: bounded(value.server.ip, cut),
    serverPort: value.server.port,
    sni: typeof hello.sni === 'string' ? bounded(hello.sni, cut) : null,
    firstTs: value.firstTs,
    outcome: value.outcome as Outcome,
    cause: failed ? bounded(code, cut) : null,
    title: failed ? bounded(title, cut) : null,
    confidence: failed ? confidenceOf(diagnosis) : null,
    // records from before decryption existed have no tls.decrypted: nothing was decrypted then
    decrypted: isObject(tls.decrypted),
  };
  if (typeof value.sensor === 'string') summary.sensor = bounded(value.sensor, cut);
  if (typeof value.uid === 'string') summary.uid = bounded(value.uid, cut);
  return summary;
}

/**
 * Parses one NDJSON line into a summary, or says why it is not a record; `cut` is told when a string of it was longer
 * than MAX_NDJSON_STRING. Never throws.
 */
export function summarizeNdjsonLine(line: string, cut?: () => void): RecordSummary | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  return summarizeJson(value, cut);
}

const CONFIDENCES: ReadonlySet<string> = new Set<Confidence>(['high', 'medium', 'low']);

/** A record's confidence; one from before confidence existed was a first-matching rule's answer: medium. */
function confidenceOf(diagnosis: Json | null): Confidence {
  if (diagnosis === null) return 'low';
  const value = diagnosis.confidence;
  return typeof value === 'string' && CONFIDENCES.has(value) ? (value as Confidence) : 'medium';
}
