import { InvalidArgumentError, type Command, type OptionValues } from '@commander-js/extra-typings';
import { collect } from './program.js';
import type { ConnectionRecord } from '../model/record.js';
import { sanitizeForTerminal } from '../model/sanitize.js';
import { defaultSensorName, isSensorName, stampRecord } from '../sink/stamp.js';
import { spoolFolder, defaultSpoolRoot } from '../sink/redis/spool-folder.js';
import { Spool, SpoolLockedError } from '../sink/redis/spool.js';
import { RedisStreamSink, type StreamSinkSummary } from '../sink/redis/stream-sink.js';
import { isRedisUrl, parseRedisTarget, RedisTargetError, streamKeyFor } from '../sink/redis/target.js';
import { describeFsError } from './inputs.js';
import { loadRedisLibrary } from '../sink/redis/connect.js';

/**
 * Where `analyze` and `live` send their records: `--output -` (standard output, in --format) and any number of
 * `--output redis://...` streams, each with its own spool. Without --output, standard output alone, as before.
 * Records are stamped with the sensor name and a uid whenever they leave for Redis or a sensor name was given.
 */
export interface OutputFlags {
  output: string[];
  sensor?: string;
  redisMaxlen: number;
  spoolDir?: string;
  spoolMax: number;
  flushTimeout: number;
}

/** The shipping flags of a parsed command line (analyze, live), as RecordOutputs takes them. */
export function outputFlagsOf(options: OutputFlags): OutputFlags {
  const { output, sensor, redisMaxlen, spoolDir, spoolMax, flushTimeout } = options;
  return { output, sensor, redisMaxlen, spoolDir, spoolMax, flushTimeout };
}

/** The options analyze and live share for shipping records, added to a command in one place. */
export function outputOptionHelp() {
  return {
    output: "where records go: '-' for standard output (in --format), or redis://[user:password@]host:port/KEY " +
      '(rediss:// over TLS; redis+cluster:// for a Redis Cluster); repeat for several',
    sensor: 'name stamped on every record (sensor in NDJSON) and part of its uid (default: the host name)',
    redisMaxlen: 'trim each stream to about this many entries (XADD MAXLEN ~ N; 0: never trim)',
    spoolDir: 'folder for records Redis could not take yet (default: $XDG_STATE_HOME/tlsdiag/spool)',
    spoolMax: 'size limit of the spool (e.g. 500MB, 2GB); past it records are dropped and counted',
    flushTimeout: 'at the end, how long to keep trying to deliver spooled records before leaving them for the next run',
  };
}

/** Parses a size such as 1GB, 500MB, 64KB or a plain number of bytes (decimal units). */
export function parseSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('expected a size such as 500MB or 2GB');
  const unit = (match[2] ?? 'B').toUpperCase();
  const factor = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }[unit] ?? 1;
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < 1) throw new InvalidArgumentError('expected a size of at least 1 byte');
  return bytes;
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return n;
}

export function nonNegativeSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds (0 or more)');
  return n;
}

export class RecordOutputs {
  /** records go to standard output too (no --output at all, or --output -) */
  readonly stdout: boolean;
  readonly sensor: string;
  /** records are stamped with the sensor name and a uid (shipping to Redis, or --sensor given) */
  readonly stamp: boolean;
  private readonly sinks: RedisStreamSink[];

  private constructor(
    stdout: boolean,
    sensor: string,
    stamp: boolean,
    sinks: RedisStreamSink[],
    private readonly serialize: (record: ConnectionRecord) => string,
    private readonly flushTimeout: number,
  ) {
    this.stdout = stdout;
    this.sensor = sensor;
    this.stamp = stamp;
    this.sinks = sinks;
  }

