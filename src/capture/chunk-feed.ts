/**
 * What the capture readers (file.ts) have in common: the buffer the bytes are read into and the parser it feeds.
 * No I/O here: the readers read, this walks what they read.
 */
import type { GzipSink } from './gzip.js';
import { addNote } from './notes.js';
import { createParser, type FileParser } from './parser.js';
import { describeHead, SNIFF_BYTES } from './sniff.js';
import { CaptureError, type CaptureFormat, type CaptureNote, type FrameSink } from './types.js';

export interface CaptureFileSummary {
  format: CaptureFormat;
  gzip: boolean;
  /** capture bytes read (after decompression for gzip) */
  bytes: number;
  frames: number;
  /** the parser's notes and the reader's own (gzip damage), in file order */
  notes: CaptureNote[];
}

/** Read buffers (over SharedArrayBuffers) lent to the reader; see ReadCaptureOptions.bufferPool. */
export interface ReadBufferPool {
  take(size: number): Buffer;
  /** the reader has moved on from this buffer */
  release(buf: Buffer): void;
}

/**
 * The read buffer and the parser it feeds. `buf[0, filled)` holds bytes not yet consumed; `base` is the capture
 * offset of `buf[0]`. After each feed the unconsumed tail (part of one block) moves to the front of the one reused
 * buffer, or, with a ReadBufferPool, starts the next buffer taken from the pool.
 */
export class ChunkFeed {
  buf: Buffer;
  /** the bytes come out of gzip (a file is sniffed before a feed exists; a stream only here) */
  gzipped = true;
  filled = 0;
  private base = 0;
  /** shared buffers only: where the parser resumes in `buf` after a pause (0 whenever the sink is not paused) */
  private sharedStart = 0;
  private parser: FileParser | null = null;
  private readonly readerNotes: CaptureNote[] = [];

  constructor(
    readonly path: string,
    private readonly sink: FrameSink,
    chunkSize: number,
    private readonly pool: ReadBufferPool | null = null,
  ) {
    this.buf = this.allocate(chunkSize);
  }

  private get shared(): boolean {
    return this.pool !== null;
  }

  private allocate(size: number): Buffer {
    return this.pool !== null ? this.pool.take(size) : Buffer.allocUnsafe(size);
  }

  /** Moves to `next`, giving the current buffer back to the pool when there is one. */
  private replace(next: Buffer): void {
    this.pool?.release(this.buf);
    this.buf = next;
  }

  get stopped(): boolean {
    return this.parser?.stopped ?? false;
  }

  /** The sink asked for a pause (its output is backed up): the buffered frames wait, nothing more is read. */
  get paused(): boolean {
    return this.sink.paused === true && !this.stopped;
  }

  /** Waits while the sink is paused, offering it the buffered frames again each time it resumes. */
  async whileSinkPaused(): Promise<void> {
    while (this.paused) {
      await (this.sink.resumed?.() ?? Promise.resolve());
      this.pump();
    }
  }

  /** Offers the buffered bytes to the parser (created from the first bytes), then keeps the unconsumed tail. */
  pump(): void {
    if (this.parser === null) {
      if (this.filled < SNIFF_BYTES) return;
      this.parser = this.parserFor(this.buf.subarray(0, this.filled));
    }
    if (this.shared) {
      this.pumpShared(this.parser);
      return;
    }
    const used = this.parser.feed(this.buf, 0, this.filled);
    if (used > 0) {
      this.buf.copyWithin(0, used, this.filled);
      this.filled -= used;
      this.base += used;
    } else if (this.filled === this.buf.length && !this.parser.stopped && this.sink.paused !== true) {
      // One block is larger than the buffer. Parsers refuse absurd lengths first, so this growth is bounded.
      const bigger = this.allocate(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.filled);
      this.buf = bigger;
    }
  }

  /**
   * With shared buffers the frames handed out stay where they are. While the sink is paused the parser resumes in the
   * same buffer where it stopped (`sharedStart`); once it has walked to the end of what was read, the unconsumed tail
   * (part of one block) starts a new buffer, so that readers always find `buf[0, filled)` unconsumed and room after it.
   */
  private pumpShared(parser: FileParser): void {
    const used = parser.feed(this.buf, this.sharedStart, this.filled);
    this.sharedStart += used;
    this.base += used;
    if (this.paused) return;
    if (this.sharedStart > 0) {
      const next = this.allocate(this.buf.length);
      this.buf.copy(next, 0, this.sharedStart, this.filled);
      this.replace(next);
      this.filled -= this.sharedStart;
      this.sharedStart = 0;
    } else if (this.filled === this.buf.length && !parser.stopped) {
      const bigger = this.allocate(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.filled);
      this.replace(bigger);
    }
  }

