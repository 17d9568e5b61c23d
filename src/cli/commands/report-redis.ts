import { sanitizeForTerminal } from '../../model/sanitize.js';
import { Aggregator, summarizeNdjsonLine } from '../../report/index.js';
import type { InputFile } from '../../report/index.js';
import { openRedis, type RedisClient } from '../../sink/redis/connect.js';
import { describeRedisError } from '../../sink/redis/errors.js';
import { discoverStreams, idAtTime, keyType, readNewEntries, readStreamPages, type StreamEntry } from '../../sink/redis/stream-reader.js';
import { parseRedisTarget, type RedisTarget } from '../../sink/redis/target.js';
import { UidSet } from '../../sink/uid-set.js';

/** Which records of the fleet's streams a report takes. Times are capture times (a connection's first packet). */
export interface StreamSelection {
  /** seconds since the epoch; null: from the beginning */
  since: number | null;
  until: number | null;
  /** sensor names; empty: every sensor */
  sensors: readonly string[];
}

/** Entries read per XRANGE page: large enough that the round trips do not matter, small enough to hold in memory. */
const PAGE_ENTRIES = 2000;
/**
 * Entries are written after their connection began, so a stream read from `since` (by the time in its entry ids)
 * misses no connection that began after `since` — allowing this much for sensor clocks ahead of Redis' clock.
 */
const CLOCK_SKEW_SECONDS = 300;
/** Entry problems named one by one per stream; past this only counted. */
const MAX_NOTES = 10;
/** How often a cluster is searched again for streams of sensors that started since. */
const REDISCOVER_MS = 10_000;

