/** Plain formatting shared by the writers: times, spans, rates, and how to find an example in Wireshark. */
import { isCaptureTime, isoTime } from '../model/time.js';
import type { Example, ConfidenceCounts } from './types.js';

/** A capture time as 'YYYY-MM-DD HH:MM:SS.mmm' UTC: precise enough to find the packet, sortable as text. */
export function formatTime(ts: number | null): string {
  if (ts === null) return '';
  // rounded to the millisecond (a time outside the calendar is spelled as the number it is, see isoTime)
  const text = isCaptureTime(ts) ? isoTime(Math.round(ts * 1000) / 1000) : isoTime(ts);
  return text.replace('T', ' ').replace('Z', '');
}

/** A bucket start: the time without the milliseconds, which are always zero there. */
export function formatBucketStart(ts: number): string {
  return isCaptureTime(ts) ? formatTime(ts).slice(0, 19) : formatTime(ts);
}

const UNITS: readonly [seconds: number, name: string][] = [
  [604_800, 'week'],
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** A whole number of seconds in the largest unit that divides it: '5 minutes', '1 day'. */
export function formatSpan(seconds: number): string {
  for (const [size, name] of UNITS) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

export function formatRate(rate: number): string {
  if (rate === 0) return '0%';
  if (rate < 0.001) return '<0.1%';
  return `${(rate * 100).toFixed(1)}%`;
}

export function formatMegabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1);
}

/** 'ip:port' or '[ipv6]:port' back into its parts. */
function splitEndpoint(endpoint: string): { ip: string; port: string } {
  const colon = endpoint.lastIndexOf(':');
  const ip = endpoint.slice(0, colon);
  return { ip: ip.startsWith('[') ? ip.slice(1, -1) : ip, port: endpoint.slice(colon + 1) };
}

/** A Wireshark display filter that shows exactly the example's TCP connection. */
export function wiresharkFilter(example: Example): string {
  const client = splitEndpoint(example.client);
  const server = splitEndpoint(example.server);
  const field = client.ip.includes(':') ? 'ipv6.addr' : 'ip.addr';
  return `${field}==${client.ip} && tcp.port==${client.port} && ${field}==${server.ip} && tcp.port==${server.port}`;
}

/** One line naming an example: capture, time, client → server. */
export function describeExample(example: Example): string {
  return `${example.capture} ${formatTime(example.ts)} ${example.client} → ${example.server}`;
}

/** '12 high · 3 medium · 1 low', naming only the levels that occur. */
export function confidenceText(counts: ConfidenceCounts): string {
  const parts: string[] = [];
  for (const level of ['high', 'medium', 'low'] as const) if (counts[level] > 0) parts.push(`${counts[level]} ${level}`);
  return parts.join(' · ');
}

/**
 * The largest of `values` (0 for none). Math.max(...values) passes each value as an argument, and past some hundred
 * thousand (rows from a hostile NDJSON file) that overflows the stack.
 */
export function largest(values: Iterable<number>): number {
  let top = 0;
  for (const v of values) if (v > top) top = v;
  return top;
}
