/**
 * Fixed-width hex spellings of registry code points. The connection record carries coded values as these strings
 * (see src/model/record.ts), so every stage must spell them the same way: lower case, zero padded, '0x' prefix.
 */

const HEX_DIGITS = '0123456789abcdef';

/** A byte as '0x' + 2 hex digits (alerts, handshake types, content types). */
export function hex8(value: number): string {
  return '0x' + HEX_DIGITS[(value >>> 4) & 0xf] + HEX_DIGITS[value & 0xf];
}

/** Spellings made so far: every ClientHello lists dozens of code points, and they are the same few hundred. */
const HEX16_SPELLINGS: (string | undefined)[] = new Array(0x10000);

/** A 16-bit code point as '0x' + 4 hex digits: 0x0303 → '0x0303'. */
export function hex16(value: number): string {
  const code = value & 0xffff;
  let text = HEX16_SPELLINGS[code];
  if (text === undefined) {
    text = '0x' + HEX_DIGITS[code >>> 12] + HEX_DIGITS[(code >>> 8) & 0xf] + HEX_DIGITS[(code >>> 4) & 0xf] + HEX_DIGITS[code & 0xf];
    HEX16_SPELLINGS[code] = text;
  }
  return text;
}

/** A 24-bit SSLv2 cipher kind (RFC 6101 appendix E) as '0x' + 6 hex digits: 0x010080 → '0x010080'. */
export function hex24(value: number): string {
  return '0x' + (value & 0xffffff).toString(16).padStart(6, '0');
}
