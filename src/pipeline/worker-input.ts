/**
 * One input of a batch report, read to connection summaries: a capture is analyzed, an NDJSON file of records (from
 * `tlsdiag analyze --format ndjson` or `tlsdiag live`) is parsed line by line. The same function runs inside a
 * worker thread and, where no worker can be started, in the main thread.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { MAX_NDJSON_STRING, summarizeNdjsonLine, summarizeRecord } from '../report/summary.js';
import type { InputKind, RecordSummary } from '../report/types.js';
import type { TrustStore } from '../tls/trust-store.js';
import type { KeyLog } from '../tls/decrypt/keylog.js';
import { gunzipMembers } from '../capture/gzip.js';
import { analyzeFile, STDIN_PATH } from './analyze-file.js';
import { GZIP_HEAD_BYTES, isGzipHead, judgeHead, type HeadVerdict } from './input-head.js';
import { LineSplitter } from './line-splitter.js';

export interface InputReadOptions {
  handshakeTimeout: number;
  memoryBudget?: number;
  trustStore: TrustStore;
  tlsPorts?: readonly number[];
  /** secrets of --keylog files */
  secrets?: KeyLog;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface InputReadResult {
  kind: InputKind;
  bytes: number;
  connections: number;
  notes: string[];
}

/** Bad NDJSON lines named one by one; past this they are only counted, so a wrong file cannot flood the report. */
const MAX_LINE_NOTES = 10;
/**
 * The longest NDJSON line read: a record is a few KB (tens with a long certificate chain); a longer line is skipped as
 * it streams by, with a note, so one line cannot hold the memory of the whole file.
 */
export const MAX_NDJSON_LINE = 1 << 20;

/** How an input is read: a file at offsets, or a stream from its start (standard input, a pipe, a device). */
type Source = { kind: 'file' } | { kind: 'stream'; open: () => NodeJS.ReadableStream };

/**
 * Standard input and anything that is not a regular file or a folder (a named pipe, `<(...)` process substitution,
 * /dev/stdin) can be read once only, from its start: such inputs are judged by the first chunks read and those chunks
 * handed on with the rest.
 */
async function sourceOf(path: string): Promise<Source> {
  if (path === STDIN_PATH) return { kind: 'stream', open: () => process.stdin };
  const info = await stat(path).catch(() => null);
  if (info === null || info.isFile() || info.isDirectory()) return { kind: 'file' };
  return { kind: 'stream', open: () => createReadStream(path) };
}

