/**
 * The package as users get it: `npm pack` (its prepack builds dist/), then `npm install -g` of the tarball into a
 * temporary prefix, then the installed `tlsdiag` run on a capture the package ships. The pack runs on a copy of the
 * sources so that prepack's fresh build never pulls dist/ from under the other CLI tests running beside this one.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shared.js';

/** What the package is made from: everything `files` names, plus what the build reads. */
const SOURCES = ['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'docs', 'captures', 'native', 'scripts'];
/** Top-level entries a tarball may hold; npm always adds package.json, README and LICENSE. */
const SHIPPED = new Set(['package.json', 'README.md', 'LICENSE', 'dist', 'bin', 'docs', 'captures', 'native']);
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const scratch = mkdtempSync(join(tmpdir(), 'tlsdiag-package-'));
const source = join(scratch, 'source');
const prefix = join(scratch, 'prefix');
let tarball = '';

function run(command: string, args: string[], cwd: string, timeout = 300_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

describe('npm pack, then npm install -g of the tarball, then the installed tlsdiag', () => {
  beforeAll(() => {
    for (const entry of SOURCES) cpSync(join(ROOT, entry), join(source, entry), { recursive: true });
    // the build needs the compiler; the copy borrows the repository's installed modules rather than fetching them
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
    const packed = run('npm', ['pack', '--json', '--pack-destination', scratch], source);
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
    tarball = join(scratch, filename);
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('ships the built program, bin, docs and the demo captures, and nothing else', () => {
    const listed = run('tar', ['tzf', tarball], scratch);
    expect(listed.status).toBe(0);
    const files = listed.stdout.split('\n').filter((line) => line !== '').map((line) => line.replace(/^package\//, ''));
    expect(files.filter((file) => !SHIPPED.has(file.split('/')[0]))).toEqual([]);
    // the program is the bundle (scripts/bundle.mjs): the CLI and both worker-thread entries, nothing else of dist/
    for (const entry of ['tlsdiag.js', 'analyze-worker.js', 'worker-entry.js']) expect(files).toContain(`dist/bundle/${entry}`);
    expect(files.filter((file) => file.startsWith('dist/') && !file.startsWith('dist/bundle/'))).toEqual([]);
    expect(files).toContain('bin/tlsdiag.js');
    expect(files).toContain('captures/tlsdiag-test-root.pem');
    expect(files).toContain('captures/certificate-expired.pcap');
    expect(files).toContain('captures/certificate-expired.expect.json');
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThan(3);
    // the bundle is fresh and whole: every module it imports lazily (chunks) is shipped beside it
    const bundled = files.filter((file) => file.startsWith('dist/bundle/') && file.endsWith('.js'));
    const unpacked = join(scratch, 'unpacked');
    expect(run('mkdir', ['-p', unpacked], scratch).status).toBe(0);
    expect(run('tar', ['xzf', tarball, '-C', unpacked], scratch).status).toBe(0);
    const imported = bundled.flatMap((file) =>
      [...readFileSync(join(unpacked, 'package', file), 'utf8').matchAll(/from\s*"\.\/([^"]+)"|import\("\.\/([^"]+)"\)/g)].map(
        ([, statically, lazily]) => `dist/bundle/${statically ?? lazily}`,
      ),
    );
    expect(imported.length).toBeGreaterThan(3);
    expect(imported.filter((file) => !bundled.includes(file))).toEqual([]);
  });

  it('installs globally into a prefix; the installed tlsdiag tells its version and analyzes a bundled capture', () => {
    const installed = run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', tarball], scratch);
    expect(installed.status, installed.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'tlsdiag');
    expect(existsSync(bin)).toBe(true);

    const shown = run(bin, ['--version'], scratch);
    expect(shown).toMatchObject({ status: 0, stdout: `${version}\n` });

    const pkg = join(prefix, 'lib', 'node_modules', 'tlsdiag');
    const analyzed = run(bin, ['analyze', '--format', 'ndjson', '--ca', join(pkg, 'captures/tlsdiag-test-root.pem'), join(pkg, 'captures/certificate-expired.pcap')], scratch, 60_000);
    expect(analyzed.stderr).toBe('');
    expect(analyzed.status).toBe(0);
    const records = analyzed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { outcome: string; diagnosis: { code: string } | null });
    expect(records).toHaveLength(1);
    expect(records[0].outcome).toBe('failed');
    expect(records[0].diagnosis?.code).toBe('certificate-expired');
    expect(resolve(pkg)).not.toBe(resolve(ROOT));

    // the worker threads' entry is found beside the installed bundle
    const sharded = run(bin, ['analyze', '--jobs', '2', '--format', 'ndjson', '--ca', join(pkg, 'captures/tlsdiag-test-root.pem'), join(pkg, 'captures/certificate-expired.pcap')], scratch, 60_000);
    expect(sharded.stderr).toBe('');
    expect(sharded.stdout).toBe(analyzed.stdout);
  });

  it('without the optional cap (as npm leaves it where libpcap-dev is missing), live says the real fix first', () => {
    const pkg = join(prefix, 'lib', 'node_modules', 'tlsdiag');
    rmSync(join(pkg, 'node_modules', 'cap'), { recursive: true, force: true });
    // a bad --format too: the missing binding must be what is reported, before any other check
    const live = run(join(prefix, 'bin', 'tlsdiag'), ['live', '-i', 'lo', '--format', 'bogus'], scratch, 60_000);
    expect(live.status).toBe(2);
    expect(live.stdout).toBe('');
    const lines = live.stderr.split('\n');
    expect(lines[0]).toBe('tlsdiag: the package "cap" is not installed (it is optional: npm leaves it out when its build fails)');
    expect(live.stderr).toContain('sudo apt-get install libpcap-dev');
    expect(live.stderr).toContain('then install tlsdiag again: npm install');
    expect(live.stderr).not.toContain('npm rebuild');
    expect(live.stderr).not.toContain('bogus');
  });
});
