/**
 * Fuzz: real captures (ours and the public corpus) damaged in memory — flipped bytes, cut files, hostile record and
 * block lengths, absurd timestamps, duplicated and shuffled records, hostile TLS lengths inside payloads — and fed
 * through the real pipeline. Seeded and bounded by count: the same cases run every time, and a failure names the
 * capture, the case number and the mutation so it can be replayed.
 *
 * For every case: no exception escapes, the Analyzer's own safety net (an "internal error" note) is never needed,
 * every record emitted is well-formed (see record-shape.ts), and every record renders through every output (text,
 * NDJSON, UI rows and detail lines; and, per capture, a report of all its mutants in every format: render-all.ts).
 * The structure-aware campaign is campaign.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/types.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { HAVE_PUBLIC_CAPTURES, publicCaptureNames, requirePublicCapture, ROOT, warnIfNoPublicCaptures } from '../helpers/shared.js';
import { layoutOf, type CaptureLayout } from './capture-layout.js';
import { mutate } from './mutators.js';
import { Prng, seedFromName } from './prng.js';
import { recordProblems } from './record-shape.js';
import { runCapture } from './run-capture.js';
import { renderRecordProblems, renderReportProblems } from './render-all.js';
import { runProblems } from './run-problems.js';

const PROJECT_CAPTURES = resolve(ROOT, 'captures');
const CAPTURE_NAME = /\.(pcap|pcapng)$/;
/** Small project captures get more mutants each than the public ones; about 5,300 cases in all. */
const MUTANTS_PER_PROJECT_CAPTURE = 80;
const MUTANTS_PER_PUBLIC_CAPTURE = 24;
/**
 * Public captures are cut (at a record boundary) to their first bytes: handshakes sit at the start, and the budget
 * goes to more mutants rather than to megabytes of application data.
 */
const PUBLIC_PREFIX_BYTES = 64 * 1024;
const SEED_SALT = 0x7151d1a6;

function capturesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => CAPTURE_NAME.test(name))
    .sort();
}

/** The capture cut after the last whole unit within `limit` bytes (the file header always kept). */
function prefixOf(bytes: Buffer, layout: CaptureLayout, limit: number): { bytes: Buffer; layout: CaptureLayout } {
  if (bytes.length <= limit) return { bytes, layout };
  const units = layout.units.filter((u) => u.offset + u.length <= limit);
  const end = units.length === 0 ? Math.min(bytes.length, limit) : units[units.length - 1].offset + units[units.length - 1].length;
  return { bytes: bytes.subarray(0, end), layout: { ...layout, units } };
}

/** Runs `count` mutants of one capture; returns a line per failing case. */
function fuzzCapture(name: string, original: Buffer, count: number, prefixLimit: number): { failures: string[]; cases: number; notCaptures: number } {
  const fullLayout = layoutOf(original);
  if (fullLayout === null) return { failures: [`${name}: not a capture to begin with`], cases: 0, notCaptures: 0 };
  const { bytes: base, layout } = prefixOf(original, fullLayout, prefixLimit);
  const failures: string[] = [];
  let notCaptures = 0;

  const baseline = runCapture(base, name, null);
  for (const problem of runProblems(baseline)) failures.push(`${name} unmutated: ${problem}`);
  // every mutant's records go through every per-record output, and all of them into one report per capture
  const rendered: ConnectionRecord[] = [];

  const rng = new Prng(seedFromName(name, SEED_SALT));
  for (let i = 0; i < count; i++) {
    const mutant = mutate(rng, base, layout);
    const label = `${name} case ${i} (${mutant.what})`;
    try {
      const run = runCapture(mutant.bytes, name, rng);
      if (run.notACapture) notCaptures++;
      for (const problem of runProblems(run)) failures.push(`${label}: ${problem}`);
      for (const problem of renderRecordProblems(run.records)) failures.push(`${label}: ${problem}`);
      rendered.push(...run.records);
    } catch (error) {
      failures.push(`${label}: threw ${(error as Error)?.stack ?? error}`);
    }
  }
  for (const problem of renderReportProblems(rendered)) failures.push(`${name} report of all mutants: ${problem}`);
  return { failures, cases: count, notCaptures };
}

