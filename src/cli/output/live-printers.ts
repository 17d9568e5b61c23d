/**
 * What `live` prints when no terminal UI shows the analysis: the listeners that print what it feeds them (records as
 * text or in a record format, notices), and the hints under a capture error (`live`, `interfaces`). Everything from
 * the wire or from libpcap is made safe for the terminal first.
 */
import type { RecordDetail } from '../../model/record-lean.js';
import { sanitizeForTerminal } from '../../model/sanitize.js';
import type { FeedListener } from '../../ui/feed.js';
import { recordWriter, type RecordFormat } from './formats.js';
import type { PacedWriter } from './paced-writer.js';
import { diagnosisLines, recordToTextLine, TEXT_HEADER } from './text.js';

const ignore = () => undefined;

/** Lines indented under an error, each made safe to print (interface names and libpcap's words are not ours). */
export function printableLines(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${sanitizeForTerminal(line, 2000)}\n`)
    .join('');
}

export function recordPrinter(out: PacedWriter, format: RecordFormat, detail: RecordDetail, failedOnly: boolean): FeedListener {
  const writer = recordWriter(format, detail);
  out.write(writer.header());
  return {
    record(record) {
      if (failedOnly && record.outcome !== 'failed') return;
      out.write(writer.line(record) + '\n');
    },
    progress: ignore,
    notice: (message) => process.stderr.write(`tlsdiag: ${sanitizeForTerminal(message, 300)}\n`),
    finished: () => out.write(writer.trailer()),
  };
}

/** With records going only to Redis, stderr still tells what happens to them. */
export function noticePrinter(): FeedListener {
  return {
    record: ignore,
    progress: ignore,
    notice: (message) => process.stderr.write(`tlsdiag: ${sanitizeForTerminal(message, 600)}\n`),
    finished: ignore,
  };
}

export function textPrinter(out: PacedWriter, failedOnly: boolean): FeedListener {
  out.write(TEXT_HEADER + '\n');
  return {
    record(record) {
      if (failedOnly && record.outcome !== 'failed') return;
      out.write(recordToTextLine(record) + '\n');
      for (const line of diagnosisLines(record)) out.write(line + '\n');
    },
    progress: ignore,
    notice: (message) => process.stderr.write(`tlsdiag: ${sanitizeForTerminal(message, 300)}\n`),
    finished: ignore,
  };
}
