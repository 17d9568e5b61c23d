import { InvalidArgumentError } from '@commander-js/extra-typings';
import { stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { RULES } from '../../diagnose/index.js';
import { sanitizeForTerminal } from '../../model/sanitize.js';
import { readInputs } from '../../pipeline/worker-pool.js';
import { HeapGuard } from '../../pipeline/heap-guard.js';
import { Aggregator, formatForPath, formatProgress, isReportFormat, REPORT_FORMATS, UNDIAGNOSED, type ReportFormat } from '../../report/index.js';
import type { Report } from '../../report/index.js';
import { readCaFile } from '../ca-file.js';
import { CAPTURE_NAME, describeFsError, distinctFiles, expandInputs } from '../inputs.js';
import { KEYLOG_OPTION_HELP, loadKeyLogs } from '../keylog.js';
import { collect, collectPort, positiveSeconds, TLS_PORT_HELP, type CommandContext } from '../program.js';
import { readSystemTrust } from '../system-trust.js';
import { parseTimePoint } from '../time-window.js';
import { RedisReportSource, type StreamSelection } from './report-redis.js';
import { isSensorName } from '../../sink/stamp.js';
import { rename } from 'node:fs/promises';

/** Picked out of folders: capture names, and NDJSON record files from `analyze --format ndjson` or `live`. */
const REPORT_INPUT_NAME = new RegExp(`${CAPTURE_NAME.source}|\\.(ndjson|jsonl)$`, 'i');

/** Cause codes --fail-on accepts besides 'any'. */
const FAIL_ON_CODES: ReadonlySet<string> = new Set([...RULES.map((entry) => entry.code), UNDIAGNOSED]);

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/**
 * Worker threads a report starts at most, whatever the host. Each is an isolate with its own heap and takes a share of
 * the memory budget (never under 32 MB, src/pipeline/worker-pool.ts): 1,000 of them held 0.7–0.9 GB for 60 tiny files.
 */
export const MAX_REPORT_JOBS = 32;

/**
 * The workers a report uses for `requested` (null: not asked): at most one per core, since reading a capture is CPU
 * bound and more threads than cores only add heaps, and at most MAX_REPORT_JOBS. A request cut down gets a notice.
 */
export function reportJobs(requested: number | null, cores: number = availableParallelism()): { jobs: number; notice: string | null } {
  const limit = Math.max(1, Math.min(cores, MAX_REPORT_JOBS));
  if (requested === null) return { jobs: limit, notice: null };
  if (requested <= limit) return { jobs: requested, notice: null };
  const why = cores <= MAX_REPORT_JOBS ? `this host's ${cores} core(s)` : `the most a report starts (${MAX_REPORT_JOBS})`;
  return { jobs: limit, notice: `--jobs ${requested} is more than ${why}: using ${limit} worker thread(s)` };
}

/** Heap the aggregation may hold before a collection is asked for: rows are capped (MAX_PEERS per table). */
const REPORT_HEAP_BUDGET = 64 << 20;

/** `tlsdiag report <paths...>` — one report over many captures and NDJSON record files. */
export function registerReport({ program, setExitCode }: CommandContext): void {
  program
    .command('report')
    .description('one report over many captures and NDJSON record files: failures by cause, server, client and over time')
    .argument('[paths...]', 'capture files, NDJSON record files, folders (searched recursively) or quoted globs')
    .option('-o, --output <file>', 'write the report to this file; .md, .html, .csv or .json picks the format (default: Markdown to stdout)')
    .option('--format <format>', 'md, html, csv or json, overriding the output file extension')
    .option('-j, --jobs <n>', `captures analyzed in parallel, one worker thread each (default and most: one per core, at most ${MAX_REPORT_JOBS})`, positiveInteger)
    .option('--fail-on <causes>', "exit 1 when failures with any of these causes (comma-separated codes) are present; 'any' for every failure")
    .option('--handshake-timeout <seconds>', 'a ClientHello unanswered this long is a server timeout', positiveSeconds, 10)
    .option('--ca <file>', 'extra trusted CA certificates (PEM, or one DER certificate), e.g. a private CA; repeat for several', collect, [] as string[])
    .option('--tls-port <port>', TLS_PORT_HELP, collectPort, [] as number[])
    .option('--keylog <file>', KEYLOG_OPTION_HELP, collect, [] as string[])
    .option('--from <url>', 'read the records sensors shipped to Redis instead of files: redis://[user:password@]host:port/KEY (rediss://, redis+cluster://)')
    .option('--since <when>', 'with --from: connections that began at or after this (24h, 30m, 7d back from now, or an ISO date)', (v) => parseTimePoint(v))
    .option('--until <when>', 'with --from: connections that began at or before this', (v) => parseTimePoint(v))
    .option('--sensor <name>', 'with --from: only these sensors; repeat for several', collect, [] as string[])
    .option('--follow', 'with --from and -o: keep reading what sensors add and rewrite the report (Ctrl-C ends)')
    .option('--every <seconds>', 'with --follow: rewrite the report at most this often', positiveSeconds, 10)
    .action(async (paths, options) => {
      setExitCode(
        await runReport(paths, {
          from: options.from ?? null,
          selection: { since: options.since ?? null, until: options.until ?? null, sensors: options.sensor ?? [] },
          follow: options.follow === true,
          every: options.every,
          output: options.output ?? null,
          format: options.format ?? null,
          jobs: options.jobs ?? null,
          failOn: options.failOn ?? null,
          handshakeTimeout: options.handshakeTimeout,
          caFiles: options.ca ?? [],
          tlsPorts: options.tlsPort ?? [],
          keylogs: options.keylog ?? [],
        }),
      );
    });
}

export interface ReportCommandOptions {
  output: string | null;
  format: string | null;
  /** worker threads asked for; null: one per core (either way at most reportJobs' limit) */
  jobs: number | null;
  /** comma-separated cause codes or 'any' */
  failOn: string | null;
  handshakeTimeout: number;
  caFiles: string[];
  tlsPorts: number[];
  /** --keylog values: files, or 'env' for $SSLKEYLOGFILE */
  keylogs?: string[];
  /** a Redis stream URL to read instead of files */
  from?: string | null;
  selection?: StreamSelection;
  follow?: boolean;
  every?: number;
}

function usageError(message: string): number {
  process.stderr.write(`tlsdiag report: ${message}\n`);
  return 2;
}

type FailOn = null | 'any' | Set<string>;

/** Which failures --fail-on names: null when not asked, 'any', or a set of codes; or the usage error. */
function parseFailOn(value: string | null): { failOn: FailOn } | { error: string } {
  if (value === null) return { failOn: null };
  const codes = value.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (codes.includes('any')) return { failOn: 'any' };
  if (codes.length === 0) return { error: "--fail-on needs a cause code or 'any'" };
  const unknown = codes.filter((c) => !FAIL_ON_CODES.has(c));
  if (unknown.length > 0) return { error: `--fail-on: unknown cause ${unknown.map((c) => `'${sanitizeForTerminal(c, 60)}'`).join(', ')} (see docs/causes.md, or use 'any')` };
  return { failOn: new Set(codes) };
}

function failOnMatched(report: Report, failOn: 'any' | Set<string>): boolean {
  if (failOn === 'any') return report.totals.failed > 0;
  return report.causes.some((c) => failOn.has(c.code) && c.count > 0);
}

/**
 * Exit codes: 0 report written; 1 --fail-on matched; 2 usage error, the report could not be written, or no input
 * could be read at all (the report is still written, naming what was skipped and why).
 */
export async function runReport(paths: string[], options: ReportCommandOptions): Promise<number> {
  const format: ReportFormat | null = options.format !== null ? (isReportFormat(options.format) ? options.format : null) : options.output !== null ? formatForPath(options.output) : 'md';
  if (format === null) {
    return usageError(options.format !== null ? `unknown format '${sanitizeForTerminal(options.format, 40)}' (md, html, csv, json)` : 'the output file name must end in .md, .html, .csv or .json (or give --format)');
  }
  const parsedFailOn = parseFailOn(options.failOn);
  if ('error' in parsedFailOn) return usageError(parsedFailOn.error);
  const { failOn } = parsedFailOn;

  const system = await readSystemTrust();
  if (system.problem) process.stderr.write(`tlsdiag: ${sanitizeForTerminal(system.problem)}\n`);
  const caPems: string[] = [...system.pems];
  for (const file of options.caFiles) {
    const ca = await readCaFile(file);
    if ('error' in ca) return usageError(`cannot use CA file ${sanitizeForTerminal(file)}: ${sanitizeForTerminal(ca.error)}`);
    caPems.push(ca.pem);
  }

  const from = options.from ?? null;
  if (from !== null) return runReportFromRedis(from, paths, options, format, failOn);
  if (options.follow) return usageError('--follow needs --from redis://...');
  if (paths.length === 0) return usageError('name capture or NDJSON files, folders or globs, or --from redis://host:port/KEY');
  const keyLogs = await loadKeyLogs(options.keylogs ?? []);
  if (keyLogs.problems.length > 0) return usageError(keyLogs.problems.join('; '));
  for (const message of keyLogs.messages) process.stderr.write(`tlsdiag report: ${message}\n`);

  const { jobs, notice } = reportJobs(options.jobs);
  if (notice !== null) process.stderr.write(`tlsdiag report: ${notice}\n`);

  const aggregator = new Aggregator();
  // a line of its own even while the progress bar is drawn
  const lineStart = process.stderr.isTTY ? '\r\x1b[K' : '';
  const skip = (path: string, reason: string) => {
    aggregator.skip(path, reason);
    process.stderr.write(`${lineStart}tlsdiag: ${sanitizeForTerminal(path)}: ${sanitizeForTerminal(reason, 300)} (skipped)\n`);
  };
  const expanded = await expandInputs(paths, REPORT_INPUT_NAME);
  for (const m of expanded.missing) skip(m.path, m.reason);
  if (expanded.files.length === 0 && expanded.missing.length === 0) return usageError('no capture or NDJSON files found');
  // a file reached twice (named twice, a folder and a glob over it) would have its connections counted twice
  const { files, duplicates } = await distinctFiles(expanded.files);
  for (const d of duplicates) skip(d.path, `the same file as ${d.sameAs}, read once`);

  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size).catch(() => 0)));
  const progress = process.stderr.isTTY ? new ProgressLine(files.length, sizes) : null;
  // the summaries of a flood arrive by the million from the workers: keep this thread's garbage collected too
  const heap = new HeapGuard(REPORT_HEAP_BUDGET);
  let summaries = 0;
  await readInputs(
    files,
    { jobs, handshakeTimeout: options.handshakeTimeout, caPems, tlsPorts: options.tlsPorts, keyLogTexts: keyLogs.texts },
    {
      summary: (summary) => {
        aggregator.add(summary);
        if ((++summaries & 4095) === 0) heap.check();
      },
      progress: (index, bytesRead) => progress?.fileProgress(index, bytesRead),
      done: (index, result) => {
        progress?.fileDone(index);
        aggregator.addInput({ path: files[index], ...result });
      },
      failed: (index, reason, partial) => {
        progress?.fileDone(index);
        skip(files[index], partial > 0 ? `${reason} (${partial} connection(s) read before this are counted)` : reason);
      },
    },
  );
  progress?.close();

  const report = aggregator.report();
  const written = await writeReport(report, format, options.output);
  if (written !== null) return usageError(written);
  if (report.inputs.length === 0) {
    process.stderr.write('tlsdiag report: no input could be read\n');
    return 2;
  }
  if (failOn !== null && failOnMatched(report, failOn)) return 1;
  return 0;
}

