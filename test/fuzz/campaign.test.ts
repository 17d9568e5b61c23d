/**
 * The fuzz campaign (campaign.ts) as a test: a sample of TLSDIAG_FUZZ_CASES cases (1,500 by default, so `npm test`
 * stays quick), or the full run `npm run fuzz` asks for (100,000; vitest.fuzz.config.ts). Bounded by count, never by
 * time. Prints its figures; fails with the first failing cases, each named so it can be replayed alone.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicCaptureNames, requirePublicCapture, ROOT } from '../helpers/shared.js';
import { capturesIn, loadBases, runCampaign, runCase } from './campaign.js';

const CASES = Number(process.env.TLSDIAG_FUZZ_CASES ?? 1500);
const SEED = Number(process.env.TLSDIAG_FUZZ_SEED ?? 0x5eed1e55);

describe('fuzz campaign: structure-aware mutants through the pipeline and every output', () => {
  const bases = loadBases([...capturesIn(resolve(ROOT, 'captures')), ...publicCaptureNames().map(requirePublicCapture)]);

  it('has captures to mutate', () => {
    expect(bases.length).toBeGreaterThan(10);
    expect(bases.every((b) => b.frames.length > 0)).toBe(true);
  });

  it(`${CASES.toLocaleString('en-US')} cases (seed ${SEED}): no exception, well-formed records and outputs`, () => {
    const figures = runCampaign(bases, SEED, CASES);
    console.log(
      `fuzz campaign: ${figures.cases} cases from ${bases.length} captures, ${figures.records} records rendered, ` +
        `${figures.failingCases} failing case(s); structure-aware mutations used: ${JSON.stringify(figures.mutatorUse)}`,
    );
    expect(figures.cases).toBe(CASES);
    // every structure-aware mutator got its turn
    if (CASES >= 500) expect(Object.keys(figures.mutatorUse).length).toBe(12);
    expect(figures.failures).toEqual([]);
  });

  it('replays one case alone, identically', () => {
    const once = runCase(bases, SEED, 7);
    const again = runCase(bases, SEED, 7);
    expect(again).toEqual(once);
  });
});
