import type { Example } from './types.js';

/** Examples kept per row: enough to open a few in Wireshark, few enough that memory follows rows, not records. */
export const EXAMPLES_PER_ROW = 3;

/** Earlier first; capture and id break ties, so the examples kept do not depend on the order records arrive in. */
export function compareExamples(a: Example, b: Example): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.capture !== b.capture) return a.capture < b.capture ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Keeps the `limit` earliest examples in `list` (sorted, modified in place). Returns whether `example` was kept, so
 * callers build the example object only once.
 */
export function keepEarliest(list: Example[], example: Example, limit: number = EXAMPLES_PER_ROW): boolean {
  if (list.length >= limit && compareExamples(example, list[list.length - 1]) >= 0) return false;
  let at = list.length;
  while (at > 0 && compareExamples(example, list[at - 1]) < 0) at--;
  list.splice(at, 0, example);
  if (list.length > limit) list.pop();
  return true;
}
