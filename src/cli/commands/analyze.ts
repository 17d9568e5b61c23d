import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConnectionRecord } from '../../model/record.js';
import { sanitizeForTerminal } from '../../model/sanitize.js';
import { analyzeFile, type FileSummary } from '../../pipeline/analyze-file.js';
import { createTrustStore, type TrustStore } from '../../tls/trust-store.js';
import { readCaFile } from '../ca-file.js';
import { expandInputs } from '../inputs.js';
import { KEYLOG_OPTION_HELP, loadKeyLogs } from '../keylog.js';
import type { KeyLog } from '../../tls/decrypt/keylog.js';
import { PacedWriter } from '../output/paced-writer.js';
import { checkFormatAndDetail, DETAILS, RECORD_FORMATS, recordWriter, type RecordFormat } from '../output/formats.js';
import { inMemoryRecordJson } from '../output/ndjson.js';
import type { RecordDetail } from '../../model/record-lean.js';
import { diagnosisLines, recordToTextLine, TEXT_HEADER } from '../output/text.js';
import { collect, collectPort, positiveSeconds, TLS_PORT_HELP, type CommandContext } from '../program.js';
import { outputFlagsOf, RecordOutputs, withOutputOptions, type OutputFlags } from '../record-outputs.js';
import { loadTui } from '../../ui/load.js';
import { readSystemTrust } from '../system-trust.js';
import { ShardPool } from '../../pipeline/analyze-sharded.js';
import { recordRenderer, type RenderSetup } from '../output/render.js';
import { ANALYZE_WORKER, JOBS_HELP, parseJobs, shardsFor, type Jobs } from '../jobs.js';

/** `tlsdiag analyze <captures...>` — the default command. */
export function registerAnalyze({ program, setExitCode }: CommandContext): void {
  withOutputOptions(
    program
      .command('analyze', { isDefault: true })
      .description('analyze capture files (pcap, pcapng, gzip) or folders of them')
      .argument('<captures...>', 'capture files or folders')
      .option('--format <format>', `output: text or ${RECORD_FORMATS.join(', ')}`, 'text')
      .option('--detail <level>', 'ndjson record detail: lean, or full (every offered suite, group, signature algorithm, the timeline)', 'lean')
      .option('--handshake-timeout <seconds>', 'a ClientHello unanswered this long is a server timeout', positiveSeconds, 10)
      .option('--ca <file>', 'extra trusted CA certificates (PEM, or one DER certificate), e.g. a private CA; repeat for several', collect, [] as string[])
      .option('--tls-port <port>', TLS_PORT_HELP, collectPort, [] as number[])
      .option('--keylog <file>', KEYLOG_OPTION_HELP, collect, [] as string[])
      .option('--failed', 'only failed connections')
      .option('--jobs <n>', JOBS_HELP, parseJobs, 'auto' as Jobs)
      .option('--no-tui', 'print text even on a terminal (the terminal UI opens only when stdin and stdout are terminals)'),
  )
    .action(async (captures, options) => {
      const checked = checkFormatAndDetail(options.format, options.detail, (line) => process.stderr.write(line));
      if (checked === null) {
        setExitCode(2);
        return;
      }
      const { format, detail } = checked;
      const toStdout = options.output.length === 0 || options.output.includes('-');
      const interactive = toStdout && options.tui && format === 'text' && process.stdout.isTTY === true && process.stdin.isTTY === true;
      setExitCode(
        await (interactive ? runAnalyzeTui : runAnalyze)(captures, {
          format,
          detail,
          handshakeTimeout: options.handshakeTimeout,
          caFiles: options.ca ?? [],
          tlsPorts: options.tlsPort ?? [],
          keylogs: options.keylog ?? [],
          failedOnly: options.failed === true,
          jobs: options.jobs,
          outputs: outputFlagsOf(options),
        }),
      );
    });
}