interface StreamState {
  key: string;
  lastId: string;
  bytes: number;
  connections: number;
  duplicates: number;
  outside: number;
  bad: number;
  notes: string[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * A batch report fed by Redis streams instead of files: the records sensors shipped with `--output redis://...`,
 * read in pages, filtered by capture time and sensor, each record uid counted once, folded into the same
 * Aggregator the file inputs feed — so the same records give the same report, whichever way they came.
 */
export class RedisReportSource {
  private readonly streams = new Map<string, StreamState>();
  private readonly uids = new UidSet();
  private readonly sensors: ReadonlySet<string> | null;

  private constructor(
    readonly target: RedisTarget,
    private readonly client: RedisClient,
    private readonly selection: StreamSelection,
    private readonly aggregator: Aggregator,
  ) {
    this.sensors = selection.sensors.length === 0 ? null : new Set(selection.sensors);
  }

  /** Connects; throws an Error with the plain reason (and no credentials) when the URL is bad or Redis cannot be used. */
  static async open(url: string, selection: StreamSelection, aggregator: Aggregator): Promise<RedisReportSource> {
    const target = parseRedisTarget(url);
    const client = await openRedis(target, { blocking: true }, (error) => `${target.display}: ${describeRedisError(error, target).message}`);
    return new RedisReportSource(target, client, selection, aggregator);
  }

  get display(): string {
    return this.target.display;
  }

  /** Where the stream is, as a report's Inputs row names it. */
  private streamName(key: string): string {
    return `${this.target.display.slice(0, this.target.display.lastIndexOf('/') + 1)}${key}`;
  }

  private startId(): string {
    return this.selection.since === null ? '-' : idAtTime((this.selection.since - CLOCK_SKEW_SECONDS) * 1000);
  }

  /**
   * Reads every stream to its current end. A stream that is missing or not a stream is listed under Skipped;
   * a Redis error mid-read rejects with the plain reason.
   */
  async readAll(): Promise<void> {
    const keys = await this.discover();
    if (keys.length === 0) {
      this.aggregator.skip(this.target.display, this.target.cluster ? `no stream ${this.target.key}:{sensor} on any master` : 'no such stream');
      return;
    }
    for (const key of keys) await this.readStream(key);
  }

  private async discover(): Promise<string[]> {
    try {
      return await discoverStreams(this.client, this.target);
    } catch (error) {
      throw new Error(`${this.target.display}: ${describeRedisError(error, this.target).message}`);
    }
  }

  private async readStream(key: string): Promise<void> {
    try {
      if (!this.target.cluster) {
        const type = await keyType(this.client, key);
        if (type === 'none') {
          this.aggregator.skip(this.streamName(key), 'no such stream');
          return;
        }
        if (type !== 'stream') {
          this.aggregator.skip(this.streamName(key), `the key holds a ${type}, not a stream`);
          return;
        }
      }
      const state = this.stateOf(key);
      state.lastId = await readStreamPages(this.client, key, state.lastId, PAGE_ENTRIES, (page) => this.take(state, page));
    } catch (error) {
      throw new Error(`${this.streamName(key)}: ${describeRedisError(error, this.target).message}`);
    }
  }

  private stateOf(key: string): StreamState {
    let state = this.streams.get(key);
    if (state === undefined) {
      state = { key, lastId: this.startId(), bytes: 0, connections: 0, duplicates: 0, outside: 0, bad: 0, notes: [] };
      this.streams.set(key, state);
    }
    return state;
  }

  /** Folds a page of entries into the report; returns whether any was counted. */
  private take(state: StreamState, entries: readonly StreamEntry[]): boolean {
    let counted = false;
    for (const entry of entries) {
      if (entry.record === null) {
        this.bad(state, `entry ${entry.id}: no 'record' field, skipped`);
        continue;
      }
      state.bytes += entry.record.length;
      const summary = summarizeNdjsonLine(entry.record);
      if (typeof summary === 'string') {
        this.bad(state, `entry ${entry.id}: ${summary}, skipped`);
        continue;
      }
      if (this.sensors !== null && (summary.sensor === undefined || !this.sensors.has(summary.sensor))) {
        state.outside++;
        continue;
      }
      const { since, until } = this.selection;
      if ((since !== null && summary.firstTs < since) || (until !== null && summary.firstTs > until)) {
        state.outside++;
        continue;
      }
      if (summary.uid !== undefined && !this.uids.add(summary.uid)) {
        state.duplicates++;
        continue;
      }
      state.connections++;
      this.aggregator.add(summary);
      counted = true;
    }
    return counted;
  }

  private bad(state: StreamState, note: string): void {
    state.bad++;
    if (state.bad <= MAX_NOTES) state.notes.push(sanitizeForTerminal(note, 200));
  }

  /** One Inputs row per stream read. */
  inputs(): InputFile[] {
    return [...this.streams.values()].map((s) => {
      const notes = [...s.notes];
      if (s.bad > MAX_NOTES) notes.push(`${s.bad - MAX_NOTES} more entries were not connection records, skipped`);
      if (s.duplicates > 0) notes.push(`${s.duplicates} entries repeated a record already counted (sent again after a failure, or a capture analysed twice): counted once`);
      if (s.outside > 0) notes.push(`${s.outside} records outside the --since/--until window or the --sensor names`);
      return { path: this.streamName(s.key), kind: 'redis' as const, bytes: s.bytes, connections: s.connections, notes };
    });
  }

  /**
   * Keeps reading what sensors add (XREAD BLOCK on one server; every stream in turn in a cluster, where a blocking
   * read cannot span slots) and calls `rewrite` every `everySeconds` when anything new was counted, until `stopped`.
   */
  async follow(everySeconds: number, rewrite: () => Promise<void>, stopped: Promise<void>): Promise<void> {
    let stop = false;
    void stopped.then(() => {
      stop = true;
    });
    let changed = false;
    let nextWrite = Date.now() + everySeconds * 1000;
    let nextDiscovery = Date.now() + REDISCOVER_MS;
    while (!stop) {
      try {
        if (!this.target.cluster) {
          const state = this.stateOf(this.target.key);
          const entries = await readNewEntries(this.client, state.key, state.lastId === '-' ? '0-0' : state.lastId, PAGE_ENTRIES, 1000);
          if (entries.length > 0) state.lastId = entries[entries.length - 1].id;
          changed = this.take(state, entries) || changed;
        } else {
          if (Date.now() >= nextDiscovery) {
            for (const key of await this.discover()) if (!this.streams.has(key)) await this.readStream(key);
            nextDiscovery = Date.now() + REDISCOVER_MS;
          }
          let any = false;
          for (const state of this.streams.values()) {
            const entries = await readNewEntries(this.client, state.key, state.lastId === '-' ? '0-0' : state.lastId, PAGE_ENTRIES, 0);
            if (entries.length === 0) continue;
            any = true;
            state.lastId = entries[entries.length - 1].id;
            changed = this.take(state, entries) || changed;
          }
          if (!any) await Promise.race([sleep(500), stopped]);
        }
      } catch (error) {
        // a Redis restart while following: wait for it rather than end the report
        process.stderr.write(`tlsdiag report: ${this.target.display}: ${describeRedisError(error, this.target).message}; retrying\n`);
        await Promise.race([sleep(1000), stopped]);
      }
      if (Date.now() >= nextWrite) {
        if (changed) await rewrite();
        changed = false;
        nextWrite = Date.now() + everySeconds * 1000;
      }
    }
  }

  close(): void {
    this.client.disconnect();
  }
}
