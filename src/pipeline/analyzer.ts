import type { FrameSink } from '../capture/types.js';
import { decodeFrameAt } from '../decode/frame.js';
import { newTcpSegment } from '../decode/frame.js';
import { NonTcpTally } from './frame-tally.js';
import { DEFAULT_DIAGNOSE_OPTIONS, diagnose } from '../diagnose/index.js';
import type { ConnectionRecord } from '../model/record.js';
import { FlowTable, type Evictions } from '../tcp/flow-table.js';
import { MemoryBudget } from '../tcp/memory-budget.js';
import type { FlowTableOptions } from '../tcp/types.js';
import { CertificateJudge } from '../tls/session/certificates.js';
import { HelloShapes } from '../tls/session/hello-shapes.js';
import { ConnectionTracker, type TrackerContext } from '../tls/session/tracker.js';
import { createTrustStore, type TrustStore } from '../tls/trust-store.js';
import { TlsServers } from '../tls/session/tls-servers.js';
import { KeyLog, KeyLogReader, describeKeyLogRead } from '../tls/decrypt/keylog.js';
import type { OutputPressure } from './output-pressure.js';
import { HeapGuard } from './heap-guard.js';

/** Ports where a connection that never carried a byte is still reported: a TLS connect that failed. */
export const DEFAULT_TLS_PORTS: readonly number[] = [
  443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 2376, 3269, 4433, 4443, 5061, 5223, 5671, 6443, 6697, 8443, 8883, 9443,
];

export interface AnalyzeOptions {
  /** seconds a ClientHello may wait for an answer before the server is called unresponsive (default 10) */
  handshakeTimeout?: number;
  trustStore?: TrustStore;
  /** ports besides DEFAULT_TLS_PORTS on which a connect that carried nothing is reported (--tls-port) */
  tlsPorts?: readonly number[];
  flows?: FlowTableOptions;
  /**
   * Time passing decides handshakes too (live capture): the caller calls tick(now) every fraction of a second, and a
   * SYN or ClientHello unanswered for the handshake timeout ends its connection then, not when a packet comes.
   */
  wallClock?: boolean;
  /**
   * Secrets to decrypt handshakes with (--keylog files, read by the caller). Decryption Secrets Blocks of a pcapng
   * capture are added to it, or to a log of their own when none is given.
   */
  secrets?: KeyLog;
  /** bytes of connection state the analysis may hold (default DEFAULT_MEMORY_BUDGET, 96 MiB); see docs/robustness.md */
  memoryBudget?: number;
  /** the consumer of the records: while it is congested the Analyzer asks its reader to pause (FrameSink.paused) */
  output?: OutputPressure;
  /**
   * This analysis is one worker thread's share of a capture (analyze-sharded.ts): frames come numbered
   * (numberedFrameAt), sweeps for idle flows are ordered by the reader (sweep), and at the end the connects held for
   * want of TLS on their server, and the capture-wide notes, are left to the reader, which sees all the shares.
   */
  shard?: boolean;
}

/** The note that says what the memory budget or the flow cap made the analysis let go, or null when nothing. */
export function describeDroppedState(memory: Analyzer['memory']): string | null {
  const e = memory.evictions;
  const ended = e.synOnly + e.pastHandshake + e.inHandshake;
  if (ended === 0 && memory.buffersRefused === 0) return null;
  const parts: string[] = [];
  if (ended > 0) {
    const kinds = [
      [e.synOnly, 'SYN-only'],
      [e.pastHandshake, 'past the handshake'],
      [e.inHandshake, 'in the handshake'],
    ]
      .filter(([n]) => (n as number) > 0)
      .map(([n, what]) => `${n} ${what}`);
    parts.push(`${ended} connection(s) ended early as 'evicted' (${kinds.join(', ')})`);
  }
  if (memory.buffersRefused > 0) parts.push(`${memory.buffersRefused} buffer(s) given up (holes made gaps, handshake messages dropped)`);
  return `more connections at once than the flow cap or the ${Math.round(memory.limit / 2 ** 20)} MiB memory budget holds: ${parts.join('; ')}`;
}

/** The heap is looked at every 4,096 frames (a few milliseconds of analysis). */
const HEAP_CHECK_MASK = 4095;

/** Connections ended between two looks at the consumer's backpressure when the capture is over. */
const FINISH_BATCH = 256;

/** Frame counts of one analysis, for summaries and the bench. */
export interface AnalyzerStats {
  frames: number;
  tcpSegments: number;
  otherFrames: number;
  fragments: number;
  malformedFrames: number;
  connections: number;
  lastTs: number;
}

/**
 * The pipeline for one capture: frames in (push, synchronous), diagnosed connection records out.
 * capture → decode → tcp → tls → record → diagnose. A live source and a file source drive the same object.
 */
