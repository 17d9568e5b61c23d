import { RULES } from '../diagnose/index.js';
import type { ConnectionRecord } from '../model/record.js';
import { compareExamples, EXAMPLES_PER_ROW, keepEarliest } from './examples.js';
import { summarizeRecord, UNDIAGNOSED } from './summary.js';
import { TimeSeries } from './time-series.js';
import type { CauseCount, CauseRow, ConfidenceCounts, Example, InputFile, PeerRow, RecordSummary, Report, SensorRow, SkippedInput } from './types.js';

interface CauseTally {
  count: number;
  confidence: ConfidenceCounts;
  firstSeen: number;
  lastSeen: number;
  /** the earliest failure of this cause (for a peer) */
  example: Example;
}

interface CauseEntry extends CauseTally {
  servers: Set<string>;
  /** servers past MAX_SERVERS_PER_CAUSE (counted once per connection: an upper bound) */
  serversBeyond: number;
  examples: Example[];
  titleOfEarliest: string;
}

interface PeerEntry {
  endpoint: string;
  sni: string | null;
  connections: number;
  failed: number;
  causes: Map<string, CauseTally>;
  /** causes kept apart whose codes no rule gives */
  unknownCauses: number;
  firstFailure: number | null;
  lastFailure: number | null;
  examples: Example[];
}

/** 'ip:port', IPv6 in brackets as in a URL. */
export function formatEndpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * Server or client rows kept at most per table. Past twice this many (a flood from a million spoofed sources), the
 * table is cut back to the MAX_PEERS with the most failures, then connections: the report's memory stays bounded
 * whatever the input, and the rows that matter (who fails most) are the ones kept.
 */
export const MAX_PEERS = 20_000;
/** Servers counted per cause; beyond, the count goes on without remembering which. */
const MAX_SERVERS_PER_CAUSE = 20_000;

/**
 * The codes this tlsdiag's rules give, and 'undiagnosed': each always has a row of its own, so no flood of other codes
 * can hide one from the report or from --fail-on.
 */
const KNOWN_CAUSES: ReadonlySet<string> = new Set([...RULES.map((rule) => rule.code), UNDIAGNOSED]);
/**
 * Codes no rule of this tlsdiag gives that still get a row of their own: records from a newer tlsdiag name a few new
 * ones; an NDJSON file anyone wrote can name one per line. Past this, such failures are counted under OTHER_CAUSES.
 */
export const MAX_UNKNOWN_CAUSES = 100;
/**
 * Codes no rule gives that one server or client row keeps apart, besides the rules' own (always kept, so real data
 * gives the same rows in any order); the rest of its failures are counted under OTHER_CAUSES. Each cause of a row
 * keeps its earliest example, whose strings may be 1 KB each (summary.ts), over up to 40,000 rows per table: this
 * bound multiplies the report's largest memory.
 */
export const MAX_UNKNOWN_CAUSES_PER_PEER = 8;
/** Sensor rows kept; connections of sensors past it are counted under OTHER_SENSORS. */
export const MAX_SENSORS = 1000;
/**
 * The row failures of causes not kept are counted in. Spaces and parentheses keep it apart from every real code; a
 * record naming it is folded in like any other code past the bound.
 */
export const OTHER_CAUSES = '(other causes)';
/** The row connections of sensors past MAX_SENSORS are counted in (a record naming it is counted there too). */
export const OTHER_SENSORS = '(other sensors)';
const OTHER_CAUSES_TITLE = `Failures whose cause codes no rule of this tlsdiag gives, past the ${MAX_UNKNOWN_CAUSES} such codes a report keeps rows for`;

/**
 * Folds connection summaries into a report, one at a time. Memory grows with the distinct servers, clients, causes and
 * sensors seen — up to MAX_PEERS, MAX_UNKNOWN_CAUSES (besides the rules' own codes) and MAX_SENSORS rows — never with
 * the number of connections: rows keep counts, first and last seen and at most EXAMPLES_PER_ROW examples (the
 * earliest). Within those bounds the result does not depend on the order connections arrive in, so files analyzed in
 * parallel give the same report as one after another; past one, which rows are kept depends on what came first.
 */
export class Aggregator {
  private connections = 0;
  private readonly outcomes = { established: 0, failed: 0, incomplete: 0 };
  private decrypted = 0;
  private firstSeen = Infinity;
  private lastSeen = -Infinity;
  private readonly causes = new Map<string, CauseEntry>();
  private readonly servers = new Map<string, PeerEntry>();
  private readonly clients = new Map<string, PeerEntry>();
  private distinctServers = 0;
  private distinctClients = 0;
  private readonly notKept = { servers: 0, clients: 0 };
  private readonly series = new TimeSeries();
  private readonly inputs: InputFile[] = [];
  private readonly skipped: SkippedInput[] = [];
  private readonly sensors = new Map<string, SensorRow>();
  /** rows of codes outside KNOWN_CAUSES (OTHER_CAUSES not counted) */
  private unknownCauseRows = 0;

