import { isCaptureTime } from '../model/time.js';
import type { TimeBucket } from './types.js';

/**
 * Bucket widths in seconds, each a multiple of the one before it so that merging buckets into wider ones is exact:
 * 1 s, 10 s, 1 min, 5 min, 15 min, 1 h, 6 h, 1 day, 1 week, 4 weeks; beyond that widths double.
 */
const WIDTHS: readonly number[] = [1, 10, 60, 300, 900, 3600, 21_600, 86_400, 604_800, 2_419_200];

/** Buckets kept while counting: memory is bounded whatever span the captures cover. */
const MAX_KEPT_BUCKETS = 4096;

/** Buckets shown: enough to see when failures started, few enough for a chart and a table. */
export const MAX_SHOWN_BUCKETS = 60;

function nextWidth(width: number): number {
  for (const w of WIDTHS) if (w > width) return w;
  return width * 2;
}

interface Counts {
  connections: number;
  failed: number;
}

/**
 * Connections and failures over time, bucketed. Buckets are aligned to multiples of their width since the epoch and
 * widen (merging exactly) when the span would need more than MAX_KEPT_BUCKETS, so the result does not depend on the
 * order connections are added in.
 */
export class TimeSeries {
  private width = 1;
  private readonly buckets = new Map<number, Counts>();
  private minStart = Infinity;
  private maxStart = -Infinity;

  /**
   * Counts one connection at `ts`. A time outside the capture-time range (src/model/time.ts) is not placed on the axis:
   * the readers reject or clamp such times before they get here, and past 2^53 adding a width to a bucket start would
   * no longer move it.
   */
  add(ts: number, failed: boolean): void {
    if (!isCaptureTime(ts)) return;
    let start = Math.floor(ts / this.width) * this.width;
    const low = Math.min(this.minStart, start);
    const high = Math.max(this.maxStart, start);
    if ((high - low) / this.width >= MAX_KEPT_BUCKETS) {
      this.widen(low, high);
      start = Math.floor(ts / this.width) * this.width;
    }
    this.minStart = Math.min(this.minStart, start);
    this.maxStart = Math.max(this.maxStart, start);
    let counts = this.buckets.get(start);
    if (counts === undefined) {
      counts = { connections: 0, failed: 0 };
      this.buckets.set(start, counts);
    }
    counts.connections++;
    if (failed) counts.failed++;
  }

  private widen(low: number, high: number): void {
    let width = this.width;
    while ((Math.floor(high / width) - Math.floor(low / width)) >= MAX_KEPT_BUCKETS) width = nextWidth(width);
    this.regroup(width);
  }

  private regroup(width: number): void {
    const old = [...this.buckets];
    this.buckets.clear();
    this.width = width;
    this.minStart = Infinity;
    this.maxStart = -Infinity;
    for (const [start, counts] of old) {
      const merged = Math.floor(start / width) * width;
      this.minStart = Math.min(this.minStart, merged);
      this.maxStart = Math.max(this.maxStart, merged);
      const into = this.buckets.get(merged);
      if (into === undefined) this.buckets.set(merged, { ...counts });
      else {
        into.connections += counts.connections;
        into.failed += counts.failed;
      }
    }
  }

  /**
   * The series at the narrowest width that fits the span in `maxBuckets` buckets, every bucket from the first to the
   * last included (empty ones as zeros) so a chart's time axis is even.
   */
  snapshot(maxBuckets: number = MAX_SHOWN_BUCKETS): { bucketSeconds: number; buckets: TimeBucket[] } {
    if (this.buckets.size === 0) return { bucketSeconds: this.width, buckets: [] };
    let width = this.width;
    while (Math.floor(this.maxStart / width) - Math.floor(this.minStart / width) >= maxBuckets) width = nextWidth(width);
    const merged = new Map<number, Counts>();
    for (const [start, counts] of this.buckets) {
      const key = Math.floor(start / width) * width;
      const into = merged.get(key);
      if (into === undefined) merged.set(key, { ...counts });
      else {
        into.connections += counts.connections;
        into.failed += counts.failed;
      }
    }
    const first = Math.floor(this.minStart / width) * width;
    const last = Math.floor(this.maxStart / width) * width;
    const buckets: TimeBucket[] = [];
    // counted by index, not by adding widths to a start: the number of buckets is fixed before the loop begins
    const count = Math.round((last - first) / width) + 1;
    for (let i = 0; i < count; i++) {
      const start = first + i * width;
      const counts = merged.get(start);
      buckets.push({ start, connections: counts?.connections ?? 0, failed: counts?.failed ?? 0 });
    }
    return { bucketSeconds: width, buckets };
  }
}
