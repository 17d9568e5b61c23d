/**
 * The reader's side of a sharded analysis: takes every frame of the capture (a FrameSink, fed by the capture
 * readers as an Analyzer is), decodes it only as far as its TCP 4-tuple, and packs it into the batch of the worker
 * thread that owns the connection (shardOf: both directions to the same worker). Frames that are not TCP are counted
 * here, as an Analyzer counts them, and go nowhere. One SweepClock over all segments decides when every worker looks
 * for idle flows, so a connection ends at the same capture time whichever worker holds it.
 */
import type { FrameSink } from '../capture/types.js';
import { decodeFrameAt, newTcpSegment } from '../decode/frame.js';
import { NonTcpTally } from './frame-tally.js';
import { shardOf } from '../tcp/flow-key.js';
import { DEFAULT_IDLE_TIMEOUT } from '../tcp/flow-table.js';
import { SweepClock } from '../tcp/sweep-clock.js';
import type { AnalyzerStats } from './analyzer.js';
import { FrameBatchWriter, type FrameBatch } from './frame-batch.js';

/**
 * A batch is handed over once it holds this many entries (the others are cut at the same frame), and whenever the
 * reader moves on to a new buffer.
 */
export const BATCH_ENTRIES = 2048;

export interface ShardChannel {
  /** hands worker `shard` its batch: frames up to and including frame `cut` */
  send(shard: number, batch: FrameBatch, cut: number): void;
  /** a batch now indexes frames in `shared`: it must not be reused before the batch is answered */
  hold(shared: SharedArrayBuffer): void;
  /** the reader waits while this is true (a worker is behind, or the output is backed up) */
  readonly busy: boolean;
  /** settles when busy may have become false */
  changed(): Promise<void>;
}

export class ShardSink implements FrameSink {
  readonly stats: AnalyzerStats = { frames: 0, tcpSegments: 0, otherFrames: 0, fragments: 0, malformedFrames: 0, connections: 0, lastTs: 0 };
  readonly notes: string[] = [];
  private readonly segment = newTcpSegment();
  private readonly batches: FrameBatchWriter[];
  private readonly clock = new SweepClock(DEFAULT_IDLE_TIMEOUT);
  private readonly nonTcp: NonTcpTally;
  /** the shared buffer the frames of the current batches are in */
  private current: ArrayBufferLike | null = null;

  constructor(
    private readonly shards: number,
    private readonly channel: ShardChannel,
  ) {
    this.batches = Array.from({ length: shards }, () => new FrameBatchWriter(BATCH_ENTRIES));
    this.nonTcp = new NonTcpTally(this.stats, this.notes);
  }

  get paused(): boolean {
    return this.channel.busy;
  }

  resumed(): Promise<void> {
    return this.channel.changed();
  }

  frame(data: Buffer, ts: number, linkType: number, origLen: number): void {
    this.frameAt(data, 0, data.length, ts, linkType, origLen);
  }

  frameAt(buf: Buffer, start: number, end: number, ts: number, linkType: number, origLen: number): void {
    const stats = this.stats;
    const frameNumber = ++stats.frames;
    stats.lastTs = ts;
    const seg = this.segment;
    const result = decodeFrameAt(linkType, buf, start, end, seg, origLen);
    if (result === 'tcp') {
      stats.tcpSegments++;
      if (buf.buffer !== this.current) {
        // a batch indexes one buffer: the frames before this one go out first
        if (this.current !== null) this.cut(frameNumber - 1);
        this.current = buf.buffer;
      }
      if (this.clock.due(ts)) {
        this.clock.swept(ts);
        for (const batch of this.batches) batch.sweep(frameNumber, ts);
      }
      const batch = this.batches[shardOf(seg.buf, seg.srcAddrOffset, seg.srcPort, seg.dstAddrOffset, seg.dstPort, seg.addrLength, this.shards)];
      if (batch.buffer === null) this.channel.hold(buf.buffer as SharedArrayBuffer);
      batch.frame(frameNumber, buf, start, end, ts, linkType, origLen);
      if (batch.length >= BATCH_ENTRIES) this.cut(frameNumber);
    } else this.nonTcp.count(result, linkType);
  }

  /** A pcapng Decryption Secrets Block: every worker gets it, where it falls among the frames. */
  secretsBlock(kind: 'tls-keylog', data: Buffer): void {
    if (kind !== 'tls-keylog') return;
    for (const batch of this.batches) batch.secrets(data);
  }

  /**
   * Hands every worker what it has up to frame `upTo` (default: all read so far), possibly nothing: the cut still
   * tells it how far the capture is read.
   */
  cut(upTo: number = this.stats.frames): void {
    for (let shard = 0; shard < this.shards; shard++) this.channel.send(shard, this.batches[shard].take(), upTo);
  }
}