  /** Adds one whole record (in-process use); workers and NDJSON files add summaries. */
  addRecord(record: ConnectionRecord): void {
    this.add(summarizeRecord(record));
  }

  add(summary: RecordSummary): void {
    this.connections++;
    this.outcomes[summary.outcome]++;
    if (summary.decrypted === true) this.decrypted++;
    const ts = summary.firstTs;
    if (ts < this.firstSeen) this.firstSeen = ts;
    if (ts > this.lastSeen) this.lastSeen = ts;
    const failed = summary.outcome === 'failed';
    this.series.add(ts, failed);
    if (summary.sensor !== undefined) this.countSensor(summary.sensor, summary.outcome, ts);

    const serverEndpoint = formatEndpoint(summary.serverIp, summary.serverPort);
    // the SNI decides which virtual host answered: one row per endpoint and name
    const serverKey = `${serverEndpoint} ${summary.sni ?? ''}`;
    if (!this.servers.has(serverKey)) {
      this.distinctServers++;
      if (this.servers.size >= 2 * MAX_PEERS) this.notKept.servers += cutBack(this.servers);
    }
    if (!this.clients.has(summary.clientIp)) {
      this.distinctClients++;
      if (this.clients.size >= 2 * MAX_PEERS) this.notKept.clients += cutBack(this.clients);
    }
    const server = peerEntry(this.servers, serverKey, serverEndpoint, summary.sni);
    const client = peerEntry(this.clients, summary.clientIp, summary.clientIp, null);
    server.connections++;
    client.connections++;
    if (!failed) return;

    const code = this.causeRowFor(summary.cause ?? UNDIAGNOSED);
    const example: Example = {
      capture: summary.capture,
      id: summary.id,
      ts,
      client: formatEndpoint(summary.clientIp, summary.clientPort),
      server: serverEndpoint,
      sni: summary.sni,
      cause: code,
    };
    let cause = this.causes.get(code);
    if (cause === undefined) {
      cause = { count: 0, confidence: noConfidence(), firstSeen: ts, lastSeen: ts, example, servers: new Set(), serversBeyond: 0, examples: [], titleOfEarliest: titleOf(code, summary.title) };
      this.causes.set(code, cause);
    }
    const confidence = summary.confidence ?? 'medium';
    tally(cause, ts, example, confidence);
    if (cause.servers.size < MAX_SERVERS_PER_CAUSE) cause.servers.add(serverKey);
    else if (!cause.servers.has(serverKey)) cause.serversBeyond++;
    if (keepEarliest(cause.examples, example) && cause.examples[0] === example) cause.titleOfEarliest = titleOf(code, summary.title);
    failPeer(server, code, ts, example, confidence);
    failPeer(client, code, ts, example, confidence);
  }

  /** The row a failure of `code` is counted in: its own, or OTHER_CAUSES past MAX_UNKNOWN_CAUSES. */
  private causeRowFor(code: string): string {
    if (code === OTHER_CAUSES) return OTHER_CAUSES;
    if (KNOWN_CAUSES.has(code) || this.causes.has(code)) return code;
    if (this.unknownCauseRows >= MAX_UNKNOWN_CAUSES) return OTHER_CAUSES;
    this.unknownCauseRows++;
    return code;
  }

  private countSensor(sensor: string, outcome: RecordSummary['outcome'], ts: number): void {
    const name = this.sensors.has(sensor) ? sensor : sensor === OTHER_SENSORS || this.sensors.size >= MAX_SENSORS ? OTHER_SENSORS : sensor;
    let row = this.sensors.get(name);
    if (row === undefined) {
      row = { sensor: name, connections: 0, established: 0, failed: 0, incomplete: 0, failureRate: 0, firstSeen: ts, lastSeen: ts };
      this.sensors.set(name, row);
    }
    row.connections++;
    row[outcome]++;
    if (ts < row.firstSeen) row.firstSeen = ts;
    if (ts > row.lastSeen) row.lastSeen = ts;
  }

  /** An input file that was read (its connections were added separately). */
  addInput(input: InputFile): void {
    this.inputs.push(input);
  }

  /** An input that could not be read at all, and why. */
  skip(path: string, reason: string): void {
    this.skipped.push({ path, reason });
  }

