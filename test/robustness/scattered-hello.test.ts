/**
 * Item 10 of the hostile-input issue: a connection whose ClientHello came in more than 1,024 out-of-order segments
 * disappeared. The cap is the reassembler's 1,024 buffered pieces per direction (src/tcp/reassembly.ts); past it the
 * earliest hole became a gap, the hello was lost, and a connection with no TLS left in it was not reported. Now
 * pieces that touch are joined while they wait (a hello sent backwards fills a few pieces), and when a bound still
 * gives a hole up the connection says so in its notes and is reported all the same. Memory stays bounded: the piece
 * and byte caps are unchanged.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_SEGMENTS } from '../../src/tcp/reassembly.js';
import { Prng } from '../fuzz/prng.js';
import { runCapture } from '../fuzz/run-capture.js';
import { paddedHelloRecord, scatteredHelloFrames, toPcap } from './handshake-frames.js';

const SNI = 'scattered.example.test';

function run(pieces: number, order: (n: number) => number[], silentServer = false) {
  const hello = paddedHelloRecord(SNI, pieces * 2);
  const frames = scatteredHelloFrames(hello, pieces, order);
  const capture = toPcap(silentServer ? frames.slice(0, 2 + pieces) : frames);
  return runCapture(capture, 'scattered.pcap', null);
}

const reversed = (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i);
const shuffled = (n: number) => {
  const order = Array.from({ length: n }, (_, i) => i);
  new Prng(1234).shuffle(order);
  return order;
};
/** every other piece backwards, then the rest backwards: no two waiting pieces touch until the second half */
const interleaved = (n: number) => [...reversed(n).filter((i) => i % 2 === 1), ...reversed(n).filter((i) => i % 2 === 0)];

describe(`a ClientHello in more than ${MAX_PENDING_SEGMENTS} out-of-order segments`, () => {
  for (const [name, order] of [['reversed', reversed], ['shuffled', shuffled]] as const) {
    it(`${name}, 3,000 segments: the hello is whole and the handshake established`, () => {
      const { records } = run(3000, order);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ outcome: 'established', notes: [] });
      expect(records[0].tls.clientHello?.sni).toBe(SNI);
      expect(records[0].tcp.gapBytes).toEqual({ client: 0, server: 0 });
    });
  }

  it('interleaved so that nothing can be joined: the connection is kept, its notes say what was lost', () => {
    const { records } = run(3000, interleaved);
    expect(records).toHaveLength(1);
    expect(records[0].notes).toContain(`more than ${MAX_PENDING_SEGMENTS} out-of-order pieces held behind a hole: the hole was given up as a gap`);
    expect(records[0].tcp.gapBytes.client).toBeGreaterThan(0);
  });

  it('and when the server never answers, the connection to port 443 is still reported (incomplete)', () => {
    const { records } = run(3000, interleaved, true);
    expect(records.map((r) => [r.outcome, r.server.port])).toEqual([['incomplete', 443]]);
    expect(records[0].notes[0]).toMatch(/given up as a gap/);
  });
});