export interface AnalyzeCommandOptions {
  format: 'text' | RecordFormat;
  /** how much of each record NDJSON carries (docs/record.md); lean when not given */
  detail?: RecordDetail;
  handshakeTimeout: number;
  caFiles: string[];
  /** --tls-port: extra ports on which payload-less connects are reported */
  tlsPorts: number[];
  /** --keylog values: files, or 'env' for $SSLKEYLOGFILE */
  keylogs?: string[];
  failedOnly: boolean;
  /** worker threads per capture (--jobs); one thread when not given */
  jobs?: Jobs;
  /** where records go besides (or instead of) standard output; absent: standard output only */
  outputs?: OutputFlags;
}

const STDOUT_ONLY: OutputFlags = { output: [], redisMaxlen: 0, spoolMax: 1, flushTimeout: 0 };

/** Opens the record outputs, or prints why not (a usage problem) and returns null. */
async function openOutputs(options: AnalyzeCommandOptions, notice: (message: string) => void): Promise<RecordOutputs | null> {
  try {
    return await RecordOutputs.open(options.outputs ?? STDOUT_ONLY, inMemoryRecordJson, notice);
  } catch (error) {
    process.stderr.write(`tlsdiag: ${(error as Error).message}\n`);
    return null;
  }
}

const stderrNotice = (message: string) => process.stderr.write(`tlsdiag: ${sanitizeForTerminal(message, 600)}\n`);

interface PreparedInputs {
  trustStore: TrustStore;
  /** what the trust store was made of (the host's roots and --ca files), for worker threads to make their own */
  caPems: string[];
  secrets: KeyLog | undefined;
  /** the --keylog texts, for worker threads */
  keyLogTexts: string[];
  /** what reading the key logs found worth saying (counts, line numbers; never content) */
  keyLogMessages: string[];
  files: string[];
  /** CA files and inputs that could not be read, in that order */
  problems: { path: string; reason: string }[];
  /** nothing was named that could hold a capture */
  empty: boolean;
}

/** The trust store (with --ca files) and the capture files the arguments name. */
async function prepareInputs(paths: string[], caFiles: string[], keylogs: readonly string[]): Promise<PreparedInputs> {
  const problems: PreparedInputs['problems'] = [];
  const system = await readSystemTrust();
  if (system.problem) process.stderr.write(`tlsdiag: ${sanitizeForTerminal(system.problem)}\n`);
  const caPems: string[] = [...system.pems];
  for (const file of caFiles) {
    const ca = await readCaFile(file);
    if ('pem' in ca) caPems.push(ca.pem);
    else problems.push({ path: file, reason: `cannot use CA file: ${ca.error}` });
  }
  const trustStore = createTrustStore(caPems);
  const keyLogs = await loadKeyLogs(keylogs);
  for (const problem of keyLogs.problems) problems.push({ path: '--keylog', reason: problem });
  const { files, missing } = await expandInputs(paths);
  problems.push(...missing);
  return {
    trustStore,
    caPems,
    secrets: keyLogs.keyLog,
    keyLogTexts: keyLogs.texts,
    keyLogMessages: keyLogs.messages,
    files,
    problems,
    empty: files.length === 0 && missing.length === 0,
  };
}

/** A regular file (not standard input, a named pipe or a device): its records may be written in batches. */
async function isRegularFile(path: string): Promise<boolean> {
  if (path === '-') return false;
  return (await stat(path).catch(() => null))?.isFile() === true;
}

/**
 * Bytes of output gathered into one write when a regular file is read (see PacedWriter): the records of about
 * 40 connections. Records of a capture read from a pipe are written as they are decided.
 */
const OUTPUT_BATCH = 64 * 1024;

/** Text lines are sorted by start time in batches of this many connections. */
const TEXT_SORT_BATCH = 10_000;

