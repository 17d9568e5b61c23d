import type { RenderedRecords } from './shard-messages.js';

/**
 * Puts the records of several worker threads back into one order: by the frame at which each was decided (its key),
 * ties by worker, then the records the end of the capture decided (key Infinity), worker after worker. A record goes
 * out only once no worker can still produce one before it: each worker's `cut` says that every frame up to it is
 * done. So the output is the same for the same capture and the same number of workers, and what waits here is
 * bounded by the batches in flight.
 */
export class OrderedMerge {
  private readonly queues: { chunk: RenderedRecords; next: number }[][];
  /** per worker: every record with a key up to this has arrived (Infinity: only end-of-capture ones may follow) */
  private readonly cuts: number[];
  private readonly done: boolean[];

  constructor(
    workers: number,
    private readonly emit: (text: Buffer, firstTs: number) => void,
  ) {
    this.queues = Array.from({ length: workers }, () => []);
    this.cuts = new Array<number>(workers).fill(0);
    this.done = new Array<boolean>(workers).fill(false);
  }

  /** Records of `worker`, all of its frames up to `cut` being done. */
  add(worker: number, records: RenderedRecords, cut: number): void {
    if (records.keys.length > 0) this.queues[worker].push({ chunk: records, next: 0 });
    this.cuts[worker] = Math.max(this.cuts[worker], cut);
    this.drain();
  }

  /** `worker` will send nothing more (finished, or failed). */
  finish(worker: number): void {
    this.done[worker] = true;
    this.drain();
  }

  /** Records of `worker` still waiting for their turn. */
  queued(worker: number): number {
    let n = 0;
    for (const { chunk, next } of this.queues[worker]) n += chunk.keys.length - next;
    return n;
  }

  /** Records still waiting (for the tests and the bench). */
  get waiting(): number {
    let n = 0;
    for (const queue of this.queues) for (const { chunk, next } of queue) n += chunk.keys.length - next;
    return n;
  }

  private drain(): void {
    const workers = this.queues.length;
    for (;;) {
      let best = -1;
      let bestKey = Infinity;
      for (let w = 0; w < workers; w++) {
        const head = this.queues[w][0];
        if (head === undefined) continue;
        const key = head.chunk.keys[head.next];
        if (best < 0 || key < bestKey) {
          best = w;
          bestKey = key;
        }
      }
      if (best < 0 || !this.mayEmit(best, bestKey)) return;
      const queue = this.queues[best];
      const head = queue[0];
      const i = head.next++;
      const { chunk } = head;
      const start = i === 0 ? 0 : chunk.ends[i - 1];
      this.emit(Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset + start, chunk.ends[i] - start), chunk.firstTs[i]);
      if (head.next === chunk.keys.length) queue.shift();
    }
  }

  /** Whether no other worker can still produce a record that goes before (key, worker). */
  private mayEmit(worker: number, key: number): boolean {
    for (let v = 0; v < this.queues.length; v++) {
      if (v === worker || this.done[v] || this.queues[v].length > 0) continue;
      const cut = this.cuts[v];
      if (key === Infinity ? cut !== Infinity || v < worker : key > cut) return false;
    }
    return true;
  }
}
