import type { ConnectionRecord, Outcome } from '../model/record.js';
import { sanitizeForTerminal } from '../model/sanitize.js';
import { clockTime } from '../model/time.js';

/** Wire text made safe for the screen; every string that came from a capture passes through here before display. */
export function safe(text: string, limit = 200): string {
  return sanitizeForTerminal(text, limit);
}

/** Fits `text` into exactly `width` columns: cut with an ellipsis, or padded. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
  return text.padEnd(width);
}

/** Cuts `text` to at most `width` columns, no padding. */
export function clip(text: string, width: number): string {
  return text.length > width ? fit(text, width) : text;
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
  for (const word of text.split(' ')) {
    let rest = word;
    while (rest.length > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= width) line += ' ' + rest;
    else {
      lines.push(line);
      line = rest;
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
