/**
 * `--keylog FILE` (repeatable) and `--keylog env`: reading key logs for decryption. The CLI reads the files; the
 * analysis gets the secrets (src/tls/decrypt/keylog.ts). What the user is told names files and counts only: a key
 * log's content is never printed, logged or written anywhere.
 */
import { open, readFile } from 'node:fs/promises';
import { sanitizeForTerminal } from '../model/sanitize.js';
import { describeKeyLogRead, KeyLog, KeyLogReader, readKeyLog } from '../tls/decrypt/keylog.js';
import { describeFsError } from './inputs.js';

/** `--keylog env`: the file SSLKEYLOGFILE names, honoured only when asked for (Wireshark does the same). */
export const KEYLOG_FROM_ENVIRONMENT = 'env';

export const KEYLOG_OPTION_HELP =
  "decrypt TLS handshakes with this NSS key log (SSLKEYLOGFILE format); 'env' reads the file $SSLKEYLOGFILE names; repeat for several";

/** The paths the --keylog values name; 'env' becomes $SSLKEYLOGFILE. */
export function keyLogPaths(values: readonly string[]): { paths: string[]; problems: string[] } {
  const paths: string[] = [];
  const problems: string[] = [];
  for (const value of values) {
    if (value !== KEYLOG_FROM_ENVIRONMENT) {
      paths.push(value);
      continue;
    }
    const fromEnv = process.env.SSLKEYLOGFILE;
    if (fromEnv === undefined || fromEnv === '') problems.push('--keylog env: SSLKEYLOGFILE is not set');
    else paths.push(fromEnv);
  }
  return { paths, problems };
}

export interface LoadedKeyLogs {
  /** undefined when no --keylog was given (or none could be read) */
  keyLog: KeyLog | undefined;
  /** the texts, for report worker threads (in memory only) */
  texts: string[];
  /** one line per file read: counts and line numbers, for stderr */
  messages: string[];
  /** files that could not be read, and a missing SSLKEYLOGFILE */
  problems: string[];
}

/** Reads the --keylog files whole (analyze, report). */
export async function loadKeyLogs(values: readonly string[]): Promise<LoadedKeyLogs> {
  const { paths, problems } = keyLogPaths(values);
  const texts: string[] = [];
  const messages: string[] = [];
  let keyLog: KeyLog | undefined;
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'latin1');
    } catch (error) {
      problems.push(`${sanitizeForTerminal(path)}: cannot read key log: ${describeFsError(error)}`);
      continue;
    }
    keyLog ??= new KeyLog();
    const summary = readKeyLog(keyLog, text, 'keylog');
    texts.push(text);
    const line = describeKeyLogRead(sanitizeForTerminal(path), summary);
    if (summary.secrets === 0 || summary.malformedCount > 0) messages.push(`${line}${summary.secrets === 0 ? ' (no secrets: nothing will be decrypted with it)' : ''}`);
  }
  return { keyLog, texts, messages, problems };
}

/** How much of a growing key log is read per poll; the rest waits for the next one. */
const FOLLOW_CHUNK = 1 << 20;

/**
 * Key logs that grow while a live capture runs: clients append a session's secrets as they derive them, so each
 * file is read again from where the last read stopped. A file that does not exist yet is waited for; one that
 * shrank (rotated, deleted and made again) is read from its start.
 */
export class KeyLogFollower {
  readonly keyLog = new KeyLog();
  private readonly files: { path: string; offset: number; reader: KeyLogReader; told: boolean }[];
  private reading = false;

  constructor(paths: readonly string[], private readonly tell: (message: string) => void) {
    this.keyLog.growing = true;
    this.files = paths.map((path) => ({ path, offset: 0, reader: new KeyLogReader(this.keyLog, 'keylog'), told: false }));
  }

  /** Reads what was appended since the last poll. Never rejects. */
  async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      for (const file of this.files) await this.pollFile(file);
    } finally {
      this.reading = false;
    }
  }

  private async pollFile(file: { path: string; offset: number; reader: KeyLogReader; told: boolean }): Promise<void> {
    let handle;
    try {
      handle = await open(file.path, 'r');
    } catch (error) {
      if (!file.told) {
        file.told = true;
        this.tell(`${sanitizeForTerminal(file.path)}: ${describeFsError(error)}; read as soon as it appears`);
      }
      return;
    }
    try {
      const { size } = await handle.stat();
      if (size < file.offset) {
        file.offset = 0;
        file.reader = new KeyLogReader(this.keyLog, 'keylog');
      }
      const buffer = Buffer.alloc(FOLLOW_CHUNK);
      while (file.offset < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(FOLLOW_CHUNK, size - file.offset), file.offset);
        if (bytesRead === 0) break;
        file.reader.push(buffer.toString('latin1', 0, bytesRead));
        file.offset += bytesRead;
      }
      buffer.fill(0);
    } catch (error) {
      this.tell(`${sanitizeForTerminal(file.path)}: reading stopped: ${describeFsError(error)}`);
    } finally {
      await handle.close();
    }
  }

  /** What was read, one line per file, for the end of the session. */
  summaries(): string[] {
    return this.files.map((file) => describeKeyLogRead(sanitizeForTerminal(file.path), file.reader.summary));
  }
}
