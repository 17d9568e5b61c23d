import { basename } from 'node:path';
import { readCaptureFile, readCaptureStream } from '../capture/file.js';
import type { ConnectionRecord } from '../model/record.js';
import { Analyzer, type AnalyzeOptions, type AnalyzerStats } from './analyzer.js';

/** The path that means standard input (`tcpdump -w - | tlsdiag analyze -`). */
export const STDIN_PATH = '-';

export interface FileSummary extends AnalyzerStats {
  capture: string;
  path: string;
  format: string;
  gzip: boolean;
  bytes: number;
  /** damage, truncation and skipped link types, in plain words */
  notes: string[];
}

export interface AnalyzeFileOptions extends AnalyzeOptions {
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** a named pipe has been silent for a second: what it waits for (see ReadCaptureOptions.onWaiting) */
  onWaiting?: (what: string) => void;
  /**
   * The capture's bytes from its start, read from here instead of opening `path` (which then only names it): `report`
   * reads the first chunks of a pipe to tell NDJSON from a capture, and a pipe cannot be read twice.
   */
  source?: NodeJS.ReadableStream;
}

/**
 * Analyzes one capture file, calling `onRecord` for every connection as soon as it is decided (so memory holds only
 * the connections still open). Rejects with a CaptureError when the file cannot be read as a capture at all; a file
 * cut short resolves with what it held and a note.
 */
export async function analyzeFile(
  path: string,
  options: AnalyzeFileOptions,
  onRecord: (record: ConnectionRecord) => void,
): Promise<FileSummary> {
  const fromStdin = path === STDIN_PATH;
  const capture = fromStdin ? 'stdin' : basename(path);
  const analyzer = new Analyzer(capture, options, onRecord);
  const stream = options.source ?? (fromStdin ? process.stdin : null);
  const read = stream !== null
    ? await readCaptureStream(path, stream, analyzer, { onProgress: options.onProgress })
    : await readCaptureFile(path, analyzer, { onProgress: options.onProgress, onWaiting: options.onWaiting });
  await analyzer.finishPaced();
  return {
    ...analyzer.stats,
    capture,
    path,
    format: read.format,
    gzip: read.gzip,
    bytes: read.bytes,
    notes: [...read.notes.map((n) => n.message), ...analyzer.notes],
  };
}
