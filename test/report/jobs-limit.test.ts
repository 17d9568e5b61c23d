/**
 * Finding 10 of the hostile-input campaign (its report part): `report --jobs` had no upper bound, and every job is a
 * worker isolate with its own heap and a share of the memory budget (60 tiny files with --jobs 1000: 0.7–0.9 GB).
 * The request is now cut to one worker per core, at most MAX_REPORT_JOBS, with a one-line notice.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_REPORT_JOBS, reportJobs } from '../../src/cli/commands/report.js';
import type { Report } from '../../src/report/types.js';
import { BUILT, CLI, PROJECT_CAPTURES } from './project.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-jobs-limit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('reportJobs', () => {
  it('keeps a request within the cores, cuts a larger one to the cores and says so', () => {
    expect(reportJobs(2, 4)).toEqual({ jobs: 2, notice: null });
    expect(reportJobs(null, 4)).toEqual({ jobs: 4, notice: null });
    expect(reportJobs(1000, 2)).toEqual({ jobs: 2, notice: "--jobs 1000 is more than this host's 2 core(s): using 2 worker thread(s)" });
  });

  it('never gives more than MAX_REPORT_JOBS, however many cores the host has', () => {
    expect(reportJobs(null, 4 * MAX_REPORT_JOBS).jobs).toBe(MAX_REPORT_JOBS);
    expect(reportJobs(1000, 4 * MAX_REPORT_JOBS)).toEqual({ jobs: MAX_REPORT_JOBS, notice: `--jobs 1000 is more than the most a report starts (${MAX_REPORT_JOBS}): using ${MAX_REPORT_JOBS} worker thread(s)` });
  });
});

describe.skipIf(!BUILT)('tlsdiag report --jobs 1000 (built CLI)', () => {
  it('uses at most one worker per core, says so in one line, and gives the report one worker gives', () => {
    const cores = Math.min(availableParallelism(), MAX_REPORT_JOBS);
    const many = path.join(work, 'many.json');
    const run = spawnSync(process.execPath, [CLI, 'report', PROJECT_CAPTURES, '--jobs', '1000', '-o', many], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const notices = run.stderr.split('\n').filter((line) => line.includes('--jobs'));
    expect(notices).toEqual([`tlsdiag report: --jobs 1000 is more than this host's ${availableParallelism()} core(s): using ${cores} worker thread(s)`]);
    const one = path.join(work, 'one.json');
    expect(spawnSync(process.execPath, [CLI, 'report', PROJECT_CAPTURES, '--jobs', '1', '-o', one], { encoding: 'utf8' }).status).toBe(0);
    expect(JSON.parse(readFileSync(many, 'utf8')) as Report).toEqual(JSON.parse(readFileSync(one, 'utf8')) as Report);
  });
});
