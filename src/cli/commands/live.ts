import { loadTui } from '../../ui/load.js';
import { setLongTimeout } from '../long-timeout.js';
import { LiveCaptureError, loadCap, openLiveCapture, wallClockSeconds, type LiveCapture } from '../../capture/live.js';
import { PcapngFileWriter } from '../../capture/pcapng-writer.js';
import type { FrameSink } from '../../capture/types.js';
import type { ConnectionRecord } from '../../model/record.js';
import { sanitizeForTerminal } from '../../model/sanitize.js';
import { Analyzer } from '../../pipeline/analyzer.js';
import { createTrustStore } from '../../tls/trust-store.js';
import type { AnalysisFeed, FeedListener, FeedProgress } from '../../ui/feed.js';
import { readCaFile } from '../ca-file.js';
import { describeFsError } from '../inputs.js';
import { PacedWriter } from '../output/paced-writer.js';
import { CaptureLoss } from '../../pipeline/capture-loss.js';
import type { RecordDetail } from '../../model/record-lean.js';
import { checkFormatAndDetail, DETAILS, RECORD_FORMATS, type RecordFormat } from '../output/formats.js';
import { inMemoryRecordJson } from '../output/ndjson.js';
import { noticePrinter, printableLines, recordPrinter, textPrinter } from '../output/live-printers.js';
import { KEYLOG_OPTION_HELP, KeyLogFollower, keyLogPaths } from '../keylog.js';
import { collect, collectPort, positiveSeconds, TLS_PORT_HELP, type CommandContext } from '../program.js';
import { readSystemTrust } from '../system-trust.js';
import { outputFlagsOf, RecordOutputs, withOutputOptions, type OutputFlags } from '../record-outputs.js';


/** How often time is let pass in the analysis (wall-clock timeouts, idle eviction), the file flushed, progress told. */
const TICK_MS = 500;
/** Records kept to replay to a UI that subscribes late; older ones were shown already. */
const REPLAY_RECORDS = 1000;
/** Seconds a connection closed by both FINs waits for stragglers in live mode. */
const LIVE_LINGER_SECONDS = 1;
const DROPS_UNKNOWN =
  'kernel drops: not reported (the packet-statistics addon is not built: `npm run build` builds it where a C compiler is installed)';
/** Bytes of printed records allowed to wait for a slow reader before packets are skipped (and counted as lost). */
const LIVE_OUTPUT_SLACK = 8 << 20;
/** Seconds between two notices that the capture is losing packets. */
const LOSS_NOTICE_SECONDS = 10;

/** `tlsdiag live -i <interface>` — sniff an interface and diagnose TLS handshakes as they happen. */
export function registerLive({ program, setExitCode }: CommandContext): void {
  withOutputOptions(
    program
      .command('live')
      .description('capture on a network interface and diagnose TLS handshakes as they happen (needs root or CAP_NET_RAW)')
      .requiredOption('-i, --interface <name>', 'interface to capture on (tlsdiag interfaces lists them; "any" for all)')
      .option('-f, --filter <bpf>', 'capture filter, pcap-filter(7) syntax as for tcpdump', 'tcp')
      .option('-w, --write <file>', 'also save the captured packets to this pcapng file')
      .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)', positiveSeconds)
      .option('--format <format>', `output: text or ${RECORD_FORMATS.join(', ')} (one record per line as each connection is decided)`, 'text')
      .option('--detail <level>', 'ndjson record detail: lean, or full (every offered suite, group, signature algorithm, the timeline)', 'lean')
      .option('--handshake-timeout <seconds>', 'a SYN or ClientHello unanswered this long is a timeout', positiveSeconds, 10)
      .option('--ca <file>', 'extra trusted CA certificates (PEM, or one DER certificate), e.g. a private CA; repeat for several', collect, [] as string[])
      .option('--tls-port <port>', TLS_PORT_HELP, collectPort, [] as number[])
      .option('--keylog <file>', `${KEYLOG_OPTION_HELP}; re-read as it grows`, collect, [] as string[])
      .option('--failed', 'only failed connections')
      .option('--no-tui', 'plain lines even on a terminal'),
  )
    .action(async (options) => {
      // Before anything else: without libpcap's binding nothing below can run, and the fix is an install step.
      if (!(await capLoads())) {
        setExitCode(2);
        return;
      }
      const checked = checkFormatAndDetail(options.format, options.detail, (line) => process.stderr.write(line));
      if (checked === null) {
        setExitCode(2);
        return;
      }
      const { format, detail } = checked;
      setExitCode(
        await runLive({
          device: options.interface,
          filter: options.filter,
          write: options.write ?? null,
          duration: options.duration ?? null,
          format,
          detail,
          handshakeTimeout: options.handshakeTimeout,
          caFiles: options.ca ?? [],
          tlsPorts: options.tlsPort ?? [],
          keylogs: options.keylog ?? [],
          failedOnly: options.failed === true,
          tui:
            options.tui !== false &&
            format === 'text' &&
            (options.output.length === 0 || options.output.includes('-')) &&
            process.stdout.isTTY === true &&
            process.stdin.isTTY === true,
          outputs: outputFlagsOf(options),
        }),
      );
    });
}

