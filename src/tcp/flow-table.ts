/**
 * The flow table: finds each segment's connection by its 4-tuple, follows the connection's life (SYN, SYN-ACK, FIN,
 * RST, port reuse, idleness) and feeds its handler, in capture order. Memory is bounded by one budget in bytes
 * (memory-budget.ts) that every flow and every buffer is charged to, by the number of flows kept, and by how long a
 * finished 4-tuple is remembered. Over the budget the least valuable state goes first:
 *   1. finished 4-tuples remembered to swallow stragglers (nothing reported is lost),
 *   2. flows closed by both FINs, still lingering (ended 'closed' a little early),
 *   3. SYN-only flows, least recently active first (ended 'evicted'),
 *   4. flows past their handshake, least recently active first (ended 'evicted'; their outcome is already known),
 *   5. the out-of-order bytes or partial handshake message that would grow (a hole becomes a gap, a message is dropped),
 *   6. flows in their handshake, least recently active first (ended 'evicted').
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types.js';
import { FLOW_CLOSING, FLOW_DEAD, Flow, MAX_REPLAYED_SYNS, NOTED_FRAGMENT, NOTED_TRUNCATED } from './flow.js';
import { formatAddress } from '../decode/address.js';
import { formatIpv4, ipv4Address, ipv4FlowHash, ipv6Endpoint } from './flow-key.js';
import { FlowList } from './flow-list.js';
import { MemoryBudget, SYN_ONLY_FLOW_BYTES, TOMBSTONE_BYTES, TRACKED_FLOW_BYTES } from './memory-budget.js';
import { StreamReassembler } from './reassembly.js';
import { seqAdd } from './sequence.js';
import { SweepClock } from './sweep-clock.js';
import type {
  Direction,
  EndReason,
  FlowControl,
  FlowEndpoints,
  FlowTableOptions,
  HandlerFactory,
  TcpConnectionHandler,
} from './types.js';

/** What a connection says when its packets' times ran backwards (see process). */
export const BACKWARDS_NOTE = 'capture time ran backwards inside this connection: packets stamped before an earlier one were taken at the latest time seen';

export const DEFAULT_IDLE_TIMEOUT = 300;
const DEFAULT_MAX_FLOWS = 100_000;
const DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;

/** What a dead flow's stragglers are told: nothing. */
const SILENT_HANDLER: TcpConnectionHandler = {
  packet() {},
  control() {},
  data() {},
  gap() {},
  note() {},
  end() {},
};
/** What a dead flow's directions point to once their own reassemblers are let go: nothing is ever fed to it. */
const DEAD_STREAM = new StreamReassembler(SILENT_HANDLER, 0, 0, new MemoryBudget(0));

/**
 * Seconds of capture time a connection closed by FINs from both sides still hears its packets (the last ACK, a
 * retransmitted FIN) before it ends 'closed'.
 */
const LINGER_SECONDS = 4;
/**
 * Seconds of capture time a finished 4-tuple stays known after its handler ended, so that stragglers (a FIN
 * retransmitted with backoff, packets in flight when the RST was sent) are swallowed instead of opening a phantom
 * connection. Of the order of TIME-WAIT (RFC 9293 §3.6.1: 2 × MSL).
 */
const TOMBSTONE_SECONDS = 60;
/**
 * Connections a sweep driven by capture time ends at most in one segment: the capture's reader pauses between frames
 * while the records' consumer is backed up, so this bounds what waits for it.
 */
const SWEEP_MAX_ENDS = 256;
/** SYN-ACKs with differing initial sequence numbers remembered for one connection */
const MAX_SYN_ACK_CANDIDATES = 8;

// What a packet on a known 4-tuple means for the flow found there.
const KEEP = 0;
const SWALLOW = 1;
const REPLACE = 2;

/** How many connections were ended early to stay within the flow cap or the memory budget, by what they were. */
export interface Evictions {
  synOnly: number;
  pastHandshake: number;
  inHandshake: number;
  closing: number;
}

