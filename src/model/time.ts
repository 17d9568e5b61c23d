/**
 * Capture times: seconds since the Unix epoch, as a double. A capture file or an NDJSON line can claim any number —
 * a pcapng interface with `if_tsresol` 0 counts whole seconds in 64 bits (up to 1.8e19 s), an NDJSON line can say
 * `"firstTs": 1e300` — while everything that shows or buckets a time needs one a calendar can hold. So the range a
 * time may take is fixed here, once: from the epoch to the last second of the year 9999, the last instant whose ISO
 * 8601 spelling keeps its four-digit year. Inside it a double still counts milliseconds exactly (2.5e11 s < 2^53 ms),
 * so adding a bucket width or a millisecond always moves a time forward.
 */

/** The earliest capture time believed: the epoch (no capture format can say earlier without an offset trick). */
export const MIN_CAPTURE_TIME = 0;
/** The latest capture time believed: 9999-12-31T23:59:59Z. */
export const MAX_CAPTURE_TIME = 253_402_300_799;

/** A finite time inside [MIN_CAPTURE_TIME, MAX_CAPTURE_TIME]. */
export function isCaptureTime(ts: number): boolean {
  return Number.isFinite(ts) && ts >= MIN_CAPTURE_TIME && ts <= MAX_CAPTURE_TIME;
}

/** `ts` moved into the believed range (NaN becomes the epoch). */
export function clampCaptureTime(ts: number): number {
  if (!(ts >= MIN_CAPTURE_TIME)) return MIN_CAPTURE_TIME;
  return ts > MAX_CAPTURE_TIME ? MAX_CAPTURE_TIME : ts;
}

/**
 * 'YYYY-MM-DDTHH:MM:SS.mmmZ' for a capture time, never throwing: a time outside the range (or not a number) is
 * spelled as the number it is, e.g. '(time 1e+17 s)', so one absurd value cannot stop a whole output. Every writer
 * that prints a time goes through here rather than `Date.prototype.toISOString`, which throws `RangeError: Invalid
 * time value` past ±8.64e15 ms.
 */
export function isoTime(ts: number): string {
  if (!isCaptureTime(ts)) return `(time ${String(ts)} s)`;
  // Date drops the fraction of a millisecond (truncates), as every writer did before
  return new Date(ts * 1000).toISOString();
}

/** 'HH:MM:SS.mmm' (or 'HH:MM:SS' when short) UTC of a capture time; an out-of-range time as '??:??:??'. */
export function clockTime(ts: number, short = false): string {
  if (!isCaptureTime(ts)) return short ? '??:??:??' : '??:??:??.???';
  return isoTime(ts).slice(11, short ? 19 : 23);
}
