/**
 * `tlsdiag analyze --jobs N`: one capture analyzed on N worker threads, its connections sharded by flow hash. The
 * records must be the records of one thread, whatever N. The capture is every capture of the repository made by real
 * TLS stacks (our cause captures, the client matrix, the key-log captures), merged into one by Wireshark's mergecap,
 * so that hundreds of connections of many clients and servers interleave as on a busy link.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shared.js';

const BIN = resolve(ROOT, 'bin/tlsdiag.js');
const BUILT = existsSync(resolve(ROOT, 'dist/cli/analyze-worker.js'));
const MERGECAP = spawnSync('mergecap', ['-v'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'tlsdiag-jobs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const pcaps = (dir: string) =>
  readdirSync(resolve(ROOT, dir))
    .filter((name) => name.endsWith('.pcap'))
    .map((name) => resolve(ROOT, dir, name));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TRUST = ['--ca', resolve(ROOT, 'captures/tlsdiag-test-root.pem'), '--ca', resolve(ROOT, 'captures/matrix/matrix-root.pem')];

describe.skipIf(!BUILT || !MERGECAP)('analyze --jobs: one capture on several worker threads', () => {
  const merged = join(work, 'merged.pcapng');
  const keys = join(work, 'all.keys.log');
  if (BUILT && MERGECAP) {
    const made = spawnSync('mergecap', ['-w', merged, ...pcaps('captures'), ...pcaps('captures/matrix'), ...pcaps('captures-keylog')]);
    if (made.status !== 0) throw new Error(`mergecap failed: ${made.stderr}`);
    const logs = readdirSync(resolve(ROOT, 'captures-keylog')).filter((name) => name.endsWith('.keys.log') && !name.includes('wrong'));
    spawnSync('sh', ['-c', `cat ${logs.map((name) => `'${resolve(ROOT, 'captures-keylog', name)}'`).join(' ')} > '${keys}'`]);
  }
  const one = BUILT && MERGECAP ? run('analyze', '--jobs', '1', '--format', 'ndjson', '--keylog', keys, ...TRUST, merged) : null;

  it('gives the records of one thread, field for field, with 2 and 3 workers', () => {
    expect(one!.status).toBe(0);
    const single = one!.stdout.trim().split('\n');
    expect(single.length).toBeGreaterThan(450);
    const failed = single.filter((line) => line.includes('"outcome":"failed"')).length;
    expect(failed).toBeGreaterThan(300);
    for (const jobs of ['2', '3']) {
      const sharded = run('analyze', '--jobs', jobs, '--format', 'ndjson', '--keylog', keys, ...TRUST, merged);
      expect(sharded.status).toBe(0);
      expect(sharded.stdout.trim().split('\n').sort()).toEqual([...single].sort());
      // the same notes (counts of frames skipped, key logs, connects left out) as one thread
      expect(sharded.stderr.split('\n').sort()).toEqual(one!.stderr.split('\n').sort());
    }
  });

  it('decrypts with the key log on every worker: the TLS 1.3 certificate causes are stated or verified', () => {
    const decrypted = one!.stdout.split('\n').filter((line) => line.includes('"decrypted":{'));
    expect(decrypted.length).toBeGreaterThan(10);
    const sharded = run('analyze', '--jobs', '2', '--format', 'ndjson', '--keylog', keys, ...TRUST, merged);
    expect(sharded.stdout.split('\n').filter((line) => line.includes('"decrypted":{')).sort()).toEqual(decrypted.sort());
  });

  it('writes the same bytes every time for the same number of workers', () => {
    const a = run('analyze', '--jobs', '3', '--format', 'ecs', ...TRUST, merged);
    const b = run('analyze', '--jobs', '3', '--format', 'ecs', ...TRUST, merged);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('text output and its summary are those of one thread (lines sorted by start time per file)', () => {
    const single = run('analyze', '--jobs', '1', '--no-tui', ...TRUST, merged);
    const sharded = run('analyze', '--jobs', '2', '--no-tui', ...TRUST, merged);
    expect(sharded.status).toBe(0);
    expect(sharded.stdout.split('\n').sort()).toEqual(single.stdout.split('\n').sort());
    const summary = (text: string) => text.slice(text.lastIndexOf('TLS connection(s):') - 8);
    expect(summary(sharded.stdout)).toBe(summary(single.stdout));
    expect(summary(single.stdout)).toMatch(/\d+ TLS connection\(s\): \d+ established, \d+ failed/);
  });

  it('reads gzip and a capture cut mid-record on workers as on one thread', () => {
    const whole = readFileSync(merged);
    const gz = join(work, 'merged-copy.pcapng.gz');
    writeFileSync(gz, gzipSync(whole));
    const cut = join(work, 'merged-cut.pcapng');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6) + 7));
    for (const file of [gz, cut]) {
      const single = run('analyze', '--jobs', '1', '--format', 'ndjson', ...TRUST, file);
      const sharded = run('analyze', '--jobs', '2', '--format', 'ndjson', ...TRUST, file);
      expect(sharded.status).toBe(0);
      expect(single.stdout.split('\n').length).toBeGreaterThan(200);
      expect(sharded.stdout.split('\n').sort()).toEqual(single.stdout.split('\n').sort());
      expect(sharded.stderr).toBe(single.stderr);
    }
    expect(run('analyze', '--jobs', '2', cut).stderr).toMatch(/merged-cut\.pcapng: .*(truncated|ends|cut)/);
  });

  it('a pcapng Decryption Secrets Block reaches every worker: decrypted as on one thread, the block noted once', () => {
    const dsb = resolve(ROOT, 'captures-keylog/dsb--certificate-expired--tls13.pcapng');
    const trust = ['--ca', resolve(ROOT, 'captures-keylog/tlsdiag-test-root.pem')];
    const single = run('analyze', '--jobs', '1', '--format', 'ndjson', ...trust, dsb);
    const sharded = run('analyze', '--jobs', '2', '--format', 'ndjson', ...trust, dsb);
    expect(sharded.stdout).toBe(single.stdout);
    expect(sharded.stderr).toBe(single.stderr);
    expect(sharded.stdout).toContain('"decrypted":{"sides":["client","server"],"by":"dsb"}');
    expect(sharded.stderr.match(/Decryption Secrets Block 1/g)).toHaveLength(1);
  });

  it('a folder: the workers go from capture to capture, past one that is not a capture (named, exit 2)', () => {
    const folder = join(work, 'folder');
    mkdirSync(folder, { recursive: true });
    for (const name of ['healthy-tls12.pcap', 'certificate-expired.pcap', 'server-timeout.pcap']) copyFileSync(resolve(ROOT, 'captures', name), join(folder, name));
    writeFileSync(join(folder, 'b-not-a-capture.pcap'), Buffer.from('this is not a capture at all, only text'));
    const single = run('analyze', '--jobs', '1', '--format', 'ndjson', ...TRUST, folder);
    const sharded = run('analyze', '--jobs', '3', '--format', 'ndjson', ...TRUST, folder);
    expect(single.status).toBe(2);
    expect(sharded.status).toBe(2);
    expect(sharded.stderr).toContain('b-not-a-capture.pcap');
    expect(sharded.stdout.trim().split('\n').length).toBe(3);
    expect(sharded.stdout).toBe(single.stdout);
  });

  it('| head -1 ends the workers too: exit code 0 at once', () => {
    const piped = spawnSync('bash', ['-c', `'${process.execPath}' '${BIN}' analyze --jobs 2 --format ndjson '${merged}' | head -1; echo "status \${PIPESTATUS[0]}" >&2`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(piped.stdout.trim().split('\n')).toHaveLength(1);
    expect(piped.stderr.trim()).toBe('status 0');
  });

  it('--sensor: workers stamp the same sensor and uid as one thread', () => {
    const single = run('analyze', '--jobs', '1', '--sensor', 'edge-1', '--format', 'ndjson', ...TRUST, merged);
    const sharded = run('analyze', '--jobs', '2', '--sensor', 'edge-1', '--format', 'ndjson', ...TRUST, merged);
    const uids = (text: string) => text.trim().split('\n').map((line) => (JSON.parse(line) as { uid: string; sensor: string }).sensor + ' ' + (JSON.parse(line) as { uid: string }).uid).sort();
    expect(uids(sharded.stdout)).toEqual(uids(single.stdout));
    expect(uids(single.stdout)[0]).toMatch(/^edge-1 [0-9a-f]{32}$/);
  });

  it('--failed and --format zeek on workers keep the same connections', () => {
    const single = run('analyze', '--jobs', '1', '--failed', '--format', 'zeek', ...TRUST, merged);
    const sharded = run('analyze', '--jobs', '3', '--failed', '--format', 'zeek', ...TRUST, merged);
    const rows = (text: string) => text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).sort();
    expect(rows(sharded.stdout)).toEqual(rows(single.stdout));
    expect(rows(single.stdout).length).toBeGreaterThan(300);
  });
});

describe.skipIf(!BUILT)('analyze --jobs: what is refused', () => {
  it('refuses 0, a fraction and words other than auto (exit 2, a usage line)', () => {
    for (const bad of ['0', '1.5', 'many']) {
      const result = run('analyze', '--jobs', bad, resolve(ROOT, 'captures/healthy-tls12.pcap'));
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/--jobs.*from 1 to 16, or auto/);
    }
  });

  it('reads standard input in one thread whatever --jobs says', () => {
    const capture = resolve(ROOT, 'captures/healthy-tls12.pcap');
    const piped = spawnSync('sh', ['-c', `'${process.execPath}' '${BIN}' analyze --jobs 4 --format ndjson - < '${capture}'`], { encoding: 'utf8' });
    const direct = run('analyze', '--jobs', '1', '--format', 'ndjson', capture);
    expect(piped.status).toBe(0);
    expect(piped.stdout.replaceAll('stdin', 'healthy-tls12.pcap')).toBe(direct.stdout);
  });
});
