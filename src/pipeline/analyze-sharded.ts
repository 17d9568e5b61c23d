/**
 * One capture analyzed on several worker threads: this thread reads the capture and hands each connection's frames
 * to the worker that owns it (ShardSink, by flow hash), the workers analyze and render, and the records come back
 * into one deterministic order (OrderedMerge). What no single worker can decide is decided here: capture-wide
 * counts and notes, and the payload-less connects whose server another worker saw speaking TLS.
 *
 * The reader pauses while a worker has MAX_IN_FLIGHT batches not yet answered, or while the output is backed up, so
 * memory is bounded by the open connections and the batches in flight, never by the size of the capture.
 */
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readCaptureFile } from '../capture/file.js';
import { DEFAULT_MEMORY_BUDGET } from '../tcp/memory-budget.js';
import type { Evictions } from '../tcp/flow-table.js';
import { leftOutNoteFor } from '../tls/session/tls-servers.js';
import { describeDroppedState } from './analyzer.js';
import type { FileSummary } from './analyze-file.js';
import { OrderedMerge } from './ordered-merge.js';
import type { OutputPressure } from './output-pressure.js';
import type { FromShard, HeldRecord, ShardSetup, ShardSummary, ToShard } from './shard-messages.js';
import { ShardSink, type ShardChannel } from './shard-sink.js';
import { SharedBufferPool } from './shared-buffers.js';

/** Bytes read at a time into each shared buffer: fewer, larger batches. */
const READ_CHUNK = 4 << 20;
/** Batches handed to one worker and not yet answered before the reader waits. */
const MAX_IN_FLIGHT = 2;

export interface ShardedOptions {
  jobs: number;
  /** the worker entry: a module that calls runShardWorker() with a renderer made from ShardSetup.render */
  workerEntry: URL;
  handshakeTimeout: number;
  caPems: string[];
  tlsPorts: readonly number[];
  keyLogTexts: readonly string[];
  /** handed to the worker entry's renderer */
  render: unknown;
  /** bytes of connection state all workers together may hold (default DEFAULT_MEMORY_BUDGET) */
  memoryBudget?: number;
  output?: OutputPressure;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  onWaiting?: (what: string) => void;
}

export interface ShardedSummary extends FileSummary {
  /** every record decided, rendered or not */
  outcomes: { established: number; failed: number; incomplete: number };
  causes: Map<string, number>;
}

interface ShardState {
  worker: Worker;
  /** the worker sent an end-of-capture batch and waits for 'more' */
  wantsMore: boolean;
  inFlight: number;
  /** the shared buffer of each batch in flight, in order (null: the batch held no frame) */
  buffers: (SharedArrayBuffer | null)[];
  summary: ShardSummary | null;
  failure: string | null;
  settled: Promise<void>;
}

/**
 * Analyzes the capture at `path` on `options.jobs` worker threads, calling `emit` with each rendered record in
 * order. Rejects as analyzeFile does when the file cannot be read as a capture at all.
 */
