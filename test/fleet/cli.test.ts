/**
 * Sensors shipping records to a real redis-server through the built CLI, and reports and the fleet view reading
 * them back: several sensors at once, Redis killed and restarted under a writing sensor, and the failures a sensor
 * meets in the field (wrong password, nothing listening, a key of another type).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT, CAPTURES, sidecars, TEST_ROOT_CA } from '../report/project.js';
import { pcapStream } from './pcap-stream.js';
import { cli, REDIS_AVAILABLE, RedisServer } from './redis.js';
import { eventually, readReport, Running, tlsdiag, withoutInputs } from './run.js';

const ready = BUILT && REDIS_AVAILABLE && sidecars().length > 0;
if (!ready) console.warn('SKIPPED fleet CLI tests: needs a built dist/, redis-server and redis-cli, and the captures');

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fleet-cli-'));
const servers: RedisServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(work, { recursive: true, force: true });
});

async function redis(port: number, options: { appendonly?: boolean; password?: string } = {}): Promise<RedisServer> {
  const server = new RedisServer({ port, dir: path.join(work, `redis-${port}`), ...options });
  servers.push(server);
  await server.start();
  return server;
}

/** Records waiting in a spool folder (every line of every segment). */
function spooled(root: string): number {
  if (!existsSync(root)) return 0;
  let lines = 0;
  for (const folder of readdirSync(root)) {
    for (const file of readdirSync(path.join(root, folder))) {
      if (file.endsWith('.ndjson')) lines += readFileSync(path.join(root, folder, file), 'utf8').split('\n').filter((l) => l !== '').length;
    }
  }
  return lines;
}

const CA = ['--ca', TEST_ROOT_CA];

