import type { RecordSummary } from '../report/types.js';
import type { InputReadResult } from './worker-input.js';

/** What every report worker is started with. */
export interface WorkerSetup {
  handshakeTimeout: number;
  /** bytes of connection state each worker's analysis may hold (the report's budget shared among its workers) */
  memoryBudget?: number;
  /** extra trusted CA certificates (PEM): a TrustStore cannot cross threads, its sources can */
  caPems: string[];
  /** --tls-port */
  tlsPorts: number[];
  /** --keylog texts (NSS key log format), in memory only: each worker reads its own KeyLog from them */
  keyLogTexts: string[];
}

/** Main thread → worker: read this input next. */
export interface ReadRequest {
  index: number;
  path: string;
}

/** Worker → main thread. Summaries come in batches: one message per connection would cost more than the analysis. */
export type WorkerMessage =
  | { type: 'summaries'; index: number; batch: RecordSummary[] }
  | { type: 'progress'; index: number; bytesRead: number; totalBytes: number }
  | { type: 'done'; index: number; result: InputReadResult }
  | { type: 'failed'; index: number; reason: string };
