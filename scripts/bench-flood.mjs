// npm run bench -- --flood (or node scripts/bench-flood.mjs [flows]) — the memory bound under floods: writes a capture
// of 1M SYN-only flows and one of 1M unanswered ClientHellos into the temporary folder (scripts/make-flood-capture.mjs,
// on demand, reused when present), then runs `tlsdiag analyze --format ndjson` and `tlsdiag report` over each as a user
// would, each in its own process under /usr/bin/time for its peak RSS, and checks that every flow is reported.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const flows = Number(process.argv[2] ?? 1_000_000);
const LIMIT_MB = 300;
if (!existsSync('dist/bundle/tlsdiag.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
const haveTime = existsSync('/usr/bin/time');

function capture(kind) {
  const file = join(tmpdir(), `tlsdiag-flood-${kind}-${flows}.pcap`);
  if (!existsSync(file)) {
    const made = spawnSync(process.execPath, ['scripts/make-flood-capture.mjs', kind, String(flows), file], { stdio: 'inherit' });
    if (made.status !== 0) process.exit(2);
  }
  return file;
}

/** Runs the CLI with `args`, its stdout counted line by line through a pipe, under GNU time where it exists. */
function measure(args) {
  const command = haveTime ? '/usr/bin/time' : process.execPath;
  const argv = haveTime ? ['-f', 'tlsdiag-peak-rss-kb %M', process.execPath, 'bin/tlsdiag.js', ...args] : ['bin/tlsdiag.js', ...args];
  const start = process.hrtime.bigint();
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  });
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolve) => {
    child.on('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const rss = /tlsdiag-peak-rss-kb (\d+)/.exec(stderr);
      resolve({ status, lines, stderr, seconds, peakMB: rss ? Number(rss[1]) / 1024 : NaN });
    });
  });
}

let failed = false;
console.log(`flood benchmark: ${flows} flows per capture; limit ${LIMIT_MB} MB peak RSS`);
console.log('capture'.padEnd(34) + 'command'.padEnd(30) + 'flows reported'.padStart(15) + 'seconds'.padStart(9) + 'peak RSS MB'.padStart(13));
for (const kind of ['syn', 'hello']) {
  const file = capture(kind);
  const name = `${kind === 'syn' ? 'SYN-only' : 'unanswered ClientHello'} (${(statSync(file).size / 1e6).toFixed(0)} MB)`;
  const analyze = await measure(['analyze', '--format', 'ndjson', file]);
  const lines = analyze.lines;
  const json = join(tmpdir(), `tlsdiag-flood-${kind}-report.json`);
  const report = await measure(['report', file, '-o', json]);
  let reported = NaN;
  try {
    const { readFileSync } = await import('node:fs');
    reported = JSON.parse(readFileSync(json, 'utf8')).totals.connections;
  } catch {
    // reported stays NaN: the check below fails
  }
  for (const [what, r, count] of [
    ['analyze --format ndjson', analyze, lines],
    ['report -o report.json', report, reported],
  ]) {
    const ok = r.status === 0 && count === flows && !(r.peakMB >= LIMIT_MB);
    if (!ok) failed = true;
    console.log(
      name.padEnd(34) + what.padEnd(30) + String(count).padStart(15) + r.seconds.toFixed(1).padStart(9) +
        (Number.isNaN(r.peakMB) ? 'n/a' : r.peakMB.toFixed(0)).padStart(13) + (ok ? '' : '  FAILED'),
    );
    if (r.status !== 0) console.log(r.stderr.trim().split('\n').slice(-3).join('\n'));
  }
}
process.exit(failed ? 1 : 0);
