import type { CertificateCheck, CertificateFacts, ConnectionRecord } from '../../model/record.js';
import { toWrittenChain, toWrittenRecord, type RecordDetail, type WrittenChain } from '../../model/record-lean.js';

/**
 * JSON escapes C0 controls but leaves DEL, the C1 range (U+0080–U+009F, where U+009B is a CSI to some terminals),
 * bidirectional overrides, the line and paragraph separators U+2028/U+2029 and invisible characters as they are; wire
 * strings can hold them, so they are escaped too (the set of src/model/sanitize.ts). The line stays valid JSON.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
/** The same set, to test with (a global expression keeps state between test() calls). */
const HAS_UNSAFE_IN_JSON = new RegExp(UNSAFE_IN_JSON.source);

function escapeUnsafe(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Any value as one NDJSON line (no trailing newline), with terminal-unsafe characters escaped. */
export function jsonLine(value: unknown): string {
  const json = JSON.stringify(value);
  // replace() copies the whole line even when nothing matches, and almost no line has such a character
  return HAS_UNSAFE_IN_JSON.test(json) ? json.replace(UNSAFE_IN_JSON, escapeUnsafe) : json;
}

/**
 * The in-memory record itself as one line: what a sensor ships to a Redis stream, whose readers (watch, report
 * --from) take the whole record back.
 */
export function inMemoryRecordJson(record: ConnectionRecord): string {
  return jsonLine(record);
}

/*
 * Connections to one server share its chain: the analysis judges a chain once (per SNI and second) and every record
 * holds the same certificate and check objects. Their JSON is kept by those objects and spliced into each line, which
 * on a busy server's capture is a quarter of the bytes to serialise. The placeholders are numbers, so the text they
 * leave, `"certificates":0,"certificateCheck":0`, has quotes no string value can hold unescaped: it can only be these
 * two fields, which no other object of the record has.
 */
const PLACEHOLDERS = { certificates: 0, certificateCheck: 0 } as unknown as WrittenChain;
const PLACEHOLDER_TEXT = '"certificates":0,"certificateCheck":0';
const chainTexts: Record<RecordDetail, WeakMap<readonly CertificateFacts[], string>> = { lean: new WeakMap(), full: new WeakMap() };
const checkTexts: Record<RecordDetail, WeakMap<CertificateCheck, string>> = { lean: new WeakMap(), full: new WeakMap() };

/** One connection record as one NDJSON line (no trailing newline): the written record of docs/record.md. */
export function recordToNdjson(record: ConnectionRecord, detail: RecordDetail = 'lean'): string {
  const { certificates, certificateCheck: check } = record.tls;
  if (certificates.length === 0 || check === null) return jsonLine(toWrittenRecord(record, detail));
  let chainText = chainTexts[detail].get(certificates);
  let checkText = checkTexts[detail].get(check);
  if (chainText === undefined || checkText === undefined) {
    const written = toWrittenChain(record, detail);
    chainTexts[detail].set(certificates, (chainText = jsonLine(written.certificates)));
    checkTexts[detail].set(check, (checkText = jsonLine(written.certificateCheck)));
  }
  const line = jsonLine(toWrittenRecord(record, detail, PLACEHOLDERS));
  const at = line.indexOf(PLACEHOLDER_TEXT);
  return `${line.slice(0, at)}"certificates":${chainText},"certificateCheck":${checkText}${line.slice(at + PLACEHOLDER_TEXT.length)}`;
}