/** Loads the optional capture binding; where it cannot load, says why and what to install, and returns false. */
async function capLoads(): Promise<boolean> {
  try {
    await loadCap();
    return true;
  } catch (error) {
    if (!(error instanceof LiveCaptureError)) throw error;
    process.stderr.write(`tlsdiag: ${sanitizeForTerminal(error.message, 500)}\n${printableLines(error.hint)}`);
    return false;
  }
}

export interface LiveCommandOptions {
  device: string;
  filter: string;
  write: string | null;
  duration: number | null;
  format: 'text' | RecordFormat;
  /** how much of each record NDJSON carries (docs/record.md); lean when not given */
  detail?: RecordDetail;
  handshakeTimeout: number;
  caFiles: string[];
  tlsPorts: number[];
  /** --keylog values: files (followed as they grow), or 'env' for $SSLKEYLOGFILE */
  keylogs?: string[];
  failedOnly: boolean;
  tui: boolean;
  /** where records go besides (or instead of) standard output; absent: standard output only */
  outputs?: OutputFlags;
}

/** Exit codes: 0 the capture ran and ended (duration, Ctrl-C, SIGTERM); 2 it could not start, or the file failed. */
export async function runLive(options: LiveCommandOptions): Promise<number> {
  const system = await readSystemTrust();
  if (system.problem) process.stderr.write(`tlsdiag: ${sanitizeForTerminal(system.problem)}\n`);
  const caPems: string[] = [...system.pems];
  for (const file of options.caFiles) {
    const ca = await readCaFile(file);
    if ('error' in ca) {
      process.stderr.write(`tlsdiag: ${sanitizeForTerminal(file)}: cannot use CA file: ${sanitizeForTerminal(ca.error)}\n`);
      return 2;
    }
    caPems.push(ca.pem);
  }

  const { paths: keyLogPathList, problems: keyLogProblems } = keyLogPaths(options.keylogs ?? []);
  if (keyLogProblems.length > 0) {
    for (const problem of keyLogProblems) process.stderr.write(`tlsdiag: ${problem}\n`);
    return 2;
  }
  const feed = new LiveFeed(options.device);
  const keyLogs = keyLogPathList.length === 0 ? null : new KeyLogFollower(keyLogPathList, (message) => feed.notice(message));
  await keyLogs?.poll();
  let outputs: RecordOutputs;
  try {
    outputs = await RecordOutputs.open(options.outputs ?? { output: [], redisMaxlen: 0, spoolMax: 1, flushTimeout: 0 }, inMemoryRecordJson, (message) => feed.notice(message));
  } catch (error) {
    process.stderr.write(`tlsdiag: ${(error as Error).message}\n`);
    return 2;
  }
  // printed lines respect the reader's pace: while stdout is backed up the analysis skips packets (counted as lost)
  const out = options.tui ? null : new PacedWriter(process.stdout, { slack: LIVE_OUTPUT_SLACK });
  const loss = new CaptureLoss();
  const analyzer = new Analyzer(
    options.device,
    {
      handshakeTimeout: options.handshakeTimeout,
      trustStore: createTrustStore(caPems),
      tlsPorts: options.tlsPorts,
      wallClock: true,
      // a closed connection is reported within a second, not after the 4 s a file analysis lets stragglers land
      // the key log is read every tick: a connection that closes at once after its handshake waits for that read
      flows: { lingerSeconds: LIVE_LINGER_SECONDS, lingerAfterClose: keyLogs !== null },
      secrets: keyLogs?.keyLog,
      ...(out === null ? {} : { output: out }),
    },
    (decided) => {
      loss.qualify(decided);
      const record = outputs.prepare(decided);
      feed.record(record);
      if (!options.failedOnly || record.outcome === 'failed') outputs.ship(record);
    },
  );
  const tee = new TeeSink(analyzer);

  let capture: LiveCapture;
  try {
    capture = await openLiveCapture({ device: options.device, filter: options.filter }, tee);
  } catch (error) {
    await outputs.close(() => undefined);
    if (!(error instanceof LiveCaptureError)) throw error;
    process.stderr.write(`tlsdiag: ${sanitizeForTerminal(error.message, 500)}\n`);
    if (error.hint !== '') process.stderr.write(printableLines(error.hint));
    return 2;
  }
  // No packet is delivered before this turn of the event loop ends: the writer made here misses none.
  if (options.write !== null) {
    tee.writer = new PcapngFileWriter(options.write, {
      linkType: capture.linkType,
      snaplen: 65535,
      name: options.device,
      application: 'tlsdiag live',
    });
    const failed = await tee.writer.ready();
    if (failed !== null) {
      capture.close();
      await outputs.close(() => undefined);
      process.stderr.write(`tlsdiag: ${sanitizeForTerminal(options.write)}: cannot write: ${describeFsError(failed)}\n`);
      return 2;
    }
  }

  const session = new LiveSession(capture, analyzer, tee, feed, options.duration, loss, keyLogs);
  const output = options.tui ? await startTui(feed, options.device, options.failedOnly) : null;
  if (output !== null && capture.kernelDrops === null) feed.notice(DROPS_UNKNOWN);
  if (output === null) {
    const until = options.duration === null ? 'until Ctrl-C' : `for ${options.duration} s (or until Ctrl-C)`;
    const filter = options.filter === '' ? 'no filter' : `filter "${options.filter}"`;
    process.stderr.write(`tlsdiag: capturing on ${sanitizeForTerminal(options.device)} (${sanitizeForTerminal(filter, 500)}) ${until}\n`);
    if (outputs.stdout) {
      feed.subscribe(
        options.format === 'text' ? textPrinter(out!, options.failedOnly) : recordPrinter(out!, options.format, options.detail ?? 'lean', options.failedOnly),
      );
    } else feed.subscribe(noticePrinter());
  }
  const summary = summaryCollector();
  feed.subscribe(summary.listener);

  await session.run();
  await output?.exited;

  let exitCode = 0;
  const writeError = tee.writer === null ? null : await tee.writer.close();
  const err = process.stderr;
  for (const line of keyLogs?.summaries() ?? []) err.write(`tlsdiag: ${line}\n`);
  for (const note of analyzer.notes) err.write(`tlsdiag: ${sanitizeForTerminal(options.device)}: ${sanitizeForTerminal(note, 300)}\n`);
  if (capture.sinkError !== null) err.write(`tlsdiag: internal error on a packet: ${sanitizeForTerminal(capture.sinkError, 300)}\n`);
  if (writeError !== null) {
    err.write(`tlsdiag: ${sanitizeForTerminal(options.write ?? '')}: writing failed: ${describeFsError(writeError)}\n`);
    exitCode = 2;
  }
  // machine-readable output keeps stdout to records alone: the summary goes to stderr there (and when records go only to Redis)
  const summaryOut = options.format === 'text' && outputs.stdout ? process.stdout : err;
  summaryOut.write(summary.text(session, capture, tee) + '\n');
  const delivery = await outputs.close((line) => err.write(`tlsdiag: ${line}\n`));
  return Math.max(exitCode, delivery);
}

