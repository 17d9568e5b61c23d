import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A bounded, on-disk queue of stream entries that could not be written to Redis yet (unreachable, slow, refusing).
 * It is a folder of segment files, `0000000001.ndjson`, `0000000002.ndjson`, ...: one entry per line, appended to
 * the newest segment; the oldest segments are sent first and deleted once Redis acknowledged every entry in them.
 * A segment is sent whole again if sending it failed midway — entries can arrive twice, never not at all (readers
 * count each record uid once).
 *
 * The folder outlives the process: what is left when a sensor stops is sent by the next run with the same folder.
 * The size limit covers every segment; past it new entries are dropped and counted, never the spooled ones.
 * Writes are plain appends without fsync: a crash of the process loses nothing the spool accepted; a crash of the
 * host may lose what the kernel had not yet written.
 */
export interface SpoolOptions {
  dir: string;
  maxBytes: number;
}

/** Segments are closed at this size (about 3000 records), so a send after an outage retries at most this much when it fails midway. */
const SEGMENT_BYTES = 16 << 20;
const SEGMENT_NAME = /^(\d{10})\.ndjson$/;
const LOCK = 'lock';

export class SpoolLockedError extends Error {}

export class Spool {
  readonly dir: string;
  readonly maxBytes: number;
  /** bytes in all segments */
  bytes = 0;
  /** entries written to the spool by this process, and left in it by earlier ones (counted when read) */
  entries = 0;
  /** entries refused because the spool was full */
  dropped = 0;
  private readonly closed: number[] = [];
  private current: { seq: number; fd: number; bytes: number; entries: number } | null = null;
  private nextSeq = 1;
  private locked = false;

  constructor(options: SpoolOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    mkdirSync(this.dir, { recursive: true });
    this.lock();
    for (const name of readdirSync(this.dir).sort()) {
      const match = SEGMENT_NAME.exec(name);
      if (match === null) continue;
      const seq = Number(match[1]);
      const size = statSync(join(this.dir, name)).size;
      if (size === 0) {
        unlinkSync(join(this.dir, name));
        continue;
      }
      this.closed.push(seq);
      this.bytes += size;
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
    }
  }

  /** One process per spool folder: two appending to the same segment would interleave their lines. */
  private lock(): void {
    const path = join(this.dir, LOCK);
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
        throw new SpoolLockedError(`the spool folder ${this.dir} is in use by process ${holder} (one sensor per spool: give each its own --sensor or --spool-dir)`);
      }
      writeFileSync(path, String(process.pid));
    }
    this.locked = true;
  }

  /** Whether anything waits to be sent (segments left by an earlier run included). */
  get pending(): boolean {
    return this.closed.length > 0 || (this.current !== null && this.current.bytes > 0);
  }

  /** Segments closed and ready to send, oldest first. */
  get closedSegments(): number {
    return this.closed.length;
  }

  /**
   * Appends entries (one line each, no newline inside); returns how many were accepted. Those that do not fit under
   * the limit are dropped and counted.
   */
  append(lines: readonly string[]): number {
    let text = '';
    let accepted = 0;
    let size = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line) + 1;
      if (this.bytes + size + bytes > this.maxBytes) {
        this.dropped++;
        continue;
      }
      text += line + '\n';
      size += bytes;
      accepted++;
    }
    if (accepted === 0) return 0;
    const segment = this.openSegment();
    writeSync(segment.fd, text);
    segment.bytes += size;
    segment.entries += accepted;
    this.bytes += size;
    this.entries += accepted;
    if (segment.bytes >= SEGMENT_BYTES) this.rotate();
    return accepted;
  }

  private openSegment(): NonNullable<Spool['current']> {
    if (this.current === null) {
      const seq = this.nextSeq++;
      this.current = { seq, fd: openSync(this.segmentPath(seq), 'a'), bytes: 0, entries: 0 };
    }
    return this.current;
  }

  /** Closes the segment being appended to, so it can be sent; the next append starts a new one. */
  rotate(): void {
    if (this.current === null) return;
    closeSync(this.current.fd);
    if (this.current.bytes > 0) this.closed.push(this.current.seq);
    else unlinkSync(this.segmentPath(this.current.seq));
    this.current = null;
  }

  /** The oldest closed segment's entries, or null when none is closed. */
  peek(): { seq: number; lines: string[] } | null {
    const seq = this.closed[0];
    if (seq === undefined) return null;
    const text = readFileSync(this.segmentPath(seq), 'utf8');
    const lines = text.split('\n');
    // after the last newline: nothing, or a line cut by a crash mid-write, which is not a whole entry
    lines.pop();
    return { seq, lines: lines.filter((l) => l !== '') };
  }

  /** Deletes a segment that was sent whole. */
  remove(seq: number): void {
    const at = this.closed.indexOf(seq);
    if (at < 0) return;
    const path = this.segmentPath(seq);
    const size = statSync(path).size;
    unlinkSync(path);
    this.closed.splice(at, 1);
    this.bytes -= size;
  }

  /** Entries waiting in the spool now (reads segment files: for end-of-run messages and tests, not per record). */
  countPending(): number {
    let n = this.current?.entries ?? 0;
    for (const seq of this.closed) {
      const text = readFileSync(this.segmentPath(seq), 'utf8');
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    }
    return n;
  }

  /** Closes the open segment and lets go of the folder; what is still in it stays for the next run. */
  close(): void {
    this.rotate();
    if (this.locked) {
      try {
        unlinkSync(join(this.dir, LOCK));
      } catch {
        // already gone: nothing to release
      }
      this.locked = false;
    }
  }

  private segmentPath(seq: number): string {
    return join(this.dir, `${String(seq).padStart(10, '0')}.ndjson`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
