/**
 * `tlsdiag live --output redis://...` on the loopback interface: real TLS handshakes captured as they happen, each
 * record shipped to a real redis-server as its connection is decided, stamped with the sensor. Needs root (or
 * CAP_NET_RAW), the optional package cap, openssl, redis-server and a built dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { toWrittenRecord } from '../../src/model/record-lean.js';
import { BUILT, REPO } from '../report/project.js';
import { cli, REDIS_AVAILABLE, RedisServer } from './redis.js';
import { Running } from './run.js';

const REDIS_PORT = 16318;
const TLS_PORT = 16398;

/** Why live capture cannot run here (probed in a child process, as test/live does), or null. */
function whyNot(): string | null {
  if (!BUILT) return 'dist/ is not built';
  if (!REDIS_AVAILABLE) return 'redis-server is not installed';
  if (spawnSync('openssl', ['version']).status !== 0) return 'openssl is not installed';
  const probe = `
    let cap;
    try { const m = await import('cap'); cap = m.default ?? m; } catch (e) { console.log('no cap'); process.exit(0); }
    try { const c = new cap.Cap(); c.open('lo', 'tcp port 9', 1 << 16, Buffer.alloc(65535)); c.close(); console.log('ok'); }
    catch (e) { console.log('cannot open lo'); }`;
  const answer = (spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: REPO, encoding: 'utf8', timeout: 15_000 }).stdout ?? '').trim();
  return answer === 'ok' ? null : `live capture unavailable (${answer || 'probe failed'})`;
}

const skip = whyNot();
if (skip !== null) console.warn(`SKIPPED live sensor to Redis: ${skip}`);

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fleet-live-'));
const redis = new RedisServer({ port: REDIS_PORT, dir: path.join(work, 'redis') });
afterAll(async () => {
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
});

function handshake(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: TLS_PORT, servername: 'live.tlsdiag.test', rejectUnauthorized: false }, () => socket.end());
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
}

describe.skipIf(skip !== null)('tlsdiag live shipping to Redis', () => {
  it('ships each decided connection, stamped with the sensor, as it happens', async () => {
    await redis.start();
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=live.tlsdiag.test', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem')]);
    expect(made.status).toBe(0);
    const server = tls.createServer({ key: readFileSync(path.join(work, 'key.pem')), cert: readFileSync(path.join(work, 'cert.pem')) }, (socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(TLS_PORT, '127.0.0.1', resolve));
    try {
      const url = `redis://127.0.0.1:${REDIS_PORT}/fleet`;
      const live = new Running(['live', '-i', 'lo', '-f', `tcp port ${TLS_PORT}`, '--format', 'ndjson', '--output', '-', '--output', url, '--sensor', 'lv', '--spool-dir', path.join(work, 'spool')]);
      await live.until('capture to start', () => live.stderr.includes('capturing on'));
      await handshake();
      await handshake();
      await live.until('both connections in Redis', () => Number(cli(REDIS_PORT, ['xlen', 'fleet'])) >= 2);
      live.child.kill('SIGTERM');
      const result = await live.exited;
      expect(result.code, result.stderr).toBe(0);
      const printed = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(printed.length).toBeGreaterThanOrEqual(2);
      expect(Number(cli(REDIS_PORT, ['xlen', 'fleet']))).toBe(printed.length);
      const entry = JSON.parse(cli(REDIS_PORT, ['xrange', 'fleet', '-', '+', 'COUNT', '1']).split('\n')[2]);
      // the stream carries the whole record (watch and report --from read it back); stdout its written form
      expect(JSON.parse(JSON.stringify(toWrittenRecord(entry)))).toEqual(printed[0]);
      expect(printed.every((r) => r.sensor === 'lv' && /^[0-9a-f]{32}$/.test(r.uid))).toBe(true);
      expect(result.stderr).toMatch(new RegExp(`redis://127.0.0.1:${REDIS_PORT}/fleet: ${printed.length} record\\(s\\) written to stream fleet`));
    } finally {
      server.close();
    }
  });
});
