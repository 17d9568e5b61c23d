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
import { leftOutNote } from '../tls/session/tls-servers.js';
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
  /** the shared buffer of each batch in flight, in order (null: the batch held no frame): as many as are in flight */
  buffers: (SharedArrayBuffer | null)[];
  summary: ShardSummary | null;
  failure: string | null;
  settled: Promise<void>;
}

/** What a pool's workers are started with, for every capture it analyzes. */
export type ShardPoolOptions = Omit<ShardedOptions, 'output' | 'onProgress' | 'onWaiting'>;

/** What one capture's analysis is given besides the pool's options. */
export type ShardedCallOptions = Pick<ShardedOptions, 'output' | 'onProgress' | 'onWaiting'>;

/** How the current capture's analysis hears from the workers. */
interface ShardListener {
  message(index: number, message: FromShard): void;
  failed(index: number, reason: string): void;
}

/**
 * Worker threads kept for a whole run: started at the first capture that is sharded and given one capture after
 * another, so a folder of captures pays their start once, not once a file. A worker that failed is started afresh
 * for the next capture.
 */
export class ShardPool {
  private readonly workers: (Worker | null)[];
  private listener: ShardListener | null = null;
  private readonly setup: ShardSetup;
  readonly jobs: number;
  private readonly budget: number;

  constructor(private readonly options: ShardPoolOptions) {
    this.jobs = Math.max(1, Math.floor(options.jobs));
    this.budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
    this.workers = new Array<Worker | null>(this.jobs).fill(null);
    this.setup = {
      handshakeTimeout: options.handshakeTimeout,
      caPems: options.caPems,
      tlsPorts: [...options.tlsPorts],
      keyLogTexts: [...options.keyLogTexts],
      memoryBudget: Math.floor(this.budget / this.jobs),
      render: options.render,
    };
  }

  /** Ends the workers. */
  async close(): Promise<void> {
    this.listener = null;
    const running = this.workers.filter((w): w is Worker => w !== null);
    this.workers.fill(null);
    await Promise.all(running.map((w) => w.terminate()));
  }

  private worker(index: number): Worker {
    const existing = this.workers[index];
    if (existing !== null) return existing;
    const worker = new Worker(this.options.workerEntry, { workerData: this.setup });
    this.workers[index] = worker;
    const lost = (reason: string) => {
      if (this.workers[index] !== worker) return; // ended on purpose
      this.workers[index] = null;
      void worker.terminate();
      this.listener?.failed(index, reason);
    };
    worker.on('message', (message: FromShard) => {
      if (this.workers[index] === worker) this.listener?.message(index, message);
    });
    worker.on('error', (error) => lost(`the analysis crashed: ${error.message}`));
    worker.on('exit', () => lost('the worker stopped'));
    return worker;
  }

