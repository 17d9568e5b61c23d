/** The built CLI in a child process, for the regressions that need the whole program (exit codes, stderr). */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { BUILT, CLI } from '../report/project.js';

export { BUILT };

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tlsdiag args`. A run that would never end is killed after `killAfterMs` (a guard so a regression fails
 * instead of hanging the suite: nothing is measured by it).
 */
export function tlsdiag(args: string[], options: SpawnSyncOptions & { killAfterMs?: number } = {}): CliRun {
  const { killAfterMs = 60_000, ...rest } = options;
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: killAfterMs, ...rest });
  return { code: run.status, signal: run.signal, stdout: String(run.stdout ?? ''), stderr: String(run.stderr ?? '') };
}
