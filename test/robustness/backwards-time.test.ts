/**
 * Item 11 of the hostile-input issue: capture time running backwards (a capture merged from two clocks, a clock
 * stepped back) gave records with lastTs < firstTs and negative timeline offsets. The rule now: time never runs
 * backwards inside one connection — a packet stamped before an earlier packet of its connection is taken at the
 * latest time seen, and the connection says so once in its notes (src/tcp/flow-table.ts). Connections are still
 * told apart and ordered by the capture's own times.
 */
import { describe, expect, it } from 'vitest';
import { BACKWARDS_NOTE } from '../../src/tcp/flow-table.js';
import { timelineOrigin } from '../../src/ui/timeline-lines.js';
import { runCapture } from '../fuzz/run-capture.js';
import { handshakeFrames, toPcap, type Frame } from './handshake-frames.js';

function analyze(frames: Frame[]) {
  const { records } = runCapture(toPcap(frames), 'backwards.pcap', null);
  expect(records).toHaveLength(1);
  return records[0];
}

function expectMonotonic(record: ReturnType<typeof analyze>): void {
  expect(record.lastTs).toBeGreaterThanOrEqual(record.firstTs);
  expect(record.observedUntil).toBeGreaterThanOrEqual(record.lastTs);
  const origin = timelineOrigin(record).ts;
  for (const event of record.timeline) expect(event.ts, event.event).toBeGreaterThanOrEqual(origin);
  for (const ts of [record.tcp.synTs, record.tcp.synAckTs, record.tls.clientHello?.ts, record.tls.serverHello?.ts, record.tls.establishedTs]) {
    if (ts !== null && ts !== undefined) expect(ts).toBeGreaterThanOrEqual(record.firstTs);
  }
}

describe('time running backwards inside a connection', () => {
  it('a ServerHello stamped an hour before the SYN is taken at the latest time seen, and noted', () => {
    const frames = handshakeFrames({ start: 1_700_000_000 });
    frames[3] = { ...frames[3], ts: frames[3].ts - 3600 };
    const record = analyze(frames);
    expect(record.outcome).toBe('established');
    expect(record.notes).toContain(BACKWARDS_NOTE);
    expectMonotonic(record);
    expect(record.tls.serverHello?.ts).toBe(frames[2].ts);
  });

  it('every packet after the first stamped earlier: one note, no negative offset, lastTs = firstTs', () => {
    const frames = handshakeFrames({ start: 1_700_000_000 }).map((f, i) => ({ ...f, ts: i === 0 ? f.ts : f.ts - 1000 + i }));
    const record = analyze(frames);
    expect(record.notes.filter((n) => n === BACKWARDS_NOTE)).toHaveLength(1);
    expect(record.lastTs).toBe(record.firstTs);
    expectMonotonic(record);
  });

  it('in order, nothing changes and nothing is noted', () => {
    const frames = handshakeFrames({ start: 1_700_000_000 });
    const record = analyze(frames);
    expect(record.notes).toEqual([]);
    expect(record.lastTs).toBe(frames[frames.length - 1].ts);
  });
});