describe.skipIf(!ready)('sensors writing to one Redis stream', () => {
  it('several sensors at once: the report from Redis equals the report from their files, a re-run counts once', async () => {
    await redis(16310);
    const url = 'redis://127.0.0.1:16310/fleet';
    const spool = path.join(work, 'spool-multi');
    const sensors = ['alpha', 'bravo', 'charlie', 'delta'];
    const captures = sidecars().map((s) => path.join(CAPTURES, s.capture));
    const runs = sensors.map((sensor) => new Running(['analyze', ...captures, ...CA, '--sensor', sensor, '--format', 'ndjson', '--output', '-', '--output', url, '--spool-dir', spool]));
    const results = await Promise.all(runs.map((run) => run.exited));
    const files: string[] = [];
    results.forEach((result, i) => {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(new RegExp(`written to stream fleet`));
      const file = path.join(work, `${sensors[i]}.ndjson`);
      writeFileSync(file, result.stdout);
      files.push(file);
    });
    const perSensor = results[0].stdout.trim().split('\n').length;
    expect(Number(cli(16310, ['xlen', 'fleet']))).toBe(perSensor * sensors.length);

    // a sensor sends the same records again (a capture analysed twice): the stream holds them twice, reports count them once
    const again = tlsdiag(['analyze', ...captures, ...CA, '--sensor', 'alpha', '--output', url, '--spool-dir', spool]);
    expect(again.code, again.stderr).toBe(0);
    expect(Number(cli(16310, ['xlen', 'fleet']))).toBe(perSensor * (sensors.length + 1));

    const fromRedis = path.join(work, 'multi-redis.json');
    const fromFiles = path.join(work, 'multi-files.json');
    const a = tlsdiag(['report', '--from', url, '-o', fromRedis]);
    expect(a.code, a.stderr).toBe(0);
    expect(tlsdiag(['report', ...files, '-o', fromFiles]).code).toBe(0);
    const redisReport = readReport(fromRedis);
    expect(withoutInputs(redisReport)).toEqual(withoutInputs(readReport(fromFiles)));
    expect(redisReport.totals.connections).toBe(perSensor * sensors.length);
    expect(redisReport.sensors.map((s) => [s.sensor, s.connections])).toEqual(sensors.map((s) => [s, perSensor]));
    expect(redisReport.inputs).toHaveLength(1);
    expect(redisReport.inputs[0]).toMatchObject({ path: url, kind: 'redis', connections: perSensor * sensors.length });
    expect(redisReport.inputs[0].notes.join(' ')).toMatch(new RegExp(`^${perSensor} entries repeated a record already counted`));

    // --sensor narrows the report to those sensors' records
    const two = tlsdiag(['report', '--from', url, '--sensor', 'bravo', '--sensor', 'delta', '--format', 'json']);
    expect(two.code, two.stderr).toBe(0);
    const narrowed = JSON.parse(two.stdout);
    expect(narrowed.sensors.map((s: { sensor: string }) => s.sensor)).toEqual(['bravo', 'delta']);
    expect(narrowed.totals.connections).toBe(2 * perSensor);

    // --since picks by capture time: the captures are older than a day, so a day back from now finds nothing
    const recent = tlsdiag(['report', '--from', url, '--since', '24h', '--format', 'json']);
    expect(JSON.parse(recent.stdout).totals.connections).toBe(0);

    // the fleet view shows every sensor's records, each once, and filters by sensor
    const watch = tlsdiag(['watch', url, '--since', '3650d', '--once', '--format', 'ndjson']);
    expect(watch.code, watch.stderr).toBe(0);
    const watched = watch.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(watched).toHaveLength(perSensor * sensors.length);
    expect(new Set(watched.map((r) => r.uid)).size).toBe(perSensor * sensors.length);
    const onlyCharlie = tlsdiag(['watch', url, '--since', '3650d', '--once', '--format', 'ndjson', '--sensor', 'charlie']);
    expect(onlyCharlie.stdout.trim().split('\n').map((line) => JSON.parse(line).sensor)).toEqual(new Array(perSensor).fill('charlie'));
  });

  it('Redis killed and restarted while a sensor writes: nothing lost, nothing counted twice', async () => {
    const server = await redis(16311, { appendonly: true });
    const url = 'redis://127.0.0.1:16311/fleet';
    const spool = path.join(work, 'spool-restart');
    const captures = sidecars().map((s) => path.join(CAPTURES, s.capture));
    const stream = pcapStream(captures, 60);
    const half = Math.floor(stream.parts.length / 2);
    const sensor = new Running(
      ['analyze', '-', ...CA, '--sensor', 'kilo', '--format', 'ndjson', '--output', '-', '--output', url, '--spool-dir', spool, '--flush-timeout', '30'],
      'pipe',
    );
    const stdin = sensor.child.stdin!;
    stdin.write(stream.header);
    for (const part of stream.parts.slice(0, half)) stdin.write(part);
    // the connections of the first half are decided as the later ones arrive, and reach Redis
    await sensor.until('records of the first half in Redis', () => sensor.stdoutLines > 5 && Number(cli(16311, ['xlen', 'fleet'])) === sensor.stdoutLines);
    const beforeKill = sensor.stdoutLines;

    await server.kill();
    for (const part of stream.parts.slice(half)) stdin.write(part);
    // records decided while Redis is down go to the spool
    await sensor.until('records decided during the outage', () => sensor.stdoutLines > beforeKill + 5);
    await sensor.until('the outage reported', () => /keeping records in the spool/.test(sensor.stderr));
    await eventually('records in the spool', () => spooled(spool) > 0);

    await server.start();
    await sensor.until('writing resumed', () => /writing directly again/.test(sensor.stderr));
    stdin.end();
    const result = await sensor.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/record\(s\) written to stream fleet \(\d+ of them after waiting in the spool\)/);
    expect(spooled(spool)).toBe(0);

    const records = result.stdout.trim().split('\n');
    const file = path.join(work, 'kilo.ndjson');
    writeFileSync(file, result.stdout);
    expect(Number(cli(16311, ['xlen', 'fleet']))).toBeGreaterThanOrEqual(records.length);
    const fromRedis = path.join(work, 'restart-redis.json');
    const fromFile = path.join(work, 'restart-file.json');
    expect(tlsdiag(['report', '--from', url, '-o', fromRedis]).code).toBe(0);
    expect(tlsdiag(['report', file, '-o', fromFile]).code).toBe(0);
    const redisReport = readReport(fromRedis);
    expect(redisReport.totals.connections).toBe(records.length);
    expect(withoutInputs(redisReport)).toEqual(withoutInputs(readReport(fromFile)));
  });
});

