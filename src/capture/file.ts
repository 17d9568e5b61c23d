import { createReadStream, readSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { ChunkFeed, notACapture, type CaptureFileSummary, type ReadBufferPool } from './chunk-feed.js';
import { gunzipMembers } from './gzip.js';
import { sniffCapture, SNIFF_BYTES } from './sniff.js';
import { CaptureError, type FrameSink } from './types.js';

export type { CaptureFileSummary, ReadBufferPool } from './chunk-feed.js';

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


/** How long a named pipe may stay silent before onWaiting is told. */
export const WAIT_NOTICE_MS = 1000;


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
