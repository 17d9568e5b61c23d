/**
 * The flow table: finds each segment's connection by its 4-tuple, follows the connection's life (SYN, SYN-ACK, FIN,
 * RST, port reuse, idleness) and feeds its handler, in capture order. Memory is bounded by the number of flows kept,
 * the out-of-order bytes buffered per direction and in all, and how long a finished 4-tuple is remembered.
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types.js';
import { FLOW_CLOSING, FLOW_DEAD, FLOW_OPEN, Flow, NOTED_FRAGMENT, NOTED_TRUNCATED } from './flow.js';
import { formatAddress } from '../decode/address.js';
import { ipv4Address, ipv4FlowHash, ipv6Endpoint } from './flow-key.js';
import { FlowList } from './flow-list.js';
import { BufferBudget, StreamReassembler } from './reassembly.js';
import { seqAdd } from './sequence.js';
import type {
  Direction,
  EndReason,
  FlowControl,
  FlowEndpoints,
  FlowTableOptions,
  HandlerFactory,
  TcpConnectionHandler,
} from './types.js';

const DEFAULT_IDLE_TIMEOUT = 300;
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
/** out-of-order bytes held by all flows together; each direction's own cap alone would allow maxFlows MiB */
const TOTAL_BUFFERED_BYTES = 256 << 20;
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
/** seconds of capture time between looks for idle and finished flows */
const SWEEP_INTERVAL = 1;
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

export class FlowTable {
  /** IPv4 flows by 4-tuple hash, chained through Flow.sameHash */
  private readonly v4 = new Map<number, Flow>();
  private readonly v6 = new Map<string, Map<string, Flow>>();
  /** open flows, least recently active first */
  private readonly active = new FlowList<Flow>();
  /** flows closed by FINs both ways, still hearing their last packets; earliest to end first */
  private readonly closing = new FlowList<Flow>();
  /** ended flows whose 4-tuple is still remembered; earliest to be forgotten first */
  private readonly tombstones = new FlowList<Flow>();
  private readonly budget = new BufferBudget(TOTAL_BUFFERED_BYTES);
  /** flows endNow() ended: their SYN retransmissions are stragglers */
  private readonly endedUnanswered = new WeakSet<Flow>();
  private readonly idleTimeout: number;
  private readonly maxFlows: number;
  private readonly maxBufferedBytes: number;
  private readonly linger: number;
  private readonly tombstoneTime: number;
  private live = 0;
  private nextSweep = -Infinity;
  /** timestamp of the previous segment, to tell a jump in capture time from a single damaged timestamp */
  private previousTs = -Infinity;
  private jumpSeen = false;

  constructor(
    private readonly factory: HandlerFactory,
    options: FlowTableOptions = {},
  ) {
    this.idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    this.maxFlows = Math.max(1, options.maxFlows ?? DEFAULT_MAX_FLOWS);
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.linger = Math.min(options.lingerSeconds ?? LINGER_SECONDS, this.idleTimeout);
    this.tombstoneTime = Math.min(TOMBSTONE_SECONDS, this.idleTimeout);
  }

  /** Connections whose handler has not been ended. */
  get size(): number {
    return this.live;
  }

  /** Out-of-order bytes held right now by all flows together. */
  get bufferedBytes(): number {
    return this.budget.used;
  }

  /**
   * Takes one decoded segment (RFC 9293 §3.1 header fields, read by src/decode) captured at `ts` seconds. The
   * segment object is reused by the decoder: nothing of it is kept but copies of out-of-order payload.
   */
  segment(seg: TcpSegment, ts: number): void {
    if (ts >= this.nextSweep) this.sweepOnCaptureTime(ts);
    else this.jumpSeen = false;
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
        flow = this.open(seg, ts);
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
        flow = this.open(seg, ts);
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
    this.process(flow, dir, seg, ts);
  }

  /**
   * Ends flows idle for the idle timeout ('idle', at `now`), closed flows whose linger is over ('closed') and forgets
   * finished 4-tuples. Called from segment() about once a second of capture time; live capture calls it on the wall
   * clock too.
   */
  expire(now: number, maxEnds = Infinity): void {
    this.nextSweep = now + SWEEP_INTERVAL;
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
    for (let flow = this.active.head; flow !== null && flow.lastTs <= idleSince && ends < maxEnds; flow = this.active.head) {
      this.forget(flow);
      this.end(flow, 'idle', now);
      ends++;
    }
    // more are due: the next segment sweeps again, so that one segment never ends the whole table at once
    if (ends >= maxEnds) this.nextSweep = now;
  }

  /**
   * Ends one open flow at `now` as 'idle', before its idle timeout: live capture decides a handshake that waited past
   * its timeout while the user watches. Its 4-tuple is remembered a while (stragglers are swallowed); a new SYN on it
   * opens a new flow. `handle` is the FlowControl this table gave the flow's handler.
   */
  endNow(handle: FlowControl, now: number): void {
    const flow = handle as Flow;
    if (flow.state === FLOW_DEAD || flow.handler === undefined) return;
    this.endedUnanswered.add(flow);
    this.bury(flow, now);
    this.end(flow, 'handshake-timeout', now);
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
    for (let flow = this.active.head; flow !== null && ends < maxEnds; flow = this.active.head) {
      this.forget(flow);
      this.end(flow, 'capture-end', ts);
      ends++;
    }
    return this.active.head === null && this.closing.head === null;
  }

