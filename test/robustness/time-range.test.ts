/**
 * Item 1 of the hostile-input issue: a time of 1e17 s (an NDJSON line, or a pcapng interface counting whole seconds
 * in 64 bits) made the report's time axis loop forever, since past 2^53 adding a bucket width no longer moves a
 * double. Capture times are now bounded to 1970–9999 (src/model/time.ts): a capture's reader clamps, the report's
 * NDJSON reader skips the line with a note, and the time series counts its buckets before walking them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CAPTURE_TIME } from '../../src/model/time.js';
import { Aggregator } from '../../src/report/aggregator.js';
import { summarizeNdjsonLine, summarizeRecord } from '../../src/report/summary.js';
import { TimeSeries } from '../../src/report/time-series.js';
import { runCapture } from '../fuzz/run-capture.js';
import { summary } from '../report/summaries.js';
import { BUILT, tlsdiag } from './cli.js';
import { handshakeFrames, toPcapng } from './handshake-frames.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-time-range-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function ndjsonLine(firstTs: number, id = '1'): string {
  return `{"capture":"a.pcap","id":"${id}","client":{"ip":"10.0.0.1","port":40000},"server":{"ip":"192.0.2.1","port":443},"firstTs":${firstTs},"outcome":"failed","diagnosis":{"code":"server-timeout","title":"t"}}`;
}

describe('capture times are bounded to 1970–9999', () => {
  it('the time series ends, with at most 60 buckets, whatever times it is given', () => {
    for (const times of [[1e17], [1.7e9, 1e17], [0, MAX_CAPTURE_TIME], [MAX_CAPTURE_TIME], [-1e17, 5], [2 ** 53, 2 ** 53 + 2]]) {
      const series = new TimeSeries();
      for (const ts of times) series.add(ts, true);
      const { buckets } = series.snapshot();
      expect(buckets.length).toBeLessThanOrEqual(60);
      for (const bucket of buckets) expect(Number.isFinite(bucket.start)).toBe(true);
    }
  });

  it('an NDJSON line with a time past the year 9999 is not a record (the report notes it)', () => {
    expect(summarizeNdjsonLine(ndjsonLine(1e17))).toBe('firstTs 100000000000000000 is outside 1970–9999');
    expect(summarizeNdjsonLine(ndjsonLine(-5))).toMatch(/outside 1970–9999/);
    expect(summarizeNdjsonLine(ndjsonLine(MAX_CAPTURE_TIME))).toMatchObject({ firstTs: MAX_CAPTURE_TIME });
  });

  it('a pcapng counting whole seconds up to 1e17 keeps its connection, clamped, with a note', () => {
    // if_tsresol 0: one tick is one second
    const capture = toPcapng(handshakeFrames(), { tsresol: 0, ticks: (_, i) => 100_000_000_000_000_000n + BigInt(i) });
    const run = runCapture(capture, 'far-future.pcapng', null);
    expect(run.records).toHaveLength(1);
    const [record] = run.records;
    expect(record.outcome).toBe('established');
    expect(record.firstTs).toBe(MAX_CAPTURE_TIME);
    expect(record.lastTs).toBe(MAX_CAPTURE_TIME);
    expect(run.captureNotes.map((n) => n.message)).toEqual([
      'packet 1 is stamped 100000000000000000 s since 1970, outside 1970–9999: such times are clamped to that range',
      '8 packets had times outside 1970–9999 and were clamped',
    ]);
    const aggregator = new Aggregator();
    aggregator.add(summarizeRecord(record));
    aggregator.add(summary({ firstTs: 1_700_000_000 }));
    expect(aggregator.report().timeline.length).toBeLessThanOrEqual(60);
  });

  it('a time below the epoch (a negative if_tsoffset) is clamped to the epoch', () => {
    const capture = toPcapng(handshakeFrames(), { tsresol: 6, tsoffset: -4_000_000_000n, ticks: (f) => BigInt(Math.round(f.ts * 1e6)) });
    const run = runCapture(capture, 'before-1970.pcapng', null);
    expect(run.records.map((r) => [r.firstTs, r.outcome])).toEqual([[0, 'established']]);
  });

  it.skipIf(!BUILT)('tlsdiag report over such a line ends, reports the good line and notes the bad one', () => {
    const file = path.join(work, 'far.ndjson');
    writeFileSync(file, `${ndjsonLine(1e17, '1')}\n${ndjsonLine(1_700_000_000, '2')}\n`);
    const out = path.join(work, 'far.json');
    const run = tlsdiag(['report', file, '-o', out]);
    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.totals.connections).toBe(1);
    expect(report.inputs[0].notes).toEqual(['line 1: firstTs 100000000000000000 is outside 1970–9999, skipped']);
  });
});
