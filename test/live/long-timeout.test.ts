/**
 * Item 12 of the hostile-input issue (`live --duration` ≥ 2,147,484 s): setTimeout fires at once past 2^31 - 1 ms,
 * so a capture meant to run for weeks stopped as it started. The duration is now waited for in pieces; the test
 * drives the timer with a clock of its own and counts the pieces (no real waiting).
 */
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout, type TimerFunctions } from '../../src/cli/long-timeout.js';

/** A clock that only moves when told: records every delay asked for. */
function manualClock() {
  let now = 0;
  let pending: { at: number; fn: () => void; id: number } | null = null;
  let nextId = 0;
  const delays: number[] = [];
  const timers: TimerFunctions = {
    setTimeout(fn, ms) {
      delays.push(ms);
      pending = { at: now + ms, fn, id: ++nextId };
      return nextId;
    },
    clearTimeout(handle) {
      if (pending?.id === handle) pending = null;
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    while (pending !== null && pending.at <= until) {
      const due = pending;
      pending = null;
      now = due.at;
      due.fn();
    }
    now = until;
  };
  return { timers, delays, advance };
}

describe('timeouts longer than setTimeout takes', () => {
  it('a duration of 2,147,484 s fires after that long, never before, each piece within the limit', () => {
    const clock = manualClock();
    let fired = 0;
    const ms = 2_147_484 * 1000;
    setLongTimeout(() => fired++, ms, clock.timers);
    clock.advance(ms - 1);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    expect(clock.delays.every((d) => d <= MAX_TIMER_MS)).toBe(true);
    expect(clock.delays.reduce((a, b) => a + b, 0)).toBe(ms);
    expect(clock.delays.length).toBe(Math.ceil(ms / MAX_TIMER_MS));
  });

  it('a short duration is one ordinary timer; clear cancels a long one between pieces', () => {
    const clock = manualClock();
    let fired = 0;
    setLongTimeout(() => fired++, 1500, clock.timers);
    expect(clock.delays).toEqual([1500]);
    clock.advance(1500);
    expect(fired).toBe(1);
    const timer = setLongTimeout(() => fired++, 3 * MAX_TIMER_MS, clock.timers);
    clock.advance(MAX_TIMER_MS + 10);
    timer.clear();
    clock.advance(5 * MAX_TIMER_MS);
    expect(fired).toBe(1);
  });
});
