/**
 * The worker side of a sharded analysis: an Analyzer over the frames of the connections the reader hands this
 * thread (by flow hash), rendering each record as it is decided and posting the text back in one message per batch.
 * The worker entry (src/cli/analyze-worker.ts) supplies the renderer; everything else is here.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ConnectionRecord } from '../model/record.js';
import { createTrustStore, type TrustStore } from '../tls/trust-store.js';
import { keyLogFromTexts, type KeyLog } from '../tls/decrypt/keylog.js';
import { Analyzer } from './analyzer.js';
import { readFrameBatch, type BatchEntryVisitor, type FrameBatch } from './frame-batch.js';
import type { FromShard, HeldRecord, RenderedRecords, ShardSetup, ToShard } from './shard-messages.js';

/** A record as output text (ending in a newline), or null when the output leaves it out. */
export type RecordRenderer = (record: ConnectionRecord) => string | null;

/** Output bytes a message starts with room for (it grows as records come). */
const INITIAL_BYTES = 256 * 1024;
/** Records rendered at the end of the capture are posted in messages of at most this many. */
const FINISH_BATCH = 512;

/** Rendered records gathered as UTF-8 in one buffer, handed over (transferred) with each message. */
class RenderedBuffer {
  private keys: number[] = [];
  private ends: number[] = [];
  private firstTs: number[] = [];
  private bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private used = 0;

  get count(): number {
    return this.keys.length;
  }

  add(key: number, firstTs: number, text: string): void {
    // a UTF-16 code unit never takes more than 3 bytes of UTF-8
    const need = this.used + text.length * 3;
    if (need > this.bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.used += this.bytes.write(text, this.used, 'utf8');
    this.keys.push(key);
    this.ends.push(this.used);
    this.firstTs.push(firstTs);
  }

  /** The records so far, and the transfer list of their bytes. */
  take(): [RenderedRecords, ArrayBuffer[]] {
    const bytes = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used);
    const taken: RenderedRecords = { keys: Float64Array.from(this.keys), ends: Uint32Array.from(this.ends), firstTs: Float64Array.from(this.firstTs), bytes };
    this.keys = [];
    this.ends = [];
    this.firstTs = [];
    this.bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    this.used = 0;
    return [taken, [bytes.buffer as ArrayBuffer]];
  }
}

/**
 * Runs the worker: for each capture the reader announces ('capture'), a fresh Analyzer over the batches that follow,
 * until the reader's 'end' is answered with 'done'; then the next capture. The trust store and the --keylog secrets
 * are made once, for all of them.
 */
export function runShardWorker(port: MessagePort, setup: ShardSetup, render: RecordRenderer): void {
  const post = (message: FromShard, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const trustStore = createTrustStore(setup.caPems);
  const secrets = keyLogFromTexts(setup.keyLogTexts);
  let job: CaptureJob | null = null;
  port.on('message', (message: ToShard) => {
    try {
      if (message.type === 'capture') job = new CaptureJob(message.capture, setup, trustStore, secrets, render, post);
      else if (job === null) return;
      else if (message.type === 'batch') job.batch(message.batch, message.cut);
      else if (message.type === 'end') job.end(message.lastTs);
      else job.more();
    } catch (error) {
      job = null;
      post({ type: 'failed', reason: (error as Error)?.message ?? String(error) });
    }
  });
}

/** One capture's share on this worker. */
class CaptureJob {
  private readonly outcomes = { established: 0, failed: 0, incomplete: 0 };
  private readonly causes = new Map<string, number>();
  private readonly rendered = new RenderedBuffer();
  /** the frame number whose processing decides records now (Infinity once the capture is over) */
  private key = 0;
  private lastTs = 0;
  private finished = false;
  private readonly analyzer: Analyzer;
  private readonly visitor: BatchEntryVisitor;

  constructor(
    capture: string,
    setup: ShardSetup,
    trustStore: TrustStore,
    secrets: KeyLog | undefined,
    private readonly render: RecordRenderer,
    private readonly post: (message: FromShard, transfer?: ArrayBuffer[]) => void,
  ) {
    this.analyzer = new Analyzer(
      capture,
      { handshakeTimeout: setup.handshakeTimeout, trustStore, tlsPorts: setup.tlsPorts, secrets, memoryBudget: setup.memoryBudget, shard: true },
      (record) => {
        this.outcomes[record.outcome]++;
        if (record.diagnosis) this.causes.set(record.diagnosis.code, (this.causes.get(record.diagnosis.code) ?? 0) + 1);
        const text = render(record);
        if (text !== null) this.rendered.add(this.key, record.firstTs, text);
      },
    );
    const analyzer = this.analyzer;
    this.visitor = {
      frame: (frameNumber, buf, start, end, ts, linkType, origLen) => {
        this.key = frameNumber;
        analyzer.numberedFrameAt(frameNumber, buf, start, end, ts, linkType, origLen);
      },
      sweep: (frameNumber, ts) => {
        this.key = frameNumber;
        analyzer.sweep(ts);
      },
      secrets: (text) => analyzer.secretsBlock('tls-keylog', text),
    };
  }

  batch(batch: FrameBatch, cut: number): void {
    readFrameBatch(batch, this.visitor);
    this.postRecords(cut);
  }

  end(lastTs: number): void {
    this.key = Infinity;
    this.lastTs = lastTs;
    this.finishBatch();
  }

  more(): void {
    this.finishBatch();
  }

  private postRecords(cut: number): void {
    const [records, transfer] = this.rendered.take();
    this.post({ type: 'records', cut, ...records }, transfer);
  }

  /**
   * The connections still open at the end go out a batch at a time, each once the reader has written the one before
   * (it answers 'more'): a table of 100,000 would otherwise be rendered at once, whoever reads the output.
   */
  private finishBatch(): void {
    // a 'more' may answer the last batch after 'done' went out
    if (this.finished) return;
    const analyzer = this.analyzer;
    if (!analyzer.finishSome(this.lastTs, FINISH_BATCH)) {
      this.postRecords(Infinity);
      return;
    }
    this.finished = true;
    if (this.rendered.count > 0) this.postRecords(Infinity);
    const { held, learned } = analyzer.takeHeld();
    const heldRecords: HeldRecord[] = held.map(({ server, record }) => ({
      server,
      port: record.server.port,
      outcome: record.outcome,
      cause: record.diagnosis?.code ?? null,
      firstTs: record.firstTs,
      text: this.render(record),
    }));
    const memory = analyzer.memory;
    this.post({
      type: 'done',
      summary: {
        internalErrors: analyzer.stats.malformedFrames,
        notes: analyzer.notes,
        memory: { limit: memory.limit, evictions: memory.evictions, buffersRefused: memory.buffersRefused },
        outcomes: this.outcomes,
        causes: [...this.causes],
        held: heldRecords,
        tlsServers: learned,
      },
    });
  }
}
