// npm run bench [-- FILE] — end-to-end speed in one run on one capture: the raw-walk floor, the analysis alone, the CLI
// as users run it (`tlsdiag analyze --format ndjson FILE > out`, and `--format ecs`), and tshark extracting handshake
// fields where it is installed, and one capture on one thread next to two worker threads (--jobs 1, --jobs 2). Each figure is the median of BENCH_RUNS runs (default 3; tshark: BENCH_TSHARK_RUNS,
// default 1), each in a process of its own. Wall time and CPU time (user + system, from GNU time where it is
// installed) are both shown: on a shared machine the wall clock also counts the waits for a core, CPU time does not.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run bench -- --flood [flows]`: the memory bound under SYN and ClientHello floods (scripts/bench-flood.mjs)
if (process.argv[2] === '--flood') {
  const flood = spawnSync(process.execPath, ['scripts/bench-flood.mjs', ...process.argv.slice(3)], { stdio: 'inherit' });
  process.exit(flood.status ?? 1);
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** the machine's load when the bench began: on a shared machine the wall clock also counts waits for a core */
const LOAD_BEFORE = loadavg()[0];
const TSHARK_RUNS = Number(process.env.BENCH_TSHARK_RUNS ?? 1);
const file = process.argv[2] ?? 'bench/bench.pcap';
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

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
if (!existsSync('dist/bundle/tlsdiag.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command `runs` times with stdout to `outFile` (or /dev/null): wall and CPU seconds, peak RSS, output size. */
function timed(name, command, args, runs, outFile = '/dev/null') {
  const measured = [];
  for (let i = 0; i < runs; i++) {
    const out = openSync(outFile, 'w');
    const start = process.hrtime.bigint();
    const run = GNU_TIME
      ? spawnSync(GNU_TIME, ['-f', '%U %S %M', command, ...args], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' })
      : spawnSync(command, args, { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    closeSync(out);
    if (run.status !== 0) throw new Error(`${name} failed (${run.status}): ${run.stderr}`);
    const [user, system, rssKB] = GNU_TIME ? run.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
    measured.push({ wall, cpu: user + system, rssMB: rssKB / 1024, outBytes: outFile === '/dev/null' ? 0 : statSync(outFile).size });
  }
  return {
    name,
    seconds: median(measured.map((m) => m.wall)),
    cpu: median(measured.map((m) => m.cpu)),
    maxRssMB: Math.max(...measured.map((m) => m.rssMB)),
    outBytes: measured[0].outBytes,
  };
}

/** The in-process measurements of scripts/bench-run.mjs (module loading left out), also under GNU time. */
function inProcess(mode) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const run = GNU_TIME
      ? spawnSync(GNU_TIME, ['-f', '%U %S %M', process.execPath, 'scripts/bench-run.mjs', mode, file], { encoding: 'utf8', maxBuffer: 1 << 26 })
      : spawnSync(process.execPath, ['scripts/bench-run.mjs', mode, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (run.status !== 0) throw new Error(`bench-run ${mode} failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split('\n').pop());
    const [user, system] = GNU_TIME ? run.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN];
    runs.push({ ...result, cpu: user + system });
  }
  return {
    ...runs[0],
    seconds: median(runs.map((r) => r.seconds)),
    cpu: median(runs.map((r) => r.cpu)),
    maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)),
    outBytes: 0,
  };
}

const scratch = mkdtempSync(join(tmpdir(), 'tlsdiag-bench-'));
const floor = { ...inProcess('floor'), name: 'raw walk' };
const analysis = { ...inProcess('analyze'), name: 'analysis only' };
const cli = (format, jobs = null) =>
  timed(
    `analyze --format ${format}${jobs === null ? '' : ` --jobs ${jobs}`} > file`,
    process.execPath,
    ['bin/tlsdiag.js', 'analyze', '--format', format, ...(jobs === null ? [] : ['--jobs', String(jobs)]), file],
    RUNS,
    join(scratch, `out.${format}`),
  );
const ndjson = cli('ndjson');
const ecs = cli('ecs');
// one capture on worker threads (--jobs, sharded by connection) next to one thread: what --jobs auto would choose
// depends on the cores (src/cli/jobs.ts), so both are timed explicitly
const oneThread = cli('ndjson', 1);
const twoWorkers = cli('ndjson', 2);
const haveTshark = process.env.BENCH_TSHARK !== '0' && spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const tsharkArgs = ['-n', '-r', file, '-Y', 'tls.handshake', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name', '-e', 'tls.alert_message.desc'];
const tshark = haveTshark ? timed('tshark (handshake fields)', 'tshark', tsharkArgs, TSHARK_RUNS, join(scratch, 'out.tshark')) : null;
rmSync(scratch, { recursive: true, force: true });

const mb = floor.bytes / 1e6;
const connections = analysis.connections;
console.log(
  `capture: ${file} — ${mb.toFixed(1)} MB, ${floor.packets} packets, ${connections} TLS connections (${analysis.failed} failed); ` +
    `median of ${RUNS} runs (tshark: ${TSHARK_RUNS}); CPU = user + system; ${availableParallelism()} core(s), load ${LOAD_BEFORE.toFixed(1)} before`,
);
console.log(
  'what'.padEnd(30) + 'wall s'.padStart(8) + 'CPU s'.padStart(8) + 'MB/s'.padStart(7) + 'conns/s'.padStart(9) + 'peak RSS MB'.padStart(13) + 'out B/conn'.padStart(12),
);
for (const r of [floor, analysis, ndjson, ecs, oneThread, twoWorkers, tshark].filter(Boolean)) {
  console.log(
    r.name.padEnd(30) +
      r.seconds.toFixed(2).padStart(8) +
      (Number.isNaN(r.cpu) ? 'n/a' : r.cpu.toFixed(2)).padStart(8) +
      (mb / r.seconds).toFixed(0).padStart(7) +
      (connections / r.seconds).toFixed(0).padStart(9) +
      (Number.isNaN(r.maxRssMB) ? 'n/a' : r.maxRssMB.toFixed(0)).padStart(13) +
      (r.outBytes > 0 ? (r.outBytes / connections).toFixed(0) : '').padStart(12),
  );
}
if (tshark) {
  for (const r of [ndjson, ecs, oneThread, twoWorkers]) {
    const cpu = Number.isNaN(r.cpu) ? '' : `, ${(tshark.cpu / r.cpu).toFixed(1)}x in CPU time`;
    console.log(`${r.name}: ${(tshark.seconds / r.seconds).toFixed(1)}x faster than tshark end to end (wall)${cpu}`);
  }
}

// Fleet: one sensor's records into a local Redis stream (starts its own redis-server; skipped where it is not
// installed, or with BENCH_REDIS=0).
if (process.env.BENCH_REDIS !== '0') spawnSync(process.execPath, ['scripts/bench-redis.mjs'], { stdio: 'inherit' });
