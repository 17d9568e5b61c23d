import type { ConnectionRecord, Outcome } from '../model/record.js';
import { sanitizeForTerminal } from '../model/sanitize.js';
import { createRequire } from 'node:module';
import { clockTime } from '../model/time.js';

/** Wire text made safe for the screen; every string that came from a capture passes through here before display. */
export function safe(text: string, limit = 200): string {
  return sanitizeForTerminal(text, limit);
}

/** Printable ASCII: one column per character, the common case measured without a table. */
const PLAIN = /^[\x20-\x7e]*$/;

/*
 * string-width and a grapheme segmenter are loaded on the first text that is not plain ASCII: their Unicode tables
 * cost every run ~10 ms at start-up, and most runs (NDJSON, and text of ASCII names) never measure such a text.
 * string-width is an ES module; require() loads one synchronously from Node 20.19 on (package.json's engines).
 */
let measure: ((text: string) => number) | undefined;
let segmenter: Intl.Segmenter | undefined;

function graphemes(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return segmenter.segment(text);
}

function stringWidth(text: string): number {
  measure ??= (createRequire(import.meta.url)('string-width') as { default: (text: string) => number }).default;
  return measure(text);
}

/**
 * Columns `text` takes on a terminal: a CJK or emoji character takes two, a combining mark or a zero-width one none
 * (Unicode East Asian Width, as measured by string-width — the measure ink lays its boxes out with, so a row fits
 * the box ink draws it in).
 */
export function displayWidth(text: string): number {
  return PLAIN.test(text) ? text.length : stringWidth(text);
}

/** The longest start of `text` that takes at most `width` columns, cut between user-perceived characters. */
function headOfWidth(text: string, width: number): { head: string; columns: number } {
  let head = '';
  let columns = 0;
  for (const { segment } of graphemes(text)) {
    const w = stringWidth(segment);
    if (columns + w > width) break;
    head += segment;
    columns += w;
  }
  return { head, columns };
}

/** Fits `text` into exactly `width` columns: cut with an ellipsis, or padded (by display width, not by length). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (PLAIN.test(text)) {
    if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
    return text.padEnd(width);
  }
  const columns = stringWidth(text);
  if (columns <= width) return text + ' '.repeat(width - columns);
  if (width === 1) return '…';
  const cut = headOfWidth(text, width - 1);
  // a wide character that would straddle the edge leaves one column, filled with a space
  return cut.head + '…' + ' '.repeat(width - 1 - cut.columns);
}

/** Cuts `text` to at most `width` columns, no padding. */
export function clip(text: string, width: number): string {
  return displayWidth(text) > width ? fit(text, width).trimEnd() : text;
}

export function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** UTC wall-clock time of a capture timestamp: 'HH:MM:SS.mmm', or 'HH:MM:SS' when short. */
export function clock(ts: number, short = false): string {
  return clockTime(ts, short);
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(n: number): string {
  let unit = 0;
  while (n >= 1000 && unit < BYTE_UNITS.length - 1) {
    n /= 1000;
    unit++;
  }
  return `${unit === 0 ? n : n.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Milliseconds for a timeline: one decimal below 10 s, whole above. */
export function millis(ms: number): string {
  return Math.abs(ms) < 10_000 ? ms.toFixed(1) : Math.round(ms).toString();
}

/** A duration in the largest unit that keeps it readable. */
export function duration(seconds: number): string {
  if (seconds < 1) return `${(seconds * 1000).toFixed(1)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** Words of `text` laid into lines of at most `width` columns; a word longer than a line is cut across lines. */
export function wrap(text: string, width: number): string[] {
  if (width < 4) width = 4;
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ')) {
    let rest = word;
    let restWidth = displayWidth(rest);
    while (restWidth > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
        lineWidth = 0;
      }
      // at least one character per line, even one wider than the line
      const { head } = headOfWidth(rest, width);
      const taken = head.length > 0 ? head : (graphemes(rest)[Symbol.iterator]().next().value?.segment ?? rest);
      lines.push(taken);
      rest = rest.slice(taken.length);
      restWidth = displayWidth(rest);
    }
    if (line === '') {
      line = rest;
      lineWidth = restWidth;
    } else if (lineWidth + 1 + restWidth <= width) {
      line += ' ' + rest;
      lineWidth += 1 + restWidth;
    } else {
      lines.push(line);
      line = rest;
      lineWidth = restWidth;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

export const OUTCOME_SYMBOL: Readonly<Record<Outcome, string>> = {
  failed: '✗',
  incomplete: '◌',
  established: '✓',
};

/** The version a connection ended up with, shortened for a narrow column ('TLS1.3'), or what the client offered. */
export function versionLabel(r: ConnectionRecord): string {
  const name = r.tls.serverHello?.versionName ?? '';
  if (name !== '') return name.replace('TLS ', 'TLS').replace('SSL ', 'SSL');
  return r.tls.clientHello ? '-' : '';
}

/** The cause column: the diagnosis code, or how many warnings a healthy connection has. */
export function causeLabel(r: ConnectionRecord): string {
  if (r.diagnosis) return r.diagnosis.code;
  if (r.warnings.length > 0) return `(${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''})`;
  return '';
}
