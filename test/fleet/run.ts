/** The built CLI as a child process, for the fleet tests. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Report } from '../../src/report/types.js';
import { CLI } from '../report/project.js';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs tlsdiag to the end. */
export function tlsdiag(args: string[], env: NodeJS.ProcessEnv = {}): Finished {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A running tlsdiag whose output the test watches as it comes. */
export class Running {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Finished>;

  constructor(args: string[], stdin: 'pipe' | 'ignore' = 'ignore') {
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr })));
  }

  /** Resolves once `condition` holds, checking as output arrives and every 50 ms; rejects after `limitMs` saying what it waited for. */
  async until(what: string, condition: () => boolean, limitMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > limitMs) throw new Error(`waited for ${what}; stderr so far:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`tlsdiag exited (${this.child.exitCode}) before ${what}; stderr:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get stdoutLines(): number {
    return this.stdout.split('\n').filter((line) => line.trim() !== '').length;
  }
}

/** Polls until `condition` holds (what the test counts, not a time it guesses). */
export async function eventually(what: string, condition: () => boolean, limitMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`waited for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function readReport(file: string): Report {
  return JSON.parse(readFileSync(file, 'utf8')) as Report;
}

/** The report without its Inputs (which name files in one case and streams in the other). */
export function withoutInputs(report: Report): Omit<Report, 'inputs'> {
  const { inputs, ...rest } = report;
  void inputs;
  return rest;
}
