/**
 * Hand-built TCP segments and a handler that writes down everything it hears: the flow table's edge cases are
 * exactly the ones no real stack produces on demand.
 */
import { isIPv4 } from 'node:net';
import type { TcpSegment } from '../../src/decode/types.js';
import { FlowTable } from '../../src/tcp/flow-table.js';
import type {
  Direction,
  FlowControl,
  FlowEndpoints,
  FlowTableOptions,
  TcpConnectionHandler,
  TcpControl,
  EndReason,
} from '../../src/tcp/types.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export interface SegmentSpec {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  seq: number;
  ack?: number;
  flags?: number;
  payload?: Buffer | string;
  ttl?: number;
  /** bytes of payload the IP header claims; more than captured makes the frame truncated */
  sentLength?: number;
}

/** Lays out [src address][dst address][2 bytes of filler][payload], the offsets a decoder would report. */
export function makeSegment(spec: SegmentSpec): TcpSegment {
  const v4 = isIPv4(spec.src);
  const addrLength = v4 ? 4 : 16;
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'latin1') : (spec.payload ?? Buffer.alloc(0));
  const buf = Buffer.alloc(2 * addrLength + 2 + payload.length);
  addressBytes(spec.src).copy(buf, 0);
  addressBytes(spec.dst).copy(buf, addrLength);
  payload.copy(buf, 2 * addrLength + 2);
  const payloadStart = 2 * addrLength + 2;
  return {
    buf,
    ipVersion: v4 ? 4 : 6,
    srcAddrOffset: 0,
    dstAddrOffset: addrLength,
    addrLength,
    ttl: spec.ttl ?? 64,
    srcPort: spec.sport,
    dstPort: spec.dport,
    seq: spec.seq >>> 0,
    ack: (spec.ack ?? 0) >>> 0,
    flags: spec.flags ?? ACK,
    window: 65535,
    payloadStart,
    payloadEnd: payloadStart + payload.length,
    payloadLength: spec.sentLength ?? payload.length,
    truncated: (spec.sentLength ?? payload.length) > payload.length,
    fragment: false,
    tunnel: '',
  };
}

function addressBytes(text: string): Buffer {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  const [head, tail] = text.includes('::') ? text.split('::') : [text, ''];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), 2 * i));
  return out;
}

/** One connection's calls, in order; data copied (the views die after the call). */
export class RecordingHandler implements TcpConnectionHandler {
  readonly events: string[] = [];
  readonly streams: [Buffer[], Buffer[]] = [[], []];
  readonly packets: Array<{ dir: Direction; ts: number; flags: number; length: number; ttl: number }> = [];
  readonly views: Buffer[] = [];
  ended: string | null = null;
  endTs: number | null = null;

  constructor(
    readonly endpoints: FlowEndpoints,
    readonly firstTs: number,
    readonly flow: FlowControl,
  ) {}

  packet(dir: Direction, ts: number, flags: number, length: number, ttl: number): void {
    this.assertLive();
    this.packets.push({ dir, ts, flags, length, ttl });
  }
  control(dir: Direction, kind: TcpControl, ts: number, ttl: number): void {
    this.assertLive();
    this.events.push(`${dir} ${kind} ttl=${ttl} @${ts}`);
  }
  data(dir: Direction, data: Buffer, ts: number): void {
    this.assertLive();
    this.views.push(data);
    this.streams[dir].push(Buffer.from(data));
    this.events.push(`${dir} data ${data.toString('latin1')} @${ts}`);
  }
  gap(dir: Direction, bytes: number, ts: number): void {
    this.assertLive();
    this.streams[dir].push(Buffer.from(`<gap ${bytes}>`));
    this.events.push(`${dir} gap ${bytes} @${ts}`);
  }
  note(dir: Direction, ts: number, message: string): void {
    this.assertLive();
    this.events.push(`${dir} note ${message}`);
  }
  end(reason: EndReason, ts: number): void {
    this.assertLive();
    this.ended = reason;
    this.endTs = ts;
  }

  /** direction `dir`'s stream as received, gaps written as <gap N> */
  text(dir: Direction): string {
    return Buffer.concat(this.streams[dir]).toString('latin1');
  }

  private assertLive(): void {
    if (this.ended !== null) throw new Error(`call after end(${this.ended})`);
  }
}

/** A flow table whose handlers are RecordingHandlers, kept in creation order. */
export function recordingTable(options?: FlowTableOptions): { table: FlowTable; handlers: RecordingHandler[] } {
  const handlers: RecordingHandler[] = [];
  const table = new FlowTable((endpoints, firstTs, flow) => {
    const handler = new RecordingHandler(endpoints, firstTs, flow);
    handlers.push(handler);
    return handler;
  }, options);
  return { table, handlers };
}

/** Client 10.0.0.1:40000 ↔ server 10.0.0.2:443 with fixed ISNs, for terse tests. */
export class Conversation {
  clientIsn = 1000;
  serverIsn = 5000;
  constructor(
    readonly table: FlowTable,
    readonly client = { addr: '10.0.0.1', port: 40000 },
    readonly server = { addr: '10.0.0.2', port: 443 },
  ) {}

  /** client → server: payload at stream offset `offset` (0 = first byte after the SYN) */
  c(offset: number, payload: string | Buffer, ts: number, flags = ACK | PSH, extra: Partial<SegmentSpec> = {}): void {
    this.table.segment(
      makeSegment({
        src: this.client.addr, sport: this.client.port, dst: this.server.addr, dport: this.server.port,
        seq: this.clientIsn + 1 + offset, ack: this.serverIsn + 1, flags, payload, ...extra,
      }),
      ts,
    );
  }

  /** server → client: payload at stream offset `offset` */
  s(offset: number, payload: string | Buffer, ts: number, flags = ACK | PSH, extra: Partial<SegmentSpec> = {}): void {
    this.table.segment(
      makeSegment({
        src: this.server.addr, sport: this.server.port, dst: this.client.addr, dport: this.client.port,
        seq: this.serverIsn + 1 + offset, ack: this.clientIsn + 1, flags, payload, ...extra,
      }),
      ts,
    );
  }

  handshake(ts: number, ttl = 64): void {
    this.c(-1, '', ts, SYN, { ack: 0, ttl });
    this.s(-1, '', ts + 0.01, SYN | ACK, { ttl });
    this.c(0, '', ts + 0.02, ACK, { ttl });
  }
}