describe.skipIf(!ready)('a sensor whose Redis fails it: clear errors, exit 2, nothing lost locally', () => {
  const one = path.join(CAPTURES, 'healthy-tls12.pcap');
  const captures = [path.join(CAPTURES, 'certificate-expired.pcap'), path.join(CAPTURES, 'reset-by-server.pcap'), one];

  function ship(url: string, spool: string, extra: string[] = []) {
    return tlsdiag(['analyze', ...captures, ...CA, '--sensor', 'lima', '--format', 'ndjson', '--output', '-', '--output', url, '--spool-dir', spool, '--flush-timeout', '1', ...extra]);
  }

  it('a wrong password: said plainly, never printed, every record kept in the spool and sent once it is right', async () => {
    await redis(16312, { password: 'correct-horse' });
    const spool = path.join(work, 'spool-password');
    const run = ship('redis://default:Tr0ub4dor-secret@127.0.0.1:16312/fleet', spool);
    expect(run.code).toBe(2);
    const records = run.stdout.trim().split('\n').length;
    expect(run.stderr).toMatch(/redis:\/\/127\.0\.0\.1:16312\/fleet: .*authentication failed: wrong user name or password/);
    expect(run.stderr).toMatch(new RegExp(`${records} record\\(s\\) not delivered`));
    expect(run.stdout + run.stderr).not.toMatch(/Tr0ub4dor/);
    expect(spooled(spool)).toBe(records);

    // the right password: this run's record and the spooled ones arrive, each once in the report
    const fixed = tlsdiag(['analyze', one, ...CA, '--sensor', 'lima', '--output', 'redis://default:correct-horse@127.0.0.1:16312/fleet', '--spool-dir', spool]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout + fixed.stderr).not.toMatch(/correct-horse/);
    expect(spooled(spool)).toBe(0);
    expect(Number(cli(16312, ['xlen', 'fleet'], 'correct-horse'))).toBe(records + 1);
    const report = tlsdiag(['report', '--from', 'redis://:correct-horse@127.0.0.1:16312/fleet', '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).totals.connections).toBe(records);

    const denied = tlsdiag(['report', '--from', 'redis://:nope-secret@127.0.0.1:16312/fleet', '--format', 'json']);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/authentication failed/);
    expect(denied.stderr).not.toMatch(/nope-secret/);
  });

  it('nothing listening: records spooled, then sent by the next run once Redis is there', async () => {
    const spool = path.join(work, 'spool-unreachable');
    const run = ship('redis://127.0.0.1:16313/fleet', spool);
    expect(run.code).toBe(2);
    const records = run.stdout.trim().split('\n').length;
    expect(run.stderr).toMatch(/connection refused: nothing listens there/);
    expect(spooled(spool)).toBe(records);

    const report = tlsdiag(['report', '--from', 'redis://127.0.0.1:16313/fleet']);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/redis:\/\/127\.0\.0\.1:16313\/fleet: connection refused/);

    await redis(16313);
    const next = tlsdiag(['analyze', one, ...CA, '--sensor', 'lima', '--output', 'redis://127.0.0.1:16313/fleet', '--spool-dir', spool]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/left in the spool .* by an earlier run; sending them first/);
    expect(Number(cli(16313, ['xlen', 'fleet']))).toBe(records + 1);
  });

  it('a key of another type: said plainly, records kept; report --from lists the key as skipped', async () => {
    await redis(16314);
    cli(16314, ['rpush', 'fleet', 'not-a-stream']);
    const spool = path.join(work, 'spool-type');
    const run = ship('redis://127.0.0.1:16314/fleet', spool);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the key holds another type of value, not a stream/);
    expect(spooled(spool)).toBe(run.stdout.trim().split('\n').length);
    const report = tlsdiag(['report', '--from', 'redis://127.0.0.1:16314/fleet', '--format', 'json']);
    expect(report.code).toBe(2);
    expect(JSON.parse(report.stdout).skipped).toEqual([{ path: 'redis://127.0.0.1:16314/fleet', reason: 'the key holds a list, not a stream' }]);
    const watch = tlsdiag(['watch', 'redis://127.0.0.1:16314/fleet', '--once']);
    expect(watch.code).toBe(2);
    expect(watch.stderr).toMatch(/the key holds another type of value, not a stream/);
  });

  it('a full spool drops new records and says how many', async () => {
    const spool = path.join(work, 'spool-full');
    const run = ship('redis://127.0.0.1:16319/fleet', spool, ['--spool-max', '12KB']);
    expect(run.code).toBe(2);
    const records = run.stdout.trim().split('\n').length;
    const kept = spooled(spool);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(records);
    expect(run.stderr).toMatch(new RegExp(`${records - kept} record\\(s\\) dropped: the spool .* was full`));
  });
});

