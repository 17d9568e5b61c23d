/**
 * GREASE (RFC 8701 §2): reserved values a client sprinkles into its lists so that servers which choke on unknown
 * values are caught early. Every one has the form 0x?A?A with both bytes equal: 0x0a0a, 0x1a1a, ... 0xfafa.
 * The same sixteen values are reserved in the cipher suite, extension, supported group, signature scheme and
 * version registries, so one test serves them all.
 */

/** True for the sixteen 16-bit GREASE values of RFC 8701 §2. */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >>> 8 === (value & 0xff) && value <= 0xffff;
}
