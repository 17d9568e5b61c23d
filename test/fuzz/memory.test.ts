/**
 * Memory is bounded by the connections open at once, not by the capture: a synthetic capture of 200,000 TCP
 * connections spread over four hours, streamed through the real parser and Analyzer a chunk at a time, with the flow
 * table's size and the out-of-order bytes it buffers checked after every chunk. Structural bounds only (no RSS).
 *
 * Three kinds of connection, in turn:
 *  - a ClientHello that is never answered (stays open until idle eviction),
 *  - a client segment after a hole that is never filled (its bytes wait in the reassembly buffer),
 *  - a complete TLS 1.2 handshake, then application data after a hole (past the handshake nothing is buffered).
 */
import { describe, expect, it } from 'vitest';
import { createParser } from '../../src/capture/parser.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { Analyzer, type AnalyzeOptions } from '../../src/pipeline/analyzer.js';
import { MAX_TIMELINE } from '../../src/tls/session/timeline.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { ACK, ccsAndFinished, clientHelloRecord, PcapWriter, PSH, serverHelloRecord, SYN, tlsRecord } from './synthetic-capture.js';

const SERVER = 0xc0000201; // 192.0.2.1
const CLIENTS = 0x0a000000; // 10.0.0.0/8
const HOLE = 100;
const AFTER_HOLE = Buffer.alloc(600, 0x61);
const CONNECTIONS_PER_CHUNK = 1000;
/** the flow table's idle sweep runs once a second of capture time */
const SWEEP_SLACK = 2;

interface MemoryRun {
  records: Map<string, number>;
  established: number;
  peakOpen: number;
  peakBuffered: number;
  /** the first violation of the buffered-bytes bound seen, or null */
  bufferProblem: string | null;
  bufferedAtEnd: number;
}

/** The out-of-order bytes the flow table holds. */
function bufferedBytes(analyzer: Analyzer): number {
  return analyzer.bufferedBytes;
}

function streamSyntheticCapture(connections: number, seconds: number, options: AnalyzeOptions): MemoryRun {
  const run: MemoryRun = { records: new Map(), established: 0, peakOpen: 0, peakBuffered: 0, bufferProblem: null, bufferedAtEnd: 0 };
  const onRecord = (record: ConnectionRecord) => {
    run.records.set(record.end, (run.records.get(record.end) ?? 0) + 1);
    if (record.outcome === 'established') run.established++;
  };
  const analyzer = new Analyzer('synthetic', { trustStore: createTrustStore(), ...options }, onRecord);
  const writer = new PcapWriter(1 << 20);
  writer.fileHeader();
  const hello = clientHelloRecord('many.example');
  const serverHello = serverHelloRecord();
  const finished = ccsAndFinished();
  const spacing = seconds / connections;
  const start = 1_700_000_000;
  let parser: ReturnType<typeof createParser> = null;

  for (let i = 0; i < connections; i++) {
    const ts = start + i * spacing;
    const client = CLIENTS + 1 + Math.floor(i / 50_000);
    const port = 1024 + (i % 50_000);
    const cisn = (i * 7919) >>> 0;
    const sisn = (i * 104729 + 17) >>> 0;
    const step = spacing / 10;
    writer.tcp(ts, client, port, SERVER, 443, cisn, 0, SYN);
    writer.tcp(ts + step, SERVER, 443, client, port, sisn, cisn + 1, SYN | ACK);
    const kind = i % 3;
    if (kind === 0) {
      writer.tcp(ts + 2 * step, client, port, SERVER, 443, cisn + 1, sisn + 1, ACK | PSH, hello);
    } else if (kind === 1) {
      writer.tcp(ts + 2 * step, client, port, SERVER, 443, cisn + 1 + HOLE, sisn + 1, ACK | PSH, AFTER_HOLE);
    } else {
      let c = cisn + 1;
      let s = sisn + 1;
      writer.tcp(ts + 2 * step, client, port, SERVER, 443, c, s, ACK | PSH, hello);
      c += hello.length;
      writer.tcp(ts + 3 * step, SERVER, 443, client, port, s, c, ACK | PSH, serverHello);
      s += serverHello.length;
      writer.tcp(ts + 4 * step, client, port, SERVER, 443, c, s, ACK | PSH, finished);
      c += finished.length;
      writer.tcp(ts + 5 * step, SERVER, 443, client, port, s, c, ACK | PSH, finished);
      s += finished.length;
      writer.tcp(ts + 6 * step, client, port, SERVER, 443, c + HOLE, s, ACK | PSH, AFTER_HOLE);
    }

    if ((i + 1) % CONNECTIONS_PER_CHUNK === 0 || i === connections - 1) {
      const chunk = writer.take();
      parser ??= createParser(chunk, analyzer);
      expect(parser).not.toBeNull();
      expect(parser!.feed(chunk, 0, chunk.length)).toBe(chunk.length);
      const open = analyzer.openConnections;
      run.peakOpen = Math.max(run.peakOpen, open);
      // only the hole connections (every third) may hold bytes, and only their one segment each
      const buffered = bufferedBytes(analyzer);
      run.peakBuffered = Math.max(run.peakBuffered, buffered);
      // past a flow cap the connections past their handshake are let go first (the eviction order), so then any
      // open connection may be a hole connection; without one the idle window keeps the mix of the capture
      const holeConnectionsOpen = options.flows?.maxFlows === undefined ? Math.ceil(open / 3) + 1 : open;
      if (run.bufferProblem === null && buffered > holeConnectionsOpen * AFTER_HOLE.length) {
        run.bufferProblem = `${buffered} bytes buffered with ${open} connections open (at connection ${i})`;
      }
    }
  }
  parser!.finish(0, 0);
  analyzer.finish();
  run.bufferedAtEnd = bufferedBytes(analyzer);
  expect(analyzer.openConnections).toBe(0);
  return run;
}