export class Analyzer implements FrameSink {
  readonly stats: AnalyzerStats = { frames: 0, tcpSegments: 0, otherFrames: 0, fragments: 0, malformedFrames: 0, connections: 0, lastTs: 0 };
  readonly notes: string[] = [];
  private readonly segment = newTcpSegment();
  private readonly flows: FlowTable;
  private readonly nonTcp: NonTcpTally;
  private readonly handshakeTimeout: number;
  private readonly tlsServers: TlsServers;
  // wall-clock mode: connections that began to wait for the server, in that order (so their deadlines are in order)
  private readonly waiting: (ConnectionTracker | null)[] = [];
  private readonly waitDeadlines: number[] = [];
  private waitHead = 0;
  private readonly context: TrackerContext;
  private secretsBlocks = 0;
  private ownSecrets: KeyLog | null = null;
  private readonly output: OutputPressure | undefined;
  private readonly budget: MemoryBudget;
  private readonly heap: HeapGuard;
  private finishing = false;
  /** wall-clock mode (live capture): waits are judged against the clock, at each tick and once more at the end */
  private readonly wallClock: boolean;
  private finalTick = false;
  private readonly shard: boolean;

  constructor(
    readonly capture: string,
    options: AnalyzeOptions,
    private readonly onRecord: (record: ConnectionRecord) => void,
  ) {
    this.handshakeTimeout = options.handshakeTimeout ?? 10;
    this.wallClock = options.wallClock === true;
    this.nonTcp = new NonTcpTally(this.stats, this.notes);
    this.output = options.output;
    this.shard = options.shard === true;
    this.budget = options.flows?.budget ?? new MemoryBudget(options.memoryBudget);
    this.heap = new HeapGuard(this.budget.limit);
    const judge = new CertificateJudge(options.trustStore ?? createTrustStore());
    this.tlsServers = new TlsServers(new Set([...DEFAULT_TLS_PORTS, ...(options.tlsPorts ?? [])]), (record) => this.finishRecord(record));
    const context: TrackerContext = {
      capture,
      certificates: judge,
      helloShapes: new HelloShapes(),
      tlsServers: this.tlsServers,
      budget: this.budget,
      emit: (record) => this.finishRecord(record),
      secrets: options.secrets ?? null,
    };
    this.context = context;
    if (options.wallClock === true) {
      context.awaitAnswer = (tracker, since) => {
        this.waiting.push(tracker);
        this.waitDeadlines.push(since + this.handshakeTimeout);
      };
    }
    this.flows = new FlowTable((endpoints, firstTs, flow) => new ConnectionTracker(endpoints, firstTs, flow, context), {
      ...options.flows,
      budget: this.budget,
      externalSweeps: this.shard,
    });
  }

  /** Connections being tracked right now (not yet ended and reported): what the analysis's memory grows with. */
  get openConnections(): number {
    return this.flows.size;
  }

  /** Out-of-order bytes buffered right now by all connections together (bounded by the flow table's caps). */
  get bufferedBytes(): number {
    return this.flows.bufferedBytes;
  }

  /** What the memory budget holds and what it let go so far (connections ended early, buffers refused). */
  get memory(): { charged: number; limit: number; synOnlyFlows: number; evictions: Evictions; buffersRefused: number } {
    return {
      charged: this.budget.used,
      limit: this.budget.limit,
      synOnlyFlows: this.flows.synOnlyFlows,
      evictions: { ...this.flows.evictions },
      buffersRefused: this.budget.buffersRefused,
    };
  }

  /** The consumer of the records is backed up: the reader stops handing frames until resumed(). */
  get paused(): boolean {
    return this.output !== undefined && this.output.congested;
  }

  resumed(): Promise<void> {
    return this.output?.drained() ?? Promise.resolve();
  }

  frame(data: Buffer, ts: number, linkType: number, origLen: number): void {
    this.frameAt(data, 0, data.length, ts, linkType, origLen);
  }

  frameAt(buf: Buffer, start: number, end: number, ts: number, linkType: number, origLen: number): void {
    const stats = this.stats;
    if ((++stats.frames & HEAP_CHECK_MASK) === 0) this.heap.check();
    stats.lastTs = ts;
    const result = decodeFrameAt(linkType, buf, start, end, this.segment, origLen);
    if (result === 'tcp') {
      stats.tcpSegments++;
      try {
        this.flows.segment(this.segment, ts, stats.frames);
      } catch (error) {
        // A fault of ours on one packet must not lose the rest of the capture: say so and go on.
        this.internalError(error);
      }
    } else this.nonTcp.count(result, linkType);
  }

  /** A frame of a shard: `frameNumber` is its number in the whole capture (the frames between went elsewhere). */
  numberedFrameAt(frameNumber: number, buf: Buffer, start: number, end: number, ts: number, linkType: number, origLen: number): void {
    this.stats.frames = frameNumber - 1;
    this.frameAt(buf, start, end, ts, linkType, origLen);
  }

