/** seconds of capture time between looks for idle and finished flows */
export const SWEEP_INTERVAL = 1;

/**
 * When a flow table looks for idle and finished flows: at the first segment at least SWEEP_INTERVAL seconds of
 * capture time after the last look. A single frame stamped far in the future (damaged or hand-edited captures have
 * them) must not end every flow as idle: a jump longer than the idle timeout is believed only when the next frame
 * confirms it.
 *
 * The schedule depends on the segments' timestamps only, so a reader that hands a capture's flows to several worker
 * threads keeps one clock over all segments and tells every worker when to sweep: each then ends its idle flows at
 * the same capture time as one thread would.
 */
export class SweepClock {
  private nextSweep = -Infinity;
  private previousTs = -Infinity;
  private jumpSeen = false;

  constructor(private readonly idleTimeout: number) {}

  /** A segment stamped `ts` comes: whether the flows are to be swept first (then call swept()). */
  due(ts: number): boolean {
    if (ts < this.nextSweep) {
      this.jumpSeen = false;
      this.previousTs = ts;
      return false;
    }
    const jump = ts - this.previousTs > this.idleTimeout && this.previousTs !== -Infinity && !this.jumpSeen;
    this.previousTs = ts;
    this.jumpSeen = jump;
    return !jump;
  }

  /** The flows were swept at `now`. */
  swept(now: number): void {
    this.nextSweep = now + SWEEP_INTERVAL;
  }

  /** The sweep at `now` stopped at its limit of ends: the next segment sweeps again. */
  again(now: number): void {
    this.nextSweep = now;
  }
}
