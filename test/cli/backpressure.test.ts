import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shared.js';

/**
 * Output backpressure, end to end: `tlsdiag analyze --format ndjson` over 20,000 connections (a capture written by
 * scripts/make-flood-capture.mjs: about 30 MB of records) into a pipe whose reader stops reading. The analysis must
 * pause — what waits in the process for the reader stays bounded, far below what the capture produces — and go on
 * when the reader comes back, every record delivered. Counted in bytes, never timed. And `| head -1` ends it at once,
 * quietly, exit code 0.
 */
const FLOWS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-backpressure-'));
const capture = join(dir, 'hello.pcap');
const built = existsSync(resolve(ROOT, 'dist/cli/main.js'));

describe.skipIf(!built)('analyze: stdout backpressure', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // one thread; and two worker threads, where what the workers had in flight when the reader stalled (at most two
  // batches of 2,048 frames each, and one end-of-capture batch of 512 connections) is still rendered and waits
  it.each([
    ['one thread', ['--jobs', '1'], 1 << 20, 10],
    ['two worker threads', ['--jobs', '2'], 2 << 20, 10],
  ] as const)('pauses while the reader is stalled (%s): the bytes waiting stay bounded, then every record arrives', async (_, jobs, bound, part) => {
    if (!existsSync(capture)) {
      const made = spawnSync(process.execPath, [resolve(ROOT, 'scripts/make-flood-capture.mjs'), 'hello', String(FLOWS), capture], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
    }
    const child = spawn(process.execPath, [resolve(ROOT, 'test/cli/backpressure-harness.mjs'), 'analyze', '--format', 'ndjson', ...jobs, capture], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    let maxWaiting = 0;
    let writtenWhileStalled = -1;
    let unchanged = 0;
    let last = -1;
    let lines = 0;
    let done = -1;
    let resumed = false;
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const all = pending.split('\n');
      pending = all.pop()!;
      for (const line of all) {
        const sample = /^sample (\d+) (\d+)$/.exec(line);
        if (sample !== null) {
          const [waiting, written] = [Number(sample[1]), Number(sample[2])];
          maxWaiting = Math.max(maxWaiting, waiting);
          if (!resumed) {
            // (before the first byte the program is still starting: its worker threads load the analysis)
            unchanged = written === last && written > 0 ? unchanged + 1 : 0;
            last = written;
            // twenty looks in a row without a byte written: the analysis has stopped for the reader
            if (unchanged >= 20) {
              writtenWhileStalled = written;
              resumed = true;
              child.stdout.resume();
            }
          }
        }
        const end = /^done (\d+)$/.exec(line);
        if (end !== null) done = Number(end[1]);
      }
    });
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect(code).toBe(0);
    expect(lines).toBe(FLOWS);
    expect(writtenWhileStalled).toBeGreaterThan(0);
    // while nobody read, the analysis produced a small part of its output, and held a bounded amount of it
    expect(writtenWhileStalled).toBeLessThan(done / part);
    expect(maxWaiting).toBeLessThan(bound);
  }, 180_000);

  it('| head -1: exits at once and quietly, exit code 0', () => {
    if (!existsSync(capture)) spawnSync(process.execPath, [resolve(ROOT, 'scripts/make-flood-capture.mjs'), 'hello', String(FLOWS), capture]);
    const run = spawnSync('bash', ['-c', `node "${resolve(ROOT, 'bin/tlsdiag.js')}" analyze --format ndjson "${capture}" | head -1; echo "status \${PIPESTATUS[0]}" >&2`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(JSON.parse(run.stdout).server.port).toBe(443);
    expect(run.stderr.trim()).toBe('status 0');
  });
});