describe('fuzz: mutated project captures through the pipeline', () => {
  const names = capturesIn(PROJECT_CAPTURES);

  it('has project captures to mutate', () => {
    expect(names.length).toBeGreaterThan(10);
  });

  for (const name of names) {
    it(`${name}: ${MUTANTS_PER_PROJECT_CAPTURE} mutants, no exception, well-formed records`, () => {
      const result = fuzzCapture(name, readFileSync(join(PROJECT_CAPTURES, name)), MUTANTS_PER_PROJECT_CAPTURE, Infinity);
      expect(result.failures).toEqual([]);
      // flipping the magic is among the mutations, but most mutants must still be read as captures
      expect(result.notCaptures).toBeLessThan(result.cases / 4);
    });
  }
});

warnIfNoPublicCaptures('fuzz: mutated public captures');
describe.skipIf(!HAVE_PUBLIC_CAPTURES)('fuzz: mutated public captures through the pipeline', () => {
  const names = publicCaptureNames();
  for (const name of names) {
    it(`${name}: ${MUTANTS_PER_PUBLIC_CAPTURE} mutants of its first ${PUBLIC_PREFIX_BYTES / 1024} KiB`, () => {
      const result = fuzzCapture(name, readFileSync(requirePublicCapture(name)), MUTANTS_PER_PUBLIC_CAPTURE, PUBLIC_PREFIX_BYTES);
      expect(result.failures).toEqual([]);
    });
  }
});

describe('fuzz: damaged files through the file reader (analyzeFile)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const names = capturesIn(PROJECT_CAPTURES);
  const trustStore = createTrustStore();

  /** Resolves with the records, or with the CaptureError a file that is no capture must get; anything else fails. */
  async function analyzeDamaged(path: string): Promise<{ records: ConnectionRecord[]; notes: string[] } | CaptureError> {
    const records: ConnectionRecord[] = [];
    try {
      const summary = await analyzeFile(path, { trustStore }, (r) => records.push(r));
      return { records, notes: summary.notes };
    } catch (error) {
      if (error instanceof CaptureError) return error;
      throw error;
    }
  }

  it('cut gzip streams, cut plain files and hostile lengths: records or a CaptureError, never another exception', async () => {
    const rng = new Prng(SEED_SALT);
    const failures: string[] = [];
    for (const name of names) {
      const original = readFileSync(join(PROJECT_CAPTURES, name));
      const layout = layoutOf(original)!;
      const cases: [string, Buffer][] = [
        ['gzip cut', gzipSync(original).subarray(0, 10 + rng.below(original.length))],
        ['gzip of a mutant', gzipSync(mutate(rng, original, layout).bytes)],
        ['mutant', mutate(rng, original, layout).bytes],
      ];
      for (const [what, bytes] of cases) {
        const path = join(dir, `${name}.${what.replace(/ /g, '-')}`);
        writeFileSync(path, bytes);
        const outcome = await analyzeDamaged(path).catch((error: unknown) => `threw ${(error as Error)?.stack ?? error}`);
        if (typeof outcome === 'string') failures.push(`${name} ${what}: ${outcome}`);
        else if (!(outcome instanceof CaptureError)) {
          for (const record of outcome.records) {
            const wrong = recordProblems(record);
            if (wrong.length > 0) failures.push(`${name} ${what}: record ${record.id}: ${wrong.join('; ')}`);
          }
          for (const note of outcome.notes) if (note.startsWith('internal error')) failures.push(`${name} ${what}: ${note}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('a cut file keeps every connection that ended before the cut, and says it was cut', async () => {
    const name = 'healthy-tls12.pcap';
    const original = readFileSync(join(PROJECT_CAPTURES, name));
    const layout = layoutOf(original)!;
    const whole = runCapture(original, name, null);
    // cut in the middle of the last record: everything before it is intact
    const last = layout.units[layout.units.length - 1];
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, original.subarray(0, last.offset + 10));
    const cut = await analyzeDamaged(path);
    expect(cut).not.toBeInstanceOf(CaptureError);
    const { records, notes } = cut as { records: ConnectionRecord[]; notes: string[] };
    expect(records.map((r) => r.client)).toEqual(whole.records.map((r) => r.client));
    expect(records[0].tls.clientHello?.sni).toBe(whole.records[0].tls.clientHello?.sni);
    expect(notes.some((n) => /file ends \d+ bytes into a packet record/.test(n))).toBe(true);
  });
});
