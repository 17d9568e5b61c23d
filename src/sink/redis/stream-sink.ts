import { createRedisClient, isReady, type RedisClient } from './connect.js';
import { describeRedisError, type RedisProblem } from './errors.js';
import type { Spool } from './spool.js';
import type { RedisTarget } from './target.js';

export interface StreamSinkOptions {
  target: RedisTarget;
  /** the stream written: the target's key, or KEY:{sensor} in a cluster */
  streamKey: string;
  /** XADD ... MAXLEN ~ maxLen: Redis trims the stream to about this many entries; 0 leaves it untrimmed */
  maxLen: number;
  spool: Spool;
  /** entries per pipeline (default 1000) */
  batchSize?: number;
  /** pipelines awaiting their replies at once (default 4) */
  maxInFlight?: number;
  /**
   * bytes of entries held in memory while every pipeline awaits its reply (default 64 MB); past this Redis counts as
   * falling behind and entries spill to the spool, so a sensor's memory does not follow a slow Redis
   */
  maxQueuedBytes?: number;
  /** a partial batch waits at most this long (default 100 ms) */
  flushIntervalMs?: number;
  /** a pipeline not answered in this time has failed (default 10 s) */
  commandTimeoutMs?: number;
  /** the sink's news in plain words, credentials removed: an outage began or ended, the spool overflowed */
  onNotice: (message: string) => void;
}

/** How a sink's run went, for the closing lines and the exit code. */
export interface StreamSinkSummary {
  target: string;
  streamKey: string;
  /** entries Redis acknowledged */
  written: number;
  /** of those, entries that had waited in the spool (this run's or an earlier run's) */
  fromSpool: number;
  /** entries this run put into the spool */
  spooled: number;
  /** entries still in the spool: sent by the next run with the same spool folder */
  left: number;
  /** entries lost because the spool was full */
  dropped: number;
  spoolDir: string;
  /** why entries are left or were spooled, when they were */
  problem: RedisProblem | null;
}

type Mode = 'direct' | 'spooling';

const RETRY_MS = 250;
const RETRY_MAX_MS = 2000;
/** a person has to fix a permanent problem: asking again every few seconds is enough */
const RETRY_PERMANENT_MS = 5000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Writes serialized records to one Redis stream: `XADD key MAXLEN ~ N * record <json>`, a thousand to a pipeline, a
 * few pipelines in flight, so a local Redis takes tens of thousands of records a second from one sensor.
 *
 * At least once: an entry leaves memory only when Redis acknowledged it or the spool took it. When Redis is down,
 * refuses (password, key type) or falls behind, entries go to the on-disk spool instead, and a loop sends the spool
 * back, oldest first, as soon as Redis answers; then writing goes direct again. `write` never blocks the analysis
 * and never throws for Redis' sake.
 */
