/**
 * The memory budget (src/tcp/memory-budget.ts) is a real bound: each kind of flow costs on the heap no more than the
 * cost model charges it (measured over thousands of flows, after full collections), the charges never pass the
 * budget, what does not fit is let go in the documented order and counted, and no connection goes unreported.
 * Synthetic captures written here and streamed through the real parser and Analyzer: no real stack opens tens of
 * thousands of connections for a test, and these shapes (SYN floods, hellos left hanging, messages cut mid-way) are
 * what a flood is made of.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createParser } from '../../src/capture/parser.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { Analyzer, type AnalyzeOptions } from '../../src/pipeline/analyzer.js';
import { SYN_ONLY_FLOW_BYTES } from '../../src/tcp/memory-budget.js';
import { ACK, clientHelloRecord, PcapWriter, PSH, SYN, tlsRecord } from './synthetic-capture.js';

const SERVER = 0xc0000201; // 192.0.2.1
const CLIENTS = 0x0a000000; // 10.0.0.0/8
const T0 = 1_700_000_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

type FlowShape = 'syn-only' | 'unanswered-hello' | 'mid-certificate';

/** A Certificate message (RFC 8446 §4.4.2) header announcing 60,000 bytes, and the first 30,000 of them. */
function halfCertificate(): Buffer {
  const header = Buffer.from([11, 0, 0xea, 0x60]);
  const body = Buffer.alloc(30_000 - 4, 0x30);
  const first = Buffer.concat([header, body.subarray(0, 16_000 - 4)]);
  return Buffer.concat([tlsRecord(22, first), tlsRecord(22, body.subarray(16_000 - 4))]);
}

/** Writes `count` flows of one shape, 1,000 new flows per second of capture time, starting at flow `from`. */
function writeFlows(writer: PcapWriter, shape: FlowShape, from: number, count: number, startTs: number): void {
  const hello = clientHelloRecord('budget.example');
  const certificate = shape === 'mid-certificate' ? halfCertificate() : null;
  for (let i = from; i < from + count; i++) {
    const ts = startTs + (i - from) / 1000;
    const client = CLIENTS + i + 1;
    const port = 1024 + (i % 60_000);
    const c = i * 7919;
    const s = i * 104_729;
    writer.tcp(ts, client, port, SERVER, 443, c, 0, SYN);
    if (shape === 'syn-only') {
      writer.tcp(ts + 0.5, client, port, SERVER, 443, c, 0, SYN); // a retransmission
      continue;
    }
    writer.tcp(ts + 0.0001, SERVER, 443, client, port, s, c + 1, SYN | ACK);
    writer.tcp(ts + 0.0002, client, port, SERVER, 443, c + 1, s + 1, ACK);
    writer.tcp(ts + 0.0003, client, port, SERVER, 443, c + 1, s + 1, ACK | PSH, hello);
    if (certificate !== null) {
      // the server's hello is left out: the Certificate waits for it, half of it under reassembly
      writer.tcp(ts + 0.0004, SERVER, 443, client, port, s + 1, c + 1 + hello.length, ACK | PSH, certificate.subarray(0, 1400));
      for (let at = 1400; at < certificate.length; at += 1400) {
        writer.tcp(ts + 0.0005, SERVER, 443, client, port, s + 1 + at, c + 1 + hello.length, ACK | PSH, certificate.subarray(at, at + 1400));
      }
    }
  }
}

interface Run {
  analyzer: Analyzer;
  records: ConnectionRecord[];
  peakCharged: number;
}

/** Streams the capture `write` makes through a fresh Analyzer, looking at the budget after every chunk. */
function run(options: AnalyzeOptions, write: (writer: PcapWriter) => void, finish = true): Run {
  const records: ConnectionRecord[] = [];
  const analyzer = new Analyzer('budget', options, (r) => records.push(r));
  const writer = new PcapWriter(1 << 20);
  writer.fileHeader();
  write(writer);
  const bytes = writer.take();
  const parser = createParser(bytes, analyzer)!;
  let peakCharged = 0;
  for (let at = 0; at < bytes.length; ) {
    const end = Math.min(bytes.length, at + (256 << 10));
    at += parser.feed(bytes, at, end);
    peakCharged = Math.max(peakCharged, analyzer.memory.charged);
    if (end === bytes.length && at < end) break;
  }
  if (finish) analyzer.finish();
  return { analyzer, records, peakCharged };
}

