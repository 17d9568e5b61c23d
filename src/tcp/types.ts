/**
 * What the TCP layer tells about one connection. Directions are 0 and 1, where 0 is the sender of the first packet
 * seen for the flow; which side is the client is decided above (SYN sender, ClientHello sender, ...).
 */
import type { MemoryBudget } from './memory-budget.js';

export type Direction = 0 | 1;

export interface FlowEndpoints {
  /** printable addresses ('192.0.2.1', '2001:db8::1') and ports of direction 0's sender and receiver */
  addr: [string, string];
  port: [number, number];
  ipVersion: 4 | 6;
  /** encapsulation the first packet came through ('' when none) */
  tunnel: string;
}

/** 'fin-unseen': a FIN the capture missed, told at the end with the time of the ACK that acknowledged it */
export type TcpControl = 'syn' | 'syn-ack' | 'fin' | 'rst' | 'fin-unseen';

/**
 * Why a connection's tracking ended: both FINs ('closed'), a RST, no packet for the idle timeout, the end of the
 * capture, the flow table's cap ('evicted'), or — in live mode — an answer awaited past the handshake timeout.
 */
export type EndReason = 'closed' | 'reset' | 'idle' | 'capture-end' | 'evicted' | 'handshake-timeout';

/** Receives one connection's events, in capture order. Created by the flow table's factory for each new flow. */
export interface TcpConnectionHandler {
  /** every packet of the flow (for counts, first/last timestamps, TTLs), before any data or control event it causes */
  packet(dir: Direction, ts: number, flags: number, payloadLength: number, ttl: number): void;
  /** a SYN, SYN-ACK, FIN or RST, with the sender's IP TTL / hop limit */
  control(dir: Direction, kind: TcpControl, ts: number, ttl: number): void;
  /**
   * New in-order stream bytes of one direction. `data` is a view valid only during the call: copy what you keep.
   * `ts` is the timestamp of the packet that carried these bytes (for reordered data, the one that completed them).
   */
  data(dir: Direction, data: Buffer, ts: number): void;
  /** `bytes` of one direction were never captured; the stream continues after them */
  gap(dir: Direction, bytes: number, ts: number): void;
  /** a fact about the packets themselves: retransmission counts are not notes, damage and fragments are */
  note(dir: Direction, ts: number, message: string): void;
  /**
   * A reassembly bound (out-of-order bytes or pieces, the budget of all flows) made a hole a gap in this direction
   * before its bytes could arrive: the loss is ours, not the capture's (called once per direction, before the gap).
   */
  gaveUpHole?(dir: Direction, ts: number): void;
  /**
   * The flow is over: both FINs, an RST, idle eviction, or the end of the capture.
   * The handler must not expect further calls.
   */
  end(reason: EndReason, ts: number): void;
}

/** The handle the flow table gives the handler's owner to lighten a connection once its handshake is over. */
export interface FlowControl {
  /** the number of the frame that opened the flow (FlowTable.segment's `frame`; 0 when frames are not numbered) */
  readonly firstFrame: number;
  /**
   * Stop buffering out-of-order bytes for this flow: in-order bytes are still delivered as views, a hole becomes a gap
   * at once. Called once a connection is past its handshake (DESIGN: stop at encryption, buffer nothing).
   */
  lighten(): void;
}

export type HandlerFactory = (endpoints: FlowEndpoints, firstTs: number, flow: FlowControl) => TcpConnectionHandler;

export interface FlowTableOptions {
  /** seconds of capture time without a packet after which a flow is ended as 'idle' (default 300) */
  idleTimeout?: number;
  /** flows kept at once; past it the least recently active is ended as 'evicted' (default 100_000) */
  maxFlows?: number;
  /** out-of-order bytes buffered per direction before the earliest hole is declared a gap (default 1 MiB) */
  maxBufferedBytes?: number;
  /**
   * seconds a connection closed by FINs from both sides is still heard (its last ACKs, retransmitted FINs) before it
   * ends 'closed' (default 4); live mode shortens it so a closed connection is reported while the user watches
   */
  lingerSeconds?: number;
  /**
   * a connection whose close is complete (both FINs acknowledged) lingers too, instead of ending at once: live capture
   * with a key log read as it grows, where a connection's secrets may reach the analysis only at the next read
   */
  lingerAfterClose?: boolean;
  /** the one memory budget every flow and buffer is charged to (default: a budget of DEFAULT_MEMORY_BUDGET bytes) */
  budget?: MemoryBudget;
  /**
   * the table holds one worker thread's share of a capture's flows: it sweeps for idle flows only when told
   * (FlowTable.sweep), by the reader's SweepClock over all segments, not by the capture time of its own segments
   */
  externalSweeps?: boolean;
}
