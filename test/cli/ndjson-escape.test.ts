import { describe, expect, it } from 'vitest';
import { jsonLine } from '../../src/cli/output/ndjson.js';

describe('jsonLine', () => {
  it('escapes what JSON leaves raw and a terminal would act on, and the line still parses back to the same value', () => {
    const value = { sni: 'evil\u202e.example', issuer: 'CSI\u009b31m', separator: 'a\u2028b', again: '\u202e\u202e' };
    const line = jsonLine(value);
    expect(line).not.toMatch(/[\u009b\u2028\u202e]/);
    expect(line).toContain('\\u202e');
    expect(line).toContain('\\u009b');
    expect(JSON.parse(line)).toEqual(value);
  });

  it('returns a line without such characters exactly as JSON.stringify wrote it, call after call', () => {
    for (let i = 0; i < 3; i++) {
      expect(jsonLine({ sni: 'www.example.com', n: i })).toBe(JSON.stringify({ sni: 'www.example.com', n: i }));
      // a global expression's lastIndex would make every other test() call miss: the escaping must hold each time
      expect(jsonLine({ s: '\u202e' })).toBe('{"s":"\\u202e"}');
    }
  });
});