/**
 * Writes the report to the file (through a temporary file renamed over it, so a reader never sees half a report —
 * `--follow` rewrites it while people look) or to stdout. Returns the problem in words, or null.
 */
async function writeReport(report: Report, format: ReportFormat, output: string | null): Promise<string | null> {
  const text = REPORT_FORMATS[format](report, { generatedAt: new Date() });
  if (output === null) {
    process.stdout.write(text);
    return null;
  }
  const temporary = `${output}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, output);
    return null;
  } catch (error) {
    return `cannot write ${sanitizeForTerminal(output)}: ${describeFsError(error)}`;
  }
}

/**
 * `report --from redis://...`: the same report from the records in the fleet's streams, with a Sensors section;
 * with --follow, rewritten every --every seconds while sensors add records, until Ctrl-C or SIGTERM.
 */
async function runReportFromRedis(url: string, paths: readonly string[], options: ReportCommandOptions, format: ReportFormat, failOn: FailOn): Promise<number> {
  if (paths.length > 0) return usageError('give either files or --from, not both');
  if (options.follow && options.output === null) return usageError('--follow rewrites a file: give -o report.html (or .md, .csv, .json)');
  const selection = options.selection ?? { since: null, until: null, sensors: [] };
  const badSensor = selection.sensors.find((name) => !isSensorName(name));
  if (badSensor !== undefined) return usageError(`--sensor '${sanitizeForTerminal(badSensor, 80)}' is not a sensor name`);
  const aggregator = new Aggregator();
  let source: RedisReportSource;
  try {
    source = await RedisReportSource.open(url, selection, aggregator);
  } catch (error) {
    return usageError((error as Error).message);
  }
  const snapshot = (): Report => ({ ...aggregator.report(), inputs: source.inputs() });
  try {
    await source.readAll();
  } catch (error) {
    source.close();
    return usageError((error as Error).message);
  }
  let problem = await writeReport(snapshot(), format, options.output);
  if (problem === null && options.follow) {
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    process.stderr.write(`tlsdiag report: following ${source.display}; rewriting ${sanitizeForTerminal(options.output ?? '')} every ${options.every ?? 10} s (Ctrl-C ends)\n`);
    await source.follow(options.every ?? 10, async () => {
      problem = (await writeReport(snapshot(), format, options.output)) ?? problem;
    }, stopped);
    problem = (await writeReport(snapshot(), format, options.output)) ?? problem;
  }
  source.close();
  if (problem !== null) return usageError(problem);
  const report = snapshot();
  if (report.inputs.length === 0) {
    process.stderr.write('tlsdiag report: no stream could be read\n');
    return 2;
  }
  if (failOn !== null && failOnMatched(report, failOn)) return 1;
  return 0;
}

/** The progress bar on stderr, redrawn at most five times a second. Only used when stderr is a terminal. */
class ProgressLine {
  private readonly started = performance.now();
  private readonly read: number[];
  private readonly total: number;
  private filesDone = 0;
  private bytesDone = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly files: number,
    private readonly sizes: readonly number[],
  ) {
    this.read = new Array<number>(files).fill(0);
    this.total = sizes.reduce((a, b) => a + b, 0);
    this.timer = setInterval(() => this.draw(), 200);
    this.timer.unref();
  }

  fileProgress(index: number, bytesRead: number): void {
    this.bytesDone += bytesRead - this.read[index];
    this.read[index] = bytesRead;
  }

  fileDone(index: number): void {
    this.fileProgress(index, this.sizes[index]);
    this.filesDone++;
  }

  private draw(): void {
    const line = formatProgress(
      { filesDone: this.filesDone, files: this.files, bytesDone: this.bytesDone, bytesTotal: this.total, elapsedSeconds: (performance.now() - this.started) / 1000 },
      process.stderr.columns || 80,
    );
    process.stderr.write(`\r\x1b[K${line}`);
  }

  close(): void {
    clearInterval(this.timer);
    process.stderr.write('\r\x1b[K');
  }
}