  /**
   * Offers `buf[start, end)` — bytes that directly follow everything offered before — to the parser (created from the
   * first bytes) and returns how many it consumed; the caller keeps the rest and offers it again with more after it.
   */
  feedRange(buf: Buffer, start: number, end: number): number {
    if (this.parser === null) {
      if (end - start < SNIFF_BYTES) return 0;
      this.parser = this.parserFor(buf.subarray(start, end));
    }
    const used = this.parser.feed(buf, start, end);
    this.base += used;
    return used;
  }

  /** The bytes left over when the file ended (a cut block, or a file too short to sniff), for end() to judge. */
  takeTail(tail: Buffer): void {
    if (tail.length > this.buf.length) this.replace(this.allocate(tail.length));
    tail.copy(this.buf, 0);
    this.filled = tail.length;
  }

  /** Copies `chunk` in, pumping whenever the buffer is full and waiting while the sink is paused. */
  async append(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length && !this.stopped) {
      const n = Math.min(chunk.length - offset, this.buf.length - this.filled);
      chunk.copy(this.buf, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      this.pump();
      if (this.paused) await this.whileSinkPaused();
    }
  }

  /** Where gunzipMembers hands decompressed bytes, and says what follows the compressed data. */
  gzipSink(): GzipSink {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below needs the feed, not the sink
    const feed = this;
    return {
      data: (chunk) => this.append(chunk),
      get stopped() {
        return feed.stopped;
      },
      junk: (offset, bytes, allZero) => {
        const what = allZero ? `${bytes} zero byte(s)` : `${bytes} byte(s) that are not gzip`;
        addNote(this.readerNotes, 'format', `the gzip data ends at compressed byte ${offset}; ${what} after it were ignored`, this.base + this.filled);
      },
      damaged: (message) => addNote(this.readerNotes, 'corrupt', message, this.base + this.filled),
    };
  }

  gzipDamaged(err: unknown, compressedOffset: number): void {
    const reason = err instanceof Error ? err.message : String(err);
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code !== undefined && !code.startsWith('Z_')) {
      throw new CaptureError(`${this.path}: cannot be read (${reason})`, 'unreadable');
    }
    const at = this.base + this.filled;
    if (this.parser === null && at < SNIFF_BYTES) {
      throw new CaptureError(`${this.path}: gzip data is corrupt (${reason}), no capture inside`, 'corrupt');
    }
    const kind = code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt';
    addNote(this.readerNotes, kind, `gzip stream broken near compressed byte ${compressedOffset}: ${reason}`, at);
  }

  /** No more bytes will come: the parser learns how many were left over (a cut block). */
  end(): void {
    if (this.parser === null) {
      if (this.filled === 0) throw new CaptureError(`${this.path}: gzip holds no data, not a capture`, 'not-a-capture');
      this.parser = this.parserFor(this.buf.subarray(0, this.filled));
      this.pump();
    }
    this.parser.finish(this.filled, this.base);
    // nothing at all could be read: a capture header cut short is no capture to report on (an empty file is not one
    // either), whatever note the parser made of it
    const parser = this.parser;
    if (parser.frames === 0 && !parser.headerComplete) {
      const why = parser.stopped
        ? (parser.notes[0]?.message ?? 'its header is damaged')
        : `the file ends inside its header (${this.base + this.filled} bytes)`;
      throw new CaptureError(`${this.path}: ${why}: no packet can be read`, 'corrupt');
    }
  }

  summary(gzip: boolean): CaptureFileSummary {
    const parser = this.parser as FileParser;
    const notes = parser.notes.concat(this.readerNotes).sort((a, b) => a.offset - b.offset);
    return { format: parser.format, gzip, bytes: this.base + this.filled, frames: parser.frames, notes };
  }

  private parserFor(head: Buffer): FileParser {
    const parser = createParser(head, this.sink);
    if (parser === null) {
      throw notACapture(this.path, head, this.gzipped ? 'gzip-compressed, but ' : '');
    }
    return parser;
  }
}

export function notACapture(path: string, head: Buffer, prefix = ''): CaptureError {
  return new CaptureError(
    `${path}: ${prefix}not a capture file (starts with ${describeHead(head)}; expected pcap, pcapng or gzip)`,
    'not-a-capture',
  );
}
