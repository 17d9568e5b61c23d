/**
 * A report over the project's real-stack captures, made in-process (the command's code, reading inputs in this
 * thread since the TypeScript sources have no built worker): counts must match what each capture's sidecar promises.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReport, type ReportCommandOptions } from '../../src/cli/commands/report.js';
import type { Report } from '../../src/report/types.js';
import { CAPTURES, expectedCauseCounts, PROJECT_CAPTURES, sidecars, TEST_ROOT_CA } from './project.js';

const list = sidecars();
if (list.length === 0) console.warn(`SKIPPED report over captures/: no *.pcap with an .expect.json sidecar in ${CAPTURES}`);

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-report-'));
const options = (output: string, more: Partial<ReportCommandOptions> = {}): ReportCommandOptions => ({
  output,
  format: null,
  jobs: 2,
  failOn: null,
  handshakeTimeout: 10,
  caFiles: [TEST_ROOT_CA],
  tlsPorts: [],
  ...more,
});

async function reportOver(paths: string[], more: Partial<ReportCommandOptions> = {}): Promise<{ code: number; report: Report }> {
  const output = path.join(work, `r${Math.random().toString(36).slice(2)}.json`);
  const code = await runReport(paths, options(output, more));
  return { code, report: JSON.parse(readFileSync(output, 'utf8')) as Report };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(list.length === 0)('report over captures/', () => {
  it('counts every connection and every cause as the sidecars say', async () => {
    const { code, report } = await reportOver([PROJECT_CAPTURES]);
    expect(code).toBe(0);
    expect(report.skipped).toEqual([]);
    expect(report.inputs).toHaveLength(list.length);
    expect(report.totals.connections).toBe(list.reduce((n, s) => n + s.connections, 0));
    const counts = Object.fromEntries(report.causes.map((c) => [c.code, c.count]));
    expect(counts).toEqual(expectedCauseCounts(list));
    expect(report.totals.failed).toBe(Object.values(expectedCauseCounts(list)).reduce((a, b) => a + b, 0));
    // each cause's example is a connection from a capture made for that cause
    for (const cause of report.causes) {
      for (const example of cause.examples) {
        const sidecar = list.find((s) => s.capture === example.capture)!;
        expect(sidecar.code, `${example.capture} as an example of ${cause.code}`).toBe(cause.code);
      }
    }
  });

  it('skips a corrupted file among good ones, names it with the reason, and reports the rest', async () => {
    const corrupt = path.join(work, 'sensor-7.pcap');
    // bytes no capture format starts with (fixed, so the test is reproducible)
    writeFileSync(corrupt, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) & 0xff)));
    const good = list.slice(0, 3).map((s) => path.join(CAPTURES, s.capture));
    const { code, report } = await reportOver([...good, corrupt]);
    expect(code).toBe(0);
    expect(report.inputs.map((i) => i.path)).toEqual(good);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0].path).toBe(corrupt);
    expect(report.skipped[0].reason).toMatch(/not a (pcap|capture)/i);
    expect(report.totals.connections).toBe(list.slice(0, 3).reduce((n, s) => n + s.connections, 0));
  });

  it('finds inputs by a quoted glob', async () => {
    const { report } = await reportOver([path.join(CAPTURES, 'reset-by-*.pcap')]);
    expect(report.inputs.map((i) => path.basename(i.path))).toEqual(['reset-by-client.pcap', 'reset-by-middlebox.pcap', 'reset-by-server.pcap']);
  });

  it('exits 1 for --fail-on when such failures are present, 0 when not, 2 for an unknown cause', async () => {
    const one = [path.join(CAPTURES, 'server-timeout.pcap'), path.join(CAPTURES, 'healthy-tls13.pcap')];
    expect((await reportOver(one, { failOn: 'any' })).code).toBe(1);
    expect((await reportOver(one, { failOn: 'certificate-expired,server-timeout' })).code).toBe(1);
    expect((await reportOver(one, { failOn: 'certificate-expired' })).code).toBe(0);
    expect((await reportOver([path.join(CAPTURES, 'healthy-tls13.pcap')], { failOn: 'any' })).code).toBe(0);
    expect(await runReport(one, options(path.join(work, 'x.json'), { failOn: 'no-such-cause' }))).toBe(2);
  });

  it('exits 2 when no input could be read, and still writes the report naming them', async () => {
    const missing = path.join(work, 'nope.pcap');
    const { code, report } = await reportOver([missing]);
    expect(code).toBe(2);
    expect(report.skipped).toEqual([{ path: missing, reason: 'no such file or folder' }]);
  });
});
