/**
 * Finding 04 of the hostile-input campaign: every distinct `diagnosis.code` (or `sensor`) an NDJSON file named became
 * a row of its own. 300,000 of them (1.6 MB gzipped) made the Markdown and HTML writers die with "Maximum call stack
 * size exceeded" (the rows spread into push() and Math.max()), the JSON report take 1.95 GB, and one such file beside
 * good captures lose the whole report. The aggregator now keeps the rules' codes, MAX_UNKNOWN_CAUSES others and
 * MAX_SENSORS sensors as rows and counts the rest in a remainder row; the writers clip those tables like the others.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/diagnose/index.js';
import { Aggregator, MAX_UNKNOWN_CAUSES_PER_PEER, MAX_SENSORS, MAX_UNKNOWN_CAUSES, OTHER_CAUSES, OTHER_SENSORS } from '../../src/report/aggregator.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/types.js';
import { BUILT, CAPTURES, CLI } from './project.js';
import { summary } from './summaries.js';

const FLOOD = 300_000;

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-unbounded-rows-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Data rows of the Markdown table under `heading` (the header and its rule left out). */
function markdownRows(markdown: string, heading: string): string[] {
  const section = markdown.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  return section.split('\n').filter((line) => line.startsWith('| ')).slice(1);
}

function everyWriter(report: Report) {
  return { md: renderMarkdown(report), html: renderHtml(report), json: renderJson(report), csv: renderCsv(report) };
}

describe('a flood of distinct cause codes', () => {
  const aggregator = new Aggregator();
  for (let i = 0; i < FLOOD; i++) aggregator.add(summary({ cause: `junk-${i}`, title: 'made up' }));
  // a real cause arriving after the flood still gets its row: --fail-on must see it
  aggregator.add(summary({ cause: 'certificate-expired' }));
  const report = aggregator.report();

  it('keeps the rules’ codes and MAX_UNKNOWN_CAUSES others as rows, the rest counted in one remainder row', () => {
    expect(report.totals.failed).toBe(FLOOD + 1);
    expect(report.causes.length).toBe(MAX_UNKNOWN_CAUSES + 2);
    expect(report.causes[0]).toMatchObject({ code: OTHER_CAUSES, count: FLOOD - MAX_UNKNOWN_CAUSES });
    expect(report.causes.find((c) => c.code === 'certificate-expired')?.count).toBe(1);
    // nothing is lost: the rows add up to the failures
    expect(report.causes.reduce((sum, c) => sum + c.count, 0)).toBe(report.totals.failed);
    // the one server and the one client keep a bounded number of causes apart, and their counts add up too
    for (const peer of [...report.servers, ...report.clients]) {
      expect(peer.causes.map((c) => c.code).sort()).toEqual(['certificate-expired', OTHER_CAUSES, ...Array.from({ length: MAX_UNKNOWN_CAUSES_PER_PEER }, (_, i) => `junk-${i}`)].sort());
      expect(peer.causes.reduce((sum, c) => sum + c.count, 0)).toBe(peer.failed);
    }
  });

  it('is written in every format, the Markdown and HTML tables clipped, each output small', () => {
    const out = everyWriter(report);
    expect(markdownRows(out.md, 'Failures by cause')).toHaveLength(100);
    expect(out.md).toContain(`… and ${report.causes.length - 100} more`);
    expect(out.md).toContain(`counted in the row ${OTHER_CAUSES}`);
    // the chart draws at most 40 bars and says how many more there are
    expect(out.html.match(/class="label">[0-9]+<\/text><\/g>/g)).toHaveLength(40);
    expect(out.html).toContain(`and ${report.causes.length - 40} more cause(s)`);
    for (const [format, text] of Object.entries(out)) expect(text.length, format).toBeLessThan(1 << 20);
  });

  it('keeps every code a rule gives as its own row, however many others came first', () => {
    const flooded = new Aggregator();
    for (let i = 0; i < 10 * MAX_UNKNOWN_CAUSES; i++) flooded.add(summary({ cause: `junk-${i}` }));
    for (const rule of RULES) flooded.add(summary({ cause: rule.code }));
    const codes = new Set(flooded.report().causes.map((c) => c.code));
    for (const rule of RULES) expect(codes.has(rule.code), rule.code).toBe(true);
  });
});

describe('a flood of distinct sensor names', () => {
  const aggregator = new Aggregator();
  for (let i = 0; i < FLOOD; i++) aggregator.add(summary({ outcome: 'established', sensor: `sensor-${i}` }));
  const report = aggregator.report();

  it('keeps MAX_SENSORS rows and counts the rest in a remainder row that closes the table', () => {
    expect(report.sensors).toHaveLength(MAX_SENSORS + 1);
    expect(report.sensors.at(-1)).toMatchObject({ sensor: OTHER_SENSORS, connections: FLOOD - MAX_SENSORS, established: FLOOD - MAX_SENSORS });
    expect(report.sensors.reduce((sum, s) => sum + s.connections, 0)).toBe(FLOOD);
  });

  it('is written in every format, the sensor tables clipped', () => {
    const out = everyWriter(report);
    expect(markdownRows(out.md, 'Sensors')).toHaveLength(100);
    expect(out.md).toContain(`counted in the row ${OTHER_SENSORS}`);
    expect(out.html.split('</table>')[0].match(/<tr>/g)?.length).toBe(1 + 500);
    for (const [format, text] of Object.entries(out)) expect(text.length, format).toBeLessThan(1 << 20);
  });
});

describe.skipIf(!BUILT)('tlsdiag report with a flood of cause codes beside a capture (built CLI)', () => {
  it('writes the report with the capture’s failure and the flood counted', () => {
    const lines: string[] = [];
    for (let i = 0; i < FLOOD; i++) {
      lines.push(JSON.stringify({ capture: 'a', id: String(i), client: { ip: 'c', port: 1 }, server: { ip: 's', port: 1 }, firstTs: 1_795_000_000, outcome: 'failed', diagnosis: { code: String(i) } }));
    }
    const flood = path.join(work, 'causes.ndjson.gz');
    writeFileSync(flood, gzipSync(lines.join('\n')));
    for (const format of ['md', 'html', 'json']) {
      const out = path.join(work, `report.${format}`);
      const run = spawnSync(process.execPath, [CLI, 'report', path.join(CAPTURES, 'certificate-expired.pcap'), flood, '--jobs', '2', '-o', out], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toContain('certificate-expired');
      expect(text).toContain(OTHER_CAUSES);
      expect(text.length, format).toBeLessThan(1 << 20);
    }
  });
});
