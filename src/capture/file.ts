import { createReadStream, readSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { gunzipMembers, type GzipSink } from './gzip.js';
import { addNote } from './notes.js';
import { createParser, type FileParser } from './parser.js';
import { describeHead, sniffCapture, SNIFF_BYTES } from './sniff.js';
import { CaptureError, type CaptureFormat, type CaptureNote, type FrameSink } from './types.js';

export interface ReadCaptureOptions {
  /** bytes read at a time (default 1 MiB); the buffer grows only for a single block larger than it */
  chunkSize?: number;
  /** after every read: bytes of the file read so far (compressed bytes for gzip) and the file's size */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Told once, after WAIT_NOTICE_MS without a byte, what a named pipe is waiting for (a writer to open it, or its
   * first data): a FIFO nobody writes to would otherwise block in silence.
   */
  onWaiting?: (what: string) => void;
  /**
   * Every chunk is read into a buffer of its own, taken from this pool, instead of one reused buffer, so the frames
   * handed to the sink stay valid after the call (a sharded analysis passes them to worker threads without a copy).
   * The unconsumed tail of a chunk, part of one block, is copied into the next; a buffer the reader is done with is
   * released to the pool, which reuses it once the sink's users are done with it too.
   */
  bufferPool?: ReadBufferPool;
}

/** Read buffers (over SharedArrayBuffers) lent to the reader; see ReadCaptureOptions.bufferPool. */
export interface ReadBufferPool {
  take(size: number): Buffer;
  /** the reader has moved on from this buffer */
  release(buf: Buffer): void;
}

/** How long a named pipe may stay silent before onWaiting is told. */
export const WAIT_NOTICE_MS = 1000;

export interface CaptureFileSummary {
  format: CaptureFormat;
  gzip: boolean;
  /** capture bytes read (after decompression for gzip) */
  bytes: number;
  frames: number;
  /** the parser's notes and the reader's own (gzip damage), in file order */
  notes: CaptureNote[];
}

const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Below this, chunk bookkeeping would cost more than parsing. */
const MIN_CHUNK_SIZE = 64;

/**
 * Reads a pcap / pcapng file, gzip-compressed or not (sniffed from its bytes, never from its name), and pushes every
 * frame to `sink` synchronously, as views of one reused read buffer.
 *
 * Rejects with CaptureError when the file is missing, unreadable, a directory, empty or not a capture. Damage inside a
 * capture does not reject: frames before it are delivered and a note says where it is.
 */
export async function readCaptureFile(
  path: string,
  sink: FrameSink,
  opts: ReadCaptureOptions = {},
): Promise<CaptureFileSummary> {
  const chunkSize = Math.max(MIN_CHUNK_SIZE, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const kind = await stat(path).catch(() => null);
  if (kind !== null && kind.isFIFO()) return readNamedPipe(path, sink, opts);
  const handle = await openForReading(path);
  try {
    const size = await regularFileSize(handle, path);
    const head = Buffer.alloc(SNIFF_BYTES);
    const headLength = (await guardRead(path, handle.read(head, 0, SNIFF_BYTES, 0))).bytesRead;
    if (headLength === 0) throw new CaptureError(`${path}: empty file, not a capture`, 'not-a-capture');
    const kind = sniffCapture(head.subarray(0, headLength));
    if (kind === null) throw notACapture(path, head.subarray(0, headLength));
    if (kind.container === 'other-compression') {
      throw new CaptureError(`${path}: ${kind.name}-compressed; decompress it first (only gzip is read directly)`, 'unsupported');
    }

    const feed = new ChunkFeed(path, sink, chunkSize, opts.bufferPool ?? null);
    const gzip = kind.container === 'gzip';
    if (gzip) await pumpGzip(handle, feed, size, opts.onProgress);
    else await pumpPlain(handle, feed, size, opts.onProgress);
    return feed.summary(gzip);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Reads the file straight into the feed's buffer with synchronous reads: from the page cache a read is a memory copy,
 * and the promise round trip through the thread pool cost more than the copy itself (an async reader, even one
 * reading ahead into a second buffer, spent a quarter of its wall time waiting on the benchmark capture). Every
 * YIELD_BYTES the loop yields to the event loop, so a terminal UI drawing the progress stays responsive.
 */
async function pumpPlain(
  handle: FileHandle,
  feed: ChunkFeed,
  size: number,
  onProgress: ReadCaptureOptions['onProgress'],
): Promise<void> {
  let fileOffset = 0;
  let sinceYield = 0;
  for (;;) {
    let bytesRead: number;
    try {
      bytesRead = readSync(handle.fd, feed.buf, feed.filled, feed.buf.length - feed.filled, fileOffset);
    } catch (err) {
      throw fsError(feed.path, err);
    }
    if (bytesRead === 0) break;
    fileOffset += bytesRead;
    feed.filled += bytesRead;
    onProgress?.(fileOffset, size);
    feed.pump();
    if (feed.stopped) break;
    if (feed.paused) {
      sinceYield = 0;
      await feed.whileSinkPaused();
      continue;
    }
    sinceYield += bytesRead;
    if (sinceYield >= YIELD_BYTES) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  feed.end();
}

/**
 * A named pipe (mkfifo) cannot be read at offsets like a file: it is read as a stream, as standard input is. Opening
 * it waits for a writer; when nothing has come after WAIT_NOTICE_MS the caller is told what the wait is for.
 */
async function readNamedPipe(path: string, sink: FrameSink, opts: ReadCaptureOptions): Promise<CaptureFileSummary> {
  const stream = createReadStream(path, { highWaterMark: Math.max(MIN_CHUNK_SIZE, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE)) });
  let opened = false;
  stream.once('open', () => {
    opened = true;
  });
  const notice = setTimeout(() => {
    opts.onWaiting?.(opened ? 'waiting for data on this named pipe (its writer has sent nothing yet)' : 'waiting for a writer to open this named pipe (nothing has opened it for writing yet)');
  }, WAIT_NOTICE_MS);
  stream.once('data', () => clearTimeout(notice));
  try {
    return await readCaptureStream(path, stream, sink, opts);
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    throw fsError(path, err);
  } finally {
    clearTimeout(notice);
    stream.destroy();
  }
}

/** Bytes read between two yields to the event loop (a few milliseconds of analysis). */
const YIELD_BYTES = 4 * 1024 * 1024;

/**
 * Reads a capture from a stream — a pipe, such as `tcpdump -w - | tlsdiag analyze -` — instead of a file: the same
 * formats and gzip, sniffed from the first bytes; each chunk is copied once into the feed's buffer (a pipe's chunks
 * are its own). `name` stands for the file in messages.
 */
export async function readCaptureStream(
  name: string,
  source: NodeJS.ReadableStream,
  sink: FrameSink,
  opts: ReadCaptureOptions = {},
): Promise<CaptureFileSummary> {
  const chunkSize = Math.max(MIN_CHUNK_SIZE, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const feed = new ChunkFeed(name, sink, chunkSize, opts.bufferPool ?? null);
  const chunks = (source as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let first = await chunks.next();
  while (!first.done && first.value.length === 0) first = await chunks.next();
  if (first.done) throw new CaptureError(`${name}: no data, not a capture`, 'not-a-capture');
  const head = Buffer.from(first.value);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  feed.gzipped = gzip;
  let read = 0;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield Buffer.from(next.value);
  };
  try {
    if (gzip) {
      const counted = async function* (): AsyncGenerator<Buffer> {
        for await (const chunk of rest()) {
          read += chunk.length;
          yield chunk;
          opts.onProgress?.(read, 0);
        }
      };
      try {
        await gunzipMembers(counted(), feed.gzipSink(), Math.min(chunkSize, 256 * 1024));
      } catch (err) {
        if (err instanceof CaptureError) throw err;
        feed.gzipDamaged(err, read);
      }
    } else {
      for await (const chunk of rest()) {
        read += chunk.length;
        await feed.append(chunk);
        opts.onProgress?.(read, 0);
        if (feed.stopped) break;
      }
    }
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    throw new CaptureError(`${name}: cannot be read (${(err as Error)?.message ?? err})`, 'unreadable');
  }
  feed.end();
  return feed.summary(gzip);
}

/** Decompresses with a zlib stream; each decompressed chunk is copied once into the feed's buffer. */
async function pumpGzip(
  handle: FileHandle,
  feed: ChunkFeed,
  size: number,
  onProgress: ReadCaptureOptions['onProgress'],
): Promise<void> {
  const source = handle.createReadStream({ start: 0, autoClose: false, highWaterMark: feed.buf.length });
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      yield chunk;
      onProgress?.(source.bytesRead, size);
    }
  };
  try {
    await gunzipMembers(counted(), feed.gzipSink(), Math.min(feed.buf.length, 256 * 1024));
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    feed.gzipDamaged(err, source.bytesRead);
  } finally {
    source.destroy();
  }
  feed.end();
}

/**
 * The one reused read buffer and the parser it feeds. `buf[0, filled)` holds bytes not yet consumed; `base` is the
 * capture offset of `buf[0]`. After each feed the unconsumed tail (part of one block) moves to the front.
 */
class ChunkFeed {
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

async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    throw fsError(path, err);
  }
}

/** Linux lets a directory be opened: only fstat tells. */
async function regularFileSize(handle: FileHandle, path: string): Promise<number> {
  const stat = await guardRead(path, handle.stat());
  if (stat.isDirectory()) throw new CaptureError(`${path}: is a directory, not a capture file`, 'unreadable');
  return stat.size;
}

async function guardRead<T>(path: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    throw fsError(path, err);
  }
}

const FS_ERRORS: Readonly<Record<string, { code: CaptureError['code']; why: string }>> = {
  ENOENT: { code: 'not-found', why: 'no such file' },
  ENOTDIR: { code: 'not-found', why: 'a component of the path is not a directory' },
  EACCES: { code: 'unreadable', why: 'permission denied' },
  EPERM: { code: 'unreadable', why: 'permission denied' },
  EISDIR: { code: 'unreadable', why: 'is a directory, not a capture file' },
  EIO: { code: 'unreadable', why: 'input/output error' },
};

function fsError(path: string, err: unknown): CaptureError {
  const errno = (err as NodeJS.ErrnoException | null)?.code ?? '';
  const known = FS_ERRORS[errno];
  if (known) return new CaptureError(`${path}: ${known.why}`, known.code);
  const reason = err instanceof Error ? err.message : String(err);
  return new CaptureError(`${path}: cannot be read (${reason})`, 'unreadable');
}

function notACapture(path: string, head: Buffer, prefix = ''): CaptureError {
  return new CaptureError(
    `${path}: ${prefix}not a capture file (starts with ${describeHead(head)}; expected pcap, pcapng or gzip)`,
    'not-a-capture',
  );
}
