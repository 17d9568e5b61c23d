/**
 * A report worker thread: reads the inputs the main thread hands it, one at a time, and posts back connection
 * summaries in batches, progress, and how each input ended. Started by worker-pool.ts from the built dist/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordSummary } from '../report/types.js';
import { createTrustStore } from '../tls/trust-store.js';
import { keyLogFromTexts } from '../tls/decrypt/keylog.js';
import { readInput } from './worker-input.js';
import type { ReadRequest, WorkerMessage, WorkerSetup } from './worker-messages.js';

const BATCH = 512;

const setup = workerData as WorkerSetup;
const trustStore = createTrustStore(setup.caPems);
const secrets = keyLogFromTexts(setup.keyLogTexts ?? []);
const port = parentPort;

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

async function read({ index, path }: ReadRequest): Promise<void> {
  let batch: RecordSummary[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    post({ type: 'summaries', index, batch });
    batch = [];
  };
  try {
    const result = await readInput(
      path,
      { handshakeTimeout: setup.handshakeTimeout, memoryBudget: setup.memoryBudget, trustStore, tlsPorts: setup.tlsPorts, secrets, onProgress: (bytesRead, totalBytes) => post({ type: 'progress', index, bytesRead, totalBytes }) },
      (summary) => {
        batch.push(summary);
        if (batch.length >= BATCH) flush();
      },
    );
    flush();
    post({ type: 'done', index, result });
  } catch (error) {
    // connections read before the failure were posted; the main thread says so beside the reason
    flush();
    post({ type: 'failed', index, reason: (error as Error)?.message ?? String(error) });
  }
}

port?.on('message', (request: ReadRequest) => {
  void read(request);
});
