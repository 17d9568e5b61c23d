/**
 * Making text that came off the wire safe to print. A server name, a certificate subject or a peer's banner can hold
 * anything the peer chose: terminal control sequences that rewrite the screen, bidi overrides that reorder what the
 * reader sees, or megabytes of junk. Everything shown to a person passes through here first.
 */

/** Longest text kept, in output characters; an ellipsis marks a cut. */
export const DEFAULT_SANITIZE_LIMIT = 256;

/**
 * Characters that must not reach a terminal as themselves: C0 controls, DEL, C1 controls (U+0080–U+009F, which
 * include the 8-bit CSI some terminals honour), the bidi marks, embeddings, overrides and isolates (U+061C,
 * U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph separators (U+2028, U+2029: a new line to
 * some terminals and to JavaScript), the invisible ones that make two different names look alike (soft hyphen
 * U+00AD, U+180E, zero-width space / joiners U+200B–U+200D, word joiner and invisible operators U+2060–U+2064, the
 * deprecated format controls U+206A–U+206F, the byte order mark U+FEFF, the interlinear annotation controls
 * U+FFF9–U+FFFB), and lone surrogates. Backslashes pass: they are harmless, and text a lower stage already escaped
 * stays readable. ANSI escape sequences are defused by escaping their ESC (or C1 CSI) introducer: the rest is
 * printable text.
 */
const UNSAFE_TEST = /[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]/;

function isUnsafe(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    code === 0x061c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    (code >= 0x2066 && code <= 0x206f) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb) ||
    // a surrogate seen on its own by the code point iteration is a lone one
    (code >= 0xd800 && code <= 0xdfff)
  );
}

function escapeOf(code: number): string {
  if (code <= 0xff) return '\\x' + code.toString(16).padStart(2, '0');
  return '\\u{' + code.toString(16) + '}';
}

/**
 * `text` with every unsafe character escaped (`\x1b`, `\x7f`, `\u{202e}`) and cut to at most `limit`
 * characters, an ellipsis marking the cut (an escape or a surrogate pair is never split). Text that needs neither is
 * returned as is.
 */
export function sanitizeForTerminal(text: string, limit: number = DEFAULT_SANITIZE_LIMIT): string {
  if (text.length <= limit && !UNSAFE_TEST.test(text)) return text;
  let out = '';
  // where to cut, at a piece boundary, if the whole does not fit: leaves room for the ellipsis
  let cutLength = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const piece = isUnsafe(code) ? escapeOf(code) : char;
    if (out.length + piece.length > limit) return out.slice(0, cutLength) + '…';
    out += piece;
    if (out.length <= limit - 1) cutLength = out.length;
  }
  return out;
}