export async function analyzeFileSharded(path: string, options: ShardedOptions, emit: (text: string | Buffer, firstTs: number) => void): Promise<ShardedSummary> {
  const capture = basename(path);
  const jobs = Math.max(1, Math.floor(options.jobs));
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const setup: ShardSetup = {
    capture,
    handshakeTimeout: options.handshakeTimeout,
    caPems: options.caPems,
    tlsPorts: [...options.tlsPorts],
    keyLogTexts: [...options.keyLogTexts],
    memoryBudget: Math.floor(budget / jobs),
    render: options.render,
  };
  const merge = new OrderedMerge(jobs, emit);
  const pool = new SharedBufferPool(READ_CHUNK, jobs * MAX_IN_FLIGHT + 2);
  let wake: (() => void) | null = null;
  const changed = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const shards: ShardState[] = [];
  /**
   * At the end of the capture a worker ends its open connections a batch at a time: it gets 'more' once the records
   * of its last batch are written (the merge writes worker after worker) and the output is not backed up, so what
   * waits here is a batch or two, not the whole table.
   */
  let askingAfterDrain = false;
  const askForMore = () => {
    if (options.output?.congested === true) {
      if (!askingAfterDrain) {
        askingAfterDrain = true;
        void options.output.drained().then(() => {
          askingAfterDrain = false;
          askForMore();
        });
      }
      return;
    }
    shards.forEach((state, index) => {
      if (!state.wantsMore || merge.queued(index) > 0 || state.summary !== null || state.failure !== null) return;
      state.wantsMore = false;
      state.worker.postMessage({ type: 'more' } satisfies ToShard);
    });
  };
  for (let index = 0; index < jobs; index++) shards.push(startShard(index));

  function startShard(index: number): ShardState {
    const worker = new Worker(options.workerEntry, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    const state: ShardState = { worker, wantsMore: false, inFlight: 0, buffers: [], summary: null, failure: null, settled: Promise.resolve() };
    state.settled = new Promise<void>((resolve) => {
      const fail = (reason: string) => {
        if (state.summary !== null || state.failure !== null) return;
        state.failure = reason;
        state.inFlight = 0;
        merge.finish(index);
        void worker.terminate();
        changed();
        askForMore();
        resolve();
      };
      worker.on('message', (message: FromShard) => {
        if (message.type === 'records') {
          if (message.cut !== Infinity) {
            state.inFlight--;
            const shared = state.buffers.shift();
            if (shared) pool.drop(shared);
          }
          merge.add(index, message, message.cut);
          changed();
          if (message.cut === Infinity) state.wantsMore = true;
          askForMore();
        } else if (message.type === 'done') {
          state.summary = message.summary;
          merge.finish(index);
          void worker.terminate();
          changed();
          askForMore();
          resolve();
        } else fail(message.reason);
      });
      worker.on('error', (error) => fail(`the analysis crashed: ${error.message}`));
      worker.on('exit', () => fail('the worker stopped'));
    });
    return state;
  }

  const channel: ShardChannel = {
    send(shard, batch, cut) {
      const state = shards[shard];
      if (state.failure !== null) {
        if (batch.shared !== null) pool.drop(batch.shared);
        return;
      }
      state.inFlight++;
      state.buffers.push(batch.shared);
      const message: ToShard = { type: 'batch', batch, cut };
      state.worker.postMessage(message, [batch.index.buffer as ArrayBuffer]);
    },
    hold(shared) {
      pool.hold(shared);
    },
    get busy() {
      return shards.some((s) => s.inFlight >= MAX_IN_FLIGHT) || options.output?.congested === true;
    },
    changed() {
      const next = new Promise<void>((resolve) => {
        wake = resolve;
      });
      return options.output?.congested === true ? Promise.race([next, options.output.drained()]) : next;
    },
  };
  const sink = new ShardSink(jobs, channel);

  let read;
  try {
    read = await readCaptureFile(path, sink, { onProgress: options.onProgress, onWaiting: options.onWaiting, chunkSize: READ_CHUNK, bufferPool: pool });
  } catch (error) {
    await Promise.all(shards.map((s) => s.worker.terminate()));
    throw error;
  }
  sink.cut();
  for (const state of shards) {
    if (state.failure !== null) continue;
    const end: ToShard = { type: 'end', lastTs: sink.stats.lastTs };
    state.worker.postMessage(end);
  }
  await Promise.all(shards.map((s) => s.settled));

  const outcomes = { established: 0, failed: 0, incomplete: 0 };
  const causes = new Map<string, number>();
  const notes = new Set<string>(sink.notes);
  const evictions: Evictions = { synOnly: 0, pastHandshake: 0, inHandshake: 0, closing: 0 };
  let buffersRefused = 0;
  let internalErrors = 0;
  const learned = new Set<string>();
  const held: HeldRecord[] = [];
  shards.forEach((state, index) => {
    if (state.summary === null) {
      notes.add(`worker ${index + 1} of ${jobs} stopped (${state.failure}): the connections it held, about 1/${jobs} of the capture, are missing`);
      return;
    }
    const s = state.summary;
    for (const key of ['established', 'failed', 'incomplete'] as const) outcomes[key] += s.outcomes[key];
    for (const [code, n] of s.causes) causes.set(code, (causes.get(code) ?? 0) + n);
    for (const note of s.notes) notes.add(note);
    evictions.synOnly += s.memory.evictions.synOnly;
    evictions.pastHandshake += s.memory.evictions.pastHandshake;
    evictions.inHandshake += s.memory.evictions.inHandshake;
    evictions.closing += s.memory.evictions.closing;
    buffersRefused += s.memory.buffersRefused;
    internalErrors += s.internalErrors;
    for (const server of s.tlsServers) learned.add(server);
    held.push(...s.held);
  });

  // connects another worker's connections showed to be TLS are reported now; the rest are counted by port
  const leftOut = new Map<number, number>();
  let released = 0;
  for (const record of held.sort((a, b) => a.firstTs - b.firstTs)) {
    if (!learned.has(record.server)) {
      leftOut.set(record.port, (leftOut.get(record.port) ?? 0) + 1);
      continue;
    }
    released++;
    outcomes[record.outcome]++;
    if (record.cause !== null) causes.set(record.cause, (causes.get(record.cause) ?? 0) + 1);
    if (record.text !== null) emit(record.text, record.firstTs);
  }
  const leftOutNote = leftOutNoteFor(leftOut);
  if (leftOutNote !== null) notes.add(leftOutNote);
  const malformed = sink.stats.malformedFrames + internalErrors;
  if (malformed > 0) notes.add(`${malformed} malformed frame(s) skipped`);
  const dropped = describeDroppedState({ charged: 0, limit: budget, synOnlyFlows: 0, evictions, buffersRefused });
  if (dropped !== null) notes.add(dropped);

  return {
    ...sink.stats,
    malformedFrames: malformed,
    connections: outcomes.established + outcomes.failed + outcomes.incomplete,
    capture,
    path,
    format: read.format,
    gzip: read.gzip,
    bytes: read.bytes,
    notes: [...read.notes.map((n) => n.message), ...notes],
    outcomes,
    causes,
  };
}
