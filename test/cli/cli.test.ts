/**
 * The built CLI as a user runs it: `node bin/tlsdiag.js ...` in a child process, checking stdout, stderr and the exit
 * code. CI builds before it tests; locally run `npm run build` first (the suite skips, loudly, without dist/).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shared.js';

const BIN = resolve(ROOT, 'bin/tlsdiag.js');
const BUILT = existsSync(resolve(ROOT, 'dist/cli/main.js'));
const CAPTURES = resolve(ROOT, 'captures');
/** The one-per-cause captures (a quoted glob); a folder would include captures/matrix/, which has its own test. */
const PROJECT_CAPTURES = join(CAPTURES, '*.pcap');
const HEALTHY = join(CAPTURES, 'healthy-tls12.pcap');
const SNI = 'www.tlsdiag.test';

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function tlsdiag(...args: string[]): CliRun {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The CLI with `input` on its standard input (a capture piped in). */
function tlsdiagFed(input: Buffer, ...args: string[]): CliRun {
  const run = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function stderrLines(run: CliRun): string[] {
  return run.stderr.split('\n').filter((line) => line.length > 0);
}

function ndjsonRecords(run: CliRun): Record<string, unknown>[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

if (!BUILT) console.warn(`SKIPPED cli: ${resolve(ROOT, 'dist')} is missing; run \`npm run build\` first`);

describe.skipIf(!BUILT)('tlsdiag CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file beside a good one: the good one is analyzed, one line names the missing one, exit 2', () => {
    const missing = join(dir, 'no-such.pcap');
    const run = tlsdiag('analyze', '--format', 'ndjson', missing, HEALTHY);
    expect(run.status).toBe(2);
    const records = ndjsonRecords(run);
    expect(records.map((r) => r.capture)).toEqual(['healthy-tls12.pcap']);
    expect(stderrLines(run)).toEqual([`tlsdiag: ${missing}: no such file or folder`]);
  });

  it('the same in text: the good file is listed with its connection', () => {
    const run = tlsdiag('analyze', join(dir, 'no-such.pcap'), HEALTHY);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain(HEALTHY);
    expect(run.stdout).toContain(SNI);
    expect(run.stdout).toMatch(/1 TLS connection\(s\): 1 established/);
  });

  it('a folder is searched recursively for capture names; other files in it are left alone', () => {
    const folder = join(dir, 'folder');
    mkdirSync(join(folder, 'deeper', 'deepest'), { recursive: true });
    copyFileSync(HEALTHY, join(folder, 'a.pcap'));
    copyFileSync(join(CAPTURES, 'healthy-tls13.pcap'), join(folder, 'deeper', 'deepest', 'b.pcap'));
    writeFileSync(join(folder, 'deeper', 'README.txt'), 'not a capture, and not named like one\n');
    const run = tlsdiag('analyze', '--format', 'ndjson', folder);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(ndjsonRecords(run).map((r) => r.capture)).toEqual(['a.pcap', 'b.pcap']);
  });

  it('a text file named as a capture: "not a capture" naming it, exit 2', () => {
    const text = join(dir, 'notes.pcap');
    writeFileSync(text, 'hello, this is text\n');
    const run = tlsdiag('analyze', text);
    expect(run.status).toBe(2);
    const lines = stderrLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tlsdiag: ${escapeRegExp(text)}: not a capture file`));
  });

  it('a path holding ": " is named whole, once, in the error', () => {
    const odd = join(dir, 'odd: name.pcap');
    writeFileSync(odd, 'plain text\n');
    const run = tlsdiag('analyze', odd);
    expect(run.status).toBe(2);
    expect(stderrLines(run)).toEqual([expect.stringMatching(new RegExp(`^tlsdiag: ${escapeRegExp(odd)}: not a capture file \\(`))]);
  });

  it('control characters in a file name never reach the terminal raw', () => {
    const evil = join(dir, 'evil\x1b[31m\x07.pcap');
    const run = tlsdiag('analyze', evil);
    expect(run.status).toBe(2);
    expect(run.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(run.stderr).toContain('evil');
  });

  it('a capture cut short: every connection up to the cut, a note about the cut, exit 0', () => {
    const whole = readFileSync(HEALTHY);
    const cut = join(dir, 'cut.pcap');
    // 10 bytes into the last packet record (a pcap record header is 16 bytes): the last packet is lost
    writeFileSync(cut, whole.subarray(0, lastRecordOffset(whole) + 10));
    const run = tlsdiag('analyze', '--format', 'ndjson', cut);
    expect(run.status).toBe(0);
    const records = ndjsonRecords(run);
    expect(records).toHaveLength(1);
    expect((records[0].tls as { clientHello: { sni: string } }).clientHello.sni).toBe(SNI);
    expect(stderrLines(run)).toEqual([expect.stringMatching(/^tlsdiag: .*cut\.pcap: file ends 10 bytes into a packet record/)]);
  });

  it('--format ndjson: one written record per line (docs/record.md), lean unless --detail full', () => {
    const run = tlsdiag('analyze', '--format', 'ndjson', PROJECT_CAPTURES);
    expect(run.status).toBe(0);
    const records = ndjsonRecords(run);
    expect(records.length).toBeGreaterThan(20);
    const leanKeys = ['capture', 'client', 'detail', 'diagnosis', 'end', 'firstTs', 'id', 'lastTs', 'notes', 'outcome', 'schemaVersion', 'server', 'tcp', 'tls', 'warnings'];
    for (const record of records) expect(Object.keys(record).sort()).toEqual(leanKeys);
    const full = ndjsonRecords(tlsdiag('analyze', '--format', 'ndjson', '--detail', 'full', PROJECT_CAPTURES));
    expect(full.map((r) => r.id)).toEqual(records.map((r) => r.id));
    for (const record of full) expect(Object.keys(record).sort()).toEqual([...leanKeys, 'clientInferredBy', 'observedUntil', 'timeline'].sort());
    const bad = tlsdiag('analyze', '--format', 'ndjson', '--detail', 'most', HEALTHY);
    expect(bad.status).toBe(2);
    expect(stderrLines(bad)).toEqual(["tlsdiag: unknown detail 'most' (lean, full)"]);
  });

  it('--format ecs: one ECS event per connection, the same connections as ndjson, --failed honoured', () => {
    const ndjson = ndjsonRecords(tlsdiag('analyze', '--format', 'ndjson', PROJECT_CAPTURES));
    const run = tlsdiag('analyze', '--format', 'ecs', PROJECT_CAPTURES);
    expect(run.status).toBe(0);
    const events = ndjsonRecords(run) as { '@timestamp': string; ecs: { version: string }; event: { id: string; outcome: string } }[];
    expect(events.map((e) => e.event.id)).toEqual(ndjson.map((r) => r.id));
    for (const event of events) expect(event.ecs.version).toMatch(/^\d+\.\d+\.\d+$/);
    const failed = ndjsonRecords(tlsdiag('analyze', '--format', 'ecs', '--failed', PROJECT_CAPTURES)) as { event: { outcome: string } }[];
    expect(failed.length).toBe(ndjson.filter((r) => r.outcome === 'failed').length);
    expect(failed.every((e) => e.event.outcome === 'failure')).toBe(true);
  });

  it('--failed keeps only failed connections', () => {
    const all = ndjsonRecords(tlsdiag('analyze', '--format', 'ndjson', PROJECT_CAPTURES));
    const failedRun = tlsdiag('analyze', '--format', 'ndjson', '--failed', PROJECT_CAPTURES);
    expect(failedRun.status).toBe(0);
    const failed = ndjsonRecords(failedRun);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.outcome === 'failed')).toBe(true);
    expect(failed.map((r) => r.id)).toEqual(all.filter((r) => r.outcome === 'failed').map((r) => r.id));
    expect(failed.length).toBeLessThan(all.length);
  });

  it('--ca before the captures (the README command): the path after it stays a capture, and the chain is trusted', () => {
    const root = join(CAPTURES, 'tlsdiag-test-root.pem');
    const run = tlsdiag('analyze', '--format', 'ndjson', '--ca', root, HEALTHY);
    expect(run.status).toBe(0);
    const [record] = ndjsonRecords(run);
    expect((record.tls as { certificateCheck: { trusted: boolean } }).certificateCheck.trusted).toBe(true);
    const untrusted = ndjsonRecords(tlsdiag('analyze', '--format', 'ndjson', HEALTHY))[0];
    expect((untrusted.tls as { certificateCheck: { trusted: boolean } }).certificateCheck.trusted).toBe(false);
  });

  it('a capture cut inside its header has nothing to read: one line naming it, exit 2 (pcap and pcapng)', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'tlsdiag-short-'));
    try {
      const pcapng = join(ROOT, 'test/corpus/public/lgpl-3.0/ndpi__opera-vpn.pcapng');
      const cuts = [
        { file: join(scratch, 'short.pcap'), bytes: readFileSync(HEALTHY).subarray(0, 10), says: /short\.pcap: the file ends inside its header \(10 bytes\): no packet can be read/ },
        { file: join(scratch, 'short.pcapng'), bytes: readFileSync(pcapng).subarray(0, 8), says: /short\.pcapng: the file ends inside its header \(8 bytes\): no packet can be read/ },
      ];
      for (const { file, bytes, says } of cuts) {
        writeFileSync(file, bytes);
        const run = tlsdiag('analyze', '--format', 'ndjson', file);
        expect(run.status, file).toBe(2);
        expect(run.stdout).toBe('');
        expect(stderrLines(run), file).toEqual([expect.stringMatching(says)]);
      }
      // beside a whole capture, that one is reported and the other analyzed
      const both = tlsdiag('analyze', '--format', 'ndjson', cuts[0].file, HEALTHY);
      expect(both.status).toBe(2);
      expect(ndjsonRecords(both)).toHaveLength(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('--ca takes a DER certificate as well as PEM, and refuses a file that holds none, or one too large to be a bundle', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'tlsdiag-ca-'));
    try {
      const pem = readFileSync(join(CAPTURES, 'tlsdiag-test-root.pem'), 'utf8');
      const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)![1];
      const der = join(scratch, 'root.der');
      writeFileSync(der, Buffer.from(body.replace(/\s+/g, ''), 'base64'));
      const trusted = (run: CliRun) => ndjsonRecords(run).map((r) => (r.tls as { certificateCheck: { trusted: boolean } }).certificateCheck.trusted);
      const byDer = tlsdiag('analyze', '--format', 'ndjson', '--ca', der, HEALTHY);
      expect(byDer.status, byDer.stderr).toBe(0);
      expect(trusted(byDer)).toEqual([true]);

      const notes = join(scratch, 'notes.txt');
      writeFileSync(notes, 'these are not certificates\n');
      const none = tlsdiag('analyze', '--format', 'ndjson', '--ca', notes, HEALTHY);
      expect(none.status).toBe(2);
      expect(stderrLines(none)).toEqual([expect.stringMatching(/notes\.txt: cannot use CA file: holds no certificate/)]);
      // the capture is still analyzed, without that trust
      expect(trusted(none)).toEqual([false]);

      const huge = join(scratch, 'huge.pem');
      writeFileSync(huge, '');
      spawnSync('truncate', ['-s', '17M', huge]);
      const big = tlsdiag('analyze', '--format', 'ndjson', '--ca', huge, HEALTHY);
      expect(big.status).toBe(2);
      expect(big.stderr).toMatch(/huge\.pem: cannot use CA file: 17825792 bytes: larger than any CA bundle/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('reads a capture piped to standard input as "-" (tcpdump -w - | tlsdiag analyze -), gzipped or not', () => {
    const fromFile = ndjsonRecords(tlsdiag('analyze', '--format', 'ndjson', HEALTHY));
    for (const input of [readFileSync(HEALTHY), gzipSync(readFileSync(HEALTHY))]) {
      const run = tlsdiagFed(input, 'analyze', '--format', 'ndjson', '-');
      expect(run.status, run.stderr).toBe(0);
      const piped = ndjsonRecords(run);
      expect(piped.map((r) => r.capture)).toEqual(['stdin']);
      expect(piped.map((r) => (r.tls as { history: string }).history)).toEqual(fromFile.map((r) => (r.tls as { history: string }).history));
    }
    const text = tlsdiagFed(Buffer.from('not a capture at all\n'), 'analyze', '-');
    expect(text.status).toBe(2);
    expect(stderrLines(text)).toEqual([expect.stringMatching(/^tlsdiag: -: not a capture file/)]);
  });

  it('--failed in text leaves established connections out of the listing but in the totals', () => {
    const run = tlsdiag('analyze', '--failed', HEALTHY);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain(SNI);
    expect(run.stdout).toMatch(/1 TLS connection\(s\): 1 established/);
  });

  it('--format bogus: exit 2 and the accepted formats named', () => {
    const run = tlsdiag('analyze', '--format', 'bogus', HEALTHY);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("unknown format 'bogus'");
  });

  it('--help: usage on stdout, exit 0', () => {
    const run = tlsdiag('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: tlsdiag/);
    expect(run.stdout).toContain('analyze');
    const sub = tlsdiag('analyze', '--help');
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('--format');
  });

  it('an unknown option: commander\'s message, exit 2', () => {
    const run = tlsdiag('analyze', '--bogus', HEALTHY);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown option '--bogus'");
  });

  it('no capture named: commander\'s message, exit 2', () => {
    const run = tlsdiag('analyze');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("missing required argument 'captures'");
  });

  it('an unknown command is taken as a capture path (analyze is the default command): named, exit 2', () => {
    const run = tlsdiag('frobnicate');
    expect(run.status).toBe(2);
    expect(stderrLines(run)).toEqual(['tlsdiag: frobnicate: no such file or folder']);
  });
});

/** Byte offset of the last record of a classic little-endian pcap (16-byte record headers). */
function lastRecordOffset(pcap: Buffer): number {
  let last = 24;
  for (let at = 24; at + 16 <= pcap.length; at += 16 + pcap.readUInt32LE(at + 8)) last = at;
  return last;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