  /** A shard's flows are swept for idle ones at `now`, as the reader's SweepClock over the whole capture decided. */
  sweep(now: number): void {
    try {
      this.flows.sweep(now);
    } catch (error) {
      this.internalError(error);
    }
  }

  /** A shard's connects still held for want of TLS on their server, and the servers it saw speak TLS (after finish). */
  takeHeld(): { held: { server: string; record: ConnectionRecord }[]; learned: string[] } {
    const held = this.tlsServers.takeHeld();
    for (const { record } of held) this.decide(record);
    return { held, learned: this.tlsServers.learned() };
  }

  /**
   * Secrets embedded in the capture (a pcapng Decryption Secrets Block of type TLSK): key log text, used for the
   * sessions that follow it like a --keylog file is.
   */
  secretsBlock(kind: 'tls-keylog', data: Buffer): void {
    if (kind !== 'tls-keylog') return;
    // the capture's own secrets, in front of the --keylog files (which other captures of the run share)
    if (this.ownSecrets === null) {
      this.ownSecrets = new KeyLog(undefined, this.context.secrets ?? null);
      this.context.secrets = this.ownSecrets;
    }
    const reader = new KeyLogReader(this.ownSecrets, 'dsb');
    reader.push(data.toString('latin1'));
    reader.end();
    this.secretsBlocks++;
    this.notes.push(describeKeyLogRead(`Decryption Secrets Block ${this.secretsBlocks}`, reader.summary));
  }

  /**
   * Wall-clock mode: time is `now` (epoch seconds, the clock the frames are stamped with). Ends idle flows, and
   * connections whose SYN or ClientHello has waited longer than the handshake timeout with no answer, so that they
   * are reported (and diagnosed from `observedUntil`) while the capture goes on.
   */
  tick(now: number): void {
    try {
      this.flows.expire(now);
      this.flows.endUnansweredSyns(now - this.handshakeTimeout, now);
      const waiting = this.waiting;
      const deadlines = this.waitDeadlines;
      let head = this.waitHead;
      while (head < waiting.length && deadlines[head] < now) {
        const tracker = waiting[head]!;
        waiting[head++] = null;
        // the deadline is that of the wait it was queued for; a later wait (its ClientHello) has its own entry
        const since = tracker.awaitingSince();
        if (since >= 0 && now - since > this.handshakeTimeout) this.flows.endNow(tracker.flow, now);
      }
      if (head > 4096 && head * 2 > waiting.length) {
        waiting.splice(0, head);
        deadlines.splice(0, head);
        head = 0;
      }
      this.waitHead = head;
    } catch (error) {
      this.internalError(error);
    }
  }

  /** The capture is over (at `now`, default the last frame's time): every connection still open is ended and reported. */
  finish(now: number = this.stats.lastTs): void {
    this.finishSome(now, Infinity);
  }

  /**
   * The capture is over: ends at most `maxConnections` of the connections still open (a table of 100,000 would
   * otherwise emit all its records in one go, whoever reads them) and returns true once none is left.
   */
  finishSome(now: number, maxConnections: number): boolean {
    // live: a SYN or ClientHello that has waited past the timeout when the capture stops is a timeout, as the next
    // tick would have found — not cut short by the stop (under load, packets read after the last tick waited so)
    if (this.wallClock && !this.finalTick) {
      this.finalTick = true;
      this.tick(now);
    }
    if (!this.flows.flush(now, maxConnections)) return false;
    if (!this.finishing) {
      this.finishing = true;
      if (this.shard) return true;
      this.tlsServers.finish();
      const leftOut = this.tlsServers.leftOutNote();
      if (leftOut !== null) this.notes.push(leftOut);
      if (this.stats.malformedFrames > 0) this.notes.push(`${this.stats.malformedFrames} malformed frame(s) skipped`);
      const dropped = describeDroppedState(this.memory);
      if (dropped !== null) this.notes.push(dropped);
    }
    return true;
  }

  /** Ends the connections still open, pausing whenever the consumer of the records is backed up. */
  async finishPaced(now: number = this.stats.lastTs): Promise<void> {
    while (!this.finishSome(now, FINISH_BATCH)) {
      this.heap.check();
      if (this.paused) await this.resumed();
    }
  }

  private internalError(error: unknown): void {
    this.stats.malformedFrames++;
    if (this.notes.length < 20) this.notes.push(`internal error on frame ${this.stats.frames}, skipped: ${(error as Error)?.message ?? error}`);
  }

  private finishRecord(record: ConnectionRecord): void {
    this.stats.connections++;
    this.decide(record);
    this.onRecord(record);
  }

  /** Diagnoses the record: outcome, cause and warnings. */
  private decide(record: ConnectionRecord): void {
    const verdict = diagnose(record, { ...DEFAULT_DIAGNOSE_OPTIONS, handshakeTimeout: this.handshakeTimeout });
    record.outcome = verdict.outcome;
    record.diagnosis = verdict.diagnosis;
    record.warnings = verdict.warnings;
  }
}
