/**
 * The shapes of a batch report: what the aggregation keeps of each connection, and the finished report every writer
 * (Markdown, CSV, JSON, HTML) renders. Times are capture times in seconds since the Unix epoch.
 */
import type { Confidence, Outcome } from '../model/record.js';

/**
 * The part of a connection record a report needs. Workers send these instead of whole records (a few hundred bytes
 * instead of kilobytes), and NDJSON lines are reduced to the same shape, so both inputs aggregate identically.
 */
export interface RecordSummary {
  /** the capture file the connection was seen in (its base name, as in the record) */
  capture: string;
  id: string;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  sni: string | null;
  firstTs: number;
  outcome: Outcome;
  /** the cause code of a failure; 'undiagnosed' when no rule recognised it; null unless failed */
  cause: string | null;
  /** the diagnosis title of a failure, null otherwise */
  title: string | null;
  /** how sure the diagnosis is (records from before confidence existed count as medium); null unless failed */
  confidence: Confidence | null;
  /** its handshake was decrypted with a key log (false, or absent, in records written before decryption existed) */
  decrypted?: boolean;
  /** the sensor that captured it (records shipped by a sensor, see --sensor) */
  sensor?: string;
  /** the record's fleet-wide uid, which readers of a stream count once */
  uid?: string;
}

/** How many failures of a cause were diagnosed at each confidence: counts stay by primary cause. */
export interface ConfidenceCounts {
  high: number;
  medium: number;
  low: number;
}

/** A connection to open in tlsdiag or Wireshark: which capture, when, between whom. */
export interface Example {
  capture: string;
  id: string;
  ts: number;
  client: string;
  server: string;
  sni: string | null;
  cause: string | null;
}

/** How often something happened and over what span. */
export interface Occurrence {
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface CauseRow extends Occurrence {
  code: string;
  /** the diagnosis title of the earliest example (titles of one cause may name details, such as the alert) */
  title: string;
  /** distinct servers (IP:port and SNI) that failed with this cause */
  servers: number;
  confidence: ConfidenceCounts;
  examples: Example[];
}

/** Failures of one cause at one server or from one client. */
export interface CauseCount extends Occurrence {
  code: string;
  confidence: ConfidenceCounts;
  example: Example;
}

export interface PeerRow {
  /** 'ip:port' for a server, 'ip' for a client (client ports are ephemeral) */
  endpoint: string;
  /** the server name asked for (servers only; null when the client sent none) */
  sni: string | null;
  connections: number;
  failed: number;
  /** the cause of most of the failures (ties go to the code first in sort order) */
  dominantCause: string | null;
  /** every cause with its own counts, most frequent first */
  causes: CauseCount[];
  /** first and last failure; null when none failed */
  firstFailure: number | null;
  lastFailure: number | null;
  examples: Example[];
}

export interface TimeBucket {
  /** start of the bucket */
  start: number;
  connections: number;
  failed: number;
}

export interface Totals {
  connections: number;
  established: number;
  failed: number;
  incomplete: number;
  /** connections whose handshake was decrypted with a key log (--keylog, a pcapng Decryption Secrets Block) */
  decrypted: number;
  /** failed / (established + failed): incomplete connections show no outcome and are left out; 0 when none */
  failureRate: number;
  firstSeen: number | null;
  lastSeen: number | null;
}

export type InputKind = 'capture' | 'ndjson' | 'redis';

/** One input file that was read. */
export interface InputFile {
  path: string;
  kind: InputKind;
  bytes: number;
  connections: number;
  /** damage, truncation, unreadable NDJSON lines, in plain words */
  notes: string[];
}

/** An input that could not be read at all. */
export interface SkippedInput {
  path: string;
  reason: string;
}

/** The connections one sensor reported (records that name their sensor: from Redis, or NDJSON a sensor wrote). */
export interface SensorRow {
  sensor: string;
  connections: number;
  established: number;
  failed: number;
  incomplete: number;
  /** failed / (established + failed), 0 when none */
  failureRate: number;
  /** capture time of its first and last connection */
  firstSeen: number;
  lastSeen: number;
}

export interface Report {
  totals: Totals;
  causes: CauseRow[];
  /** servers with at least one failure, most failures first */
  servers: PeerRow[];
  /** clients with at least one failure, most failures first */
  clients: PeerRow[];
  /** servers and clients seen in all, failing or not (a lower bound... see peersNotKept) */
  distinctServers: number;
  distinctClients: number;
  /**
   * Rows let go to keep the report's memory bounded (more than MAX_PEERS servers or clients: a flood of spoofed
   * sources). The peers with the fewest failures and connections went; one seen again starts its counts anew, and the
   * distinct counts above then count it twice. Zero in the usual case.
   */
  peersNotKept?: { servers: number; clients: number };
  /** seconds each bucket of `timeline` covers */
  bucketSeconds: number;
  timeline: TimeBucket[];
  inputs: InputFile[];
  skipped: SkippedInput[];
  /** one row per sensor, by name; [] when no record names its sensor */
  sensors: SensorRow[];
}