const OPENSSL = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!ready || !OPENSSL)('rediss:// (TLS)', () => {
  it('ships and reads over TLS with the CA trusted; an untrusted certificate is said plainly and the records kept', async () => {
    const dir = path.join(work, 'tls');
    mkdirSync(dir, { recursive: true });
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
    expect(made.status, String(made.stderr)).toBe(0);
    const server = new RedisServer({ port: 16317, dir, tls: { cert, key } });
    servers.push(server);
    await server.start();
    const url = 'rediss://127.0.0.1:16317/fleet';
    const spool = path.join(work, 'spool-tls');
    const trusted = { NODE_EXTRA_CA_CERTS: cert };
    const run = tlsdiag(['analyze', CAPTURES, ...CA, '--sensor', 'oscar', '--format', 'ndjson', '--output', '-', '--output', url, '--spool-dir', spool], trusted);
    expect(run.code, run.stderr).toBe(0);
    const records = run.stdout.trim().split('\n').length;
    expect(Number(cli(16317, ['xlen', 'fleet'], undefined, cert))).toBe(records);
    const report = tlsdiag(['report', '--from', url, '--format', 'json'], trusted);
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).totals.connections).toBe(records);

    const untrusted = tlsdiag(['analyze', one(), ...CA, '--sensor', 'oscar', '--output', url, '--spool-dir', spool, '--flush-timeout', '1']);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/the server's TLS certificate is not trusted .*NODE_EXTRA_CA_CERTS/);
    expect(spooled(spool)).toBe(1);
  });
});

function one(): string {
  return path.join(CAPTURES, 'healthy-tls12.pcap');
}

describe.skipIf(!ready)('report --follow', () => {
  it('rewrites the report as sensors add records, and ends cleanly on SIGTERM', async () => {
    await redis(16315);
    const url = 'redis://127.0.0.1:16315/fleet';
    const spool = path.join(work, 'spool-follow');
    const out = path.join(work, 'follow.json');
    expect(tlsdiag(['analyze', path.join(CAPTURES, 'healthy-tls12.pcap'), ...CA, '--sensor', 'mike', '--output', url, '--spool-dir', spool]).code).toBe(0);
    const follow = new Running(['report', '--from', url, '--follow', '--every', '0.2', '-o', out]);
    await follow.until('the first report', () => existsSync(out) && readReport(out).totals.connections === 1);
    expect(tlsdiag(['analyze', CAPTURES, ...CA, '--sensor', 'november', '--output', url, '--spool-dir', spool]).code).toBe(0);
    const more = Number(cli(16315, ['xlen', 'fleet']));
    await follow.until('the report rewritten with the new records', () => readReport(out).totals.connections === more);
    expect(readReport(out).sensors.map((s) => s.sensor)).toEqual(['mike', 'november']);
    follow.child.kill('SIGTERM');
    const result = await follow.exited;
    expect(result.code, result.stderr).toBe(0);
  });
});