/**
 * Each frame to the analysis and, with --write, to the file. While the analysis's output is backed up (a slow reader
 * of stdout) a live capture cannot wait: frames go to the file but not to the analysis, and are counted as lost.
 */
class TeeSink implements FrameSink {
  writer: PcapngFileWriter | null = null;
  skippedWhileBlocked = 0;

  constructor(private readonly analyzer: Analyzer) {}

  frame(data: Buffer, ts: number, linkType: number, origLen: number): void {
    if (this.writer !== null) this.writer.packet(data, ts, origLen);
    if (this.analyzer.paused) this.skippedWhileBlocked++;
    else this.analyzer.frame(data, ts, linkType, origLen);
  }
}

/**
 * Runs the capture until --duration, Ctrl-C / SIGTERM or the UI's stop: lets wall-clock time pass in the analysis
 * every tick, flushes the file, tells progress; then closes the capture and ends every open connection at that time.
 */
class LiveSession {
  readonly startedAt = wallClockSeconds();
  endedAt = 0;
  private stopRequested: (() => void) | null = null;
  private lastPackets = 0;
  private lastTickAt = this.startedAt;
  private packetsPerSecond = 0;
  private lossNoticed = 0;
  private lossNoticedAt = 0;

  constructor(
    private readonly capture: LiveCapture,
    private readonly analyzer: Analyzer,
    private readonly tee: TeeSink,
    private readonly feed: LiveFeed,
    private readonly duration: number | null,
    private readonly loss: CaptureLoss,
    private readonly keyLogs: KeyLogFollower | null = null,
  ) {
    feed.onStop = () => this.stopRequested?.();
  }

