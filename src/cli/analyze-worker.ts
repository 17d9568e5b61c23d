/**
 * A worker thread of `tlsdiag analyze --jobs N`: analyzes the connections the reading thread hands it and renders
 * them in the run's output format (src/pipeline/shard-worker.ts does the rest). Started from the built dist/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runShardWorker } from '../pipeline/shard-worker.js';
import type { ShardSetup } from '../pipeline/shard-messages.js';
import { recordRenderer, type RenderSetup } from './output/render.js';

const setup = workerData as ShardSetup;
if (parentPort !== null) runShardWorker(parentPort, setup, recordRenderer(setup.render as RenderSetup));
