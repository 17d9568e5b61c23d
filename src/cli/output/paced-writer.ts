import type { Writable } from 'node:stream';
import type { OutputPressure } from '../../pipeline/output-pressure.js';

/**
 * Writes text to a stream and respects write()'s answer: once the stream's buffer is past its high-water mark the
 * writer is `congested` until the stream emits 'drain', and the analysis pauses meanwhile (OutputPressure). So what
 * waits in memory for a slow reader is bounded by the high-water mark plus what one frame's analysis can emit, not by
 * the size of the capture. A file is written synchronously by Node and never congests.
 */
export class PacedWriter implements OutputPressure {
  private waiting: Promise<void> | null = null;

  /**
   * `slack`: bytes allowed to wait beyond the stream's own high-water mark before the writer calls itself congested
   * (live capture cannot pause the network: it skips packets instead, so it waits longer before it does).
   */
  constructor(
    private readonly stream: Writable | NodeJS.WriteStream,
    private readonly slack = 0,
  ) {}

  get congested(): boolean {
    return this.waiting !== null;
  }

  write(text: string): void {
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

  drained(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }

  /** Bytes written but not yet taken by the reader. */
  get pendingBytes(): number {
    return (this.stream as Writable).writableLength ?? 0;
  }
}
