/**
 * --keylog through the built CLI (analyze, report) and the live command's key log follower on real files: what a user
 * sees, the exit codes, and that no secret is ever printed. Needs `npm run build` (skips, loudly, without dist/).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyLogFollower } from '../../src/cli/keylog.js';
import { summarizeNdjsonLine } from '../../src/report/summary.js';
import { ROOT } from '../helpers/shared.js';

const BIN = resolve(ROOT, 'bin/tlsdiag.js');
const BUILT = existsSync(resolve(ROOT, 'dist/cli/main.js'));
const DIR = resolve(ROOT, 'captures-keylog');
const ROOT_PEM = join(DIR, 'tlsdiag-test-root.pem');
const EXPIRED = join(DIR, 'certificate-expired--tls13.pcap');
const EXPIRED_KEYS = join(DIR, 'certificate-expired--tls13.keys.log');
const CLIENT_CERT = join(DIR, 'client-certificate-required--tls13.pcap');
const CLIENT_CERT_KEYS = join(DIR, 'client-certificate-required--tls13.keys.log');

function tlsdiag(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function secrets(file: string): string[] {
  return readFileSync(file, 'latin1')
    .split('\n')
    .map((l) => l.split(' ')[2])
    .filter((hex): hex is string => hex !== undefined && hex.length >= 64)
    .flatMap((hex) => [hex.toLowerCase(), hex.toUpperCase()]);
}

function records(stdout: string): any[] {
  return stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

if (!BUILT) console.warn('SKIPPED keylog CLI tests: dist/ is missing; run `npm run build` first');

describe.skipIf(!BUILT)('tlsdiag --keylog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-keylog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('analyze: repeated --keylog decrypts each capture with its own file; no secret reaches stdout or stderr', () => {
    const run = tlsdiag(['analyze', '--format', 'ndjson', '--ca', ROOT_PEM, '--keylog', EXPIRED_KEYS, '--keylog', CLIENT_CERT_KEYS, EXPIRED, CLIENT_CERT]);
    expect(run.status).toBe(0);
    const [expired, clientCert] = records(run.stdout);
    expect(expired.tls.decrypted).toEqual({ sides: ['client', 'server'], by: 'keylog' });
    expect(expired.tls.certificates[0].subject).toContain('expired.tlsdiag.test');
    expect(expired.tls.certificateCheck.expiredFor).toBeGreaterThan(0);
    expect(clientCert.tls.certificateRequested).toBe(true);
    for (const secret of [...secrets(EXPIRED_KEYS), ...secrets(CLIENT_CERT_KEYS)]) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
  });

  it('analyze without --keylog leaves SSLKEYLOGFILE alone; --keylog env reads it', () => {
    const env = { ...process.env, SSLKEYLOGFILE: EXPIRED_KEYS };
    const silent = records(tlsdiag(['analyze', '--format', 'ndjson', EXPIRED], env).stdout);
    // the written record leaves `decrypted` out when nothing was decrypted (docs/record.md)
    expect(silent[0].tls.decrypted ?? null).toBeNull();
    const asked = records(tlsdiag(['analyze', '--format', 'ndjson', '--keylog', 'env', EXPIRED], env).stdout);
    expect(asked[0].tls.decrypted).toEqual({ sides: ['client', 'server'], by: 'keylog' });
  });

  it('--keylog env with no SSLKEYLOGFILE, or a key log that cannot be read: said once, the capture still analyzed, exit 2', () => {
    const env = { ...process.env };
    delete env.SSLKEYLOGFILE;
    const run = tlsdiag(['analyze', '--format', 'ndjson', '--keylog', 'env', '--keylog', join(dir, 'absent.log'), EXPIRED], env);
    expect(run.status).toBe(2);
    expect(records(run.stdout)).toHaveLength(1);
    expect(run.stderr).toContain('SSLKEYLOGFILE is not set');
    expect(run.stderr).toContain('absent.log: cannot read key log');
  });

  it('a key log that is no key log is named with its line numbers, never its content', () => {
    const junk = join(dir, 'junk.log');
    writeFileSync(junk, 'CLIENT_RANDOM not-hex secret-words-here\nhello\n');
    const run = tlsdiag(['analyze', '--format', 'ndjson', '--keylog', junk, EXPIRED]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('junk.log: 0 secret(s) read, 2 line(s) not in the key log format (line 1, 2)');
    expect(run.stderr).not.toContain('secret-words-here');
    expect(records(run.stdout)[0].notes.join('\n')).toContain('no secrets for this session');
  });

  it('the pcapng with a Decryption Secrets Block decrypts without a flag', () => {
    const run = tlsdiag(['analyze', '--format', 'ndjson', '--ca', ROOT_PEM, join(DIR, 'dsb--certificate-expired--tls13.pcapng')]);
    expect(run.status).toBe(0);
    expect(records(run.stdout)[0].tls.decrypted).toEqual({ sides: ['client', 'server'], by: 'dsb' });
    expect(run.stderr).toContain('Decryption Secrets Block 1: 2 secret(s) read');
  });

  it('report: worker threads decrypt with the key logs too', () => {
    const out = join(dir, 'report.json');
    const keyed = tlsdiag(['report', '--jobs', '2', '--ca', ROOT_PEM, '--keylog', CLIENT_CERT_KEYS, '--keylog', EXPIRED_KEYS, EXPIRED, CLIENT_CERT, '-o', out]);
    expect(keyed.status).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const codes = report.causes.map((c: { code: string }) => c.code).sort();
    expect(codes).toEqual(['certificate-expired', 'client-certificate-required']);
    expect(report.totals.decrypted).toBe(2);
    const text = readFileSync(out, 'utf8') + keyed.stderr;
    for (const secret of secrets(EXPIRED_KEYS)) expect(text).not.toContain(secret);
  });
});

describe('live key log follower', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-follow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for the file, reads lines as they are appended (a line split across writes), and starts over when it shrinks', async () => {
    const file = join(dir, 'keys.log');
    const told: string[] = [];
    const follower = new KeyLogFollower([file], (m) => told.push(m));
    expect(follower.keyLog.growing).toBe(true);
    await follower.poll();
    expect(told).toHaveLength(1);
    const lines = readFileSync(CLIENT_CERT_KEYS, 'latin1').split('\n').filter((l) => l.startsWith('CLIENT_') || l.startsWith('SERVER_'));
    const random = Buffer.from(lines[0].split(' ')[1], 'hex');
    writeFileSync(file, lines[0].slice(0, 50));
    await follower.poll();
    expect(follower.keyLog.lookup(random)).toBeUndefined();
    appendFileSync(file, lines[0].slice(50) + '\n' + lines.slice(1).join('\n') + '\n');
    await follower.poll();
    const session = follower.keyLog.lookup(random)!;
    expect(session.clientHandshake).toBeDefined();
    expect(session.serverTraffic0).toBeDefined();
    expect(follower.summaries()[0]).toContain(`${lines.length} secret(s) read`);
    // rotated: a new, shorter file is read from its start
    const other = readFileSync(EXPIRED_KEYS, 'latin1');
    writeFileSync(file, other.split('\n').slice(0, 1).join('\n') + '\n');
    await follower.poll();
    expect(follower.keyLog.lookup(Buffer.from(other.split('\n')[0].split(' ')[1], 'hex'))).toBeDefined();
    expect(told).toHaveLength(1);
  });
});

describe('report summaries of NDJSON records', () => {
  it('a record written before decryption existed counts as not decrypted; a decrypted one as decrypted', () => {
    const base = { capture: 'a.pcap', id: 'a#1', client: { ip: '10.0.0.1', port: 1 }, server: { ip: '10.0.0.2', port: 443 }, firstTs: 1, outcome: 'established' };
    expect(summarizeNdjsonLine(JSON.stringify({ ...base, tls: {} }))).toMatchObject({ decrypted: false });
    expect(summarizeNdjsonLine(JSON.stringify({ ...base, tls: { decrypted: null } }))).toMatchObject({ decrypted: false });
    const decrypted = { ...base, tls: { decrypted: { sides: ['client', 'server'], by: 'keylog' } } };
    expect(summarizeNdjsonLine(JSON.stringify(decrypted))).toMatchObject({ decrypted: true });
  });
});