describe('memory: bounded by concurrent connections, not by the capture', () => {
  it('200,000 connections over four hours: idle eviction keeps the flow table to the idle window', () => {
    const connections = 200_000;
    const seconds = 4 * 3600;
    const idleTimeout = 300;
    const run = streamSyntheticCapture(connections, seconds, { flows: { idleTimeout } });

    const perSecond = connections / seconds;
    const idleWindow = Math.ceil((idleTimeout + SWEEP_SLACK) * perSecond) + 1;
    expect(run.peakOpen).toBeLessThanOrEqual(idleWindow);
    expect(run.peakOpen).toBeGreaterThan(idleWindow / 2);
    expect(run.bufferProblem).toBeNull();
    // the hole connections did buffer (so the bound above measured something), and gave it all back at the end
    expect(run.peakBuffered).toBeGreaterThan(0);
    expect(run.bufferedAtEnd).toBe(0);

    // the unanswered hellos and the established sessions are reported (the hole-only ones carried no TLS)
    const reported = [...run.records.values()].reduce((a, b) => a + b, 0);
    expect(reported).toBe(Math.ceil(connections / 3) + Math.floor(connections / 3));
    expect(run.established).toBe(Math.floor(connections / 3));
    // all but the last idle window ended by eviction while the capture went on
    expect(run.records.get('idle') ?? 0).toBeGreaterThan(reported - idleWindow);
    expect(run.records.get('evicted') ?? 0).toBe(0);
  });

  it('a flow cap below the concurrent connections: the least recently active are evicted, the table never grows past it', () => {
    const maxFlows = 1000;
    const run = streamSyntheticCapture(30_000, 60, { flows: { maxFlows } });
    expect(run.peakOpen).toBeLessThanOrEqual(maxFlows);
    expect(run.bufferProblem).toBeNull();
    expect(run.records.get('evicted') ?? 0).toBeGreaterThan(15_000);
  });

  it('per-direction cap on out-of-order bytes: a hole that outgrows it becomes a gap, nothing stays buffered', () => {
    const run = streamSyntheticCapture(3000, 60, { flows: { maxBufferedBytes: AFTER_HOLE.length - 1 } });
    expect(run.peakBuffered).toBe(0);
    expect(run.bufferedAtEnd).toBe(0);
  });
});

describe('memory: one long connection', () => {
  /** A peer streaming small alert records (20,000 of them) must not grow one connection's record without bound. */
  it('keeps a bounded number of alerts however many the peer sends', () => {
    const writer = new PcapWriter(1 << 20);
    writer.fileHeader();
    const client = CLIENTS + 1;
    const ts = 1_700_000_000;
    let c = 1000;
    let s = 5000;
    writer.tcp(ts, client, 40000, SERVER, 443, c, 0, SYN);
    writer.tcp(ts + 0.001, SERVER, 443, client, 40000, s, c + 1, SYN | ACK);
    c++;
    s++;
    const hello = clientHelloRecord('alerts.example');
    writer.tcp(ts + 0.002, client, 40000, SERVER, 443, c, s, ACK | PSH, hello);
    c += hello.length;
    const serverHello = serverHelloRecord();
    writer.tcp(ts + 0.003, SERVER, 443, client, 40000, s, c, ACK | PSH, serverHello);
    s += serverHello.length;
    const warnings = Buffer.concat(Array.from({ length: 1000 }, () => tlsRecord(21, Buffer.from([1, 0]))));
    for (let i = 0; i < 20; i++) {
      writer.tcp(ts + 0.004 + i * 0.001, SERVER, 443, client, 40000, s, c, ACK | PSH, warnings);
      s += warnings.length;
    }
    const records: ConnectionRecord[] = [];
    const analyzer = new Analyzer('alerts', { trustStore: createTrustStore() }, (r) => records.push(r));
    const bytes = writer.take();
    const parser = createParser(bytes, analyzer)!;
    parser.feed(bytes, 0, bytes.length);
    parser.finish(0, 0);
    analyzer.finish();
    expect(records).toHaveLength(1);
    expect(records[0].tls.alerts.length).toBeLessThanOrEqual(MAX_TIMELINE);
  });
});