  async run(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.stopRequested = resolve;
    });
    const stop = () => this.stopRequested?.();
    const ticker = setInterval(() => this.tick(), TICK_MS);
    // --duration may exceed setTimeout's 24.8 days: a long timer waits in pieces
    const timer = this.duration === null ? null : setLongTimeout(stop, this.duration * 1000);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      await stopped;
    } finally {
      clearInterval(ticker);
      timer?.clear();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      this.capture.close();
      this.endedAt = wallClockSeconds();
      this.loss.observe((this.capture.kernelDrops ?? 0) + this.tee.skippedWhileBlocked, this.lastTickAt, this.endedAt);
      this.analyzer.finish(this.endedAt);
      this.feed.progress(this.progress(this.endedAt));
      this.feed.finished();
    }
  }

  private tick(): void {
    // clients append a session's secrets as they derive them: read what came before connections are decided
    void this.keyLogs?.poll();
    const now = wallClockSeconds();
    this.capture.refreshStatistics();
    this.loss.observe((this.capture.kernelDrops ?? 0) + this.tee.skippedWhileBlocked, this.lastTickAt, now);
    this.noticeLoss(now);
    this.analyzer.tick(now);
    this.tee.writer?.flush();
    const elapsed = now - this.lastTickAt;
    if (elapsed > 0) this.packetsPerSecond = (this.capture.packets - this.lastPackets) / elapsed;
    this.lastPackets = this.capture.packets;
    this.lastTickAt = now;
    this.feed.progress(this.progress(now));
  }

  /** Says once, then at most every LOSS_NOTICE_SECONDS, that packets are being lost and what that means. */
  private noticeLoss(now: number): void {
    const kernel = this.capture.kernelDrops ?? 0;
    const skipped = this.tee.skippedWhileBlocked;
    const lost = kernel + skipped;
    if (lost <= this.lossNoticed || now - this.lossNoticedAt < LOSS_NOTICE_SECONDS) return;
    this.lossNoticed = lost;
    this.lossNoticedAt = now;
    const parts = [];
    if (kernel > 0) parts.push(`${kernel} dropped by the kernel`);
    if (skipped > 0) parts.push(`${skipped} not analyzed while the output was blocked`);
    this.feed.notice(
      `packets lost so far: ${parts.join(', ')}; failures of connections open meanwhile are withheld (reported incomplete)`,
    );
  }

  progress(_now: number): FeedProgress {
    return {
      sources: [this.capture.device],
      live: true,
      bytesRead: this.capture.bytes,
      totalBytes: null,
      packets: this.capture.packets,
      packetsPerSecond: Math.round(this.packetsPerSecond),
      kernelDrops: this.capture.kernelDrops === null ? null : this.capture.kernelDrops + this.tee.skippedWhileBlocked,
      openConnections: this.analyzer.openConnections,
    };
  }
}

