/**
 * How evidence is spelled: every coded value by name and number, every wire string sanitised and quoted, every time
 * relative to the ClientHello. Rules build their sentences from these so that all diagnoses read alike.
 */
import type { AlertFacts } from '../model/record.js';
import { sanitizeForTerminal } from '../model/sanitize.js';
import { alertName, groupName, versionName } from '../tls/registry/index.js';

/** How many names of a long list are spelled out before the rest is counted. */
export const LIST_HEAD = 4;

/** '0x0301' → 'TLS 1.0 (0x0301)'. */
export function versionLabel(hex: string): string {
  return `${versionName(parseInt(hex, 16))} (${hex})`;
}

/** A name beside its code: 'TLS_AES_128_GCM_SHA256 (0x1301)'. The name is the registry's, yet sanitised anyway. */
export function namedCode(name: string | null | undefined, hex: string): string {
  return name ? `${sanitizeForTerminal(name, 80)} (${hex})` : hex;
}

/** A group code with its registry name: 'x25519 (0x001d)'. */
export function groupLabel(hex: string): string {
  return `${groupName(parseInt(hex, 16))} (${hex})`;
}

/** 'a, b, c, d and 12 more (16 in all)' — long lists summarised to their first few entries and a count. */
export function summarizeList(items: readonly string[], head: number = LIST_HEAD): string {
  if (items.length === 0) return 'none';
  if (items.length <= head + 1) return items.join(', ');
  return `${items.slice(0, head).join(', ')} and ${items.length - head} more (${items.length} in all)`;
}

/** A wire string shown in double quotes, escaped for the terminal. */
export function quoted(text: string, limit = 120): string {
  return `"${sanitizeForTerminal(text, limit)}"`;
}

/** 'handshake_failure (40)' for an alert; 'an encrypted alert' when its body could not be read. */
export function alertLabel(alert: AlertFacts): string {
  if (alert.description === null) return 'an encrypted alert';
  const name = alert.name ?? alertName(alert.description);
  return `${sanitizeForTerminal(name, 60)} (${alert.description})`;
}

/** 'fatal' / 'warning' as the alert's level says; 'unreadable level' when encrypted. */
export function alertLevel(alert: AlertFacts): string {
  if (alert.level === 2) return 'fatal';
  if (alert.level === 1) return 'warning';
  return alert.level === null ? 'unreadable level' : `level ${alert.level}`;
}

/** '12.3 ms after the ClientHello' (or before it, or after another origin when there was no ClientHello). */
export function relativeTime(ts: number, origin: number, originName: string): string {
  const ms = (ts - origin) * 1000;
  const rounded = Math.abs(ms) >= 100 ? Math.round(Math.abs(ms)).toString() : Math.abs(ms).toFixed(1);
  return `${rounded} ms ${ms < 0 ? 'before' : 'after'} the ${originName}`;
}

/** Epoch seconds as an ISO 8601 UTC instant. */
export function isoTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString();
}

/** A date string from a certificate as ISO 8601 when it parses; sanitised as is otherwise. */
export function isoDate(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? quoted(text, 60) : date.toISOString();
}

const DURATION_UNITS: readonly (readonly [number, string])[] = [
  [365 * 86400, 'year'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** A span of seconds in the two largest units that matter: '3 days 4 hours', '42 seconds'. */
export function humanDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [size, unit] of DURATION_UNITS) {
    if (parts.length === 2) break;
    const count = Math.floor(rest / size);
    if (count === 0 && parts.length === 0) continue;
    if (count > 0) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
    rest -= count * size;
    if (parts.length > 0 && count === 0) break;
  }
  return parts.length === 0 ? '0 seconds' : parts.join(' ');
}

/** Seconds as a short figure for timeouts: '10 s', '2.5 s'. */
export function seconds(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}
