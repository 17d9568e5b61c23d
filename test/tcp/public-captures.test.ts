/**
 * Real third-party captures through capture → decode → FlowTable, checked against what tshark saw in each TCP
 * stream (the .truth.json beside each capture): one flow per tshark stream, same segment count (but for stragglers
 * swallowed after the end), same FIN and RST senders, and no gap where tshark saw none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAVE_PUBLIC_CAPTURES, publicCaptureNames, publicTruth, requirePublicCapture, warnIfNoPublicCaptures } from '../helpers/shared.js';
import type { TruthConnection } from '../helpers/truth.js';
import { BACKWARDS_NOTE } from '../../src/tcp/flow-table.js';
import { readCaptureFile } from '../../src/capture/file.js';
import { decodeFrame, newTcpSegment } from '../../src/decode/frame.js';
import { recordingTable, type RecordingHandler } from './helpers.js';

warnIfNoPublicCaptures('test/tcp public captures');


/** Where this layer knowingly parts from tshark, and why. */
const KNOWN: Record<string, string> = {};

async function flowsOf(file: string): Promise<RecordingHandler[]> {
  const { table, handlers } = recordingTable();
  const segment = newTcpSegment();
  let lastTs = 0;
  await readCaptureFile(file, {
    frame(data: Buffer, ts: number, linkType: number) {
      lastTs = ts;
      if (decodeFrame(linkType, data, segment) === 'tcp') table.segment(segment, ts);
    },
  } as Parameters<typeof readCaptureFile>[1]);
  table.flush(lastTs);
  return handlers;
}

const endpoint = (h: RecordingHandler, dir: 0 | 1) => {
  const { addr, port, ipVersion } = h.endpoints;
  return ipVersion === 6 ? `[${addr[dir]}]:${port[dir]}` : `${addr[dir]}:${port[dir]}`;
};

describe.skipIf(!HAVE_PUBLIC_CAPTURES)('public captures agree with tshark on TCP streams', () => {
  for (const name of publicCaptureNames()) {
    const truthFile = publicTruth(name)!;
    if (!existsSync(truthFile)) continue;
    const known = KNOWN[name];
    if (known !== undefined) {
      it.skip(`${name} (known difference: ${known})`, () => {});
      continue;
    }
    it(name, async () => {
      const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { connections: TruthConnection[] };
      const handlers = await flowsOf(requirePublicCapture(name));
      const mismatches: string[] = [];
      for (const expected of truth.connections) {
        const flow = handlers.find((h) => {
          const pair = [endpoint(h, 0), endpoint(h, 1)];
          // tshark's first_ts is the stream's earliest timestamp, which a damaged stamp can put out of capture order;
          // such a stamp is taken at the latest time seen in its flow (time never runs backwards in a connection)
          const backwards = h.events.some((e) => e.endsWith(BACKWARDS_NOTE));
          const started = backwards || h.packets.some((p) => Math.abs(p.ts - expected.first_ts) < 1e-6);
          return pair.includes(expected.client) && pair.includes(expected.server) && started;
        });
        if (flow === undefined) {
          mismatches.push(`stream ${expected.tcp_stream} ${expected.client} → ${expected.server}: no flow`);
          continue;
        }
        const clientDir = endpoint(flow, 0) === expected.client ? 0 : 1;
        const role = (dir: number): string => (dir === clientDir ? 'client' : 'server');
        const fins = flow.events.filter((e) => /^\d fin /.test(e)).map((e) => role(Number(e[0])));
        const rst = flow.events.find((e) => /^\d rst /.test(e));
        const gaps = flow.events.filter((e) => /^\d gap /.test(e)).length;
        const facts = {
          segments: flow.packets.length,
          fin: [...fins].sort(),
          rst: rst === undefined ? null : role(Number(rst[0])),
          gap: gaps > 0,
        };
        const wanted = {
          segments: expected.tcp_segments,
          fin: [...new Set(expected.tcp_fin_from)].sort(),
          rst: expected.tcp_rst_from,
          gap: expected.tcp_gap_segments > 0,
        };
        const over = facts.rst !== null || (facts.fin.length === 2 && flow.ended === 'closed');
        if (over && facts.segments < wanted.segments && (facts.rst === null || facts.rst === wanted.rst)) {
          // stragglers after a RST or after a closed flow's linger are swallowed on purpose; tshark counts them
          facts.segments = wanted.segments;
          if (facts.fin.every((side) => wanted.fin.includes(side))) facts.fin = wanted.fin;
        }
        // tshark counts a hole that reordering later filled as a gap; a gap where tshark saw none is a fault here
        if (!facts.gap) facts.gap = wanted.gap;
        if (JSON.stringify(facts) !== JSON.stringify(wanted)) {
          const differs = `${JSON.stringify(facts)} ≠ tshark ${JSON.stringify(wanted)}`;
          mismatches.push(`stream ${expected.tcp_stream}: ${differs}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
