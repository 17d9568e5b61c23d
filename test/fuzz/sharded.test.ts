/**
 * Hostile captures through `analyze --jobs 3`: mutants of the fuzz campaign (structure-aware and byte-level damage:
 * cut records, bad lengths, jumping timestamps, duplicated and reordered frames, pcapng tricks) written as files and
 * analyzed by the built CLI on one thread and on three worker threads. The sharded run must neither hang nor crash,
 * and must give the same records, the same notes and the same exit code as one thread.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shared.js';
import { capturesIn, loadBases, mutantOf } from './campaign.js';

const CASES = Number(process.env.TLSDIAG_SHARDED_CASES ?? 40);
const SEED = Number(process.env.TLSDIAG_SHARDED_SEED ?? 0x5ea1ed);
const BIN = resolve(ROOT, 'bin/tlsdiag.js');
const BUILT = existsSync(resolve(ROOT, 'dist/bundle/analyze-worker.js'));
const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-sharded-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function analyze(jobs: string) {
  const run = spawnSync(process.execPath, [BIN, 'analyze', '--jobs', jobs, '--format', 'ndjson', dir], { encoding: 'utf8', timeout: 180_000, maxBuffer: 1 << 28 });
  return { status: run.status, lines: run.stdout.split('\n').sort(), notes: run.stderr.split('\n').sort(), signal: run.signal };
}

describe.skipIf(!BUILT)('hostile captures on worker threads', () => {
  it(`${CASES} fuzz mutants: the records, notes and exit code of one thread`, () => {
    const bases = loadBases([...capturesIn(resolve(ROOT, 'captures')), ...capturesIn(resolve(ROOT, 'captures/matrix')).slice(0, 40)]);
    expect(bases.length).toBeGreaterThan(40);
    for (let i = 0; i < CASES; i++) writeFileSync(join(dir, `mutant-${String(i).padStart(3, '0')}.pcap`), mutantOf(bases, SEED, i).bytes);
    const single = analyze('1');
    const sharded = analyze('3');
    expect(sharded.signal).toBeNull();
    expect(sharded.status).toBe(single.status);
    expect(single.lines.length).toBeGreaterThan(CASES);
    expect(sharded.lines).toEqual(single.lines);
    expect(sharded.notes).toEqual(single.notes);
  }, 240_000);
});