/** The live analysis as the UI (or a printer) sees it: records as decided, progress every tick. */
class LiveFeed implements AnalysisFeed {
  onStop: (() => void) | null = null;
  private readonly listeners = new Set<FeedListener>();
  private readonly recent: ConnectionRecord[] = [];
  private readonly notices: string[] = [];
  private done = false;

  constructor(readonly device: string) {}

  subscribe(listener: FeedListener): () => void {
    for (const record of this.recent) listener.record(record);
    for (const message of this.notices) listener.notice(message);
    if (this.done) listener.finished();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.onStop?.();
  }

  record(record: ConnectionRecord): void {
    this.recent.push(record);
    // trimmed in batches: shifting one out per record would move the whole array at every record
    if (this.recent.length >= 2 * REPLAY_RECORDS) this.recent.splice(0, this.recent.length - REPLAY_RECORDS);
    for (const listener of this.listeners) listener.record(record);
  }

  progress(progress: FeedProgress): void {
    for (const listener of this.listeners) listener.progress(progress);
  }

  notice(message: string): void {
    this.notices.push(message);
    for (const listener of this.listeners) listener.notice(message);
  }

  finished(): void {
    this.done = true;
    for (const listener of this.listeners) listener.finished();
  }
}

const ignore = () => undefined;

/** Counts for the summary printed at the end. */
function summaryCollector() {
  const counts = { established: 0, failed: 0, incomplete: 0 };
  const causes = new Map<string, number>();
  const listener: FeedListener = {
    record(record) {
      counts[record.outcome]++;
      if (record.diagnosis) causes.set(record.diagnosis.code, (causes.get(record.diagnosis.code) ?? 0) + 1);
    },
    progress: ignore,
    notice: ignore,
    finished: ignore,
  };
  const text = (session: LiveSession, capture: LiveCapture, tee: TeeSink): string => {
    const writer = tee.writer;
    const seconds = Math.max(0, session.endedAt - session.startedAt);
    const rate = seconds > 0 ? Math.round(capture.packets / seconds) : 0;
    const total = counts.established + counts.failed + counts.incomplete;
    const lines = [
      '',
      `live capture on ${sanitizeForTerminal(capture.device)} for ${seconds.toFixed(1)} s: ${capture.packets} packets (${rate}/s), ` +
        (capture.kernelDrops === null ? DROPS_UNKNOWN : `${capture.kernelDrops} dropped by the kernel`) +
        (tee.skippedWhileBlocked > 0 ? `, ${tee.skippedWhileBlocked} not analyzed while the output was blocked` : ''),
      `${total} TLS connection(s): ${counts.established} established, ${counts.failed} failed, ${counts.incomplete} incomplete`,
      ...[...causes].sort((a, b) => b[1] - a[1]).map(([code, n]) => `  ${String(n).padStart(5)}  ${code}`),
    ];
    if (writer !== null) lines.push(`${writer.packets} packets written to ${sanitizeForTerminal(writer.path)}`);
    return lines.join('\n');
  };
  return { listener, text };
}

/** Starts the Ink app; `exited` settles when the user quits it. */
async function startTui(feed: AnalysisFeed, device: string, failedOnly: boolean): Promise<{ exited: Promise<void> } | null> {
  const { runTui } = await loadTui();
  // wrapped: an async function returning the app's promise would wait for the app to exit
  return { exited: Promise.resolve(runTui(feed, { title: `tlsdiag live — ${device}`, live: true, failedOnly })) };
}
