/**
 * The fuzz campaign: real captures taken apart into frames, mutated by the structure-aware mutators (structured.ts)
 * and by the byte-level ones (mutators.ts), written out as pcap or pcapng, and fed through the real parser and
 * Analyzer in random-sized chunks; every record of every mutant is then rendered through every output (render-all.ts).
 * Bounded by a count of cases, never by time; case n depends only on the seed and n, so a failure can be replayed
 * alone (`runCase(bases, seed, n)`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { layoutOf, type CaptureLayout } from './capture-layout.js';
import { mutate } from './mutators.js';
import { Prng } from './prng.js';
import { renderRecordProblems, renderReportProblems } from './render-all.js';
import { runCapture } from './run-capture.js';
import { runProblems } from './run-problems.js';
import { framesOf, STRUCTURED_MUTATORS, writeFrames, type Frame } from './structured.js';

export interface Base {
  name: string;
  bytes: Buffer;
  layout: CaptureLayout;
  frames: Frame[];
}

const CAPTURE_NAME = /\.(pcap|pcapng)$/;
/** Public captures are cut to their first bytes: the handshakes are there, and the budget goes to more mutants. */
const PREFIX_BYTES = 64 * 1024;

/** The captures in `dir` (not below it), as paths, sorted. */
export function capturesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => CAPTURE_NAME.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** The captures at `paths` (one longer than PREFIX_BYTES cut at a unit boundary within it), each taken apart once. */
export function loadBases(paths: readonly string[]): Base[] {
  const bases: Base[] = [];
  for (const path of paths) {
    const whole = readFileSync(path);
    const fullLayout = layoutOf(whole);
    if (fullLayout === null) continue;
    let bytes = whole;
    let layout = fullLayout;
    if (whole.length > PREFIX_BYTES) {
      const units = fullLayout.units.filter((u) => u.offset + u.length <= PREFIX_BYTES);
      if (units.length === 0) continue;
      const last = units[units.length - 1];
      bytes = whole.subarray(0, last.offset + last.length);
      layout = { ...fullLayout, units };
    }
    bases.push({ name: basename(path), bytes, layout, frames: framesOf(bytes) });
  }
  return bases;
}

export interface CaseResult {
  what: string;
  problems: string[];
  records: number;
  structured: string[];
}

/** The mutant of case `index`: a base picked, mutated and written out; `rng` goes on to feed the analysis. */
export function mutantOf(bases: readonly Base[], seed: number, index: number): { base: Base; bytes: Buffer; steps: string[]; structured: string[]; rng: Prng } {
  const rng = new Prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const base = bases[rng.below(bases.length)];
  const steps: string[] = [];
  const structured: string[] = [];
  let bytes: Buffer;
  if (rng.below(4) !== 0 && base.frames.length > 0) {
    // structure-aware: 1..3 mutations of the frames, then written out (pcapng tricks included)
    let frames = base.frames;
    const rounds = 1 + rng.below(3);
    for (let i = 0; i < rounds; i++) {
      const mutator = rng.pick(STRUCTURED_MUTATORS);
      const donors = [bases[rng.below(bases.length)].frames, base.frames];
      const result = mutator.mutate(rng, frames, donors);
      if (result === null) continue;
      frames = result.frames;
      steps.push(`${mutator.name}: ${result.what}`);
      structured.push(mutator.name);
    }
    const written = writeFrames(rng, frames);
    bytes = written.bytes;
    steps.push(written.what);
    // now and then byte-level damage on top of the structured mutant
    if (rng.below(5) === 0) {
      const layout = layoutOf(bytes);
      if (layout !== null) {
        const mutant = mutate(rng, bytes, layout);
        bytes = mutant.bytes;
        steps.push(mutant.what);
      }
    }
  } else {
    const mutant = mutate(rng, base.bytes, base.layout);
    bytes = mutant.bytes;
    steps.push(mutant.what);
  }
  return { base, bytes, steps, structured, rng };
}

/** One case: a base picked, mutated, written, analyzed and rendered. */
export function runCase(bases: readonly Base[], seed: number, index: number): CaseResult {
  const { base, bytes, steps, structured, rng } = mutantOf(bases, seed, index);
  const what = `${base.name} case ${index} (${steps.join('; ')})`;
  const problems: string[] = [];
  let records = 0;
  try {
    const run = runCapture(bytes, base.name, rng);
    records = run.records.length;
    problems.push(...runProblems(run));
    problems.push(...renderRecordProblems(run.records));
    problems.push(...renderReportProblems(run.records));
  } catch (error) {
    problems.push(`threw ${(error as Error)?.stack ?? error}`);
  }
  return { what, problems: problems.map((p) => `${what}: ${p}`), records, structured };
}

export interface CampaignFigures {
  cases: number;
  failingCases: number;
  records: number;
  /** how many cases each structure-aware mutator took part in */
  mutatorUse: Record<string, number>;
  failures: string[];
}

/** Runs cases [0, count) of `seed`; keeps the first `keep` failure lines. */
export function runCampaign(bases: readonly Base[], seed: number, count: number, keep = 50): CampaignFigures {
  const figures: CampaignFigures = { cases: 0, failingCases: 0, records: 0, mutatorUse: {}, failures: [] };
  for (let i = 0; i < count; i++) {
    const result = runCase(bases, seed, i);
    figures.cases++;
    figures.records += result.records;
    for (const name of result.structured) figures.mutatorUse[name] = (figures.mutatorUse[name] ?? 0) + 1;
    if (result.problems.length > 0) {
      figures.failingCases++;
      if (figures.failures.length < keep) figures.failures.push(...result.problems.slice(0, 3));
    }
  }
  return figures;
}