  /**
   * A single frame stamped far in the future (damaged or hand-edited captures have them) must not end every flow as
   * idle: a jump longer than the idle timeout is believed only when the next frame confirms it.
   */
  private sweepOnCaptureTime(ts: number): void {
    if (ts - this.previousTs > this.idleTimeout && this.previousTs !== -Infinity && !this.jumpSeen) {
      this.jumpSeen = true;
      return;
    }
    this.jumpSeen = false;
    this.expire(ts, SWEEP_MAX_ENDS);
  }

  /** Decides whether a packet on a known 4-tuple belongs to the flow there, starts a new one, or is a straggler. */
  private verdict(flow: Flow, dir: Direction, seg: TcpSegment): number {
    const synOnly = (seg.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (flow.state === FLOW_DEAD) return synOnly && !this.repeatsTimedOutSyn(flow, dir, seg) ? REPLACE : SWALLOW;
    if (!synOnly) return KEEP;
    if (flow.state === FLOW_CLOSING) return REPLACE;
    // a SYN is a retransmission only if it repeats this side's SYN; any other SYN opens a new connection (port reuse)
    const stream = dir === 0 ? flow.stream0 : flow.stream1;
    if (stream.isnFromSyn) return stream.isn === seg.seq ? KEEP : REPLACE;
    return stream.started ? REPLACE : KEEP;
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
  }

  private open(seg: TcpSegment, ts: number): Flow {
    if (this.active.count + this.closing.count + this.tombstones.count >= this.maxFlows) this.evictOne(ts);
    const buf = seg.buf;
    const endpoints: FlowEndpoints = {
      addr: [
        formatAddress(buf, seg.srcAddrOffset, seg.addrLength),
        formatAddress(buf, seg.dstAddrOffset, seg.addrLength),
      ],
      port: [seg.srcPort, seg.dstPort],
      ipVersion: seg.ipVersion,
      tunnel: seg.tunnel,
    };
    const flow = new Flow(ts);
    const handler: TcpConnectionHandler = this.factory(endpoints, ts, flow);
    flow.handler = handler;
    flow.stream0 = new StreamReassembler(handler, 0, this.maxBufferedBytes, this.budget);
    flow.stream1 = new StreamReassembler(handler, 1, this.maxBufferedBytes, this.budget);
    this.active.append(flow);
    this.live++;
    return flow;
  }

  /**
   * Makes room for one flow: a remembered finished 4-tuple goes first, then a closing flow ('closed'), else the least
   * recently active open one is 'evicted'.
   */
  private evictOne(ts: number): void {
    const tombstone = this.tombstones.head;
    if (tombstone !== null) {
      this.forget(tombstone);
      return;
    }
    const closing = this.closing.head;
    if (closing !== null) {
      this.forget(closing);
      this.end(closing, 'closed', closing.lastTs);
      return;
    }
    const oldest = this.active.head;
    if (oldest !== null) {
      this.forget(oldest);
      this.end(oldest, 'evicted', ts);
    }
  }

  private process(flow: Flow, dir: Direction, seg: TcpSegment, ts: number): void {
    const handler = flow.handler;
    const flags = seg.flags;
    const captured = seg.payloadEnd > seg.payloadStart ? seg.payloadEnd - seg.payloadStart : 0;
    const sent = seg.payloadLength > captured ? seg.payloadLength : captured;
    flow.lastTs = ts;
    handler.packet(dir, ts, flags, sent, seg.ttl);

    if (flow.state === FLOW_CLOSING) {
      // both sides are done: only a reset still matters
      if ((flags & TCP_RST) !== 0) {
        this.controlRst(flow, dir, ts, seg.ttl);
        this.bury(flow, ts);
        flow.state = FLOW_DEAD;
        this.live--;
        handler.end('closed', ts);
      }
      return;
    }
    if (flow.list === this.active) this.active.moveToTail(flow);
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
        this.active.remove(flow);
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

  private controlRst(flow: Flow, dir: Direction, ts: number, ttl: number): void {
    const bit = 1 << dir;
    if ((flow.rstSent & bit) !== 0) return;
    flow.rstSent |= bit;
    flow.handler.control(dir, 'rst', ts, ttl);
  }

  private noteOnce(flow: Flow, dir: Direction, fact: number, ts: number, message: string): void {
    const bit = fact << dir;
    if ((flow.noted & bit) !== 0) return;
    flow.noted |= bit;
    flow.handler.note(dir, ts, message);
  }

  /** Ends a flow's handler: buffered bytes first (after the gaps before them), then end(). */
  private end(flow: Flow, reason: EndReason, ts: number): void {
    flow.stream0.flushHoles(ts);
    flow.stream1.flushHoles(ts);
    flow.state = FLOW_DEAD;
    this.live--;
    flow.handler.end(reason, ts);
    // Dead flows stay in the table a while to swallow stragglers: they must not keep the connection's state alive.
    flow.handler = SILENT_HANDLER;
    flow.stream0.detach(SILENT_HANDLER);
    flow.stream1.detach(SILENT_HANDLER);
  }

  /** Takes a flow out of its list and the index; its 4-tuple is unknown afterwards. */
  private forget(flow: Flow): void {
    flow.list?.remove(flow);
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
