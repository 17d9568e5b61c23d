import type { ConnectionRecord } from '../model/record.js';
import { causeLabel, clock, endpoint, fit, OUTCOME_SYMBOL, safe, versionLabel } from './format.js';

/**
 * Which columns of the connection list fit a terminal width. Columns drop in a fixed order (outcome words, version,
 * client, then the time loses its milliseconds) until the SNI and the cause get a useful width; the outcome symbol
 * at the start of each row stays, so an 80-column terminal still answers "which failed and why".
 */
export interface ListColumns {
  time: number;
  client: number;
  server: number;
  sni: number;
  version: number;
  outcome: number;
  cause: number;
  /** the sensor that reported the connection: only in the fleet view (tlsdiag watch) */
  sensor: number;
}

const FULL: ListColumns = { time: 12, client: 21, server: 21, sni: 0, version: 7, outcome: 11, cause: 0, sensor: 0 };
const SENSOR_WIDTH = 12;
/** the marker ('›' and the outcome symbol) and a space */
const MARK_WIDTH = 3;
const FLEX_MIN = 38;
/** the longest cause code is 29 characters: the cause column gets that before the SNI grows */
const CAUSE_WIDTH = 30;
/** each shown column is followed by two spaces; client and server by ' → ' */
const GAP = 2;

type Drop = (c: ListColumns) => ListColumns;
const DROPS: readonly Drop[] = [
  (c) => ({ ...c, outcome: 0 }),
  (c) => ({ ...c, time: 8 }),
  (c) => ({ ...c, version: 0 }),
  (c) => ({ ...c, client: 0 }),
];

function fixedWidth(c: ListColumns): number {
  let w = MARK_WIDTH;
  for (const key of ['time', 'sensor', 'client', 'server', 'version', 'outcome'] as const) if (c[key] > 0) w += c[key] + GAP;
  if (c.client > 0) w += 1; // ' → ' is one wider than the gap
  return w;
}

export function listColumns(width: number, withSensor = false): ListColumns {
  // in the fleet view the sensor takes the version's place first: which sensor saw it matters more there
  let c = withSensor ? { ...FULL, sensor: SENSOR_WIDTH, version: 0 } : FULL;
  for (const drop of DROPS) {
    if (width - fixedWidth(c) >= FLEX_MIN + GAP) break;
    c = drop(c);
  }
  const flex = Math.max(FLEX_MIN, width - fixedWidth(c) - GAP);
  const sni = Math.min(40, Math.max(12, flex - CAUSE_WIDTH));
  return { ...c, sni, cause: flex - sni };
}

export function headerRow(c: ListColumns): string {
  let row = ' '.repeat(MARK_WIDTH);
  if (c.time > 0) row += fit(c.time < 12 ? 'UTC' : 'time (UTC)', c.time) + '  ';
  if (c.sensor > 0) row += fit('sensor', c.sensor) + '  ';
  if (c.client > 0) row += fit('client', c.client) + '   ';
  row += fit('server', c.server) + '  ';
  row += fit('SNI', c.sni) + '  ';
  if (c.version > 0) row += fit('version', c.version) + '  ';
  if (c.outcome > 0) row += fit('outcome', c.outcome) + '  ';
  return row + fit('cause', c.cause);
}

/** One row's text after the marker; every wire string in it is sanitised. */
export function rowText(r: ConnectionRecord, c: ListColumns): string {
  let row = '';
  if (c.time > 0) row += fit(clock(r.firstTs, c.time < 12), c.time) + '  ';
  if (c.sensor > 0) row += fit(safe(r.sensor ?? '', 64), c.sensor) + '  ';
  if (c.client > 0) row += fit(endpoint(r.client.ip, r.client.port), c.client) + ' → ';
  row += fit(endpoint(r.server.ip, r.server.port), c.server) + '  ';
  row += fit(safe(r.tls.clientHello?.sni ?? '', 120), c.sni) + '  ';
  if (c.version > 0) row += fit(versionLabel(r), c.version) + '  ';
  if (c.outcome > 0) row += fit(r.outcome, c.outcome) + '  ';
  return row + fit(causeLabel(r), c.cause);
}

export function rowMark(r: ConnectionRecord, selected: boolean): string {
  return `${selected ? '›' : ' '}${OUTCOME_SYMBOL[r.outcome]} `;
}
