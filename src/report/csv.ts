import { sanitizeForTerminal } from '../model/sanitize.js';
import { formatTime, wiresharkFilter } from './format.js';
import type { Report } from './types.js';

/**
 * A spreadsheet opens a cell starting with one of these as a formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`);
 * a tab or carriage return can start one after the program trims it (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Quoting is needed for these: RFC 4180 §2 quotes fields holding commas, quotes or line breaks; a spreadsheet in a
 * locale whose list separator is ';' (most of Europe) or one told to split on tabs splits on those too, so a cell
 * holding any separator of any locale is quoted.
 */
const NEEDS_QUOTES = /[",;\t\r\n]/;

/**
 * The longest cell, in characters after escaping: room for any string a report keeps (NDJSON strings are cut to 1,024,
 * an SNI off the wire can be longer) with its escapes, while one cell cannot make a spreadsheet's row unusable.
 */
const CSV_CELL_LIMIT = 4096;

/**
 * One text cell: control characters, C1, bidi controls, U+2028/U+2029 and invisible characters escaped as in the
 * Markdown and HTML reports (`\x1b`, `\u{202e}`, by the terminal sanitiser: a CSV is read in terminals and editors as
 * often as in spreadsheets, and a raw ESC or bidi override there rewrites what the reader sees), then a leading formula
 * character defused with an apostrophe (spreadsheets hide it and show the text), then the cell quoted with inner quotes
 * doubled when it holds a separator (comma, semicolon), a quote or a line break (RFC 4180 §2).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = sanitizeForTerminal(value, CSV_CELL_LIMIT);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const HEADER = [
  'server',
  'sni',
  'cause',
  'title',
  'failures',
  'confidence_high',
  'confidence_medium',
  'confidence_low',
  'server_connections',
  'server_failed',
  'first_seen_utc',
  'last_seen_utc',
  'example_capture',
  'example_time_utc',
  'example_client',
  'example_wireshark_filter',
];

/**
 * One row per problem: a server (IP:port and SNI) failing with one cause — how often, since when, until when, and
 * the earliest failing connection to open. A spreadsheet user filters and pivots these by server or cause; the
 * individual connections are in `tlsdiag analyze --format ndjson --failed`. Rows come most failures first; lines end
 * in CRLF as RFC 4180 asks.
 */
export function renderCsv(report: Report): string {
  const titles = new Map(report.causes.map((c) => [c.code, c.title]));
  const lines = [HEADER.join(',')];
  for (const server of report.servers) {
    for (const cause of server.causes) {
      lines.push(
        [
          csvCell(server.endpoint),
          csvCell(server.sni),
          csvCell(cause.code),
          csvCell(titles.get(cause.code) ?? ''),
          csvCell(cause.count),
          csvCell(cause.confidence.high),
          csvCell(cause.confidence.medium),
          csvCell(cause.confidence.low),
          csvCell(server.connections),
          csvCell(server.failed),
          csvCell(formatTime(cause.firstSeen)),
          csvCell(formatTime(cause.lastSeen)),
          csvCell(cause.example.capture),
          csvCell(formatTime(cause.example.ts)),
          csvCell(cause.example.client),
          csvCell(wiresharkFilter(cause.example)),
        ].join(','),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}
