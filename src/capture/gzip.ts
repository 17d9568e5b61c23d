/**
 * gzip (RFC 1952), read member by member so that bytes after the compressed data cannot cost any of it.
 *
 * zlib's own gunzip stream reads whatever follows a member as the next member; when that is not gzip (a capture
 * with junk appended, a file padded by a transfer) it fails with "incorrect header check" and throws away the output
 * of the call that met the junk — every packet of a small capture, the last tens of KB of a large one. gzip(1) and
 * tshark keep all the data and ignore (gzip: warn about) the trailing bytes. So the framing is read here and only the
 * deflate data (RFC 1951) goes to zlib, one member at a time, as raw inflate, which stops at the end of its data:
 *
 * ```
 *  0    1    2    3    4        8     9    10
 *  +----+----+----+----+--------+-----+----+---------------------------------------------+-------+-------+
 *  |1f  |8b  | CM | FLG| MTIME  | XFL | OS | [FEXTRA: u16le n, n bytes] [FNAME\0] [FCOMMENT\0] [FHCRC u16] |
 *  +----+----+----+----+--------+-----+----+---------------------------------------------+-------+-------+
 *  | deflate data ...                                                  | CRC32 (u32le) | ISIZE (u32le) |
 *  +-------------------------------------------------------------------+---------------+---------------+
 * ```
 *
 * Another member may follow (`cat a.gz b.gz`): it is read on. Anything else after a member is trailing junk: reported
 * once with its size, never an error.
 */
import { crc32, createInflateRaw, inflateRawSync, type InflateRaw } from 'node:zlib';

export interface GzipSink {
  /**
   * Decompressed bytes, in order; handled before the next compressed chunk is read. A promise pauses the inflater
   * until it settles (the consumer's output is backed up), so nothing piles up in between.
   */
  data(chunk: Buffer): void | Promise<void>;
  /** true once the consumer wants no more (the capture parser stopped) */
  readonly stopped: boolean;
  /** `bytes` bytes that are not gzip follow the last member, from compressed offset `offset` */
  junk(offset: number, bytes: number, allZero: boolean): void;
  /** a member's CRC-32 or length does not match its data (delivered anyway, as gzip -d does with a warning) */
  damaged(message: string, offset: number): void;
}

const CM_DEFLATE = 8;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const TRAILER = 8;
/** A header longer than this (a name or comment without its terminating zero) is not taken for one. */
const MAX_HEADER = 64 * 1024;
/**
 * A member whose deflate data lies whole within this many buffered bytes, and inflates to at most FAST_MEMBER_OUTPUT,
 * is inflated in one synchronous call: a stream per member costs a round trip to zlib's thread pool, and a file of
 * 500,000 empty members (10 MB) took 11 s that way.
 */
const FAST_MEMBER_INPUT = 64 * 1024;
const FAST_MEMBER_OUTPUT = 1024 * 1024;

/**
 * The member's deflate data at the start of `data` inflated in one call, and how many bytes it took; null when it
 * does not end within FAST_MEMBER_INPUT bytes of `data`, is damaged, or inflates to more than FAST_MEMBER_OUTPUT (the
 * stream then reads it, and reports damage as it does).
 */
function inflateWhole(data: Buffer): { output: Buffer; taken: number } | null {
  try {
    // raw inflate stops at the end of the deflate data: what follows it (the trailer, more members) is left unread
    const { buffer, engine } = inflateRawSync(data.subarray(0, FAST_MEMBER_INPUT), { info: true, maxOutputLength: FAST_MEMBER_OUTPUT }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return { output: buffer, taken: engine.bytesWritten };
  } catch {
    return null;
  }
}

/** An error shaped like zlib's own, so callers judge damage the same way. */
function zlibError(message: string, code: 'Z_DATA_ERROR' | 'Z_BUF_ERROR'): Error {
  return Object.assign(new Error(message), { code });
}

/** Length of the member header at `buf[0..]`: >0 when whole, 0 when more bytes are needed, -1 when it is not gzip. */
function headerLength(buf: Buffer): number {
  if (buf.length >= 1 && buf[0] !== 0x1f) return -1;
  if (buf.length >= 2 && buf[1] !== 0x8b) return -1;
  if (buf.length >= 3 && buf[2] !== CM_DEFLATE) return -1;
  if (buf.length < 10) return 0;
  const flags = buf[3];
  let pos = 10;
  if (flags & FEXTRA) {
    if (buf.length < pos + 2) return 0;
    pos += 2 + buf.readUInt16LE(pos);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const zero = buf.indexOf(0, pos);
    if (zero < 0) return buf.length > MAX_HEADER ? -1 : 0;
    pos = zero + 1;
  }
  if (flags & FHCRC) pos += 2;
  if (buf.length < pos) return buf.length > MAX_HEADER ? -1 : 0;
  return pos;
}

/**
 * Writes `chunk` to the inflater and resolves once zlib has taken what it wants of it (its output already handed on);
 * a failure (zlib's, or the sink's, see startMember) is left for the caller to find in `failed`.
 */
function inflateChunk(inflate: InflateRaw, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      inflate.off('error', done);
      resolve();
    };
    inflate.once('error', done);
    inflate.write(chunk, done);
  });
}

/** Ends the inflater of a member the file cut short; rejects with zlib's error (unexpected end of file). */
function endInflate(inflate: InflateRaw): Promise<void> {
  return new Promise((resolve) => {
    inflate.once('error', () => resolve());
    inflate.once('end', resolve);
    inflate.once('close', resolve);
    inflate.end();
  });
}

