import { InvalidArgumentError } from '@commander-js/extra-typings';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A point in time for --since / --until, in seconds since the epoch: a span back from now (`90s`, `30m`, `24h`,
 * `7d`, `2w`) or an ISO 8601 date (`2026-11-28`, `2026-11-28T06:00:00Z`; UTC unless it names a zone).
 */
export function parseTimePoint(value: string, now: number = Date.now() / 1000): number {
  const span = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (span !== null) return now - Number(span[1]) * UNIT_SECONDS[span[2]];
  const text = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(value.trim()) ? `${value.trim()}${value.includes('T') ? 'Z' : 'T00:00:00Z'}` : value.trim();
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('expected a span back from now (30m, 24h, 7d) or an ISO date (2026-11-28T06:00:00Z)');
  return ms / 1000;
}
