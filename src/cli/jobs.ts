import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@commander-js/extra-typings';

/** The worker entry of a sharded analysis, beside this module in the built dist/. */
export const ANALYZE_WORKER = new URL('./analyze-worker.js', import.meta.url);

/** `--jobs auto` shards a capture of at least this size: below it, starting the workers costs more than they save. */
export const AUTO_SHARD_BYTES = 128 << 20;
/** `--jobs auto` uses at most this many workers: past it the one reading thread is the limit. */
export const AUTO_MAX_JOBS = 8;
/**
 * `--jobs auto` shards only with at least this many cores: the reading thread needs one of its own. Measured on two
 * cores (docs/performance.md): one worker beside the reader gains nothing, two lose to one thread.
 */
export const AUTO_MIN_CORES = 4;

/**
 * The most worker threads `--jobs N` starts. One thread reads the capture and hands frames out (measured: 0.43 s for
 * the 784 MB bench capture, docs/performance.md), so past a few workers more only add heaps, ~90 MB each at full load
 * and ~14 MB idle: 256 of them took 3.5 GB for a one-connection capture.
 */
export const MAX_JOBS = 16;

export type Jobs = number | 'auto';

export const JOBS_HELP =
  `worker threads for one capture, by connection: a number, or auto (with ${AUTO_MIN_CORES} cores or more, one fewer ` +
  `than the cores, at most ${AUTO_MAX_JOBS}, for a capture of ${AUTO_SHARD_BYTES >> 20} MB or more; else one thread). ` +
  'The records are the same whatever the number; their order can differ';

export function parseJobs(value: string): Jobs {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_JOBS) throw new InvalidArgumentError(`a number of threads from 1 to ${MAX_JOBS}, or auto`);
  return n;
}

/** Whether the worker entry exists (tests running the TypeScript sources have none: they analyze in one thread). */
function workersAvailable(): boolean {
  return ANALYZE_WORKER.protocol === 'file:' && existsSync(fileURLToPath(ANALYZE_WORKER));
}

/**
 * How many worker threads analyze `path`: 1 means this thread alone. Standard input and named pipes are read in
 * one thread (their size is unknown and their reader is the limit); so is a small capture under `auto`.
 */
export async function shardsFor(path: string, jobs: Jobs, cores: number = availableParallelism()): Promise<number> {
  if (jobs === 1 || path === '-' || !workersAvailable()) return 1;
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile()) return 1;
  if (jobs !== 'auto') return jobs;
  return autoShards(info.size, cores);
}

/** What `--jobs auto` chooses for a capture of `bytes` on `cores` cores. */
export function autoShards(bytes: number, cores: number): number {
  return bytes >= AUTO_SHARD_BYTES && cores >= AUTO_MIN_CORES ? Math.min(cores - 1, AUTO_MAX_JOBS) : 1;
}