export class FlowTable {
  /** IPv4 flows by 4-tuple hash, chained through Flow.sameHash */
  private readonly v4 = new Map<number, Flow>();
  private readonly v6 = new Map<string, Map<string, Flow>>();
  /**
   * SYN-only flows (no handler yet), oldest first SYN first: a retransmission does not move its flow, so the head is
   * the one that has waited longest (live mode ends them by their first SYN's time, as it does tracked ones)
   */
  private readonly synOnly = new FlowList<Flow>();
  /** tracked open flows in (or before) their handshake, least recently active first */
  private readonly active = new FlowList<Flow>();
  /** open flows past their handshake (lightened), least recently active first */
  private readonly settled = new FlowList<Flow>();
  /** flows closed by FINs both ways, still hearing their last packets; earliest to end first */
  private readonly closing = new FlowList<Flow>();
  /** ended flows whose 4-tuple is still remembered; earliest to be forgotten first */
  private readonly tombstones = new FlowList<Flow>();
  private readonly budget: MemoryBudget;
  readonly evictions: Evictions = { synOnly: 0, pastHandshake: 0, inHandshake: 0, closing: 0 };
  /** the flow whose segment is being processed: never the one evicted to make room */
  private current: Flow | null = null;
  /** flows endNow() ended: their SYN retransmissions are stragglers */
  private readonly endedUnanswered = new WeakSet<Flow>();
  private readonly idleTimeout: number;
  private readonly maxFlows: number;
  private readonly maxBufferedBytes: number;
  private readonly linger: number;
  private readonly lingerAfterClose: boolean;
  private readonly tombstoneTime: number;
  private live = 0;
  /** when capture time sweeps the table; null when the sweeps are ordered from outside (sweep()) */
  private readonly clock: SweepClock | null;
  /** an ordered sweep stopped at its limit of ends: the next segment sweeps again */
  private sweepAgain = false;
  /** timestamp of the previous segment */
  private previousTs = -Infinity;

  constructor(
    private readonly factory: HandlerFactory,
    options: FlowTableOptions = {},
  ) {
    this.idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    this.maxFlows = Math.max(1, options.maxFlows ?? DEFAULT_MAX_FLOWS);
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.linger = Math.min(options.lingerSeconds ?? LINGER_SECONDS, this.idleTimeout);
    this.lingerAfterClose = options.lingerAfterClose === true;
    this.tombstoneTime = Math.min(TOMBSTONE_SECONDS, this.idleTimeout);
    this.budget = options.budget ?? new MemoryBudget();
    this.budget.reclaim = () => this.reclaimCheap();
    this.clock = options.externalSweeps === true ? null : new SweepClock(this.idleTimeout);
  }

  /** Connections whose handler has not been ended. */
  get size(): number {
    return this.live;
  }

  /** Out-of-order bytes held right now by all flows together. */
  get bufferedBytes(): number {
    return this.budget.outOfOrderBytes;
  }

  /** Bytes charged to the memory budget right now (flows by the cost model, and buffers). */
  get chargedBytes(): number {
    return this.budget.used;
  }

  /** Flows that have seen only SYNs, right now. */
  get synOnlyFlows(): number {
    return this.synOnly.count;
  }

