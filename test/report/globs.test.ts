import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGlob, globMatcher } from '../../src/cli/glob.js';
import { expandInputs } from '../../src/cli/inputs.js';

describe('globs', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tlsdiag-glob-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  for (const f of ['a/x.pcap', 'a/b/y.pcap', 'a/b/c/z.pcapng', 'a/notes.txt', 's1.ndjson']) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '');
  }

  it('matches * and ? within a segment and ** across folders', () => {
    expect(globMatcher('*.pcap').test('x.pcap')).toBe(true);
    expect(globMatcher('*.pcap').test('b/x.pcap')).toBe(false);
    expect(globMatcher('s?.ndjson').test('s1.ndjson')).toBe(true);
    expect(globMatcher('**/*.pcap').test('x.pcap')).toBe(true);
    expect(globMatcher('**/*.pcap').test('a/b/x.pcap')).toBe(true);
    expect(globMatcher('a.(b)+.pcap').test('a.(b)+.pcap')).toBe(true);
  });

  it('expands a pattern to the files it matches, in the sorted walk order of folders', async () => {
    expect((await expandGlob(path.join(root, 'a/**/*.pcap*'))).map((f) => path.relative(root, f))).toEqual(['a/b/c/z.pcapng', 'a/b/y.pcap', 'a/x.pcap']);
    expect((await expandGlob(path.join(root, 'a/*.pcap'))).map((f) => path.relative(root, f))).toEqual(['a/x.pcap']);
  });

  it('lets expandInputs take globs and say when one matches nothing', async () => {
    const { files, missing } = await expandInputs([path.join(root, '*.ndjson'), path.join(root, 'none-*.pcap')]);
    expect(files.map((f) => path.relative(root, f))).toEqual(['s1.ndjson']);
    expect(missing).toEqual([{ path: path.join(root, 'none-*.pcap'), reason: 'no file matches this pattern' }]);
  });
});

describe('glob matching cost', () => {
  it("'*a*a*a*a*a*a*a*a*b' against a long name of a's: at most pattern × name steps (a regular expression backtracked)", () => {
    const pattern = '*a*a*a*a*a*a*a*a*b';
    const steps = (n: number) => {
      const matcher = globMatcher(pattern);
      expect(matcher.test('a'.repeat(n))).toBe(false);
      return matcher.steps;
    };
    expect(steps(5000)).toBeLessThanOrEqual(pattern.length * 5000);
    // twice the name, twice the work: linear in the name for a given pattern
    expect(steps(4000) / steps(2000)).toBeLessThan(2.1);
    expect(globMatcher(pattern).test(`${'a'.repeat(5000)}b`)).toBe(true);
    expect(globMatcher('**/*a*a*a*b').test(`x/${'a'.repeat(3000)}/c`)).toBe(false);
  });

  it('keeps the meaning of ?, * and ** at the edges', () => {
    expect(globMatcher('a/**').test('a/b/c')).toBe(true);
    expect(globMatcher('a/**').test('a')).toBe(false);
    expect(globMatcher('a/**/z').test('a/z')).toBe(true);
    expect(globMatcher('a/**/z').test('a/b/c/z')).toBe(true);
    expect(globMatcher('?.pcap').test('ab.pcap')).toBe(false);
    expect(globMatcher('*').test('')).toBe(true);
    expect(globMatcher('x*y*z').test('xaybz')).toBe(true);
    expect(globMatcher('x*y*z').test('xaybza')).toBe(false);
    expect(globMatcher('é?.pcap').test('éü.pcap')).toBe(true);
  });
});