/** What a file's first bytes say it is; null when it cannot be opened (the capture reader says why). */
async function judgeFile(path: string): Promise<{ verdict: HeadVerdict; gzip: boolean } | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return null;
  try {
    const head = Buffer.alloc(GZIP_HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    return { verdict: judgeHead(bytes, true), gzip: isGzipHead(bytes) === true };
  } catch {
    return null;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Reads a stream's first chunks until they can be judged (GZIP_HEAD_BYTES at most; plain input is judged by its
 * first few bytes), and returns the verdict with every chunk read, to be read again from the start.
 */
async function judgeStream(chunks: AsyncIterator<Buffer>): Promise<{ verdict: HeadVerdict; gzip: boolean; head: Buffer[] }> {
  const head: Buffer[] = [];
  let held = 0;
  for (;;) {
    const next = await chunks.next();
    const ended = next.done === true;
    if (!ended) {
      head.push(Buffer.from(next.value));
      held += next.value.length;
    }
    const bytes = Buffer.concat(head, held);
    const verdict = judgeHead(bytes, ended || held >= GZIP_HEAD_BYTES);
    if (verdict !== 'more') return { verdict, gzip: isGzipHead(bytes) === true, head };
  }
}

/** The chunks judged, then the rest of the stream. */
async function* replay(head: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield Buffer.from(next.value);
}

/**
 * Reads one input and calls `onSummary` for each connection in it. Rejects with an Error whose message is the plain
 * reason when the file cannot be read at all (missing, not a capture, not NDJSON); damage inside a file resolves with
 * what was read and notes.
 */
export async function readInput(path: string, options: InputReadOptions, onSummary: (summary: RecordSummary) => void): Promise<InputReadResult> {
  const source = await sourceOf(path);
  if (source.kind === 'file') {
    const judged = await judgeFile(path);
    if (judged?.verdict === 'ndjson') {
      const stream = createReadStream(path);
      try {
        return await readNdjson(stream as AsyncIterable<Buffer>, judged.gzip, (await stat(path)).size, options, onSummary);
      } finally {
        stream.destroy();
      }
    }
    return readCapture(path, null, options, onSummary);
  }
  const stream = source.open();
  try {
    const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const { verdict, gzip, head } = await judgeStream(chunks);
    if (verdict === 'ndjson') return await readNdjson(replay(head, chunks), gzip, null, options, onSummary);
    return await readCapture(path, Readable.from(replay(head, chunks)), options, onSummary);
  } finally {
    // standard input is the process's own: left open for whoever reads it next (nobody, in a report)
    if (stream !== process.stdin) (stream as Readable).destroy();
  }
}

/** Analyzes a capture, from the file or from `stream` (its bytes from the start, already judged not NDJSON). */
async function readCapture(path: string, stream: NodeJS.ReadableStream | null, options: InputReadOptions, onSummary: (summary: RecordSummary) => void): Promise<InputReadResult> {
  let connections = 0;
  try {
    const summary = await analyzeFile(
      path,
      {
        handshakeTimeout: options.handshakeTimeout,
        trustStore: options.trustStore,
        tlsPorts: options.tlsPorts,
        secrets: options.secrets,
        onProgress: options.onProgress,
        ...(options.memoryBudget === undefined ? {} : { memoryBudget: options.memoryBudget }),
        ...(stream === null ? {} : { source: stream }),
      },
      (record) => {
        connections++;
        onSummary(summarizeRecord(record));
      },
    );
    return { kind: 'capture', bytes: summary.bytes, connections, notes: summary.notes };
  } catch (error) {
    // CaptureError messages start with the path; the report names the file itself
    const message = (error as Error)?.message ?? String(error);
    throw new Error(message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message);
  }
}

/**
 * Reads NDJSON records from `chunks` (the file's bytes from its start; `totalBytes` its size, null for a stream). A
 * UTF-8 byte order mark before the first line is dropped; blank lines are passed over.
 */
async function readNdjson(
  chunks: AsyncIterable<Buffer>,
  gzip: boolean,
  totalBytes: number | null,
  options: InputReadOptions,
  onSummary: (summary: RecordSummary) => void,
): Promise<InputReadResult> {
  const notes: string[] = [];
  let bytesRead = 0;
  let lastLine = 0;
  let connections = 0;
  let badLines = 0;
  let cutLines = 0;
  let lastProgress = 0;
  /** the first reason a line was skipped, and how many lines gave that same reason */
  let firstReason: { line: number; reason: string; lines: number } | null = null;
  const bad = (lineNumber: number, reason: string) => {
    badLines++;
    if (firstReason === null) firstReason = { line: lineNumber, reason, lines: 0 };
    if (reason === firstReason.reason) firstReason.lines++;
    if (badLines <= MAX_LINE_NOTES) notes.push(`line ${lineNumber}: ${reason}, skipped`);
  };
  const splitter = new LineSplitter(MAX_NDJSON_LINE, {
    line(line, lineNumber) {
      lastLine = lineNumber;
      const text = lineNumber === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      if (text.trim() === '') return;
      let cut = false;
      const summary = summarizeNdjsonLine(text, () => {
        cut = true;
      });
      if (cut) cutLines++;
      if (typeof summary === 'string') {
        bad(lineNumber, summary);
        return;
      }
      connections++;
      onSummary(summary);
      if (options.onProgress && bytesRead - lastProgress >= 1 << 20) {
        lastProgress = bytesRead;
        options.onProgress(bytesRead, totalBytes ?? 0);
      }
    },
    tooLong(lineNumber, bytes) {
      lastLine = lineNumber;
      bad(lineNumber, `${bytes} bytes long, more than a record can be (${MAX_NDJSON_LINE} bytes)`);
    },
  });
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      bytesRead += chunk.length;
      yield chunk;
    }
  };
  try {
    if (gzip) {
      await gunzipMembers(counted(), {
        data: (chunk) => splitter.push(chunk),
        stopped: false,
        junk: (offset, bytes) => notes.push(`the gzip data ends at compressed byte ${offset}; ${bytes} byte(s) after it were ignored`),
        damaged: (message) => notes.push(message),
      });
    } else {
      for await (const chunk of counted()) splitter.push(chunk);
    }
    splitter.end();
  } catch (error) {
    notes.push(`reading stopped after line ${lastLine}: ${(error as Error)?.message ?? String(error)}`);
  }
  if (badLines > MAX_LINE_NOTES) notes.push(`${badLines - MAX_LINE_NOTES} more line(s) were not connection records, skipped`);
  if (cutLines > 0) notes.push(`${cutLines} record(s) held strings longer than ${MAX_NDJSON_STRING} characters: kept cut to that, ending in '…'`);
  if (connections === 0) throw new Error(noRecordReason(badLines, firstReason));
  const bytes = totalBytes ?? bytesRead;
  options.onProgress?.(bytes, bytes);
  return { kind: 'ndjson', bytes, connections, notes };
}

/**
 * Why an NDJSON input gave no record. When every line was skipped for one reason (records of a newer schema, say)
 * that reason is the answer; otherwise the first one is named beside the count.
 */
function noRecordReason(badLines: number, first: { line: number; reason: string; lines: number } | null): string {
  if (first === null) return 'no connection record: only blank lines';
  if (first.lines === badLines) return `${first.reason}, in all ${badLines} line(s): no connection record read`;
  return `no connection record in ${badLines} line(s) (not tlsdiag NDJSON; line ${first.line}: ${first.reason})`;
}
