import { describe, expect, it } from 'vitest';
import { DEFAULT_SANITIZE_LIMIT, sanitizeForTerminal } from '../../src/model/sanitize.js';
import { jsonLine } from '../../src/cli/output/ndjson.js';

describe('sanitizeForTerminal', () => {
  it('returns ordinary text unchanged, non-ASCII included', () => {
    expect(sanitizeForTerminal('www.example.com')).toBe('www.example.com');
    expect(sanitizeForTerminal('CN=Bücher Straße,O=日本')).toBe('CN=Bücher Straße,O=日本');
    expect(sanitizeForTerminal('emoji 🔒 ok')).toBe('emoji 🔒 ok');
  });

  it('defuses ANSI escape sequences by escaping ESC', () => {
    expect(sanitizeForTerminal('evil\x1b[2J\x1b]0;title\x07')).toBe('evil\\x1b[2J\\x1b]0;title\\x07');
  });

  it('escapes C0 controls, DEL and C1 controls (the 8-bit CSI among them)', () => {
    expect(sanitizeForTerminal('a\r\nb\tc\x00d\x7fe\x9bf\x85')).toBe('a\\x0d\\x0ab\\x09c\\x00d\\x7fe\\x9bf\\x85');
  });

  it('escapes bidi overrides, embeddings and isolates', () => {
    expect(sanitizeForTerminal('moc.\u202eevil')).toBe('moc.\\u{202e}evil');
    expect(sanitizeForTerminal('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069')).toBe(
      '\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{2066}\\u{2067}\\u{2068}\\u{2069}',
    );
  });

  it('escapes the line and paragraph separators and the invisible characters that make names look alike', () => {
    expect(sanitizeForTerminal('a\u2028b\u2029c')).toBe('a\\u{2028}b\\u{2029}c');
    expect(sanitizeForTerminal('pay\u200bpal\u200c\u200d\u2060\ufeff\u00ad.test')).toBe(
      'pay\\u{200b}pal\\u{200c}\\u{200d}\\u{2060}\\u{feff}\\xad.test',
    );
    expect(sanitizeForTerminal('\u180e\u2064\u206a\u206f\ufff9\ufffb')).toBe('\\u{180e}\\u{2064}\\u{206a}\\u{206f}\\u{fff9}\\u{fffb}');
    // visible non-ASCII stays as it is
    expect(sanitizeForTerminal('bücher.example 例え.テスト')).toBe('bücher.example 例え.テスト');
  });

  it('escapes the same characters in NDJSON lines, which stay valid JSON', () => {
    const line = jsonLine({ sni: 'a\u2028b\u200bc\u202ed' });
    expect(line).toBe('{"sni":"a\\u2028b\\u200bc\\u202ed"}');
    expect(JSON.parse(line)).toEqual({ sni: 'a\u2028b\u200bc\u202ed' });
  });

  it('leaves backslashes alone: they are harmless, and text escaped upstream stays readable', () => {
    expect(sanitizeForTerminal('HTTP/1.1 400\\x0d\\x0a')).toBe('HTTP/1.1 400\\x0d\\x0a');
  });

  it('escapes lone surrogates but keeps pairs', () => {
    expect(sanitizeForTerminal('x\ud800y')).toBe('x\\u{d800}y');
    expect(sanitizeForTerminal('\ud83d\udd12')).toBe('🔒');
  });

  it('caps the length with an ellipsis, never splitting an escape', () => {
    const long = 'a'.repeat(1000);
    const capped = sanitizeForTerminal(long);
    expect(capped).toHaveLength(DEFAULT_SANITIZE_LIMIT);
    expect(capped.endsWith('…')).toBe(true);
    expect(sanitizeForTerminal('abcdefgh\x1b', 10)).toBe('abcdefgh…');
    expect(sanitizeForTerminal('abcdef\x1b', 10)).toBe('abcdef\\x1b');
    expect(sanitizeForTerminal('abcdef\x1bz', 10)).toBe('abcdef…');
  });

  it('keeps text that exactly fits', () => {
    expect(sanitizeForTerminal('abcdefghij', 10)).toBe('abcdefghij');
  });
});