  /**
   * Takes one decoded segment (RFC 9293 §3.1 header fields, read by src/decode) captured at `ts` seconds. The
   * segment object is reused by the decoder: nothing of it is kept but copies of out-of-order payload.
   */
  segment(seg: TcpSegment, ts: number, frame = 0): void {
    if (this.clock !== null ? this.clock.due(ts) : this.sweepAgain) this.expire(ts, SWEEP_MAX_ENDS);
    this.previousTs = ts;
    const buf = seg.buf;
    let flow: Flow | undefined;
    let dir: Direction = 0;
    if (seg.addrLength === 4) {
      const srcAddress = ipv4Address(buf, seg.srcAddrOffset);
      const dstAddress = ipv4Address(buf, seg.dstAddrOffset);
      const srcPort = seg.srcPort;
      const dstPort = seg.dstPort;
      const hash = ipv4FlowHash(srcAddress, srcPort, dstAddress, dstPort);
      flow = this.v4.get(hash);
      while (flow !== undefined) {
        if (flow.port0 === srcPort && flow.address0 === srcAddress) {
          if (flow.port1 === dstPort && flow.address1 === dstAddress) break;
        } else if (flow.port0 === dstPort && flow.address0 === dstAddress) {
          if (flow.port1 === srcPort && flow.address1 === srcAddress) {
            dir = 1;
            break;
          }
        }
        flow = flow.sameHash ?? undefined;
      }
      if (flow !== undefined) {
        const verdict = this.verdict(flow, dir, seg);
        if (verdict === SWALLOW) return;
        if (verdict === REPLACE) flow = this.retire(flow);
      }
      if (flow === undefined) {
        flow = this.open(seg, ts, frame);
        flow.address0 = srcAddress;
        flow.port0 = srcPort;
        flow.address1 = dstAddress;
        flow.port1 = dstPort;
        flow.v4Hash = hash;
        flow.sameHash = this.v4.get(hash) ?? null;
        this.v4.set(hash, flow);
        dir = 0;
      }
    } else {
      const src = ipv6Endpoint(buf, seg.srcAddrOffset, seg.srcPort);
      const dst = ipv6Endpoint(buf, seg.dstAddrOffset, seg.dstPort);
      const low = src < dst ? src : dst;
      const high = src < dst ? dst : src;
      flow = this.v6.get(low)?.get(high);
      if (flow !== undefined) {
        dir = src === flow.v6Origin ? 0 : 1;
        const verdict = this.verdict(flow, dir, seg);
        if (verdict === SWALLOW) return;
        if (verdict === REPLACE) flow = this.retire(flow);
      }
      if (flow === undefined) {
        flow = this.open(seg, ts, frame);
        flow.ipv6 = true;
        flow.v6Low = low;
        flow.v6High = high;
        flow.v6Origin = src;
        let peers = this.v6.get(low);
        if (peers === undefined) this.v6.set(low, (peers = new Map()));
        peers.set(high, flow);
        dir = 0;
      }
    }
    this.current = flow;
    this.process(flow, dir, seg, ts);
    if (this.budget.used > this.budget.limit) this.enforceBudget(ts);
    this.current = null;
  }

  /**
   * Ends flows idle for the idle timeout ('idle', at `now`), closed flows whose linger is over ('closed') and forgets
   * finished 4-tuples. Called from segment() about once a second of capture time; live capture calls it on the wall
   * clock too.
   */
  expire(now: number, maxEnds = Infinity): void {
    this.clock?.swept(now);
    this.sweepAgain = false;
    let ends = 0;
    for (let flow = this.closing.head; flow !== null && flow.lingerUntil <= now && ends < maxEnds; flow = this.closing.head) {
      this.bury(flow, now);
      this.end(flow, 'closed', flow.lastTs);
      ends++;
    }
    for (let flow = this.tombstones.head; flow !== null && flow.lingerUntil <= now; flow = this.tombstones.head) {
      this.forget(flow);
    }
    const idleSince = now - this.idleTimeout;
    for (const list of [this.synOnly, this.active, this.settled]) {
      for (let flow = list.head; flow !== null && flow.lastTs <= idleSince && ends < maxEnds; flow = list.head) {
        this.forget(flow);
        this.end(flow, 'idle', now);
        ends++;
      }
    }
    // more are due: the next segment sweeps again, so that one segment never ends the whole table at once
    if (ends >= maxEnds) {
      this.clock?.again(now);
      this.sweepAgain = true;
    }
  }

  /**
   * The sweep a SweepClock over the whole capture ordered at `now` (options.externalSweeps: this table holds one
   * worker's share of the flows), bounded like the table's own.
   */
  sweep(now: number): void {
    this.expire(now, SWEEP_MAX_ENDS);
  }

