/**
 * Reads the inputs of a batch report on worker threads, one input per worker at a time, the next handed to whichever
 * worker finishes first. Where the worker entry is not built (tests running the TypeScript sources), or there is only
 * one input, the inputs are read one after another in this thread instead: same results, no parallelism.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecordSummary } from '../report/types.js';
import { createTrustStore } from '../tls/trust-store.js';
import { STDIN_PATH } from './analyze-file.js';
import { readInput, type InputReadResult } from './worker-input.js';
import { keyLogFromTexts } from '../tls/decrypt/keylog.js';
import type { ReadRequest, WorkerMessage, WorkerSetup } from './worker-messages.js';

export interface PoolOptions extends WorkerSetup {
  /** worker threads to run at most (fewer when there are fewer inputs) */
  jobs: number;
}

export interface PoolListener {
  summary(summary: RecordSummary): void;
  progress(index: number, bytesRead: number, totalBytes: number): void;
  done(index: number, result: InputReadResult): void;
  /** the input could not be read; `partialConnections` of it were already passed to summary() */
  failed(index: number, reason: string, partialConnections: number): void;
}

/** Connection state all report workers together may hold (DEFAULT_MEMORY_BUDGET less the aggregation's share). */
const REPORT_MEMORY_BUDGET = 64 << 20;
/** No worker gets less: below it a busy capture's handshakes would be evicted. */
const MIN_WORKER_BUDGET = 32 << 20;

const WORKER_ENTRY = new URL('./worker-entry.js', import.meta.url);

/** Whether inputs can be read on worker threads (the compiled worker entry exists beside this module). */
export function workersAvailable(): boolean {
  return WORKER_ENTRY.protocol === 'file:' && existsSync(fileURLToPath(WORKER_ENTRY));
}

/** Reads every input, reporting through `listener`; resolves once each input is done or failed. Never rejects. */
export async function readInputs(paths: readonly string[], options: PoolOptions, listener: PoolListener): Promise<void> {
  const all = paths.map((_, index) => index);
  if (paths.length === 0) return;
  // one input gains nothing from a worker (this thread would only wait for it) and would pay a second heap
  if (!workersAvailable() || paths.length === 1) return readInThisThread(paths, all, REPORT_MEMORY_BUDGET, options, listener);
  // a worker's process.stdin is not the process's: standard input is read here, beside the workers, as one of them
  const here = all.filter((index) => paths[index] === STDIN_PATH);
  const elsewhere = all.filter((index) => paths[index] !== STDIN_PATH);
  const jobs = Math.max(1, Math.min(Math.floor(options.jobs) || 1, elsewhere.length + here.length));
  const share = Math.max(MIN_WORKER_BUDGET, Math.floor(REPORT_MEMORY_BUDGET / jobs));
  await Promise.all([readInThisThread(paths, here, share, options, listener), readOnWorkers(paths, elsewhere, options, listener)]);
}

async function readInThisThread(paths: readonly string[], indices: readonly number[], memoryBudget: number, options: PoolOptions, listener: PoolListener): Promise<void> {
  if (indices.length === 0) return;
  const trustStore = createTrustStore(options.caPems);
  const secrets = keyLogFromTexts(options.keyLogTexts ?? []);
  for (const index of indices) {
    let connections = 0;
    try {
      const result = await readInput(
        paths[index],
        {
          handshakeTimeout: options.handshakeTimeout,
          // the report's one budget (or this thread's share of it beside workers): the aggregation has its own share
          memoryBudget,
          trustStore,
          tlsPorts: options.tlsPorts,
          secrets,
          onProgress: (read, total) => listener.progress(index, read, total),
        },
        (summary) => {
          connections++;
          listener.summary(summary);
        },
      );
      listener.done(index, result);
    } catch (error) {
      listener.failed(index, (error as Error)?.message ?? String(error), connections);
    }
  }
}

function readOnWorkers(paths: readonly string[], indices: readonly number[], options: PoolOptions, listener: PoolListener): Promise<void> {
  if (indices.length === 0) return Promise.resolve();
  const jobs = Math.max(1, Math.min(Math.floor(options.jobs) || 1, indices.length));
  // one budget for the report, shared by its workers: each isolate also costs its own heap and code
  const memoryBudget = Math.max(MIN_WORKER_BUDGET, Math.floor(REPORT_MEMORY_BUDGET / jobs));
  const setup: WorkerSetup = {
    handshakeTimeout: options.handshakeTimeout,
    caPems: options.caPems,
    tlsPorts: options.tlsPorts ?? [],
    keyLogTexts: options.keyLogTexts ?? [],
    memoryBudget,
  };
  const received = new Array<number>(paths.length).fill(0);
  /** position in `indices` of the next input to hand out */
  let next = 0;
  let finished = 0;

  return new Promise((resolve) => {
    const settle = () => {
      finished++;
      if (finished === indices.length) resolve();
    };

    const start = () => {
      let current = -1;
      const worker = new Worker(WORKER_ENTRY, { workerData: setup });
      const handOut = () => {
        if (next >= indices.length) {
          current = -1;
          void worker.terminate();
          return;
        }
        current = indices[next++];
        const request: ReadRequest = { index: current, path: paths[current] };
        worker.postMessage(request);
      };
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'summaries':
            received[message.index] += message.batch.length;
            for (const summary of message.batch) listener.summary(summary);
            break;
          case 'progress':
            listener.progress(message.index, message.bytesRead, message.totalBytes);
            break;
          case 'done':
            listener.done(message.index, message.result);
            settle();
            handOut();
            break;
          case 'failed':
            listener.failed(message.index, message.reason, received[message.index]);
            settle();
            handOut();
            break;
        }
      });
      // a worker that dies (out of memory, a bug) costs its current input only: the rest go to a fresh worker
      let crash = 'the worker stopped';
      worker.on('error', (error) => {
        crash = `the analysis crashed: ${error.message}`;
      });
      worker.on('exit', () => {
        if (current < 0) return;
        const lost = current;
        current = -1;
        listener.failed(lost, crash, received[lost]);
        settle();
        if (next < indices.length) start();
      });
      handOut();
    };

    for (let i = 0; i < jobs; i++) start();
  });
}
