import type { Writable } from 'node:stream';
import type { OutputPressure } from '../../pipeline/output-pressure.js';

export interface PacedWriterOptions {
  /**
   * Bytes allowed to wait beyond the stream's own high-water mark before the writer calls itself congested (live
   * capture cannot pause the network: it skips packets instead, so it waits longer before it does).
   */
  slack?: number;
  /**
   * Characters gathered before one write to the stream (0: every write goes through at once). A file or pipe takes
   * one 64 KB write far more cheaply than forty short ones (a system call and an encode each), so a batch run
   * gathers; live output does not, because a record must show up when its connection ends. Gathered text goes out
   * at the latest on flush() or drained().
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
  private gathered: (string | Buffer)[] = [];
  private gatheredLength = 0;
  private gatheredBuffers = false;

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
    if (this.batch === 0) {
      this.send(text);
      return;
    }
    this.gathered.push(text);
    this.gatheredLength += text.length;
    if (typeof text !== 'string') this.gatheredBuffers = true;
    if (this.gatheredLength >= this.batch) this.flush();
  }

  /**
   * Gathers up to `chars` characters from now on (0: none). A capture read from a pipe is analyzed as it comes, so
   * its records are written as they are decided; a file's can wait for a batch.
   */
  gather(chars: number): void {
    this.flush();
    this.batch = chars;
  }

  /** Sends what was gathered. */
  flush(): void {
    if (this.gatheredLength === 0) return;
    const gathered = this.gathered;
    const text =
      gathered.length === 1
        ? gathered[0]
        : this.gatheredBuffers
          ? Buffer.concat(gathered.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)))
          : gathered.join('');
    this.gathered = [];
    this.gatheredLength = 0;
    this.gatheredBuffers = false;
    this.send(text);
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