export class RedisStreamSink {
  private readonly client: RedisClient;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly maxQueuedBytes: number;
  private queuedBytes = 0;
  private readonly maxLenArgs: string[];
  private queue: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private mode: Mode = 'direct';
  private problem: RedisProblem | null = null;
  private lastNotice = '';
  private outageStarted = 0;
  private draining: Promise<void> | null = null;
  private closing = false;
  private giveUp = false;
  private readonly timer: NodeJS.Timeout;
  private written = 0;
  private fromSpool = 0;
  private spooled = 0;
  private droppedNoticed = false;
  private lastConnectionError: unknown = null;
  /** segments the drain loop tried to send (close() waits for one more try before giving up on a permanent problem) */
  private attempts = 0;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly options: StreamSinkOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 64 << 20;
    this.maxLenArgs = options.maxLen > 0 ? ['MAXLEN', '~', String(options.maxLen)] : [];
    this.client = createRedisClient(options.target, { commandTimeoutMs: options.commandTimeoutMs });
    // ioredis reports every failed (re)connection here; the last one explains an outage
    this.client.on('error', (error: unknown) => {
      this.lastConnectionError = error;
    });
    this.client.on('ready', () => {
      this.lastConnectionError = null;
    });
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 100);
    this.timer.unref();
  }

  /** Entries waiting in memory for a pipeline slot: a producer that can wait (a benchmark, a file) waits while it is high. */
  get queued(): number {
    return this.queue.length;
  }

  get spoolDir(): string {
    return this.options.spool.dir;
  }

  /**
   * Connects (waiting for the first attempt only). Entries an earlier run left in the spool are sent first. A target
   * that does not answer is no reason to stop: entries go to the spool until it does.
   */
  async start(): Promise<void> {
    try {
      await this.client.connect();
      // a wrong password surfaces on the first command, not always on connect
      await this.client.ping();
    } catch (error) {
      this.fail(error);
    }
    if (this.options.spool.pending && this.mode === 'direct') {
      this.note(`${this.options.target.display}: ${this.options.spool.bytes} bytes of records left in the spool ${this.spoolDir} by an earlier run; sending them first`);
      this.mode = 'spooling';
      this.startDraining();
    }
  }

  /** Queues one serialized record (one line of JSON). */
  write(entry: string): void {
    this.queue.push(entry);
    this.queuedBytes += entry.length;
    if (this.queue.length >= this.batchSize) this.flush();
  }

  /** Sends what can be sent now; spills to the spool what cannot. */
  private flush(): void {
    if (this.mode === 'spooling') {
      this.spill();
      return;
    }
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) {
      if (!isReady(this.client)) {
        this.fail(this.lastConnectionError ?? new Error('Connection is closed.'));
        return;
      }
      const batch = this.queue.splice(0, this.batchSize);
      for (const line of batch) this.queuedBytes -= line.length;
      this.send(batch);
      if (this.queue.length < this.batchSize && !this.closing) break;
    }
    if (this.queuedBytes > this.maxQueuedBytes) {
      this.fail(new Error(`falling behind: ${this.inFlight.size} pipelines of ${this.batchSize} entries await their replies while ${this.queue.length} more (${(this.queuedBytes / 1e6).toFixed(0)} MB) wait`));
    }
  }

  private spill(): void {
    if (this.queue.length === 0) return;
    const lines = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    this.toSpool(lines);
  }

  private toSpool(lines: readonly string[]): void {
    const before = this.options.spool.dropped;
    this.spooled += this.options.spool.append(lines);
    const dropped = this.options.spool.dropped;
    if (dropped > before && !this.droppedNoticed) {
      this.droppedNoticed = true;
      this.note(`${this.options.target.display}: the spool ${this.spoolDir} is full (${this.options.spool.maxBytes} bytes): records are being dropped; the count is given at the end`);
    }
  }

  /** One pipeline of XADDs; what fails goes to the spool. */
  private send(lines: string[]): void {
    const pipeline = this.client.pipeline();
    for (const line of lines) pipeline.xadd(this.options.streamKey, ...this.maxLenArgs, '*', 'record', line);
    const done = pipeline.exec().then(
      (results) => {
        const failed: string[] = [];
        let firstError: unknown = null;
        results?.forEach(([error], i) => {
          if (error === null) return;
          failed.push(lines[i]);
          firstError ??= error;
        });
        if (results === null) {
          this.fail(new Error('Connection is closed.'), lines);
          return;
        }
        this.written += lines.length - failed.length;
        if (failed.length > 0) this.fail(firstError, failed);
      },
      (error: unknown) => this.fail(error, lines),
    );
    const tracked = done.finally(() => {
      this.inFlight.delete(tracked);
    });
    this.inFlight.add(tracked);
  }

  /** Redis failed (or cannot be reached): entries to the spool, and a loop that sends them back once it answers. */
  private fail(error: unknown, lines: readonly string[] = []): void {
    this.problem = this.explain(error);
    if (lines.length > 0) this.toSpool(lines);
    if (this.mode === 'direct') {
      this.mode = 'spooling';
      this.outageStarted = Date.now();
      this.spill();
      this.note(`${this.options.target.display}: ${this.problem.message}; keeping records in the spool ${this.spoolDir} until it answers`);
    } else {
      this.spill();
      // a new kind of problem during an outage is worth saying (a restart that comes back with another password)
      this.note(`${this.options.target.display}: ${this.problem.message}`, true);
    }
    this.startDraining();
  }

  /** A command's error; "the connection is down" is explained by the connection's own last error where there is one. */
  private explain(error: unknown): RedisProblem {
    const problem = describeRedisError(error, this.options.target);
    if (this.lastConnectionError === null || !/Stream isn't writeable|Connection is closed/.test(String((error as Error)?.message))) return problem;
    return describeRedisError(this.lastConnectionError, this.options.target);
  }

  /** Tells the user; a problem already told (as it began, or the last time) is not told again. */
  private note(message: string, onlyIfNew = false): void {
    const problem = this.problem?.message ?? '';
    if (onlyIfNew && problem === this.lastNotice) return;
    this.lastNotice = problem;
    this.options.onNotice(message);
  }

  private startDraining(): void {
    if (this.draining !== null) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  /** Sends the spool back, oldest segment first, waiting for Redis between attempts; then writes go direct again. */
  private async drain(): Promise<void> {
    let wait = RETRY_MS;
    while (this.mode === 'spooling' && !this.giveUp) {
      // entries in flight when the outage began land in the spool when they fail: wait for them first
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      if (!isReady(this.client)) {
        if (this.lastConnectionError !== null) {
          // the reconnection's own error says why (a refused password never lets the connection become ready)
          this.problem = describeRedisError(this.lastConnectionError, this.options.target);
          this.note(`${this.options.target.display}: ${this.problem.message}`, true);
          this.attempts++;
        }
        if (this.giveUp) return;
        await this.pause(wait);
        wait = Math.min(wait * 2, RETRY_MAX_MS);
        continue;
      }
      this.spill();
      this.options.spool.rotate();
      const segment = this.options.spool.peek();
      if (segment === null) {
        this.mode = 'direct';
        const after = this.outageStarted > 0 ? ` after ${((Date.now() - this.outageStarted) / 1000).toFixed(1)} s` : '';
        this.note(`${this.options.target.display}: writing directly again${after}; ${this.fromSpool} record(s) sent from the spool so far`);
        this.outageStarted = 0;
        this.problem = null;
        this.lastNotice = '';
        return;
      }
      const sent = await this.sendSegment(segment.lines);
      this.attempts++;
      if (sent) {
        this.options.spool.remove(segment.seq);
        this.fromSpool += segment.lines.length;
        this.written += segment.lines.length;
        wait = RETRY_MS;
        continue;
      }
      if (this.giveUp) return;
      await this.pause(this.problem?.permanent ? RETRY_PERMANENT_MS : wait);
      wait = Math.min(wait * 2, RETRY_MAX_MS);
    }
  }

  /** A spooled segment, its pipelines all in flight at once; false (and the problem noted) when any entry failed. */
  private async sendSegment(lines: readonly string[]): Promise<boolean> {
    const replies: Promise<[Error | null, unknown][] | null>[] = [];
    for (let at = 0; at < lines.length; at += this.batchSize) {
      const pipeline = this.client.pipeline();
      for (const line of lines.slice(at, at + this.batchSize)) pipeline.xadd(this.options.streamKey, ...this.maxLenArgs, '*', 'record', line);
      replies.push(pipeline.exec());
    }
    try {
      for (const results of await Promise.all(replies)) {
        const error = results === null ? new Error('Connection is closed.') : results.find(([e]) => e !== null)?.[0];
        if (error) throw error;
      }
      return true;
    } catch (error) {
      this.problem = this.explain(error);
      this.note(`${this.options.target.display}: ${this.problem.message}`, true);
      return false;
    }
  }

  /**
   * Sends what is queued and, if Redis is failing, keeps trying to empty the spool until `deadlineMs` passes (at
   * once for a permanent problem: waiting will not fix a password). Whatever is still unsent stays in the spool.
   */
  async close(deadlineMs: number): Promise<StreamSinkSummary> {
    this.closing = true;
    clearInterval(this.timer);
    // everything queued goes out while Redis takes it (at most maxInFlight pipelines at a time)
    while (this.mode === 'direct' && (this.queue.length > 0 || this.inFlight.size > 0)) {
      this.flush();
      if (this.inFlight.size > 0) await Promise.race([...this.inFlight]);
    }
    await Promise.allSettled([...this.inFlight]);
    const deadline = Date.now() + deadlineMs;
    const attemptsBefore = this.attempts;
    while (this.mode === 'spooling' && Date.now() < deadline) {
      if (this.problem?.permanent && this.attempts > attemptsBefore) break;
      this.spill();
      this.startDraining();
      this.wake();
      await Promise.race([this.draining, sleep(50)]);
    }
    this.giveUp = true;
    this.wake();
    this.spill();
    await this.draining;
    this.options.spool.close();
    this.client.disconnect();
    const left = this.options.spool.countPending();
    return {
      target: this.options.target.display,
      streamKey: this.options.streamKey,
      written: this.written,
      fromSpool: this.fromSpool,
      spooled: this.spooled,
      left,
      dropped: this.options.spool.dropped,
      spoolDir: this.spoolDir,
      problem: left > 0 || this.options.spool.dropped > 0 ? this.problem : null,
    };
  }

  /** A pause of the drain loop that close() can cut short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }
}
