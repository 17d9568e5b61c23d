/**
 * `tlsdiag report` through the built CLI (dist/, which CI builds before testing): captures analyzed on worker
 * threads, NDJSON record files merged into the same report, and the HTML page rendered in headless Chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { BUILT, CAPTURES, CLI, expectedCauseCounts, PROJECT_CAPTURES, sidecars, TEST_ROOT_CA } from './project.js';

const list = sidecars();
if (!BUILT) console.warn('SKIPPED tlsdiag report CLI tests: dist/ is not built (npm run build)');
if (list.length === 0) console.warn(`SKIPPED tlsdiag report CLI tests: no captures with sidecars in ${CAPTURES}`);

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-report-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tlsdiag(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function readReport(file: string): Report {
  return JSON.parse(readFileSync(file, 'utf8')) as Report;
}

/** The report without the list of files read, which names different files for captures and their NDJSON. */
function withoutInputs(report: Report): Omit<Report, 'inputs'> {
  const { inputs, ...rest } = report;
  void inputs;
  return rest;
}

describe.skipIf(!BUILT || list.length === 0)('tlsdiag report (built CLI, worker threads)', () => {
  const captures = list.map((s) => path.join(CAPTURES, s.capture));

  it('reports the captures on two workers with the counts the sidecars promise', () => {
    const out = path.join(work, 'workers.json');
    const run = tlsdiag(['report', PROJECT_CAPTURES, '--jobs', '2', '--ca', TEST_ROOT_CA, '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const report = readReport(out);
    expect(report.inputs).toHaveLength(list.length);
    expect(Object.fromEntries(report.causes.map((c) => [c.code, c.count]))).toEqual(expectedCauseCounts(list));
    // one worker or two: the same report
    const single = path.join(work, 'single.json');
    expect(tlsdiag(['report', PROJECT_CAPTURES, '--jobs', '1', '--ca', TEST_ROOT_CA, '-o', single]).code).toBe(0);
    expect(readReport(single)).toEqual(report);
  });

  it('gives the same report from NDJSON files of several sensors as from the captures they came from', () => {
    // three "sensors", each analyzing a third of the captures locally
    const ndjsonFiles: string[] = [];
    for (let sensor = 0; sensor < 3; sensor++) {
      const mine = captures.filter((_, i) => i % 3 === sensor);
      const run = tlsdiag(['analyze', ...mine, '--format', 'ndjson', '--ca', TEST_ROOT_CA]);
      expect(run.code, run.stderr).toBe(0);
      const file = path.join(work, `sensor-${sensor}.ndjson`);
      writeFileSync(file, run.stdout);
      ndjsonFiles.push(file);
    }
    const fromCaptures = path.join(work, 'from-captures.json');
    const fromNdjson = path.join(work, 'from-ndjson.json');
    expect(tlsdiag(['report', ...captures, '--ca', TEST_ROOT_CA, '-o', fromCaptures]).code).toBe(0);
    expect(tlsdiag(['report', ...ndjsonFiles, '-o', fromNdjson]).code).toBe(0);
    const a = readReport(fromCaptures);
    const b = readReport(fromNdjson);
    expect(b.inputs.map((i) => i.kind)).toEqual(['ndjson', 'ndjson', 'ndjson']);
    expect(withoutInputs(b)).toEqual(withoutInputs(a));
    expect(b.totals.connections).toBe(a.totals.connections);

    // sensors compress what they ship: gzipped NDJSON gives the same report
    const gzipped = ndjsonFiles.map((file) => {
      const target = `${file}.gz`;
      writeFileSync(target, gzipSync(readFileSync(file)));
      return target;
    });
    const fromGzip = path.join(work, 'from-gzip.json');
    expect(tlsdiag(['report', ...gzipped, '-o', fromGzip]).code).toBe(0);
    const c = readReport(fromGzip);
    expect(c.inputs.map((i) => i.kind)).toEqual(['ndjson', 'ndjson', 'ndjson']);
    expect(withoutInputs(c)).toEqual(withoutInputs(a));
  });

  it('notes NDJSON lines that are not records and skips a corrupted capture among good ones', () => {
    const ndjson = path.join(work, 'mixed.ndjson');
    const good = tlsdiag(['analyze', captures[0], '--format', 'ndjson', '--ca', TEST_ROOT_CA]).stdout;
    writeFileSync(ndjson, `${good}this line is not json\n{"some":"object"}\n`);
    const corrupt = path.join(work, 'garbage.pcap');
    writeFileSync(corrupt, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) & 0xff)));
    const out = path.join(work, 'mixed.md');
    const run = tlsdiag(['report', ndjson, corrupt, captures[1], '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('garbage.pcap');
    const md = readFileSync(out, 'utf8');
    const skipped = md.split('## Skipped')[1];
    expect(skipped).toContain('garbage.pcap');
    expect(md).toMatch(/line \d+: not valid JSON, skipped/);
    expect(md).toMatch(/line \d+: no capture or id: not a connection record, skipped/);
  });

  it('exits 1 on --fail-on, 2 on a usage error or when nothing could be read; Markdown to stdout by default', () => {
    const timeout = path.join(CAPTURES, 'server-timeout.pcap');
    expect(tlsdiag(['report', timeout, '--fail-on', 'server-timeout']).code).toBe(1);
    const healthy = tlsdiag(['report', path.join(CAPTURES, 'healthy-tls13.pcap'), '--fail-on', 'any']);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/^# TLS handshake report/);
    expect(tlsdiag(['report', timeout, '-o', path.join(work, 'report.txt')]).code).toBe(2);
    expect(tlsdiag(['report', timeout, '--jobs', '0']).code).toBe(2);
    expect(tlsdiag(['report', path.join(work, 'absent.pcap')]).code).toBe(2);
  });
});

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (BUILT && list.length > 0 && !chromium) console.warn('SKIPPED HTML report screenshot: chromium is not installed (apt-get install chromium)');

describe.skipIf(!BUILT || list.length === 0 || !chromium)('HTML report in headless Chromium', () => {
  it('renders to a screenshot without loading anything', () => {
    const html = path.join(work, 'report.html');
    const made = tlsdiag(['report', CAPTURES, '--ca', TEST_ROOT_CA, '-o', html]);
    expect(made.code, made.stderr).toBe(0);
    const png = path.join(work, 'report.png');
    const profile = mkdtempSync(path.join(tmpdir(), 'tlsdiag-chromium-'));
    const run = spawnSync(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        `--screenshot=${png}`,
        '--window-size=1280,2000',
        `file://${html}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    rmSync(profile, { recursive: true, force: true });
    expect(existsSync(png), run.stderr).toBe(true);
    const image = readFileSync(png);
    expect(image.subarray(1, 4).toString('latin1')).toBe('PNG');
    // width and height from the IHDR chunk: the window asked for
    expect([image.readUInt32BE(16), image.readUInt32BE(20)]).toEqual([1280, 2000]);
    // a blank page compresses to almost nothing; charts and tables do not
    expect(statSync(png).size).toBeGreaterThan(50_000);
  });
});