  /**
   * Ends one open flow at `now` as 'idle', before its idle timeout: live capture decides a handshake that waited past
   * its timeout while the user watches. Its 4-tuple is remembered a while (stragglers are swallowed); a new SYN on it
   * opens a new flow. `handle` is the FlowControl this table gave the flow's handler.
   */
  endNow(handle: FlowControl, now: number): void {
    const flow = handle as Flow;
    if (flow.state === FLOW_DEAD || flow.handler === null) return;
    this.endedUnanswered.add(flow);
    this.bury(flow, now);
    this.end(flow, 'handshake-timeout', now);
  }

  /**
   * Live capture: ends SYN-only flows whose first SYN is older than `before` as 'handshake-timeout' (at most
   * `maxEnds` of them), as endNow() does for tracked connections whose handler saw the wait outlast the timeout.
   */
  endUnansweredSyns(before: number, now: number, maxEnds = Infinity): void {
    let ends = 0;
    for (let flow = this.synOnly.head; flow !== null && flow.firstTs < before && ends < maxEnds; flow = this.synOnly.head) {
      this.endedUnanswered.add(flow);
      this.bury(flow, now);
      this.end(flow, 'handshake-timeout', now);
      ends++;
    }
  }

  /**
   * End of capture at `ts`: every flow still known ends, buffered bytes delivered after the gaps before them. At most
   * `maxEnds` handlers are ended per call, so the caller can let the records' consumer catch up between calls; returns
   * true once no flow is left.
   */
  flush(ts: number, maxEnds = Infinity): boolean {
    let ends = 0;
    for (let flow = this.closing.head; flow !== null && ends < maxEnds; flow = this.closing.head) {
      this.forget(flow);
      this.end(flow, 'closed', flow.lastTs);
      ends++;
    }
    for (let flow = this.tombstones.head; flow !== null; flow = this.tombstones.head) this.forget(flow);
    for (const list of [this.synOnly, this.active, this.settled]) {
      for (let flow = list.head; flow !== null && ends < maxEnds; flow = list.head) {
        this.forget(flow);
        this.end(flow, 'capture-end', ts);
        ends++;
      }
    }
    return this.live === 0;
  }

