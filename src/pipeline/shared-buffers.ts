import type { ReadBufferPool } from '../capture/file.js';

/**
 * The read buffers of a sharded analysis: SharedArrayBuffers the reader reads the capture into and the workers read
 * frames from. A buffer is reused once the reader has moved on from it and every batch over it has been answered;
 * fresh memory for each chunk would cost a page fault per page, and memory the collectors of several threads must
 * agree to free. What is in use is bounded by the batches in flight.
 */
export class SharedBufferPool implements ReadBufferPool {
  private readonly free: SharedArrayBuffer[] = [];
  private readonly users = new Map<SharedArrayBuffer, number>();

  constructor(
    private readonly size: number,
    private readonly maxFree = 16,
  ) {}

  take(size: number): Buffer {
    const shared = (size === this.size ? this.free.pop() : undefined) ?? new SharedArrayBuffer(size);
    this.users.set(shared, 1);
    return Buffer.from(shared);
  }

  release(buf: Buffer): void {
    this.drop(buf.buffer as SharedArrayBuffer);
  }

  /** A batch over `shared` went to a worker. */
  hold(shared: SharedArrayBuffer): void {
    this.users.set(shared, (this.users.get(shared) ?? 0) + 1);
  }

  /** A batch over `shared` was answered (or the reader moved on from it). */
  drop(shared: SharedArrayBuffer): void {
    const users = (this.users.get(shared) ?? 1) - 1;
    if (users > 0) {
      this.users.set(shared, users);
      return;
    }
    this.users.delete(shared);
    if (shared.byteLength === this.size && this.free.length < this.maxFree) this.free.push(shared);
  }
}
