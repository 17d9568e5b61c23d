import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { readCaptureFile } from '../capture/file.js';
import type { FrameSink } from '../capture/types.js';
import type { ConnectionRecord } from '../model/record.js';
import { Analyzer, type AnalyzeOptions } from '../pipeline/analyzer.js';
import type { AnalysisFeed, FeedListener, FeedProgress } from './feed.js';

export interface FileFeedOptions extends AnalyzeOptions {
  /** least time between two progress reports (default 100 ms: about ten a second) */
  progressIntervalMs?: number;
  /** problems found before the analysis started (a missing file, an unreadable CA file), shown as notices */
  notices?: readonly string[];
}

/** How a file-mode analysis ended, for the exit code. */
export interface FileFeedResult {
  /** files that could not be read as captures at all */
  failedFiles: number;
  stopped: boolean;
}

export interface FileFeed extends AnalysisFeed {
  /** settles when every file was read, or soon after `stop()` */
  readonly done: Promise<FileFeedResult>;
}

/** Thrown from inside the frame sink to abandon a file when the user quit; never escapes this module. */
class Stopped extends Error {}

/**
 * The analysis of capture files, one after another, as an AnalysisFeed: records as connections end, progress over
 * all files' bytes (throttled), a notice per unreadable file or damaged capture, and `finished` at the end.
 * It starts at once; a listener that subscribes later is sent everything so far.
 */
export function createFileFeed(paths: readonly string[], options: FileFeedOptions = {}): FileFeed {
  const listeners = new Set<FeedListener>();
  const records: ConnectionRecord[] = [];
  const notices: string[] = [...(options.notices ?? [])];
  const interval = options.progressIntervalMs ?? 100;
  let progress: FeedProgress = {
    sources: paths.map((p) => basename(p)),
    live: false,
    bytesRead: 0,
    totalBytes: null,
    packets: 0,
    packetsPerSecond: 0,
    kernelDrops: null,
    openConnections: 0,
  };
  let finished = false;
  let stopped = false;

  const notice = (message: string) => {
    notices.push(message);
    for (const l of listeners) l.notice(message);
  };

  let lastReport = 0;
  const started = Date.now();
  const report = (bytesRead: number, packets: number, openConnections: number, force: boolean) => {
    const now = Date.now();
    if (!force && now - lastReport < interval) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    progress = { ...progress, bytesRead, packets, openConnections, packetsPerSecond: seconds > 0 ? packets / seconds : 0 };
    for (const l of listeners) l.progress(progress);
  };

  const run = async (): Promise<FileFeedResult> => {
    let totalBytes = 0;
    for (const path of paths) totalBytes += await stat(path).then((s) => s.size, () => 0);
    progress = { ...progress, totalBytes };
    let bytesBefore = 0;
    let packetsBefore = 0;
    let failedFiles = 0;
    for (const path of paths) {
      if (stopped) break;
      const analyzer = new Analyzer(basename(path), options, (record) => {
        records.push(record);
        for (const l of listeners) l.record(record);
      });
      // the analyzer behind a check: quitting abandons the file at the next frame instead of reading it to the end
      const sink: FrameSink = {
        frame(data, ts, linkType, origLen) {
          if (stopped) throw new Stopped();
          analyzer.frame(data, ts, linkType, origLen);
        },
        frameAt(buf, start, end, ts, linkType, origLen) {
          if (stopped) throw new Stopped();
          analyzer.frameAt(buf, start, end, ts, linkType, origLen);
        },
        secretsBlock(kind, data) {
          analyzer.secretsBlock(kind, data);
        },
      };
      try {
        const read = await readCaptureFile(path, sink, {
          onProgress: (bytesRead) =>
            report(bytesBefore + bytesRead, packetsBefore + analyzer.stats.frames, analyzer.openConnections, false),
        });
        // (a gzip reader reports the abandoned file as damaged: not worth a notice)
        if (stopped) break;
        analyzer.finish();
        for (const n of read.notes) notice(`${basename(path)}: ${n.message}`);
        for (const n of analyzer.notes) notice(`${basename(path)}: ${n}`);
      } catch (error) {
        if (error instanceof Stopped || stopped) break;
        failedFiles++;
        const message = (error as Error)?.message ?? String(error);
        // CaptureError messages start with the path; the notice names the file the way the title does
        notice(message.startsWith(`${path}: `) ? basename(path) + message.slice(path.length) : `${basename(path)}: ${message}`);
      }
      bytesBefore += await stat(path).then((s) => s.size, () => 0);
      packetsBefore += analyzer.stats.frames;
      report(bytesBefore, packetsBefore, 0, true);
    }
    finished = true;
    for (const l of listeners) l.finished();
    return { failedFiles, stopped };
  };

  const done = run();
  return {
    done,
    subscribe(listener) {
      listeners.add(listener);
      for (const m of notices) listener.notice(m);
      for (const r of records) listener.record(r);
      listener.progress(progress);
      if (finished) listener.finished();
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
    },
  };
}
