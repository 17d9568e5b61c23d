import type { Writable } from 'node:stream';
import type { OutputPressure } from '../../pipeline/output-pressure.js';

export interface PacedWriterOptions {
  /**
   * Bytes allowed to wait beyond the stream's own high-water mark before the writer calls itself congested (live
   * capture cannot pause the network: it skips packets instead, so it waits longer before it does).
   */
  slack?: number;
  /**
   * Bytes gathered before one write to the stream (0: every write goes through at once). A file or pipe takes one
   * 64 KB write far more cheaply than forty short ones (a system call and an encode each), so a batch run gathers;
   * live output does not, because a record must show up when its connection ends. Gathered text goes out at the
   * latest on flush() or drained().
   */
  batch?: number;
}

/**
 * Writes text to a stream and respects write()'s answer: once the stream's buffer is past its high-water mark the
 * writer is `congested` until the stream emits 'drain', and the analysis pauses meanwhile (OutputPressure). So what
 * waits in memory for a slow reader is bounded by the high-water mark plus what one frame's analysis can emit (and
 * one batch), not by the size of the capture. A file is written synchronously by Node and never congests.
 */
export class PacedWriter implements OutputPressure {
  private waiting: Promise<void> | null = null;
  private readonly slack: number;
  private batch: number;
  /** text gathered for the next write, encoded as it comes (no string joined, no second encode); null when none */
  private gathered: Buffer | null = null;
  private gatheredBytes = 0;

  constructor(
    private readonly stream: Writable | NodeJS.WriteStream,
    options: PacedWriterOptions = {},
  ) {
    this.slack = options.slack ?? 0;
    this.batch = options.batch ?? 0;
  }

  get congested(): boolean {
    return this.waiting !== null;
  }

  /** Text, or output already encoded as UTF-8 (what worker threads render). */
  write(text: string | Buffer): void {
    // UTF-8 takes at most 3 bytes for each UTF-16 code unit
    const most = typeof text === 'string' ? text.length * 3 : text.length;
    if (this.batch === 0 || most > this.batch) {
      this.flush();
      this.send(text);
      return;
    }
    let gathered = this.gathered;
    if (gathered !== null && this.gatheredBytes + most > gathered.length) {
      this.flush();
      gathered = null;
    }
    // a fresh buffer each time: the stream may still hold the last one (a pipe writes later)
    gathered ??= this.gathered = Buffer.allocUnsafe(2 * this.batch);
    this.gatheredBytes += typeof text === 'string' ? gathered.write(text, this.gatheredBytes) : text.copy(gathered, this.gatheredBytes);
    if (this.gatheredBytes >= this.batch) this.flush();
  }

  /**
   * Gathers up to `bytes` bytes from now on (0: none). A capture read from a pipe is analyzed as it comes, so its
   * records are written as they are decided; a file's can wait for a batch.
   */
  gather(bytes: number): void {
    this.flush();
    this.batch = bytes;
  }

  /** Sends what was gathered. */
  flush(): void {
    const gathered = this.gathered;
    if (gathered === null || this.gatheredBytes === 0) return;
    const bytes = this.gatheredBytes;
    this.gathered = null;
    this.gatheredBytes = 0;
    this.send(gathered.subarray(0, bytes));
  }

  private send(text: string | Buffer): void {
    if (this.stream.write(text) || this.waiting !== null || this.pendingBytes <= this.slack) return;
    this.waiting = new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.waiting = null;
        resolve();
      };
      this.stream.on('drain', done);
      // a closed stream never drains: main() decides what a closed stdout means (EPIPE ends the process quietly)
      this.stream.on('close', done);
    });
  }

  /** Sends what was gathered, then resolves once the stream has taken it. */
  drained(): Promise<void> {
    this.flush();
    return this.waiting ?? Promise.resolve();
  }

  /** Bytes written but not yet taken by the reader. */
  get pendingBytes(): number {
    return (this.stream as Writable).writableLength ?? 0;
  }
}
