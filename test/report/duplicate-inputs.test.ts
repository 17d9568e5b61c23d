/**
 * Finding 09 of the hostile-input campaign: the same capture reached twice — `report f.pcap ./f.pcap`, a folder and a
 * glob over it — was read twice and its connections counted twice, silently. Each real file (device and inode) is
 * now read once; a path left out is named on stderr and under Skipped.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distinctFiles } from '../../src/cli/inputs.js';
import type { Report } from '../../src/report/types.js';
import { BUILT, CAPTURES, CLI } from './project.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-duplicate-inputs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const folder = path.join(work, 'night');
mkdirSync(folder);
const capture = path.join(folder, 'expired.pcap');
copyFileSync(path.join(CAPTURES, 'certificate-expired.pcap'), capture);
const other = path.join(folder, 'other.pcap');
copyFileSync(path.join(CAPTURES, 'certificate-expired.pcap'), other);

describe('distinctFiles', () => {
  it('keeps the first path of each real file, whatever path names it again', async () => {
    const hard = path.join(work, 'hard.pcap');
    linkSync(capture, hard);
    const soft = path.join(work, 'soft.pcap');
    symlinkSync(capture, soft);
    const dotted = path.join(folder, '.', 'expired.pcap');
    const missing = path.join(work, 'missing.pcap');
    const { files, duplicates } = await distinctFiles([capture, other, dotted, hard, soft, capture, missing, missing]);
    // a copy is another file; a path nobody can look at is kept for its reader to explain
    expect(files).toEqual([capture, other, missing, missing]);
    expect(duplicates).toEqual([dotted, hard, soft, capture].map((p) => ({ path: p, sameAs: capture })));
  });
});

describe.skipIf(!BUILT)('tlsdiag report with a file reached twice (built CLI)', () => {
  function report(args: string[], cwd = work) {
    const out = path.join(work, 'out.json');
    const run = spawnSync(process.execPath, [CLI, 'report', ...args, '--jobs', '2', '-o', out], { encoding: 'utf8', cwd });
    expect(run.status, run.stderr).toBe(0);
    return { report: JSON.parse(readFileSync(out, 'utf8')) as Report, stderr: run.stderr };
  }

  it('counts a file named twice once and says which path was left out', () => {
    const once = report([capture]).report.totals;
    const { report: twice, stderr } = report(['night/expired.pcap', './night/expired.pcap']);
    expect(twice.totals).toEqual(once);
    expect(twice.inputs.map((i) => i.path)).toEqual(['night/expired.pcap']);
    expect(twice.skipped).toEqual([{ path: './night/expired.pcap', reason: 'the same file as night/expired.pcap, read once' }]);
    expect(stderr).toContain('./night/expired.pcap: the same file as night/expired.pcap, read once (skipped)');
  });

  it('counts a folder and a glob over it once per file', () => {
    const { report: both } = report(['night', 'night/*.pcap']);
    expect(both.inputs.map((i) => i.path)).toEqual(['night/expired.pcap', 'night/other.pcap']);
    expect(both.totals.connections).toBe(2 * report([capture]).report.totals.connections);
    expect(both.skipped.map((s) => s.path)).toEqual(['night/expired.pcap', 'night/other.pcap']);
  });

  it('reads standard input once when it is named twice', () => {
    const file = path.join(work, 'rec.ndjson');
    writeFileSync(file, `${JSON.stringify({ capture: 'a', id: '1', client: { ip: 'c', port: 1 }, server: { ip: 's', port: 1 }, firstTs: 1_795_000_000, outcome: 'established' })}\n`);
    const run = spawnSync(process.execPath, [CLI, 'report', '-', '-', '--format', 'json'], { input: readFileSync(file), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Report;
    expect(result.totals.connections).toBe(1);
    expect(result.skipped).toEqual([{ path: '-', reason: 'the same file as -, read once' }]);
  });
});