/** Exit codes: 0 all files read, 2 some file could not be read (the others were still analyzed). */
export async function runAnalyze(paths: string[], options: AnalyzeCommandOptions): Promise<number> {
  let exitCode = 0;
  const fail = (path: string, reason: string) => {
    process.stderr.write(`tlsdiag: ${sanitizeForTerminal(path)}: ${reason}\n`);
    exitCode = 2;
  };

  const { trustStore, caPems, secrets, keyLogTexts, keyLogMessages, files, problems, empty } = await prepareInputs(paths, options.caFiles, options.keylogs ?? []);
  for (const p of problems) fail(p.path, p.reason);
  for (const message of keyLogMessages) process.stderr.write(`tlsdiag: ${message}\n`);
  if (empty) {
    process.stderr.write('tlsdiag: no capture files found\n');
    return 2;
  }
  const outputs = await openOutputs(options, stderrNotice);
  if (outputs === null) return 2;
  const toStdout = outputs.stdout;

  // every write respects the reader's pace: the analysis pauses while stdout's buffer is full
  const out = new PacedWriter(process.stdout);
  const counts = { established: 0, failed: 0, incomplete: 0 };
  const causes = new Map<string, number>();
  const writer = options.format === 'text' ? null : recordWriter(options.format, options.detail ?? 'lean');
  if (toStdout) out.write(writer === null ? TEXT_HEADER + '\n' : writer.header());

  let pool: ShardPool | null = null;
  const render = recordRenderer({ format: options.format, detail: options.detail ?? 'lean', failedOnly: options.failedOnly, sensor: null });
  const jobs = options.jobs ?? 1;

  for (const file of files) {
    let texts: { firstTs: number; text: string | Buffer }[] = [];
    let headerWritten = false;
    // Connections are decided as they end; a reader wants them in the order they began. Sorting is done in batches
    // so that memory stays bounded by open connections, not by the size of the capture.
    const flushText = () => {
      if (!headerWritten) {
        out.write(`\n${sanitizeForTerminal(file)}\n`);
        headerWritten = true;
      }
      texts.sort((a, b) => a.firstTs - b.firstTs);
      for (const { text } of texts) out.write(text);
      texts = [];
    };
    const take = (text: string | Buffer, firstTs: number) => {
      if (!toStdout) return;
      if (writer !== null) out.write(text);
      else {
        texts.push({ firstTs, text });
        if (texts.length >= TEXT_SORT_BATCH) flushText();
      }
    };
    let summary: FileSummary;
    try {
      const onWaiting = (what: string) => process.stderr.write(`tlsdiag: ${sanitizeForTerminal(file)}: ${what}\n`);
      const regular = await isRegularFile(file);
      out.gather(regular ? OUTPUT_BATCH : 0);
      const shards = outputs.shipping || !regular ? 1 : await shardsFor(file, jobs);
      if (shards > 1) {
        // the workers stay for the next capture: a folder of captures pays their start once
        if (pool !== null && pool.jobs !== shards) await pool.close();
        if (pool === null || pool.jobs !== shards) {
          pool = new ShardPool({
            jobs: shards,
            workerEntry: ANALYZE_WORKER,
            handshakeTimeout: options.handshakeTimeout,
            caPems,
            tlsPorts: options.tlsPorts,
            keyLogTexts,
            render: { format: options.format, detail: options.detail ?? 'lean', failedOnly: options.failedOnly, sensor: outputs.stamp ? outputs.sensor : null } satisfies RenderSetup,
          });
        }
        const sharded = await pool.analyze(file, { output: out, onWaiting }, take);
        for (const key of ['established', 'failed', 'incomplete'] as const) counts[key] += sharded.outcomes[key];
        for (const [code, n] of sharded.causes) causes.set(code, (causes.get(code) ?? 0) + n);
        summary = sharded;
      } else {
        const onRecord = (decided: ConnectionRecord) => {
          const record = outputs.prepare(decided);
          counts[record.outcome]++;
          if (record.diagnosis) causes.set(record.diagnosis.code, (causes.get(record.diagnosis.code) ?? 0) + 1);
          if (options.failedOnly && record.outcome !== 'failed') return;
          outputs.ship(record);
          const text = toStdout ? render(record) : null;
          if (text !== null) take(text, record.firstTs);
        };
        summary = await analyzeFile(
          file,
          { handshakeTimeout: options.handshakeTimeout, trustStore, tlsPorts: options.tlsPorts, secrets, output: out, onWaiting },
          onRecord,
        );
      }
    } catch (error) {
      fail(file, failureReason(file, error));
      continue;
    }
    for (const note of summary.notes) process.stderr.write(`tlsdiag: ${sanitizeForTerminal(file)}: ${sanitizeForTerminal(note, 300)}\n`);
    if (toStdout && options.format === 'text') {
      if (!headerWritten) {
        out.write(`\n${sanitizeForTerminal(file)} (${summary.format}${summary.gzip ? ', gzip' : ''}, ${summary.frames} frames)\n`);
        headerWritten = true;
      }
      flushText();
    }
    await out.drained();
  }

  await pool?.close();
  if (writer !== null && toStdout) out.write(writer.trailer());
  if (options.format === 'text') {
    // with records going only to Redis, the closing counts still tell the person at the terminal what was seen
    const summaryOut = toStdout ? out : process.stderr;
    const total = counts.established + counts.failed + counts.incomplete;
    summaryOut.write(`\n${total} TLS connection(s): ${counts.established} established, ${counts.failed} failed, ${counts.incomplete} incomplete\n`);
    for (const [code, n] of [...causes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) summaryOut.write(`  ${String(n).padStart(5)}  ${code}\n`);
  }
  await out.drained();
  const delivery = await outputs.close((line) => process.stderr.write(`tlsdiag: ${line}\n`));
  return Math.max(exitCode, delivery);
}

/**
 * The same analysis in the terminal UI: records appear as the files are read; unreadable inputs become notices on
 * screen. Exit codes as for text output. Ink and React are loaded only here, so text and NDJSON runs never pay for them.
 */
export async function runAnalyzeTui(paths: string[], options: AnalyzeCommandOptions): Promise<number> {
  const { trustStore, secrets, keyLogMessages, files, problems } = await prepareInputs(paths, options.caFiles, options.keylogs ?? []);
  if (files.length === 0) {
    for (const p of problems) process.stderr.write(`tlsdiag: ${sanitizeForTerminal(p.path)}: ${p.reason}\n`);
    if (problems.length === 0) process.stderr.write('tlsdiag: no capture files found\n');
    return 2;
  }
  // the screen is the UI's while it runs: what the Redis outputs have to say is printed after it closes
  const deferred: string[] = [];
  const outputs = await openOutputs(options, (message) => deferred.push(message));
  if (outputs === null) return 2;
  const [{ runTui }, { createFileFeed }] = await Promise.all([loadTui(), import('../../ui/file-feed.js')]);
  const feed = createFileFeed(files, {
    handshakeTimeout: options.handshakeTimeout,
    trustStore,
    tlsPorts: options.tlsPorts,
    secrets,
    notices: [...problems.map((p) => `${p.path}: ${p.reason}`), ...keyLogMessages],
  });
  if (outputs.shipping) {
    const ignore = () => undefined;
    feed.subscribe({
      record: (record) => {
        if (!options.failedOnly || record.outcome === 'failed') outputs.ship(outputs.prepare(record));
      },
      progress: ignore,
      notice: ignore,
      finished: ignore,
    });
  }
  const names = files.map((f) => basename(f));
  const title = names.length === 1 ? names[0] : `${names.length} captures: ${names.join(', ')}`;
  await runTui(feed, { title: sanitizeForTerminal(title, 400), live: false, failedOnly: options.failedOnly });
  feed.stop();
  const result = await feed.done;
  for (const message of deferred) stderrNotice(message);
  const delivery = await outputs.close((line) => process.stderr.write(`tlsdiag: ${line}\n`));
  return Math.max(problems.length > 0 || result.failedFiles > 0 ? 2 : 0, delivery);
}

/** A CaptureError's message starts with the path (which may hold ': ' itself): the line printed names the file once. */
function failureReason(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
  return sanitizeForTerminal(reason || 'cannot be read', 300);
}