  /** The report so far; the aggregator can go on taking connections afterwards. */
  report(): Report {
    const decided = this.outcomes.established + this.outcomes.failed;
    const { bucketSeconds, buckets } = this.series.snapshot();
    const causes: CauseRow[] = [...this.causes].map(([code, c]) => ({
      code,
      title: c.titleOfEarliest,
      count: c.count,
      firstSeen: c.firstSeen,
      lastSeen: c.lastSeen,
      servers: c.servers.size + c.serversBeyond,
      confidence: { ...c.confidence },
      examples: [...c.examples],
    }));
    causes.sort((a, b) => b.count - a.count || compareText(a.code, b.code));
    return {
      totals: {
        connections: this.connections,
        ...this.outcomes,
        decrypted: this.decrypted,
        failureRate: decided === 0 ? 0 : this.outcomes.failed / decided,
        firstSeen: this.connections === 0 ? null : this.firstSeen,
        lastSeen: this.connections === 0 ? null : this.lastSeen,
      },
      causes,
      servers: failingRows(this.servers),
      clients: failingRows(this.clients),
      distinctServers: this.distinctServers,
      distinctClients: this.distinctClients,
      ...(this.notKept.servers + this.notKept.clients > 0 ? { peersNotKept: { ...this.notKept } } : {}),
      bucketSeconds,
      timeline: buckets,
      inputs: [...this.inputs].sort((a, b) => compareText(a.path, b.path)),
      skipped: [...this.skipped].sort((a, b) => compareText(a.path, b.path)),
      sensors: [...this.sensors.values()]
        .map((row) => ({ ...row, failureRate: row.established + row.failed === 0 ? 0 : row.failed / (row.established + row.failed) }))
        // the remainder closes the table whatever its name sorts as
        .sort((a, b) => Number(a.sensor === OTHER_SENSORS) - Number(b.sensor === OTHER_SENSORS) || compareText(a.sensor, b.sensor)),
    };
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function peerEntry(map: Map<string, PeerEntry>, key: string, endpoint: string, sni: string | null): PeerEntry {
  let entry = map.get(key);
  if (entry === undefined) {
    entry = { endpoint, sni, connections: 0, failed: 0, causes: new Map(), unknownCauses: 0, firstFailure: null, lastFailure: null, examples: [] };
    map.set(key, entry);
  }
  return entry;
}

/** Keeps the MAX_PEERS rows with the most failures, then connections; returns how many were let go. */
function cutBack(map: Map<string, PeerEntry>): number {
  const ranked = [...map].sort((a, b) => b[1].failed - a[1].failed || b[1].connections - a[1].connections);
  for (let i = MAX_PEERS; i < ranked.length; i++) map.delete(ranked[i][0]);
  return Math.max(0, ranked.length - MAX_PEERS);
}

function noConfidence(): ConfidenceCounts {
  return { high: 0, medium: 0, low: 0 };
}

function tally(t: CauseTally, ts: number, example: Example, confidence: keyof ConfidenceCounts): void {
  t.count++;
  t.confidence[confidence]++;
  if (ts < t.firstSeen) t.firstSeen = ts;
  if (ts > t.lastSeen) t.lastSeen = ts;
  if (compareExamples(example, t.example) < 0) t.example = example;
}

function titleOf(code: string, title: string | null): string {
  return code === OTHER_CAUSES ? OTHER_CAUSES_TITLE : (title ?? code);
}

/** The cause a peer counts a failure of `cause` under: its own, or OTHER_CAUSES past MAX_UNKNOWN_CAUSES_PER_PEER. */
function peerCause(peer: PeerEntry, cause: string): string {
  if (cause === OTHER_CAUSES || KNOWN_CAUSES.has(cause) || peer.causes.has(cause)) return cause;
  if (peer.unknownCauses >= MAX_UNKNOWN_CAUSES_PER_PEER) return OTHER_CAUSES;
  peer.unknownCauses++;
  return cause;
}

function failPeer(peer: PeerEntry, cause: string, ts: number, example: Example, confidence: keyof ConfidenceCounts): void {
  const code = peerCause(peer, cause);
  peer.failed++;
  if (peer.firstFailure === null || ts < peer.firstFailure) peer.firstFailure = ts;
  if (peer.lastFailure === null || ts > peer.lastFailure) peer.lastFailure = ts;
  const known = peer.causes.get(code);
  if (known === undefined) peer.causes.set(code, { count: 0, confidence: noConfidence(), firstSeen: ts, lastSeen: ts, example });
  tally(peer.causes.get(code)!, ts, example, confidence);
  keepEarliest(peer.examples, example, EXAMPLES_PER_ROW);
}

function failingRows(map: Map<string, PeerEntry>): PeerRow[] {
  const rows: PeerRow[] = [];
  for (const peer of map.values()) {
    if (peer.failed === 0) continue;
    const causes: CauseCount[] = [...peer.causes].map(([code, t]) => ({ code, count: t.count, confidence: { ...t.confidence }, firstSeen: t.firstSeen, lastSeen: t.lastSeen, example: t.example }));
    causes.sort((a, b) => b.count - a.count || compareText(a.code, b.code));
    rows.push({
      endpoint: peer.endpoint,
      sni: peer.sni,
      connections: peer.connections,
      failed: peer.failed,
      dominantCause: causes[0]?.code ?? null,
      causes,
      firstFailure: peer.firstFailure,
      lastFailure: peer.lastFailure,
      examples: [...peer.examples],
    });
  }
  rows.sort((a, b) => b.failed - a.failed || compareText(a.endpoint, b.endpoint) || compareText(a.sni ?? '', b.sni ?? ''));
  return rows;
}
