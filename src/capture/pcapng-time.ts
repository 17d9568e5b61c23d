/**
 * pcapng timestamps: a 64-bit count of ticks since 1970 whose unit is the interface's `if_tsresol`
 * (draft-ietf-opsawg-pcapng §4.2): the low 7 bits are an exponent, of 10 when the high bit is clear (default 6, µs),
 * of 2 when it is set. Returns ticks per second, or 0 when the resolution is unusable (finer than a double can count).
 */
export function unitsPerSecond(tsresol: number): number {
  const exponent = tsresol & 0x7f;
  if (tsresol & 0x80) return exponent <= 63 ? 2 ** exponent : 0;
  // Parsed rather than computed with **, which is not guaranteed to be exactly rounded.
  return exponent <= 18 ? Number(`1e${exponent}`) : 0;
}

/** Beyond this many ticks per second the division below could lose integer exactness; plain division is used. */
const EXACT_DIVISOR_LIMIT = 2 ** 37;
/** high * 2^32 + low is an exact double while high stays below 2^21 (the value below 2^53). */
const EXACT_HIGH_LIMIT = 2 ** 21;

/**
 * Converts the 64-bit tick count (high and low 32-bit words) into epoch seconds.
 *
 * Nanosecond ticks of today (~1.7e18) exceed 2^53, so `(high * 2^32 + low) / units` would already be off by
 * hundreds of nanoseconds before dividing. Dividing in base 2^16 keeps every intermediate an exact integer, so the
 * only rounding left is the final one (≈0.2 µs at today's epoch, the precision of a double).
 */
export function ticksToSeconds(high: number, low: number, units: number): number {
  if (high < EXACT_HIGH_LIMIT) {
    const ticks = high * 4294967296 + low;
    const whole = Math.floor(ticks / units);
    return whole + (ticks - whole * units) / units;
  }
  if (units > EXACT_DIVISOR_LIMIT) return (high * 4294967296 + low) / units;

  // Long division, one 16-bit digit at a time. A quotient digit that rounds up leaves a negative remainder; the
  // identity whole * units + rem = value still holds exactly, which is all the final sum needs.
  let cur = high >>> 16;
  let digit = Math.floor(cur / units);
  let rem = cur - digit * units;
  let whole = digit;

  cur = rem * 65536 + (high & 0xffff);
  digit = Math.floor(cur / units);
  rem = cur - digit * units;
  whole = whole * 65536 + digit;

  cur = rem * 65536 + (low >>> 16);
  digit = Math.floor(cur / units);
  rem = cur - digit * units;
  whole = whole * 65536 + digit;

  cur = rem * 65536 + (low & 0xffff);
  digit = Math.floor(cur / units);
  rem = cur - digit * units;
  whole = whole * 65536 + digit;

  return whole + rem / units;
}