describe('memory budget: the cost model is honest', () => {
  for (const [shape, count] of [
    ['syn-only', 20_000],
    ['unanswered-hello', 10_000],
  ] as const) {
    it(`a ${shape} flow costs the heap no more than it is charged`, () => {
      const records: ConnectionRecord[] = [];
      const analyzer = new Analyzer('heap', { memoryBudget: 2 ** 32, flows: { maxFlows: 1e7 } }, (r) => records.push(r));
      const writer = new PcapWriter(1 << 20);
      writer.fileHeader();
      writeFlows(writer, shape, 0, count, T0);
      const bytes = writer.take();
      const parser = createParser(bytes, analyzer)!;
      const before = heapUsed();
      const chargedBefore = analyzer.memory.charged;
      expect(parser.feed(bytes, 0, bytes.length)).toBe(bytes.length);
      const perFlow = (heapUsed() - before) / count;
      const chargedPerFlow = (analyzer.memory.charged - chargedBefore) / count;
      expect(analyzer.openConnections).toBe(count);
      expect(records).toHaveLength(0);
      expect(perFlow).toBeGreaterThan(0);
      expect(perFlow).toBeLessThanOrEqual(chargedPerFlow);
      if (shape === 'syn-only') {
        expect(analyzer.memory.synOnlyFlows).toBe(count);
        expect(chargedPerFlow).toBe(SYN_ONLY_FLOW_BYTES);
        expect(perFlow).toBeLessThanOrEqual(1024);
      }
      analyzer.finish();
      expect(records).toHaveLength(count);
      expect(analyzer.memory.charged).toBe(0);
      expect(parser).toBeDefined(); // keeps the capture's bytes alive through the measurement above
    });
  }
});

describe('memory budget: a bound, enforced in order, and nothing unreported', () => {
  it('20,000 unanswered hellos in a 2 MiB budget: charges stay within it, every connection is reported', () => {
    const budget = 2 << 20;
    const { analyzer, records, peakCharged } = run({ memoryBudget: budget }, (w) => writeFlows(w, "unanswered-hello", 0, 20_000, T0));
    expect(peakCharged).toBeLessThanOrEqual(budget);
    expect(records).toHaveLength(20_000);
    const evicted = records.filter((r) => r.end === 'evicted').length;
    expect(evicted).toBeGreaterThan(15_000);
    expect(analyzer.memory.evictions.inHandshake).toBe(evicted);
    expect(analyzer.memory.charged).toBe(0);
    expect(analyzer.notes.some((n) => n.includes(`${evicted} connection(s) ended early as 'evicted'`))).toBe(true);
    // an evicted hello is still a record with its ClientHello
    expect(records.every((r) => r.tls.clientHello?.sni === 'budget.example')).toBe(true);
  });

  it('handshake messages under reassembly are charged: 2,000 connections mid-Certificate stay within the budget', () => {
    const budget = 8 << 20;
    const { analyzer, records, peakCharged } = run({ memoryBudget: budget }, (w) => writeFlows(w, 'mid-certificate', 0, 2000, T0), false);
    // each connection holds 30,000 bytes of its Certificate: 2,000 of them would need 60 MB without the budget
    expect(peakCharged).toBeLessThanOrEqual(budget);
    expect(analyzer.memory.charged).toBeLessThanOrEqual(budget);
    analyzer.finish();
    expect(records).toHaveLength(2000);
    expect(analyzer.memory.charged).toBe(0);
  });

  it('a message that finds no room, with nothing cheaper to let go, is dropped and noted on its connection', () => {
    // the flows themselves fill the budget; the flow cap is high, so nothing is evicted to make room for a message
    const budget = 512 << 10;
    const { analyzer, records } = run({ memoryBudget: budget }, (w) => writeFlows(w, 'mid-certificate', 0, 60, T0));
    expect(records).toHaveLength(60);
    expect(analyzer.memory.buffersRefused).toBeGreaterThan(0);
    const dropped = records.filter((r) => r.notes.some((n) => n.includes("dropped: the analysis's memory budget is spent")));
    expect(dropped.length).toBeGreaterThan(0);
  });

  it('SYN-only flows go before connections in their handshake', () => {
    const { analyzer, records } = run({ flows: { maxFlows: 1000 } }, (w) => {
      writeFlows(w, 'unanswered-hello', 0, 500, T0);
      writeFlows(w, 'syn-only', 500, 5000, T0 + 1);
    });
    expect(records).toHaveLength(5500);
    const hellos = records.filter((r) => r.tls.clientHello !== null);
    expect(hellos).toHaveLength(500);
    // no hello was evicted: the SYN-only flows made room
    expect(hellos.every((r) => r.end !== 'evicted')).toBe(true);
    expect(analyzer.memory.evictions.synOnly).toBe(5000 - (1000 - 500));
    expect(analyzer.memory.evictions.inHandshake).toBe(0);
  });
});
