/**
 * Item 2 of the hostile-input issue: a time outside Date's range (±8.64e15 ms) made `toISOString` throw `Invalid
 * time value` in the text output, the terminal UI and the report, losing every connection of the file. The readers
 * now clamp such times (time-range.test.ts); this checks the writers on their own: records whose every time is
 * absurd are rendered through every output without an exception.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { clockTime, isoTime } from '../../src/model/time.js';
import { formatTime } from '../../src/report/format.js';
import { renderProblems } from '../fuzz/render-all.js';
import { HAVE_CAPTURES, recordsOf, warnIfNoCaptures } from '../ui/records.js';

warnIfNoCaptures('time-format');

const TIME_KEY = /(^ts$|Ts$|^at$)/;

/** A deep copy of `record` with every time field (firstTs, synTs, timeline ts, the certificate check's at...) set to `ts`. */
function withEveryTime(record: ConnectionRecord, ts: number): ConnectionRecord {
  const copy = structuredClone(record) as unknown;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (typeof inner === 'number' && TIME_KEY.test(key)) (value as Record<string, unknown>)[key] = ts;
        else walk(inner);
      }
    }
  };
  walk(copy);
  return copy as ConnectionRecord;
}

const ABSURD = [1e17, -1e17, 8.64e12 + 1, 2 ** 53, -1, Number.MAX_VALUE];

describe('times outside the calendar are printed, never thrown', () => {
  it('the formatters spell an absurd time as a number', () => {
    expect(isoTime(1e17)).toBe('(time 100000000000000000 s)');
    expect(clockTime(1e17)).toBe('??:??:??.???');
    expect(clockTime(-1, true)).toBe('??:??:??');
    expect(formatTime(1e17)).toBe('(time 100000000000000000 s)');
    expect(isoTime(1_700_000_000.5)).toBe('2023-11-14T22:13:20.500Z');
    expect(clockTime(1_700_000_000.5)).toBe('22:13:20.500');
  });

  it.skipIf(!HAVE_CAPTURES)('records whose every time is absurd go through text, NDJSON, UI and every report format', async () => {
    const base = await recordsOf('certificate-expired.pcap', 'reset-by-server.pcap', 'healthy-tls13.pcap');
    expect(base.length).toBeGreaterThanOrEqual(3);
    for (const ts of ABSURD) {
      const records = base.map((r) => withEveryTime(r, ts));
      expect(records[0].firstTs).toBe(ts);
      expect(renderProblems(records), `times of ${ts}`).toEqual([]);
    }
  });
});
