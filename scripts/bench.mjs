// npm run bench [-- FILE] — throughput of the full analysis against the raw-walk floor (and tshark where installed),
// measured in one run on one capture. Each figure is the median of several runs, each run in its own process.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// `npm run bench -- --flood [flows]`: the memory bound under SYN and ClientHello floods (scripts/bench-flood.mjs)
if (process.argv[2] === '--flood') {
  const flood = spawnSync(process.execPath, ['scripts/bench-flood.mjs', ...process.argv.slice(3)], { stdio: 'inherit' });
  process.exit(flood.status ?? 1);
}
const file = process.argv[2] ?? 'bench/bench.pcap';

if (!existsSync(file)) {
  if (process.argv[2]) {
    console.error(`bench: ${file}: no such file`);
    process.exit(2);
  }
  console.error(`bench: ${file} is missing; recording it with scripts/make-bench-capture.sh (root, a few minutes)`);
  const made = spawnSync('bash', ['scripts/make-bench-capture.sh'], { stdio: 'inherit' });
  if (made.status !== 0 || !existsSync(file)) {
    console.error('bench: could not make the benchmark capture; pass one: npm run bench -- FILE');
    process.exit(2);
  }
}
if (!existsSync('dist/pipeline/analyze-file.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runNode(mode) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['scripts/bench-run.mjs', mode, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
    runs.push(JSON.parse(out.trim().split('\n').pop()));
  }
  const best = runs[0];
  return { ...best, seconds: median(runs.map((r) => r.seconds)), maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)) };
}

/** tshark extracting only handshake fields, timed by GNU time for its peak RSS where /usr/bin/time exists. */
function runTshark(packets) {
  if (spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status !== 0) return null;
  const haveTime = existsSync('/usr/bin/time');
  const args = ['-n', '-r', file, '-Y', 'tls.handshake', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name', '-e', 'tls.alert_message.desc'];
  const start = process.hrtime.bigint();
  const run = haveTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', 'tshark', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rssLine = haveTime ? run.stderr.trim().split('\n').pop() : '';
  return { mode: 'tshark', seconds, bytes: statSync(file).size, packets, maxRssMB: haveTime ? Number(rssLine) / 1024 : NaN };
}

const floor = runNode('floor');
const analyze = runNode('analyze');
const tshark = process.env.BENCH_TSHARK === '0' ? null : runTshark(floor.packets);

const rows = [floor, analyze, tshark].filter(Boolean);
const mb = floor.bytes / 1e6;
console.log(`capture: ${file} — ${mb.toFixed(1)} MB, ${floor.packets} packets, ${analyze.connections} TLS connections (${analyze.failed} failed); median of ${RUNS} runs`);
console.log('what'.padEnd(10) + 'seconds'.padStart(9) + 'MB/s'.padStart(10) + 'packets/s'.padStart(13) + 'conns/s'.padStart(11) + 'peak RSS MB'.padStart(13) + '  of floor');
for (const r of rows) {
  const name = r.mode === 'floor' ? 'raw walk' : r.mode === 'analyze' ? 'tlsdiag' : 'tshark';
  console.log(
    name.padEnd(10) +
      r.seconds.toFixed(3).padStart(9) +
      (mb / r.seconds).toFixed(0).padStart(10) +
      (floor.packets / r.seconds).toFixed(0).padStart(13) +
      (analyze.connections / r.seconds).toFixed(0).padStart(11) +
      (Number.isNaN(r.maxRssMB) ? 'n/a' : r.maxRssMB.toFixed(0)).padStart(13) +
      `  ${((floor.seconds / r.seconds) * 100).toFixed(1)}%`,
  );
}
if (tshark) console.log(`tlsdiag is ${(tshark.seconds / analyze.seconds).toFixed(1)}x faster than tshark`);

// Fleet: one sensor's records into a local Redis stream (starts its own redis-server; skipped where it is not
// installed, or with BENCH_REDIS=0).
if (process.env.BENCH_REDIS !== '0') spawnSync(process.execPath, ['scripts/bench-redis.mjs'], { stdio: 'inherit' });