  /** Decides whether a packet on a known 4-tuple belongs to the flow there, starts a new one, or is a straggler. */
  private verdict(flow: Flow, dir: Direction, seg: TcpSegment): number {
    const synOnly = (seg.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (flow.state === FLOW_DEAD) return synOnly && !this.repeatsTimedOutSyn(flow, dir, seg) ? REPLACE : SWALLOW;
    if (!synOnly) return KEEP;
    if (flow.state === FLOW_CLOSING) return REPLACE;
    // a SYN is a retransmission only if it repeats this side's SYN; any other SYN opens a new connection (port reuse)
    if (flow.handler === null) return dir === 1 || seg.seq === flow.synIsn ? KEEP : REPLACE;
    const stream = dir === 0 ? flow.stream0 : flow.stream1;
    if (stream.isnFromSyn) return stream.isn === seg.seq ? KEEP : REPLACE;
    return stream.started ? REPLACE : KEEP;
  }

  /**
   * Both FINs were acknowledged (RFC 9293 §3.6): the close is complete and nothing more can belong to the connection, so
   * it ends now rather than after the linger. Deciding it while its state is young matters: held for the linger, a
   * connection's whole analysis outlived the collector's young generation and was copied into the old one (0.2 s of
   * a 1.45 s run on the benchmark capture). A straggler after this (a retransmitted ACK) is swallowed.
   */
  private closeNow(flow: Flow, ts: number): void {
    this.bury(flow, ts);
    this.end(flow, 'closed', ts);
  }

  /** A SYN retransmitted after endNow() ended its unanswered connection: a straggler, not a new connection. */
  private repeatsTimedOutSyn(flow: Flow, dir: Direction, seg: TcpSegment): boolean {
    const stream = dir === 0 ? flow.stream0 : flow.stream1;
    return this.endedUnanswered.has(flow) && stream.isnFromSyn && stream.isn === seg.seq;
  }

  /** Takes a flow out of the table because its 4-tuple is reused; returns undefined so a new flow is opened. */
  private retire(flow: Flow): undefined {
    this.forget(flow);
    if (flow.state !== FLOW_DEAD) this.end(flow, 'closed', flow.lastTs);
    return undefined;
  }

  /** Moves a flow whose handler is (about to be) ended to the tombstones, to swallow its stragglers a while. */
  private bury(flow: Flow, now: number): void {
    flow.list?.remove(flow);
    flow.lingerUntil = now + this.tombstoneTime;
    this.tombstones.append(flow);
    this.setCharge(flow, TOMBSTONE_BYTES);
  }

  /** Charges `flow` `bytes` in the budget in place of what it was charged so far. */
  private setCharge(flow: Flow, bytes: number): void {
    this.budget.release(flow.charged);
    this.budget.charge(bytes);
    flow.charged = bytes;
  }

  private open(seg: TcpSegment, ts: number, frame: number): Flow {
    if (this.flowCount() >= this.maxFlows) this.evictOne(ts);
    const flow = new Flow(ts);
    flow.firstFrame = frame;
    flow.ipVersion = seg.ipVersion;
    flow.tunnel = seg.tunnel;
    if (seg.addrLength !== 4) {
      const buf = seg.buf;
      flow.v6Endpoints = {
        addr: [formatAddress(buf, seg.srcAddrOffset, seg.addrLength), formatAddress(buf, seg.dstAddrOffset, seg.addrLength)],
        port: [seg.srcPort, seg.dstPort],
        ipVersion: seg.ipVersion,
        tunnel: seg.tunnel,
      };
    }
    this.synOnly.append(flow);
    this.setCharge(flow, SYN_ONLY_FLOW_BYTES);
    this.live++;
    return flow;
  }

  /**
   * A SYN-only flow becomes tracked: its handler and reassemblers are made, and the handler is told the SYNs it
   * missed, as the packets they were.
   */
  private track(flow: Flow): void {
    const endpoints: FlowEndpoints = flow.v6Endpoints ?? {
      addr: [formatIpv4(flow.address0), formatIpv4(flow.address1)],
      port: [flow.port0, flow.port1],
      ipVersion: flow.ipVersion,
      tunnel: flow.tunnel,
    };
    flow.v6Endpoints = null;
    const handler: TcpConnectionHandler = this.factory(endpoints, flow.firstTs, flow);
    flow.handler = handler;
    flow.stream0 = new StreamReassembler(handler, 0, this.maxBufferedBytes, this.budget);
    flow.stream1 = new StreamReassembler(handler, 1, this.maxBufferedBytes, this.budget);
    if (flow.list === this.synOnly) {
      this.synOnly.remove(flow);
      this.active.append(flow);
    }
    this.setCharge(flow, TRACKED_FLOW_BYTES);
    if (flow.synSeen) {
      this.replaySyn(flow, handler, flow.firstTs, flow.synTtl);
      const later = flow.laterSyns;
      if (later !== null) for (let i = 0; i < later.length; i += 2) this.replaySyn(flow, handler, later[i], later[i + 1]);
      flow.laterSyns = null;
    }
  }

  private replaySyn(flow: Flow, handler: TcpConnectionHandler, ts: number, ttl: number): void {
    handler.packet(0, ts, TCP_SYN, 0, ttl);
    handler.control(0, 'syn', ts, ttl);
    flow.stream0.synchronize(flow.synIsn);
  }

  /** A SYN (nothing else set, no payload, nothing odd about the frame) from the side that opened the flow. */
  private static plainSyn(dir: Direction, seg: TcpSegment): boolean {
    return (
      dir === 0 &&
      (seg.flags & (TCP_SYN | TCP_ACK | TCP_FIN | TCP_RST)) === TCP_SYN &&
      seg.payloadLength === 0 &&
      seg.payloadEnd <= seg.payloadStart &&
      !seg.fragment
    );
  }

  private flowCount(): number {
    return this.synOnly.count + this.active.count + this.settled.count + this.closing.count + this.tombstones.count;
  }

  /**
   * Makes room for one flow, the least valuable first (the order in this file's header): a remembered finished
   * 4-tuple, a closing flow ('closed'), a SYN-only flow, a flow past its handshake, else the least recently active
   * flow in its handshake ('evicted'). Never the flow whose segment is being processed. Returns false when there was
   * nothing to let go.
   */
  private evictOne(ts: number): boolean {
    return this.evictCheap(ts) || this.evictFrom(this.active, ts, 'inHandshake');
  }

  /** Lets go of one item of the cheap state (steps 1–4 of the order); false when there is none. */
  private evictCheap(ts: number): boolean {
    const tombstone = this.tombstones.head;
    if (tombstone !== null) {
      this.forget(tombstone);
      return true;
    }
    const closing = this.closing.head;
    if (closing !== null) {
      this.forget(closing);
      this.end(closing, 'closed', closing.lastTs);
      this.evictions.closing++;
      return true;
    }
    return this.evictFrom(this.synOnly, ts, 'synOnly') || this.evictFrom(this.settled, ts, 'pastHandshake');
  }

  private evictFrom(list: FlowList<Flow>, ts: number, kind: keyof Evictions): boolean {
    let flow = list.head;
    if (flow !== null && flow === this.current) flow = flow.next as Flow | null;
    if (flow === null) return false;
    this.forget(flow);
    this.end(flow, 'evicted', Math.max(ts, flow.lastTs));
    this.evictions[kind]++;
    return true;
  }

  /** The budget's reclaim: cheap state goes until the charges fit (a buffer asking for room gives way otherwise). */
  private reclaimCheap(): void {
    while (this.budget.used > this.budget.limit && this.evictCheap(this.previousTs)) {
      // each round let one item go
    }
  }

  /** Over the budget after a segment: cheap state first, then flows in their handshake, least recently active first. */
  private enforceBudget(ts: number): void {
    while (this.budget.used > this.budget.limit && this.evictOne(ts)) {
      // each round let one flow go
    }
  }

  private process(flow: Flow, dir: Direction, seg: TcpSegment, ts: number): void {
    // Time never runs backwards inside one connection (a capture merged from two clocks, a clock stepped back): a
    // packet stamped before the latest one of its flow is taken at that latest time, so lastTs >= firstTs and no
    // timeline offset is negative. The note is the same every time (the tracker keeps it once).
    const backwards = ts < flow.lastTs;
    if (backwards) ts = flow.lastTs;
    if (flow.handler === null) {
      if (FlowTable.plainSyn(dir, seg)) {
        this.rememberSyn(flow, seg, ts);
        return;
      }
      this.track(flow);
    }
    const handler = flow.handler!;
    if (backwards) handler.note(dir, ts, BACKWARDS_NOTE);
    const flags = seg.flags;
    const captured = seg.payloadEnd > seg.payloadStart ? seg.payloadEnd - seg.payloadStart : 0;
    const sent = seg.payloadLength > captured ? seg.payloadLength : captured;
    flow.lastTs = ts;
    handler.packet(dir, ts, flags, sent, seg.ttl);

    if (flow.state === FLOW_CLOSING) {
      // both sides sent FIN: only a reset, or the ACK that completes the close, still matters
      if ((flags & TCP_RST) !== 0) {
        this.controlRst(flow, dir, ts, seg.ttl);
        this.bury(flow, ts);
        this.end(flow, 'closed', ts);
      } else if ((flags & TCP_ACK) !== 0) {
        (dir === 0 ? flow.stream1 : flow.stream0).acknowledged(seg.ack, ts);
        if (!this.lingerAfterClose && flow.stream0.finAcknowledged && flow.stream1.finAcknowledged) this.closeNow(flow, ts);
      }
      return;
    }
    if (flow.list === this.active) {
      if (flow.settled) {
        this.active.remove(flow);
        this.settled.append(flow);
      } else this.active.moveToTail(flow);
    } else if (flow.list === this.settled) this.settled.moveToTail(flow);
    if (seg.truncated && captured < sent) {
      const message = `frame cut by the capture's snaplen: ${captured} of ${sent} payload bytes captured`;
      this.noteOnce(flow, dir, NOTED_TRUNCATED, ts, message);
    }
    if (seg.fragment) {
      const message = 'IP fragment: the segment continued in fragments that carry no TCP header';
      this.noteOnce(flow, dir, NOTED_FRAGMENT, ts, message);
    }

    const stream = dir === 0 ? flow.stream0 : flow.stream1;
    const peer = dir === 0 ? flow.stream1 : flow.stream0;
    let dataSeq = seg.seq;
    if ((flags & TCP_SYN) !== 0) {
      if ((flags & TCP_ACK) !== 0) {
        handler.control(dir, 'syn-ack', ts, seg.ttl);
        // a SYN-ACK that does not acknowledge the SYN seen (a mirrored copy of another connection) sets nothing
        if (!peer.isnFromSyn || seg.ack === seqAdd(peer.isn, 1)) this.synAck(flow, dir, stream, seg.seq);
      } else {
        handler.control(dir, 'syn', ts, seg.ttl);
        stream.synchronize(seg.seq);
      }
      dataSeq = seqAdd(dataSeq, 1);
    } else if ((flags & TCP_ACK) !== 0) {
      if (flow.synAckCandidates !== null && flow.synAckDir !== dir) this.chooseSynAck(flow, peer, seg.ack);
    }
    // the peer's bytes this packet acknowledges were sent before it: settle them before this packet's own bytes
    if ((flags & TCP_ACK) !== 0) peer.acknowledged(seg.ack, ts);
    if (sent > 0) stream.accept(dataSeq, seg.buf, seg.payloadStart, seg.payloadStart + captured, sent, ts);

    if ((flags & TCP_FIN) !== 0 && stream.finish(seqAdd(dataSeq, sent), ts)) {
      handler.control(dir, 'fin', ts, seg.ttl);
      if (peer.finished && (flags & TCP_RST) === 0) {
        flow.state = FLOW_CLOSING;
        flow.lingerUntil = ts + this.linger;
        flow.list?.remove(flow);
        this.closing.append(flow);
      }
    }
    if ((flags & TCP_RST) !== 0) {
      // bytes buffered behind a hole were sent before the reset
      flow.stream0.flushHoles(ts);
      flow.stream1.flushHoles(ts);
      this.controlRst(flow, dir, ts, seg.ttl);
      this.bury(flow, ts);
      this.end(flow, 'reset', ts);
    }
  }

  /**
   * A SYN-ACK: the server side's stream starts after it. A second one with another initial sequence number (a
   * middlebox or a server restarting the handshake) replaces the first until the client's ACK tells which it took.
   */
  private synAck(flow: Flow, dir: Direction, stream: StreamReassembler, isn: number): void {
    if (stream.isnFromSyn && stream.isn !== isn && stream.untouched) {
      let candidates = flow.synAckCandidates;
      if (candidates === null) {
        candidates = flow.synAckCandidates = [stream.isn];
        flow.synAckDir = dir;
      }
      if (candidates.length < MAX_SYN_ACK_CANDIDATES && !candidates.includes(isn)) candidates.push(isn);
    }
    stream.synchronize(isn);
  }

  /** The first ACK from the client after differing SYN-ACKs: acknowledging ISN + 1 names the SYN-ACK it answered. */
  private chooseSynAck(flow: Flow, server: StreamReassembler, ack: number): void {
    const isn = (ack - 1) >>> 0;
    if (server.untouched && isn !== server.isn && flow.synAckCandidates!.includes(isn)) server.synchronize(isn);
    flow.synAckCandidates = null;
  }

  /** A SYN-only flow's SYN (the first, or a retransmission with the same sequence number): kept for replay. */
  private rememberSyn(flow: Flow, seg: TcpSegment, ts: number): void {
    flow.lastTs = ts;
    if (!flow.synSeen) {
      flow.synSeen = true;
      flow.synIsn = seg.seq;
      flow.synTtl = seg.ttl;
      // the flow opened at this SYN: its first timestamp is the SYN's
      return;
    }
    const later = (flow.laterSyns ??= []);
    if (later.length < 2 * MAX_REPLAYED_SYNS) later.push(ts, seg.ttl);
    else this.track(flow);
  }

  private controlRst(flow: Flow, dir: Direction, ts: number, ttl: number): void {
    const bit = 1 << dir;
    if ((flow.rstSent & bit) !== 0) return;
    flow.rstSent |= bit;
    flow.handler!.control(dir, 'rst', ts, ttl);
  }

  private noteOnce(flow: Flow, dir: Direction, fact: number, ts: number, message: string): void {
    const bit = fact << dir;
    if ((flow.noted & bit) !== 0) return;
    flow.noted |= bit;
    flow.handler!.note(dir, ts, message);
  }

  /** Ends a flow's handler: buffered bytes first (after the gaps before them), FINs the capture missed, then end(). */
  private end(flow: Flow, reason: EndReason, ts: number): void {
    if (flow.handler === null) this.track(flow);
    flow.stream0.flushHoles(ts);
    flow.stream1.flushHoles(ts);
    const unseen0 = flow.stream0.unseenFin();
    if (unseen0 >= 0) flow.handler!.control(0, 'fin-unseen', unseen0, 0);
    const unseen1 = flow.stream1.unseenFin();
    if (unseen1 >= 0) flow.handler!.control(1, 'fin-unseen', unseen1, 0);
    flow.state = FLOW_DEAD;
    this.live--;
    this.setCharge(flow, flow.list === this.tombstones ? TOMBSTONE_BYTES : 0);
    flow.handler!.end(reason, ts);
    // Dead flows stay in the table a while to swallow stragglers: they must not keep the connection's state alive,
    // nor their reassemblers, which would otherwise be copied into the old generation with every remembered 4-tuple
    // (only a timed-out SYN's needs its sequence number, to know its retransmissions)
    flow.handler = SILENT_HANDLER;
    flow.stream0.detach(SILENT_HANDLER);
    flow.stream1.detach(SILENT_HANDLER);
    if (!this.endedUnanswered.has(flow)) {
      flow.stream0 = DEAD_STREAM;
      flow.stream1 = DEAD_STREAM;
    }
  }

  /** Takes a flow out of its list and the index; its 4-tuple is unknown afterwards. */
  private forget(flow: Flow): void {
    flow.list?.remove(flow);
    if (flow.state === FLOW_DEAD) this.setCharge(flow, 0);
    if (flow.ipv6) {
      const peers = this.v6.get(flow.v6Low);
      if (peers !== undefined && peers.get(flow.v6High) === flow) {
        peers.delete(flow.v6High);
        if (peers.size === 0) this.v6.delete(flow.v6Low);
      }
    } else {
      const first = this.v4.get(flow.v4Hash);
      if (first === flow) {
        if (flow.sameHash === null) this.v4.delete(flow.v4Hash);
        else this.v4.set(flow.v4Hash, flow.sameHash);
      } else {
        for (let before: Flow | null | undefined = first; before != null; before = before.sameHash) {
          if (before.sameHash === flow) {
            before.sameHash = flow.sameHash;
            break;
          }
        }
      }
      flow.sameHash = null;
    }
  }
}
