/**
 * The NSS key log reader on key logs real clients wrote (captures-keylog/*.keys.log), whole and cut into pieces, and
 * on the damage a real file can carry: a line cut short, Windows line ends, comments, labels of other kinds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeKeyLogRead, KeyLog, KeyLogReader, keyLogFromTexts, readKeyLog } from '../../../src/tls/decrypt/keylog.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIR = path.resolve(here, '../../../captures-keylog');
const logs = readdirSync(DIR).filter((f) => f.endsWith('.keys.log') && !f.startsWith('keylog-')).sort();

function linesOf(text: string): string[][] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' '));
}

const FIELD_OF_LABEL: Record<string, string> = {
  CLIENT_RANDOM: 'masterSecret',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshake',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshake',
  CLIENT_TRAFFIC_SECRET_0: 'clientTraffic0',
  SERVER_TRAFFIC_SECRET_0: 'serverTraffic0',
};

describe('key log reader', () => {
  it.each(logs)('%s: every secret found again by its client random', (file) => {
    const text = readFileSync(path.join(DIR, file), 'latin1');
    const log = new KeyLog();
    const summary = readKeyLog(log, text, 'keylog');
    expect(summary.malformedCount).toBe(0);
    let kept = 0;
    for (const [label, random, secret] of linesOf(text)) {
      const field = FIELD_OF_LABEL[label];
      if (field === undefined) continue;
      kept++;
      const session = log.lookup(Buffer.from(random, 'hex')) as unknown as Record<string, Buffer>;
      expect(session[field].toString('hex')).toBe(secret.toLowerCase());
    }
    expect(kept).toBeGreaterThan(0);
    // EXPORTER_SECRET and kin are read (counted) but kept out of use
    expect(summary.secrets).toBe(linesOf(text).length);
  });

  it('reads the same cut anywhere into pieces as whole (a file read again as it grows)', () => {
    const text = logs.map((f) => readFileSync(path.join(DIR, f), 'latin1')).join('');
    const whole = new KeyLog();
    const wholeSummary = readKeyLog(whole, text, 'keylog');
    for (const step of [1, 7, 64, 1000]) {
      const pieces = new KeyLog();
      const reader = new KeyLogReader(pieces, 'keylog');
      for (let i = 0; i < text.length; i += step) reader.push(text.slice(i, i + step));
      reader.end();
      expect(reader.summary).toEqual(wholeSummary);
      expect(pieces.size).toBe(whole.size);
    }
  });

  it('counts a line cut short, CRLF line ends and comments without losing the good lines', () => {
    const text = readFileSync(path.join(DIR, 'tls13-healthy--openssl.keys.log'), 'latin1');
    const good = linesOf(text);
    const damaged = `# a comment\r\n${good.map((l) => l.join(' ')).join('\r\n')}\r\n${good[0].join(' ').slice(0, 70)}`;
    const log = new KeyLog();
    const summary = readKeyLog(log, damaged, 'keylog');
    expect(summary.secrets).toBe(good.length);
    expect(summary.malformedCount).toBe(1);
    expect(summary.malformedLines).toEqual([good.length + 2]);
  });

  it('skips well-formed lines of other kinds, and says what it read without a secret in the words', () => {
    const text = readFileSync(path.join(DIR, 'tls12-healthy--gcm.keys.log'), 'latin1');
    const rsa = `RSA ${'ab'.repeat(8)} ${'cd'.repeat(48)}\n`;
    const log = new KeyLog();
    const summary = readKeyLog(log, rsa + text, 'keylog');
    expect(summary.unknownLabels).toBe(1);
    const words = describeKeyLogRead('keys.log', summary);
    expect(words).toMatch(/^keys\.log: 1 secret\(s\) read, 1 line\(s\) of other kinds skipped$/);
    for (const [, , secret] of linesOf(text)) expect(words).not.toContain(secret);
  });

  it('a capture\'s own secrets stand in front of the shared ones, which stay untouched', () => {
    const shared = keyLogFromTexts([readFileSync(path.join(DIR, 'tls12-healthy--gcm.keys.log'), 'latin1')])!;
    const own = new KeyLog(undefined, shared);
    readKeyLog(own, readFileSync(path.join(DIR, 'tls13-healthy--curl.keys.log'), 'latin1'), 'dsb');
    const [, gcmRandom] = linesOf(readFileSync(path.join(DIR, 'tls12-healthy--gcm.keys.log'), 'latin1'))[0];
    const [, curlRandom] = linesOf(readFileSync(path.join(DIR, 'tls13-healthy--curl.keys.log'), 'latin1'))[0];
    expect(own.lookupHex(gcmRandom)?.source).toBe('keylog');
    expect(own.lookupHex(curlRandom)?.source).toBe('dsb');
    expect(shared.lookupHex(curlRandom)).toBeUndefined();
  });

  it('lets the oldest sessions go past its bound', () => {
    const log = new KeyLog(2);
    for (let i = 0; i < 3; i++) log.add('CLIENT_RANDOM', i.toString(16).padStart(64, '0'), Buffer.alloc(48, i), 'keylog');
    expect(log.size).toBe(2);
    expect(log.lookupHex('0'.repeat(64))).toBeUndefined();
    expect(log.lookupHex('2'.padStart(64, '0'))).toBeDefined();
  });
});
