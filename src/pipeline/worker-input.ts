/**
 * One input of a batch report, read to connection summaries: a capture is analyzed, an NDJSON file of records (from
 * `tlsdiag analyze --format ndjson` or `tlsdiag live`) is parsed line by line. The same function runs inside a
 * worker thread and, where no worker can be started, in the main thread.
 */
import { createReadStream } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { open, stat } from 'node:fs/promises';
import { MAX_NDJSON_STRING, summarizeNdjsonLine, summarizeRecord } from '../report/summary.js';
import type { InputKind, RecordSummary } from '../report/types.js';
import type { TrustStore } from '../tls/trust-store.js';
import type { KeyLog } from '../tls/decrypt/keylog.js';
import { gunzipMembers } from '../capture/gzip.js';
import { analyzeFile } from './analyze-file.js';
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

/**
 * NDJSON is told from a capture by its first byte that is not whitespace: '{' begins a JSON record, and no capture
 * format (pcap, pcapng, gzip magic numbers) begins with it or with whitespace. A gzip file is judged by what its first
 * bytes decompress to: sensors compress their record files as often as their captures.
 */
async function ndjsonKind(path: string): Promise<'plain' | 'gzip' | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return null; // the capture reader says why it cannot be opened
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      let inflated: Buffer;
      try {
        inflated = gunzipSync(head.subarray(0, bytesRead), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      } catch {
        return null;
      }
      return startsWithBrace(inflated) ? 'gzip' : null;
    }
    return startsWithBrace(head.subarray(0, bytesRead)) ? 'plain' : null;
  } catch {
    return null;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function startsWithBrace(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b;
  }
  return false;
}

/**
 * Reads one input and calls `onSummary` for each connection in it. Rejects with an Error whose message is the plain
 * reason when the file cannot be read at all (missing, not a capture, not NDJSON); damage inside a file resolves with
 * what was read and notes.
 */
export async function readInput(path: string, options: InputReadOptions, onSummary: (summary: RecordSummary) => void): Promise<InputReadResult> {
  const ndjson = await ndjsonKind(path);
  if (ndjson !== null) return readNdjson(path, ndjson === 'gzip', options, onSummary);
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

async function readNdjson(
  path: string,
  gzip: boolean,
  options: InputReadOptions,
  onSummary: (summary: RecordSummary) => void,
): Promise<InputReadResult> {
  const totalBytes = (await stat(path)).size;
  const stream = createReadStream(path);
  const notes: string[] = [];
  let lastLine = 0;
  let connections = 0;
  let badLines = 0;
  let cutLines = 0;
  let lastProgress = 0;
  const bad = (lineNumber: number, reason: string) => {
    badLines++;
    if (badLines <= MAX_LINE_NOTES) notes.push(`line ${lineNumber}: ${reason}, skipped`);
  };
  const splitter = new LineSplitter(MAX_NDJSON_LINE, {
    line(text, lineNumber) {
      lastLine = lineNumber;
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
      if (options.onProgress && stream.bytesRead - lastProgress >= 1 << 20) {
        lastProgress = stream.bytesRead;
        options.onProgress(stream.bytesRead, totalBytes);
      }
    },
    tooLong(lineNumber, bytes) {
      lastLine = lineNumber;
      bad(lineNumber, `${bytes} bytes long, more than a record can be (${MAX_NDJSON_LINE} bytes)`);
    },
  });
  try {
    if (gzip) {
      await gunzipMembers(stream as AsyncIterable<Buffer>, {
        data: (chunk) => splitter.push(chunk),
        stopped: false,
        junk: (offset, bytes) => notes.push(`the gzip data ends at compressed byte ${offset}; ${bytes} byte(s) after it were ignored`),
        damaged: (message) => notes.push(message),
      });
    } else {
      for await (const chunk of stream as AsyncIterable<Buffer>) splitter.push(chunk);
    }
    splitter.end();
  } catch (error) {
    notes.push(`reading stopped after line ${lastLine}: ${(error as Error)?.message ?? String(error)}`);
  } finally {
    stream.destroy();
  }
  if (badLines > MAX_LINE_NOTES) notes.push(`${badLines - MAX_LINE_NOTES} more line(s) were not connection records, skipped`);
  if (cutLines > 0) notes.push(`${cutLines} record(s) held strings longer than ${MAX_NDJSON_STRING} characters: kept cut to that, ending in '…'`);
  if (connections === 0 && badLines > 0) throw new Error(`no connection record in ${badLines} line(s) (not tlsdiag NDJSON)`);
  options.onProgress?.(totalBytes, totalBytes);
  return { kind: 'ndjson', bytes: totalBytes, connections, notes };
}