  /**
   * Parses the --output values and connects every Redis target (waiting for the first attempt only: a target that
   * does not answer gets the spool until it does). Throws a plain-words Error for a usage problem: a bad URL, a bad
   * sensor name, a spool folder in use.
   */
  static async open(flags: OutputFlags, serialize: (record: ConnectionRecord) => string, notice: (message: string) => void): Promise<RecordOutputs> {
    const outputs = flags.output.length === 0 ? ['-'] : flags.output;
    const sensor = flags.sensor ?? defaultSensorName();
    if (!isSensorName(sensor)) {
      throw new Error(`--sensor '${sanitizeForTerminal(sensor, 80)}': use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)`);
    }
    const targets = [];
    for (const value of outputs) {
      if (value === '-') continue;
      if (!isRedisUrl(value)) throw new Error(`--output '${sanitizeForTerminal(value.replace(/\/\/[^/@\s]*@/, '//***@'), 200)}': expected '-' or a redis:// URL`);
      try {
        targets.push(parseRedisTarget(value));
      } catch (error) {
        if (error instanceof RedisTargetError) throw new Error(`--output: ${error.message}`);
        throw error;
      }
    }
    const root = flags.spoolDir ?? defaultSpoolRoot();
    const sinks: RedisStreamSink[] = [];
    if (targets.length > 0) await loadRedisLibrary();
    try {
      for (const target of targets) {
        const dir = spoolFolder(root, sensor, target);
        let spool: Spool;
        try {
          spool = new Spool({ dir, maxBytes: flags.spoolMax });
        } catch (error) {
          if (error instanceof SpoolLockedError) throw new Error(error.message);
          throw new Error(`cannot use the spool folder ${dir}: ${describeFsError(error)}`);
        }
        sinks.push(new RedisStreamSink({ target, streamKey: streamKeyFor(target, sensor), maxLen: flags.redisMaxlen, spool, onNotice: notice }));
      }
    } catch (error) {
      // the spools taken so far are given back
      for (const sink of sinks) void sink.close(0);
      throw error;
    }
    await Promise.all(sinks.map((sink) => sink.start()));
    return new RecordOutputs(outputs.includes('-'), sensor, targets.length > 0 || flags.sensor !== undefined, sinks, serialize, flags.flushTimeout);
  }

  /** The record as every output shows it: stamped with the sensor and uid when records are being shipped. */
  prepare(record: ConnectionRecord): ConnectionRecord {
    return this.stamp ? stampRecord(record, this.sensor) : record;
  }

  /** Sends a prepared record to every Redis stream. */
  ship(record: ConnectionRecord): void {
    if (this.sinks.length === 0) return;
    const line = this.serialize(record);
    for (const sink of this.sinks) sink.write(line);
  }

  get shipping(): boolean {
    return this.sinks.length > 0;
  }

  /**
   * Delivers what is pending (for at most --flush-timeout seconds when Redis is failing) and says how each stream
   * fared. Exit code 2 when records were left in a spool or dropped.
   */
  async close(report: (line: string) => void): Promise<number> {
    const summaries = await Promise.all(this.sinks.map((sink) => sink.close(this.flushTimeout * 1000)));
    let exitCode = 0;
    for (const s of summaries) {
      for (const line of summaryLines(s)) report(line);
      if (s.left > 0 || s.dropped > 0) exitCode = 2;
    }
    return exitCode;
  }
}

/** How one stream fared, in a line or two; never the credentials. */
export function summaryLines(s: StreamSinkSummary): string[] {
  const lines: string[] = [];
  const viaSpool = s.fromSpool > 0 ? ` (${s.fromSpool} of them after waiting in the spool)` : '';
  lines.push(`${s.target}: ${s.written} record(s) written to stream ${sanitizeForTerminal(s.streamKey, 200)}${viaSpool}`);
  const why = s.problem !== null ? `: ${s.problem.message}` : '';
  if (s.left > 0) lines.push(`${s.target}: ${s.left} record(s) not delivered${why}; kept in the spool ${s.spoolDir}, sent by the next run with the same --sensor, --output and --spool-dir`);
  if (s.dropped > 0) lines.push(`${s.target}: ${s.dropped} record(s) dropped: the spool ${s.spoolDir} was full (--spool-max)`);
  return lines;
}

/** Entries each stream is trimmed to by default: about 6 GB of Redis memory at the record sizes in docs/fleet.md. */
export const DEFAULT_MAXLEN = 1_000_000;
export const DEFAULT_SPOOL_MAX = 1e9;

/**
 * The record-shipping options analyze and live share (--output, --sensor, the Redis stream and spool settings), added
 * to `command` with their types (read back with outputFlagsOf).
 */
export function withOutputOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  const help = outputOptionHelp();
  return command
    .option('--output <target>', help.output, collect, [] as string[])
    .option('--sensor <name>', help.sensor)
    .option('--redis-maxlen <n>', help.redisMaxlen, nonNegativeInteger, DEFAULT_MAXLEN)
    .option('--spool-dir <dir>', help.spoolDir)
    .option('--spool-max <size>', help.spoolMax, parseSize, DEFAULT_SPOOL_MAX)
    .option('--flush-timeout <seconds>', help.flushTimeout, nonNegativeSeconds, 10);
}
