import type { ConnectionRecord } from '../model/record.js';
import { summarizeJson } from '../report/index.js';
import { openRedis, type RedisClient } from '../sink/redis/connect.js';
import { describeRedisError } from '../sink/redis/errors.js';
import { discoverStreams, idAtTime, readNewEntries, readStreamPages, type StreamEntry } from '../sink/redis/stream-reader.js';
import { parseRedisTarget, type RedisTarget } from '../sink/redis/target.js';
import { UidSet } from '../sink/uid-set.js';
import type { AnalysisFeed, FeedListener, FeedProgress } from '../ui/feed.js';

export interface FleetFeedOptions {
  /** capture time (s) from which records are shown; the streams are read from then on */
  since: number;
  /** only these sensors; empty: all */
  sensors: readonly string[];
  /** read what the streams hold now, then finish (no following) */
  once: boolean;
}

/** Records replayed to a listener that subscribes late (the UI keeps its own, bounded, list). */
const REPLAY_RECORDS = 1000;
const PAGE_ENTRIES = 1000;
const CLOCK_SKEW_SECONDS = 300;
const REDISCOVER_MS = 10_000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A stream entry as a record the UI can show, or null. Entries come from sensors but through a shared server: the
 * fields the list and the detail view walk are checked to have their shapes, so one odd entry cannot stop the view.
 */
export function recordFromEntry(text: string): ConnectionRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof summarizeJson(value) === 'string' || !isObject(value)) return null;
  const { tls, tcp } = value;
  if (!isObject(tls) || !isObject(tcp) || !isObject(tcp.packets) || !isObject(tcp.ttl)) return null;
  if (!Array.isArray(tls.alerts) || !Array.isArray(tls.certificates) || !Array.isArray(tls.encryptedRecords) || !isObject(tls.recordCounts)) return null;
  if (!Array.isArray(value.timeline) || !Array.isArray(value.warnings) || !Array.isArray(value.notes) || !Array.isArray(tcp.fin)) return null;
  if (value.diagnosis !== null && (!isObject(value.diagnosis) || !Array.isArray(value.diagnosis.evidence))) return null;
  return value as unknown as ConnectionRecord;
}

/**
 * The fleet's streams as an AnalysisFeed: every sensor's records from --since on, each uid once, then what sensors
 * add (XREAD), so `tlsdiag watch` shows them in the same terminal UI as a capture or a live interface.
 */
export class FleetFeed implements AnalysisFeed {
  private readonly listeners = new Set<FeedListener>();
  private readonly recent: ConnectionRecord[] = [];
  private readonly uids = new UidSet();
  private readonly lastIds = new Map<string, string>();
  private readonly sensorsSeen = new Set<string>();
  private readonly only: ReadonlySet<string> | null;
  private records = 0;
  private skipped = 0;
  private problem: string | null = null;
  private stopped = false;
  private finishedFlag = false;
  /** with `once`: why the streams could not be read (the command's exit code is 2 then) */
  failure: string | null = null;
  readonly done: Promise<void>;

  private constructor(
    readonly target: RedisTarget,
    private readonly client: RedisClient,
    private readonly options: FleetFeedOptions,
  ) {
    this.only = options.sensors.length === 0 ? null : new Set(options.sensors);
    this.done = this.run();
  }

  /** Connects and starts reading; throws an Error with the plain reason (no credentials) when Redis cannot be used. */
  static async open(url: string, options: FleetFeedOptions): Promise<FleetFeed> {
    const target = parseRedisTarget(url);
    const client = await openRedis(target, { blocking: true }, (error) => `${target.display}: ${describeRedisError(error, target).message}`);
    return new FleetFeed(target, client, options);
  }

  subscribe(listener: FeedListener): () => void {
    for (const record of this.recent) listener.record(record);
    listener.progress(this.progress());
    if (this.finishedFlag) listener.finished();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
  }

  private progress(): FeedProgress {
    return {
      sources: [this.target.display],
      live: true,
      bytesRead: 0,
      totalBytes: null,
      packets: 0,
      packetsPerSecond: 0,
      kernelDrops: null,
      openConnections: 0,
      fleet: { records: this.records, sensors: this.sensorsSeen.size, streams: this.lastIds.size, problem: this.problem },
    };
  }

  private tell(): void {
    const progress = this.progress();
    for (const listener of this.listeners) listener.progress(progress);
  }

  private notice(message: string): void {
    for (const listener of this.listeners) listener.notice(message);
  }

  private take(entries: readonly StreamEntry[]): void {
    for (const entry of entries) {
      if (entry.record === null) continue;
      const record = recordFromEntry(entry.record);
      if (record === null) {
        // said once: a stream of another writer (or of records written without the fields the view shows)
        if (this.skipped++ === 0) this.notice(`${this.target.display}: entry ${entry.id} is not a full connection record (skipped, as any others)`);
        continue;
      }
      if (this.only !== null && (record.sensor === undefined || !this.only.has(record.sensor))) continue;
      if (record.firstTs < this.options.since) continue;
      if (record.uid !== undefined && !this.uids.add(record.uid)) continue;
      if (record.sensor !== undefined) this.sensorsSeen.add(record.sensor);
      this.records++;
      this.recent.push(record);
      if (this.recent.length >= 2 * REPLAY_RECORDS) this.recent.splice(0, this.recent.length - REPLAY_RECORDS);
      for (const listener of this.listeners) listener.record(record);
    }
  }

  /** Streams not read yet are read from --since to their end. */
  private async discover(): Promise<void> {
    for (const key of await discoverStreams(this.client, this.target)) {
      if (this.lastIds.has(key) || this.stopped) continue;
      const start = idAtTime((this.options.since - CLOCK_SKEW_SECONDS) * 1000);
      this.lastIds.set(key, start);
      const last = await readStreamPages(this.client, key, start, PAGE_ENTRIES, (page) => this.take(page));
      this.lastIds.set(key, last === start ? idAtTime((this.options.since - CLOCK_SKEW_SECONDS) * 1000) : last);
      this.tell();
    }
  }

  private async run(): Promise<void> {
    let nextDiscovery = 0;
    while (!this.stopped) {
      try {
        if (Date.now() >= nextDiscovery) {
          await this.discover();
          nextDiscovery = Date.now() + REDISCOVER_MS;
          if (this.options.once) break;
        }
        // one stream: wait in XREAD BLOCK; several (a cluster): ask each in turn and pause when none had news
        const blockMs = this.lastIds.size === 1 ? 1000 : 0;
        let any = false;
        for (const [key, last] of this.lastIds) {
          const entries = await readNewEntries(this.client, key, last, PAGE_ENTRIES, blockMs);
          if (entries.length === 0) continue;
          any = true;
          this.lastIds.set(key, entries[entries.length - 1].id);
          this.take(entries);
        }
        if (this.problem !== null) {
          this.notice(`${this.target.display}: answering again`);
          this.problem = null;
        }
        this.tell();
        if (!any && blockMs === 0) await new Promise((resolve) => setTimeout(resolve, 500).unref());
      } catch (error) {
        const message = describeRedisError(error, this.target).message;
        if (message !== this.problem) this.notice(`${this.target.display}: ${message}`);
        this.problem = message;
        this.tell();
        if (this.options.once) {
          // printing what is there now cannot wait for a person to fix the server
          this.failure = message;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    }
    this.client.disconnect();
    this.finishedFlag = true;
    this.tell();
    for (const listener of this.listeners) listener.finished();
  }
}
