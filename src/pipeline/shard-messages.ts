import type { Evictions } from '../tcp/flow-table.js';
import type { FrameBatch } from './frame-batch.js';

/**
 * The messages between the reader thread of a sharded analysis (analyze-sharded.ts) and its workers
 * (shard-worker.ts). Records cross as the UTF-8 output the worker already rendered, in one transferred buffer per
 * message with the end of each record in `ends`: a few moved buffers cost nothing to pass, thousands of objects or a
 * long string would be cloned, and the reading thread writes the bytes as they are.
 */

/** What every worker is started with: its share of the analysis options, and what the renderer needs. */
export interface ShardSetup {
  handshakeTimeout: number;
  /** extra trusted CA certificates (PEM), the host's included: a TrustStore cannot cross threads, its sources can */
  caPems: string[];
  tlsPorts: number[];
  /** --keylog texts (NSS key log format), in memory only */
  keyLogTexts: string[];
  /** bytes of connection state this worker may hold: its share of the analysis's budget */
  memoryBudget: number;
  /** for the renderer (the worker entry's own business: format, detail, filters) */
  render: unknown;
}

/** Reader → worker. */
export type ToShard =
  /** a new capture begins: its connections follow in batches (a worker analyzes one capture after another) */
  | { type: 'capture'; capture: string }
  /** frames and sweeps (frame-batch.ts); `cut` is the number of the last frame the batch covers */
  | { type: 'batch'; batch: FrameBatch; cut: number }
  /** the capture is over at `lastTs`: end the connections still open, FINISH_BATCH at a time */
  | { type: 'end'; lastTs: number }
  /** the records of the last end-of-capture batch are written: end the next batch */
  | { type: 'more' };

/** Rendered records: record i is bytes[ends[i-1] (0 for the first), ends[i]), UTF-8. */
export interface RenderedRecords {
  /** the frame number at which each record was decided; Infinity for those ended because the capture ended */
  keys: Float64Array;
  ends: Uint32Array;
  firstTs: Float64Array;
  bytes: Uint8Array;
}

/** A payload-less connect held until its server is known to speak TLS (see TlsServers): the reader decides. */
export interface HeldRecord {
  /** `ip|port` of the server */
  server: string;
  port: number;
  outcome: 'established' | 'failed' | 'incomplete';
  cause: string | null;
  firstTs: number;
  /** rendered, or null when the renderer leaves it out (--failed) */
  text: string | null;
}

export interface ShardSummary {
  /** frames the analysis skipped after an internal error */
  internalErrors: number;
  notes: string[];
  memory: { limit: number; evictions: Evictions; buffersRefused: number };
  /** every record decided, rendered or not */
  outcomes: { established: number; failed: number; incomplete: number };
  causes: [string, number][];
  held: HeldRecord[];
  /** `ip|port` of servers seen speaking TLS */
  tlsServers: string[];
}

/** Worker → reader. `cut`: every frame up to it is done (the records of later frames are still to come). */
export type FromShard =
  | ({ type: 'records'; cut: number } & RenderedRecords)
  | { type: 'done'; summary: ShardSummary }
  | { type: 'failed'; reason: string };
