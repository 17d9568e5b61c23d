/**
 * The frames a reader hands one worker thread at a time. The frames themselves are not copied: the reader reads the
 * capture into buffers over SharedArrayBuffers (ReadCaptureOptions.sharedBuffers) and a batch is an index into one
 * of them, a Float64Array of ENTRY numbers per entry (transferred, not cloned):
 * ```
 *  0 kind (1 frame, 2 sweep, 3 secrets)   1 frame number (the capture's, from 1)   2 timestamp (epoch seconds)
 *  3 start, 4 end: the frame's bytes in the shared buffer (kind 1), or 3: the index in `extras` (kind 3)
 *  5 link type (LINKTYPE_*)   6 original length   7 unused
 * ```
 * A sweep (kind 2) is the SweepClock's order to look for idle flows at `timestamp`, placed before the frame it was
 * decided on; secrets (kind 3) are a pcapng Decryption Secrets Block, copied, sent to every worker. This format lives
 * only between the threads of one process.
 */
export const ENTRY = 8;
export const KIND_FRAME = 1;
export const KIND_SWEEP = 2;
export const KIND_SECRETS = 3;

/** One batch: entries over one shared buffer (null when the batch holds no frame). */
export interface FrameBatch {
  shared: SharedArrayBuffer | null;
  index: Float64Array;
  count: number;
  extras: Uint8Array[];
}

/** What a worker is told about one entry; `start`/`end` index `buf`. */
export interface BatchEntryVisitor {
  frame(frameNumber: number, buf: Buffer, start: number, end: number, ts: number, linkType: number, origLen: number): void;
  sweep(frameNumber: number, ts: number): void;
  secrets(text: Buffer): void;
}

/** Fills one batch; take() hands it over and starts the next. */
export class FrameBatchWriter {
  private index: Float64Array;
  private count = 0;
  private shared: SharedArrayBuffer | null = null;
  private extras: Uint8Array[] = [];

  constructor(private readonly capacity: number) {
    this.index = new Float64Array(capacity * ENTRY);
  }

  get length(): number {
    return this.count;
  }

  /** The shared buffer the batch's frames are in (null before the first frame). */
  get buffer(): SharedArrayBuffer | null {
    return this.shared;
  }

  /** A frame in `buf` (a buffer over a SharedArrayBuffer: the caller cuts the batch when that buffer changes). */
  frame(frameNumber: number, buf: Buffer, start: number, end: number, ts: number, linkType: number, origLen: number): void {
    this.shared = buf.buffer as SharedArrayBuffer;
    const at = this.reserve();
    const index = this.index;
    index[at] = KIND_FRAME;
    index[at + 1] = frameNumber;
    index[at + 2] = ts;
    index[at + 3] = buf.byteOffset + start;
    index[at + 4] = buf.byteOffset + end;
    index[at + 5] = linkType;
    index[at + 6] = origLen;
  }

  sweep(frameNumber: number, ts: number): void {
    const at = this.reserve();
    this.index[at] = KIND_SWEEP;
    this.index[at + 1] = frameNumber;
    this.index[at + 2] = ts;
  }

  secrets(text: Buffer): void {
    const at = this.reserve();
    this.index[at] = KIND_SECRETS;
    this.index[at + 3] = this.extras.length;
    this.extras.push(new Uint8Array(text));
  }

  /** The batch so far; the writer starts a fresh one. */
  take(): FrameBatch {
    const batch: FrameBatch = { shared: this.shared, index: this.index, count: this.count, extras: this.extras };
    this.index = new Float64Array(this.capacity * ENTRY);
    this.count = 0;
    this.shared = null;
    this.extras = [];
    return batch;
  }

  private reserve(): number {
    if ((this.count + 1) * ENTRY > this.index.length) {
      const bigger = new Float64Array(this.index.length * 2);
      bigger.set(this.index);
      this.index = bigger;
    }
    return this.count++ * ENTRY;
  }
}

/** Walks a batch's entries in order. */
export function readFrameBatch(batch: FrameBatch, visit: BatchEntryVisitor): void {
  const buf = batch.shared === null ? Buffer.alloc(0) : Buffer.from(batch.shared);
  const index = batch.index;
  for (let i = 0; i < batch.count; i++) {
    const at = i * ENTRY;
    const kind = index[at];
    if (kind === KIND_FRAME) visit.frame(index[at + 1], buf, index[at + 3], index[at + 4], index[at + 2], index[at + 5], index[at + 6]);
    else if (kind === KIND_SWEEP) visit.sweep(index[at + 1], index[at + 2]);
    else if (kind === KIND_SECRETS) visit.secrets(Buffer.from(batch.extras[index[at + 3]]));
  }
}
