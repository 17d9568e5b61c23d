import type { ConnectionRecord } from '../../model/record.js';
import { sanitizeForTerminal } from '../../model/sanitize.js';
import type { RecordDetail } from '../../model/record-lean.js';
import { toEcs } from '../../model/ecs.js';
import { jsonLine, recordToNdjson } from './ndjson.js';
import { recordToZeekSsl, zeekSslHeader, zeekSslTrailer } from './zeek.js';

/** Machine-readable outputs: one line per connection, plus whatever header and trailer the format has. */
export const RECORD_FORMATS = ['ndjson', 'ecs', 'zeek'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

export const DETAILS: readonly RecordDetail[] = ['lean', 'full'];

export function isRecordFormat(format: string): format is RecordFormat {
  return (RECORD_FORMATS as readonly string[]).includes(format);
}

export function isDetail(detail: string): detail is RecordDetail {
  return (DETAILS as readonly string[]).includes(detail);
}

/** Writes records in one format: `header` before the first, `line` for each (no newline), `trailer` at the end. */
export interface RecordWriter {
  header(): string;
  line(record: ConnectionRecord): string;
  trailer(): string;
}

export function recordWriter(format: RecordFormat, detail: RecordDetail): RecordWriter {
  switch (format) {
    case 'ndjson':
      return { header: () => '', line: (record) => recordToNdjson(record, detail), trailer: () => '' };
    case 'ecs':
      return { header: () => '', line: (record) => jsonLine(toEcs(record)), trailer: () => '' };
    case 'zeek':
      return { header: () => zeekSslHeader(new Date()), line: recordToZeekSsl, trailer: () => zeekSslTrailer(new Date()) };
  }
}

/**
 * The --format and --detail values analyze and live share, checked: the pair, or null after one line on stderr
 * naming what is wrong (the caller exits 2).
 */
export function checkFormatAndDetail(
  format: string,
  detail: string,
  say: (line: string) => void,
): { format: RecordFormat | 'text'; detail: RecordDetail } | null {
  if (format !== 'text' && !isRecordFormat(format)) {
    say(`tlsdiag: unknown format '${sanitizeForTerminal(format)}' (text, ${RECORD_FORMATS.join(', ')})\n`);
    return null;
  }
  if (!isDetail(detail)) {
    say(`tlsdiag: unknown detail '${sanitizeForTerminal(detail)}' (${DETAILS.join(', ')})\n`);
    return null;
  }
  return { format, detail };
}