/**
 * Decompresses the gzip stream `source` into `sink`. Throws a zlib-shaped error (code Z_DATA_ERROR or Z_BUF_ERROR)
 * when the first member is not gzip, when deflate data is corrupt, or when the stream ends inside a member; what was
 * decompressed before has been handed to the sink by then.
 */
export async function gunzipMembers(source: AsyncIterable<Buffer>, sink: GzipSink, chunkSize = 64 * 1024): Promise<void> {
  /** compressed offset of `pending[0]` */
  let offset = 0;
  /** bytes read but not yet framed (part of a header or trailer) */
  let pending: Buffer = Buffer.alloc(0);
  let phase: 'header' | 'body' | 'trailer' | 'junk' = 'header';
  let members = 0;
  let inflate: InflateRaw | null = null;
  let written = 0;
  let crc = 0;
  let size = 0;
  let junkStart = 0;
  let junkBytes = 0;
  let junkZero = true;

  /** the first error of the current member's inflater, or of the sink while it took the member's output */
  let failed: Error | null = null;
  /** the consumer's last unsettled handling of a chunk (the inflater is paused meanwhile) */
  let consumer: Promise<unknown> = Promise.resolve();
  /** Waits until every chunk the inflater produced has been handled (none paused or buffered). */
  const settled = async (member: InflateRaw) => {
    while (failed === null && !member.destroyed && (member.isPaused() || member.readableLength > 0)) {
      await consumer;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const startMember = () => {
    const member = createInflateRaw({ chunkSize });
    member.on('error', (error: Error) => {
      failed ??= error;
    });
    member.on('data', (chunk: Buffer) => {
      crc = crc32(chunk, crc);
      size = (size + chunk.length) >>> 0;
      const refuse = (error: unknown) => {
        // the capture parser refused the bytes (not a capture): that error, not zlib's, is the outcome
        failed ??= error as Error;
        member.destroy();
      };
      try {
        const handled = sink.data(chunk);
        if (handled instanceof Promise) {
          member.pause();
          consumer = handled.then(() => member.resume(), refuse);
        }
      } catch (error) {
        refuse(error);
      }
    });
    inflate = member;
    written = 0;
    crc = 0;
    size = 0;
  };

  for await (const chunk of source) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length > 0 && !sink.stopped) {
      if (phase === 'junk') {
        junkBytes += pending.length;
        for (let i = 0; i < pending.length && junkZero; i++) if (pending[i] !== 0) junkZero = false;
        offset += pending.length;
        pending = Buffer.alloc(0);
        break;
      }
      if (phase === 'header') {
        const length = headerLength(pending);
        if (length === 0) break;
        if (length < 0) {
          if (members === 0) throw zlibError('incorrect header check', 'Z_DATA_ERROR');
          phase = 'junk';
          junkStart = offset;
          continue;
        }
        pending = pending.subarray(length);
        offset += length;
        phase = 'body';
        const whole = inflateWhole(pending);
        if (whole !== null) {
          // the whole member is here: its output in one piece, then its trailer (same checks as a streamed one)
          crc = whole.output.length > 0 ? crc32(whole.output) : 0;
          size = whole.output.length >>> 0;
          if (whole.output.length > 0) await sink.data(whole.output);
          offset += whole.taken;
          pending = pending.subarray(whole.taken);
          phase = 'trailer';
          continue;
        }
        startMember();
        continue;
      }
      if (phase === 'body') {
        const member = inflate as unknown as InflateRaw;
        const before = member.bytesWritten;
        await inflateChunk(member, pending);
        await settled(member);
        if (failed !== null) throw failed;
        written += pending.length;
        const taken = member.bytesWritten - before;
        if (member.bytesWritten === written) {
          offset += pending.length;
          pending = Buffer.alloc(0);
          break;
        }
        // the deflate data ended inside this chunk (its output is all handed on): the trailer follows, then more
        member.removeAllListeners('data');
        member.destroy();
        offset += taken;
        pending = pending.subarray(taken);
        phase = 'trailer';
        continue;
      }
      // trailer
      if (pending.length < TRAILER) break;
      if (pending.readUInt32LE(0) !== crc >>> 0 || pending.readUInt32LE(4) !== size) {
        sink.damaged(`gzip member ${members + 1}: its CRC-32 or length does not match its data (kept anyway)`, offset);
      }
      members++;
      pending = pending.subarray(TRAILER);
      offset += TRAILER;
      inflate = null;
      phase = 'header';
    }
    if (sink.stopped) break;
  }
  if (sink.stopped) return;
  if (phase === 'junk') {
    sink.junk(junkStart, junkBytes, junkZero);
  } else if (phase === 'body') {
    // the file ends inside the deflate data: zlib says how (unexpected end of file)
    await endInflate(inflate as unknown as InflateRaw);
    if (failed !== null && !((failed as NodeJS.ErrnoException).code ?? '').startsWith('Z_')) throw failed;
    throw zlibError('unexpected end of file', 'Z_BUF_ERROR');
  } else if (phase === 'trailer' || members === 0) {
    throw zlibError('unexpected end of file', 'Z_BUF_ERROR');
  } else if (pending.length > 0) {
    // a few bytes after the last member that could begin another but end first
    sink.junk(offset, pending.length, pending.every((b) => b === 0));
  }
}