  /**
   * Analyzes the capture at `path`, calling `emit` with each rendered record in order. Rejects as analyzeFile does
   * when the file cannot be read as a capture at all. One capture at a time.
   */
  async analyze(path: string, call: ShardedCallOptions, emit: (text: string | Buffer, firstTs: number) => void): Promise<ShardedSummary> {
    const capture = basename(path);
    const { jobs, budget } = this;
    const merge = new OrderedMerge(jobs, emit);
    const buffers = new SharedBufferPool(READ_CHUNK, jobs * MAX_IN_FLIGHT + 2);
    let wake: (() => void) | null = null;
    const changed = () => {
      const resolve = wake;
      wake = null;
      resolve?.();
    };
    const shards: ShardState[] = [];
    /**
     * At the end of the capture a worker ends its open connections a batch at a time: it gets 'more' once the
     * records of its last batch are written (the merge writes worker after worker) and the output is not backed up,
     * so what waits here is a batch or two, not the whole table.
     */
    let askingAfterDrain = false;
    const askForMore = () => {
      if (call.output?.congested === true) {
        if (!askingAfterDrain) {
          askingAfterDrain = true;
          void call.output.drained().then(() => {
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
    const settle: (() => void)[] = [];
    for (let index = 0; index < jobs; index++) {
      const worker = this.worker(index);
      const state: ShardState = { worker, wantsMore: false, buffers: [], summary: null, failure: null, settled: Promise.resolve() };
      state.settled = new Promise<void>((resolve) => (settle[index] = resolve));
      shards.push(state);
      worker.postMessage({ type: 'capture', capture } satisfies ToShard);
    }
    const fail = (index: number, reason: string) => {
      const state = shards[index];
      if (state.summary !== null || state.failure !== null) return;
      state.failure = reason;
      // its batches will not be answered: their buffers go back to the pool's count
      for (const shared of state.buffers.splice(0)) if (shared) buffers.drop(shared);
      merge.finish(index);
      changed();
      askForMore();
      settle[index]();
    };
    this.listener = {
      failed: fail,
      message: (index, message) => {
        const state = shards[index];
        if (message.type === 'records') {
          if (message.cut !== Infinity) {
            const shared = state.buffers.shift();
            if (shared) buffers.drop(shared);
          }
          merge.add(index, message, message.cut);
          changed();
          if (message.cut === Infinity) state.wantsMore = true;
          askForMore();
        } else if (message.type === 'done') {
          state.summary = message.summary;
          merge.finish(index);
          changed();
          askForMore();
          settle[index]();
        } else {
          // the worker's analysis of this capture failed: it is started afresh for the next one
          const worker = this.workers[index];
          this.workers[index] = null;
          void worker?.terminate();
          fail(index, message.reason);
        }
      },
    };

    const channel: ShardChannel = {
      send(shard, batch, cut) {
        const state = shards[shard];
        if (state.failure !== null) {
          if (batch.shared !== null) buffers.drop(batch.shared);
          return;
        }
        state.buffers.push(batch.shared);
        const message: ToShard = { type: 'batch', batch, cut };
        state.worker.postMessage(message, [batch.index.buffer as ArrayBuffer]);
      },
      hold(shared) {
        buffers.hold(shared);
      },
      get busy() {
        return shards.some((s) => s.buffers.length >= MAX_IN_FLIGHT) || call.output?.congested === true;
      },
      changed() {
        const next = new Promise<void>((resolve) => {
          wake = resolve;
        });
        return call.output?.congested === true ? Promise.race([next, call.output.drained()]) : next;
      },
    };
    const sink = new ShardSink(jobs, channel);

    let read;
    try {
      read = await readCaptureFile(path, sink, { onProgress: call.onProgress, onWaiting: call.onWaiting, chunkSize: READ_CHUNK, bufferPool: buffers });
    } catch (error) {
      // the workers were mid-capture: they are ended, and started afresh for the next capture
      await this.close();
      throw error;
    }
    sink.cut();
    for (const state of shards) {
      if (state.failure !== null) continue;
      state.worker.postMessage({ type: 'end', lastTs: sink.stats.lastTs } satisfies ToShard);
    }
    await Promise.all(shards.map((s) => s.settled));
    this.listener = null;
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
    for (const record of held.sort((a, b) => a.firstTs - b.firstTs)) {
      if (!learned.has(record.server)) {
        leftOut.set(record.port, (leftOut.get(record.port) ?? 0) + 1);
        continue;
      }
      outcomes[record.outcome]++;
      if (record.cause !== null) causes.set(record.cause, (causes.get(record.cause) ?? 0) + 1);
      if (record.text !== null) emit(record.text, record.firstTs);
    }
    const leftOutLine = leftOutNote(leftOut);
    if (leftOutLine !== null) notes.add(leftOutLine);
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
}

/** One capture on a pool of its own (started and ended for it): analyze's one-shot form. */
export async function analyzeFileSharded(path: string, options: ShardedOptions, emit: (text: string | Buffer, firstTs: number) => void): Promise<ShardedSummary> {
  const pool = new ShardPool(options);
  try {
    return await pool.analyze(path, options, emit);
  } finally {
    await pool.close();
  }
}
