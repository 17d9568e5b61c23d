/**
 * Finding 02 of the hostile-input campaign: `report --format csv` wrote wire strings (SNI, capture names) with raw
 * ESC, BEL, NUL, C1 controls, bidi overrides and U+2028/U+2029, while the Markdown, HTML and text outputs of the same
 * input escape them. CSV cells now pass through the same sanitiser; the formula guard still applies after it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/report/aggregator.js';
import { renderCsv } from '../../src/report/csv.js';
import { BUILT, CLI } from './project.js';
import { summary } from './summaries.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-csv-controls-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every kind of character a terminal or editor acts on, each in a wire string. */
const HOSTILE = '=cmd\u001b[31mred\u0007\u0000\u009b2J\u202egnp.exe\u2028next\u2029para\u200bzw\u00ad';
/** Raw: C0 controls but CR and LF (the CSV's own line ends are checked apart), DEL, C1, bidi, separators, invisibles. */
const UNSAFE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

/** The CSV's lines without their CRLF ends: none may hold a CR or LF of its own. */
function csvLines(csv: string): string[] {
  expect(csv.endsWith('\r\n')).toBe(true);
  const lines = csv.slice(0, -2).split('\r\n');
  for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  return lines;
}

describe('CSV cells from hostile wire strings', () => {
  it('escape controls, bidi overrides and separators as the other reports do, and keep the formula guard', () => {
    const aggregator = new Aggregator();
    aggregator.add(summary({ sni: HOSTILE, capture: `evil\u001b]0;title\u0007\u2028.pcap`, cause: 'sni-unrecognized' }));
    const lines = csvLines(renderCsv(aggregator.report()));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toMatch(UNSAFE);
    const cells = lines[1].split(',');
    expect(cells[1]).toBe("'=cmd\\x1b[31mred\\x07\\x00\\x9b2J\\u{202e}gnp.exe\\u{2028}next\\u{2029}para\\u{200b}zw\\xad");
    // quoted for its ';', escaped for the rest
    expect(cells[12]).toBe('"evil\\x1b]0;title\\x07\\u{2028}.pcap"');
  });
});

describe.skipIf(!BUILT)('tlsdiag report --format csv (built CLI)', () => {
  it('writes no raw control from an NDJSON record to stdout', () => {
    const file = path.join(work, 'hostile.ndjson');
    const record = { capture: `cap\u009b\u0000.pcap`, id: '1', client: { ip: '192.0.2.1', port: 40000 }, server: { ip: '198.51.100.2', port: 443 }, firstTs: 1_795_000_000, outcome: 'failed', tls: { clientHello: { sni: HOSTILE } }, diagnosis: { code: 'sni-unrecognized', title: `t\u2028itle` } };
    writeFileSync(file, `${JSON.stringify(record)}\n`);
    const run = spawnSync(process.execPath, [CLI, 'report', file, '--format', 'csv'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = csvLines(run.stdout);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toMatch(UNSAFE);
    expect(lines[1]).toContain("'=cmd\\x1b[31mred");
    expect(lines[1]).toContain('cap\\x9b\\x00.pcap');
    expect(lines[1]).toContain('t\\u{2028}itle');
  });
});
