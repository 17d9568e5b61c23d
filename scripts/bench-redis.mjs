// node scripts/bench-redis.mjs [RECORDS] — how fast one sensor's records go into a local Redis stream, and what they
// cost Redis in memory. Starts its own redis-server (port BENCH_REDIS_PORT, default 16390; persistence off) in a
// temporary folder, and sends real connection records (the project's captures analysed) through the same sink
// `--output redis://...` uses:
//   sink        RECORDS (default 200,000) records already serialized: the sink and Redis alone;
//   end to end  RECORDS / 2 records stamped with sensor and uid and serialized as they go, as a sensor does.
// Memory per record is Redis' INFO used_memory growth over the stream's length.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

const RECORDS = Number(process.argv[2] ?? process.env.BENCH_REDIS_RECORDS ?? 200_000);
const PORT = Number(process.env.BENCH_REDIS_PORT ?? 16390);

if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.log('redis: redis-server is not installed (apt-get install redis-server); skipped');
  process.exit(0);
}
if (!existsSync('dist/sink/redis/stream-sink.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });

const { RedisStreamSink } = await import('../dist/sink/redis/stream-sink.js');
const { Spool } = await import('../dist/sink/redis/spool.js');
const { parseRedisTarget } = await import('../dist/sink/redis/target.js');
const { stampRecord } = await import('../dist/sink/stamp.js');
const { recordToNdjson } = await import('../dist/cli/output/ndjson.js');
const { analyzeFile } = await import('../dist/pipeline/analyze-file.js');
const { createTrustStore } = await import('../dist/tls/trust-store.js');
const { Redis } = await import('ioredis');

const captures = execFileSync('ls', ['captures']).toString().split('\n').filter((f) => f.endsWith('.pcap'));
const samples = [];
for (const file of captures) await analyzeFile(path.join('captures', file), { handshakeTimeout: 10, trustStore: createTrustStore([]) }, (r) => samples.push(r));
const stamped = (i) => {
  const sample = samples[i % samples.length];
  return recordToNdjson(stampRecord({ ...sample, id: `${sample.capture}#${i}` }, 'bench-sensor'));
};
// distinct serialized records to cycle through in the sink-only run (a pool, so memory stays small)
const pool = Array.from({ length: 2000 }, (_, i) => stamped(i));

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-bench-redis-'));
const server = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', work], { stdio: 'ignore' });
for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(PORT), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; i++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const admin = new Redis({ port: PORT, host: '127.0.0.1', lazyConnect: true });
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))[1]);

/** Writes `count` records from `next(i)` through a fresh sink to stream `key`; the sink's figures. */
async function run(key, count, next) {
  const target = parseRedisTarget(`redis://127.0.0.1:${PORT}/${key}`);
  const spool = new Spool({ dir: path.join(work, `spool-${key}`), maxBytes: 1e10 });
  const sink = new RedisStreamSink({ target, streamKey: key, maxLen: 0, spool, onNotice: (m) => console.error(`redis: ${m}`) });
  await sink.start();
  const before = await usedMemory();
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const line = next(i);
    bytes += line.length;
    sink.write(line);
    // a producer that keeps ahead of Redis only fills the spool: let replies in while the queue is long
    while (sink.queued >= 4000) await new Promise((resolve) => setImmediate(resolve));
  }
  const summary = await sink.close(120_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const length = await admin.xlen(key);
  const grown = (await usedMemory()) - before;
  return { count, seconds, bytes, length, spooled: summary.spooled, perRecordMemory: grown / length };
}

try {
  await admin.connect();
  const load = loadavg()[0].toFixed(1);
  const sink = await run('bench-sink', RECORDS, (i) => pool[i % pool.length]);
  const e2e = await run('bench-e2e', Math.ceil(RECORDS / 2), stamped);
  console.log(`redis: one sensor to a local redis-server 7 (load average ${load} when it started); NDJSON records of ${(sink.bytes / sink.count).toFixed(0)} bytes on average`);
  for (const [name, r] of [['sink', sink], ['end to end', e2e]]) {
    console.log(
      `redis: ${name.padEnd(10)} ${String(r.count).padStart(7)} records in ${r.seconds.toFixed(2)} s: ${(r.count / r.seconds).toFixed(0)} records/s, ` +
        `${(r.bytes / r.seconds / 1e6).toFixed(0)} MB/s; stream length ${r.length}, spooled ${r.spooled}`,
    );
  }
  console.log(`redis: memory ${sink.perRecordMemory.toFixed(0)} bytes per entry (INFO used_memory): ${((sink.perRecordMemory * 1e6) / 1e9).toFixed(2)} GB per million records`);
} finally {
  admin.disconnect();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(work, { recursive: true, force: true });
}
