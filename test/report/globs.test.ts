import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGlob, globToRegExp } from '../../src/cli/glob.js';
import { expandInputs } from '../../src/cli/inputs.js';

describe('globs', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tlsdiag-glob-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  for (const f of ['a/x.pcap', 'a/b/y.pcap', 'a/b/c/z.pcapng', 'a/notes.txt', 's1.ndjson']) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '');
  }

  it('matches * and ? within a segment and ** across folders', () => {
    expect(globToRegExp('*.pcap').test('x.pcap')).toBe(true);
    expect(globToRegExp('*.pcap').test('b/x.pcap')).toBe(false);
    expect(globToRegExp('s?.ndjson').test('s1.ndjson')).toBe(true);
    expect(globToRegExp('**/*.pcap').test('x.pcap')).toBe(true);
    expect(globToRegExp('**/*.pcap').test('a/b/x.pcap')).toBe(true);
    expect(globToRegExp('a.(b)+.pcap').test('a.(b)+.pcap')).toBe(true);
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
