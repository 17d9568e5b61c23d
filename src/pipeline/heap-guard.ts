/**
 * Keeps the JavaScript heap near what the analysis really holds. The memory budget bounds the live connection state,
 * but under a flood every connection lives long enough to be promoted to V8's old generation and dies there; V8 lets
 * that garbage pile up to several times the live size before it collects (measured: a 150 MB live set under a
 * 1M-ClientHello flood peaked at a 575 MB heap). When the heap passes the budget plus a slack, a full collection is
 * asked for: under a flood that costs a fraction of a second per few hundred MB of garbage; a normal capture never
 * reaches the threshold.
 *
 * The collector is reached through the documented V8 flag `--expose-gc`, set at run time: it takes effect for
 * contexts made afterwards, so a new context hands over its `gc` function. Where that is not possible (a runtime
 * without `vm`), the guard does nothing and V8's own heuristics decide.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap bytes allowed beyond the memory budget before a collection is asked for: code, caches, records in flight. */
const HEAP_SLACK = 64 << 20;

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('typeof gc === "function" ? gc : null') as (() => void) | null;
    collect = gc;
  } catch {
    collect = null;
  }
  return collect;
}

export class HeapGuard {
  /** full collections asked for so far */
  collections = 0;
  private readonly threshold: number;

  constructor(budgetBytes: number) {
    this.threshold = budgetBytes + HEAP_SLACK;
  }

  /** Asks for a full collection when the heap has grown past the budget plus the slack. Cheap when it has not. */
  check(): void {
    if (getHeapStatistics().used_heap_size <= this.threshold) return;
    const gc = collector();
    if (gc === null) return;
    gc();
    this.collections++;
  }
}
