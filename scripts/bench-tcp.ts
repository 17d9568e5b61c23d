/**
 * Micro-benchmark of FlowTable.segment: synthetic in-order traffic of many interleaved flows (handshake, data both
 * ways, FINs), one reused TcpSegment as the decoder gives it, a handler that only counts. Prints ns per segment.
 * Run: npx tsx scripts/bench-tcp.ts [flows] [rounds]
 */
import type { TcpSegment } from '../src/decode/types.js';
import { FlowTable } from '../src/tcp/flow-table.js';
import type { Direction, TcpConnectionHandler } from '../src/tcp/types.js';

const FLOWS = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 40);
const ITERATIONS = 5;
const MSS = 1448;

const FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;

class CountingHandler implements TcpConnectionHandler {
  static bytes = 0;
  static ended = 0;
  packet(_dir: Direction, _ts: number, _flags: number, _length: number, _ttl: number): void {}
  control(): void {}
  data(_dir: Direction, data: Buffer): void {
    CountingHandler.bytes += data.length;
  }
  gap(): void {
    throw new Error('unexpected gap');
  }
  note(): void {}
  end(): void {
    CountingHandler.ended++;
  }
}

// One buffer stands for the capture chunk: per flow the two addresses, then one shared payload area.
const addressArea = FLOWS * 8;
const chunk = Buffer.alloc(addressArea + MSS, 0x61);
for (let flow = 0; flow < FLOWS; flow++) {
  chunk.writeUInt32BE(0x0a000000 + flow, flow * 8); // client 10.x.y.z
  chunk.writeUInt32BE(0xc0000201 + (flow % 16), flow * 8 + 4); // one of 16 servers
}

// The schedule, precomputed so the timed loop only copies numbers into the reused segment.
const packets = FLOWS * ROUNDS;
const flowOf = new Uint32Array(packets);
const fromServer = new Uint8Array(packets);
const flagsOf = new Uint8Array(packets);
const seqOf = new Uint32Array(packets);
const ackOf = new Uint32Array(packets);
const lengthOf = new Uint16Array(packets);
{
  const clientNext = new Uint32Array(FLOWS);
  const serverNext = new Uint32Array(FLOWS);
  let i = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (let flow = 0; flow < FLOWS; flow++, i++) {
      flowOf[i] = flow;
      const server = round === 1 || (round > 2 && round % 2 === 0) || round === ROUNDS - 1;
      fromServer[i] = server ? 1 : 0;
      let flags = ACK;
      let length = 0;
      if (round === 0) {
        flags = SYN;
        clientNext[flow] = (flow * 2654435761) >>> 0; // ISNs spread over the circle, some wrap
      } else if (round === 1) {
        flags = SYN | ACK;
        serverNext[flow] = (flow * 40503 + 0xfff00000) >>> 0;
      } else if (round >= ROUNDS - 2) {
        flags = FIN | ACK;
      } else if (round > 2) {
        flags = ACK | PSH;
        length = server ? MSS : 200;
      }
      flagsOf[i] = flags;
      seqOf[i] = server ? serverNext[flow] : clientNext[flow];
      ackOf[i] = server ? clientNext[flow] : serverNext[flow];
      lengthOf[i] = length;
      const advance = length + ((flags & (SYN | FIN)) !== 0 ? 1 : 0);
      if (server) serverNext[flow] = (serverNext[flow] + advance) >>> 0;
      else clientNext[flow] = (clientNext[flow] + advance) >>> 0;
    }
  }
}

const seg: TcpSegment = {
  buf: chunk, ipVersion: 4, srcAddrOffset: 0, dstAddrOffset: 4, addrLength: 4, ttl: 64, srcPort: 0, dstPort: 443,
  seq: 0, ack: 0, flags: 0, window: 65535, payloadStart: addressArea, payloadEnd: addressArea, payloadLength: 0,
  truncated: false, fragment: false, tunnel: '',
};

function run(feed: (table: FlowTable | null) => void, withTable: boolean): number {
  const table = withTable ? new FlowTable(() => new CountingHandler(), { maxFlows: FLOWS * 2 }) : null;
  const start = process.hrtime.bigint();
  feed(table);
  const elapsed = Number(process.hrtime.bigint() - start);
  table?.flush(packets * 1e-6 + 1);
  return elapsed;
}

function feed(table: FlowTable | null): void {
  for (let i = 0; i < packets; i++) {
    const flow = flowOf[i];
    const server = fromServer[i] === 1;
    seg.srcAddrOffset = flow * 8 + (server ? 4 : 0);
    seg.dstAddrOffset = flow * 8 + (server ? 0 : 4);
    seg.srcPort = server ? 443 : 10_000 + (flow & 0x7fff);
    seg.dstPort = server ? 10_000 + (flow & 0x7fff) : 443;
    seg.seq = seqOf[i];
    seg.ack = ackOf[i];
    seg.flags = flagsOf[i];
    seg.payloadEnd = addressArea + lengthOf[i];
    seg.payloadLength = lengthOf[i];
    if (table !== null) table.segment(seg, i * 1e-6);
  }
}

const payloadBytes = lengthOf.reduce((sum, length) => sum + length, 0);
const megabytes = (payloadBytes / 1e6).toFixed(1);
console.log(`${FLOWS} flows × ${ROUNDS} rounds = ${packets} segments, ${megabytes} MB of payload`);
const results: number[] = [];
const baselines: number[] = [];
for (let iteration = 0; iteration < ITERATIONS + 1; iteration++) {
  CountingHandler.bytes = 0;
  baselines.push(run(feed, false));
  results.push(run(feed, true));
  if (CountingHandler.bytes !== payloadBytes) {
    throw new Error(`delivered ${CountingHandler.bytes} of ${payloadBytes} bytes`);
  }
}
// the first iteration warms the JIT up
const best = Math.min(...results.slice(1));
const baseline = Math.min(...baselines.slice(1));
console.log(`loop alone:   ${(baseline / packets).toFixed(1)} ns/segment`);
console.log(`with table:   ${(best / packets).toFixed(1)} ns/segment (best of ${ITERATIONS})`);
console.log(`flow table:   ${((best - baseline) / packets).toFixed(1)} ns/segment`);
console.log(`flows ended:  ${CountingHandler.ended}`);
