import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/file.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { Analyzer } from '../../src/pipeline/analyzer.js';
import { ROOT } from '../helpers/shared.js';

/**
 * Wall-clock mode replayed from the project's real captures: frames are fed as a live capture would deliver them,
 * with the analysis ticked every half second of capture time in between, so the tests run without root or cap.
 */

interface Frame {
  data: Buffer;
  ts: number;
  linkType: number;
}

async function framesOf(name: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  await readCaptureFile(resolve(ROOT, 'captures', name), {
    frame: (data, ts, linkType) => frames.push({ data: Buffer.from(data), ts, linkType }),
  });
  return frames;
}

/** Replays `frames` into a wall-clock analyzer ticking every 0.5 s; says which frame each record came before. */
function replayLive(frames: Frame[], handshakeTimeout: number) {
  const decided: { record: ConnectionRecord; beforeFrame: number }[] = [];
  let next = 0;
  const analyzer = new Analyzer('replay', { handshakeTimeout, wallClock: true }, (record) => decided.push({ record, beforeFrame: next }));
  let clock = frames[0].ts;
  for (; next < frames.length; next++) {
    const frame = frames[next];
    while (clock + 0.5 <= frame.ts) {
      clock += 0.5;
      analyzer.tick(clock);
    }
    analyzer.frame(frame.data, frame.ts, frame.linkType, frame.data.length);
  }
  analyzer.tick(clock + 0.5);
  analyzer.finish(clock + 0.5);
  return decided;
}

describe('Analyzer.tick: handshakes decided by time passing (live mode)', () => {
  it('ends an unanswered ClientHello once the handshake timeout passes, before the client gives up', async () => {
    // captures/server-timeout.pcap: a silent server; the client waits 12 s, then closes
    const frames = await framesOf('server-timeout.pcap');
    const decided = replayLive(frames, 10);
    expect(decided).toHaveLength(1);
    const [{ record, beforeFrame }] = decided;
    expect(record.diagnosis?.code).toBe('server-timeout');
    expect(record.end).toBe('handshake-timeout');
    expect(beforeFrame).toBeLessThan(frames.length);
    const hello = record.tls.clientHello!.ts;
    expect(record.observedUntil - hello).toBeGreaterThan(10);
    expect(record.observedUntil - hello).toBeLessThanOrEqual(10.5);
    // the client's FIN after the decision is a straggler of the ended connection: no second record
  });

  it('ends an unanswered SYN the same way; its retransmissions open no new connection', async () => {
    // captures/tcp-connect-timeout.pcap: SYNs dropped, retransmitted for 11.5 s
    const frames = await framesOf('tcp-connect-timeout.pcap');
    const decided = replayLive(frames, 10);
    expect(decided).toHaveLength(1);
    expect(decided[0].record.diagnosis?.code).toBe('tcp-connect-timeout');
    expect(decided[0].record.end).toBe('handshake-timeout');
  });

  it('at the stop, a SYN read after the last tick that has waited past the timeout is a timeout, not cut short', async () => {
    // a loaded sensor reads packets late: the first SYN of captures/tcp-connect-timeout.pcap arrives with no tick after
    // it, and the capture stops 11 s after it was stamped
    const [syn] = await framesOf('tcp-connect-timeout.pcap');
    const decided: ConnectionRecord[] = [];
    const analyzer = new Analyzer('replay', { handshakeTimeout: 10, wallClock: true }, (record) => decided.push(record));
    analyzer.frame(syn.data, syn.ts, syn.linkType, syn.data.length);
    analyzer.finish(syn.ts + 11);
    expect(decided.map((r) => [r.outcome, r.diagnosis?.code, r.end])).toEqual([['failed', 'tcp-connect-timeout', 'handshake-timeout']]);
    // one stopped before its timeout is what the stop cut short
    const early: ConnectionRecord[] = [];
    const soon = new Analyzer('replay', { handshakeTimeout: 10, wallClock: true }, (record) => early.push(record));
    soon.frame(syn.data, syn.ts, syn.linkType, syn.data.length);
    soon.finish(syn.ts + 5);
    expect(early.map((r) => [r.outcome, r.end])).toEqual([['incomplete', 'capture-end']]);
  });

  it('leaves answered handshakes to the packets', async () => {
    const frames = await framesOf('healthy-tls13.pcap');
    const decided = replayLive(frames, 0.001);
    expect(decided).toHaveLength(1);
    expect(decided[0].record.outcome).toBe('established');
    expect(decided[0].record.end).not.toBe('handshake-timeout');
  });

  it('without wall-clock mode tick() only expires idle flows', async () => {
    const frames = await framesOf('server-timeout.pcap');
    const records: ConnectionRecord[] = [];
    const analyzer = new Analyzer('replay', { handshakeTimeout: 10 }, (r) => records.push(r));
    for (const f of frames.slice(0, 4)) analyzer.frame(f.data, f.ts, f.linkType, f.data.length);
    analyzer.tick(frames[3].ts + 11);
    expect(records).toHaveLength(0);
    expect(analyzer.openConnections).toBe(1);
  });
});
