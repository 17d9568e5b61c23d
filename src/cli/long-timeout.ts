/**
 * A timeout of any length. Node's setTimeout takes at most 2^31 - 1 ms (about 24.8 days): a longer delay fires at
 * once, with a TimeoutOverflowWarning — `live --duration 2147484` stopped the capture as it started. The wait is made
 * of pieces no longer than that.
 */

/** The longest delay setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TimerFunctions {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: TimerFunctions = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface LongTimer {
  clear(): void;
}

/** Calls `fn` once `ms` milliseconds have passed, however many that is; `clear()` cancels. */
export function setLongTimeout(fn: () => void, ms: number, timers: TimerFunctions = NODE_TIMERS): LongTimer {
  let left = Math.max(0, ms);
  let handle: unknown = null;
  const step = () => {
    if (left <= MAX_TIMER_MS) {
      handle = timers.setTimeout(fn, left);
      return;
    }
    left -= MAX_TIMER_MS;
    handle = timers.setTimeout(step, MAX_TIMER_MS);
  };
  step();
  return {
    clear: () => timers.clearTimeout(handle),
  };
}
