import type { ConnectionRecord } from '../model/record.js';

/**
 * How the connection list is ordered and filtered: pure functions over records, so sorting, filtering and merging a
 * batch of new records are tested without rendering anything.
 */
export type SortKey = 'failures' | 'time' | 'server' | 'cause';

type Compare = (a: ConnectionRecord, b: ConnectionRecord) => number;

/** failed first, then connections that never finished, then working ones with warnings, then clean ones */
function outcomeRank(r: ConnectionRecord): number {
  if (r.outcome === 'failed') return 0;
  if (r.outcome === 'incomplete') return 1;
  return r.warnings.length > 0 ? 2 : 3;
}

function byTime(a: ConnectionRecord, b: ConnectionRecord): number {
  return a.firstTs - b.firstTs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function byServer(a: ConnectionRecord, b: ConnectionRecord): number {
  if (a.server.ip !== b.server.ip) return a.server.ip < b.server.ip ? -1 : 1;
  return a.server.port - b.server.port || byTime(a, b);
}

function byCause(a: ConnectionRecord, b: ConnectionRecord): number {
  const ca = a.diagnosis?.code;
  const cb = b.diagnosis?.code;
  if (ca !== cb) {
    if (ca === undefined) return 1;
    if (cb === undefined) return -1;
    return ca < cb ? -1 : 1;
  }
  return byTime(a, b);
}

export interface SortChoice {
  key: SortKey;
  label: string;
  compare: Compare;
}

/** The orders `s` cycles through, first one the default: the user came to see what failed. */
export const SORTS: readonly SortChoice[] = [
  { key: 'failures', label: 'failures first', compare: (a, b) => outcomeRank(a) - outcomeRank(b) || byTime(a, b) },
  { key: 'time', label: 'start time', compare: byTime },
  { key: 'server', label: 'server', compare: byServer },
  { key: 'cause', label: 'cause', compare: byCause },
];

export function sortChoice(key: SortKey): SortChoice {
  return SORTS.find((s) => s.key === key) ?? SORTS[0];
}

export function nextSort(key: SortKey): SortKey {
  const i = SORTS.findIndex((s) => s.key === key);
  return SORTS[(i + 1) % SORTS.length].key;
}

export interface ListFilter {
  failedOnly: boolean;
  /** a diagnosis code, or null for every cause */
  cause: string | null;
  /** typed text matched against client and server address:port, the SNI and the sensor, case-insensitive */
  text: string;
  /** one sensor's connections (the fleet view), or null for every sensor */
  sensor: string | null;
}

export const NO_FILTER: ListFilter = { failedOnly: false, cause: null, text: '', sensor: null };

// One lower-cased search line per record, built the first time a text filter looks at it.
const searchLines = new WeakMap<ConnectionRecord, string>();

function searchLine(r: ConnectionRecord): string {
  let line = searchLines.get(r);
  if (line === undefined) {
    const sni = r.tls.clientHello?.sni ?? '';
    line = `${r.client.ip}:${r.client.port} ${r.server.ip}:${r.server.port} ${sni} ${r.sensor ?? ''}`.toLowerCase();
    searchLines.set(r, line);
  }
  return line;
}

/** Whether a record passes the filter. The text may name an IP, a port (':443' or '443') or part of an SNI. */
export function matches(r: ConnectionRecord, filter: ListFilter): boolean {
  if (filter.failedOnly && r.outcome !== 'failed') return false;
  if (filter.cause !== null && r.diagnosis?.code !== filter.cause) return false;
  if (filter.sensor !== null && r.sensor !== filter.sensor) return false;
  if (filter.text !== '') {
    const needle = filter.text.trim().toLowerCase();
    if (needle !== '' && !searchLine(r).includes(needle)) return false;
  }
  return true;
}

/** The whole list from scratch: filtered, then sorted. */
export function orderRecords(records: readonly ConnectionRecord[], filter: ListFilter, sort: SortKey): ConnectionRecord[] {
  const rows = records.filter((r) => matches(r, filter));
  rows.sort(sortChoice(sort).compare);
  return rows;
}

/**
 * `rows` (already in order) with a batch of new records merged in: O(rows + batch log batch) instead of re-sorting
 * everything each time a batch arrives while a large capture is being read.
 */
export function mergeBatch(
  rows: readonly ConnectionRecord[],
  batch: readonly ConnectionRecord[],
  filter: ListFilter,
  sort: SortKey,
): ConnectionRecord[] {
  const compare = sortChoice(sort).compare;
  const incoming = batch.filter((r) => matches(r, filter));
  if (incoming.length === 0) return rows as ConnectionRecord[];
  incoming.sort(compare);
  const merged: ConnectionRecord[] = new Array(rows.length + incoming.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < rows.length && j < incoming.length) {
    merged[k++] = compare(incoming[j], rows[i]) < 0 ? incoming[j++] : rows[i++];
  }
  while (i < rows.length) merged[k++] = rows[i++];
  while (j < incoming.length) merged[k++] = incoming[j++];
  return merged;
}
