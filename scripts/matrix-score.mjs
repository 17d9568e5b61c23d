#!/usr/bin/env node
// Scores tlsdiag's diagnosis against the capture matrix (captures/matrix, captures/browsers or captures/servers,
// made by scripts/make-matrix.sh): runs the
// built analyzer over the folder, compares each capture's outcome and primary cause with its sidecar — the fault as
// injected — and prints a table (capture, expected, got, confidence) and the score.
//
// Usage: node scripts/matrix-score.mjs [--markdown] [--dir captures/matrix] [--ca captures/matrix/matrix-root.pem]
//   --dir  the folder (captures/browsers: the browsers; captures/servers: gnutls-serv and JSSE); --ca defaults to its
//          <folder>-root.pem
//   --markdown  the fault × client table of docs/captures.md, one per server, with tlsdiag's result in each cell
// Captures whose sidecar names a key log (`keylog`: the browsers' TLS 1.3 certificate faults) are scored twice: in
// the main table without it (where the sidecar's `hidden` code — what the encrypted handshake lets one see — is right
// too, not at high confidence), and in a second table analysed with it (--keylog), where only the injected cause is.
// Build first (npm run build). Exit code 0 whatever the score: this measures, the test (test/diagnose/matrix.test.ts)
// asserts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const dir = path.resolve(option('--dir', path.join(repo, 'captures/matrix')));
const ca = path.resolve(option('--ca', path.join(dir, `${path.basename(dir)}-root.pem`)));
const markdown = args.includes('--markdown');
const clientOrder = ['openssl', 'curl', 'python', 'java', 'go', 'gnutls', 'wget', 'node', 'chromium', 'firefox'];

/** Sidecars, in the matrix's own order: by server, then fault (as in faults.tsv), then client. */
function readSidecars() {
  const faultOrder = ['faults.tsv', 'faults-tls13-certs.tsv']
    .map((file) => path.join(repo, 'scripts/captures/matrix', file))
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('\t')[0]);
  const serverOrder = ['openssl', 'nginx', 'go', 'none', 'apache', 'gnutls', 'java'];
  const rank = (list, item) => (list.includes(item) ? list.indexOf(item) : list.length);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.expect.json'))
    .map((f) => ({ name: f.replace(/\.expect\.json$/, ''), ...JSON.parse(readFileSync(path.join(dir, f), 'utf8')) }))
    .sort(
      (a, b) =>
        rank(serverOrder, a.server) - rank(serverOrder, b.server) ||
        rank(faultOrder, a.fault) - rank(faultOrder, b.fault) ||
        rank(clientOrder, a.client) - rank(clientOrder, b.client),
    );
}

/** The analyzer's records, by capture file name: of the folder, or of the given captures with these key logs. */
function analyze(captures = [dir], keylogs = []) {
  const run = spawnSync(
    process.execPath,
    [path.join(repo, 'bin/tlsdiag.js'), 'analyze', '--format', 'ndjson', '--ca', ca, ...keylogs.flatMap((k) => ['--keylog', k]), ...captures],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  if (run.status !== 0 && !run.stdout) {
    console.error(`matrix-score: tlsdiag failed (${run.status}): ${run.stderr}`);
    process.exit(2);
  }
  const byCapture = new Map();
  for (const line of run.stdout.split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line);
    if (!record.capture) continue;
    const file = path.basename(record.capture);
    byCapture.set(file, [...(byCapture.get(file) ?? []), record]);
  }
  return byCapture;
}

/**
 * What tlsdiag said about one capture: failed with the first failed connection's cause when any failed, else the
 * outcome all its connections share. Right when outcome and code equal the sidecar's and every failed connection
 * names the same cause.
 */
export function judge(expectation, connections) {
  // connections the client abandoned to connect again (sidecar `abandoned`): failed with that cause, not with high
  // confidence; the capture is judged on the others
  const abandoned = (r) =>
    expectation.abandoned !== undefined && r.outcome === 'failed' && r.diagnosis?.code === expectation.abandoned.code && r.diagnosis.confidence !== 'high';
  const records = connections.some((r) => !abandoned(r)) ? connections.filter((r) => !abandoned(r)) : connections;
  const failed = records.filter((r) => r.outcome === 'failed');
  const outcomes = [...new Set(records.map((r) => r.outcome))];
  const got = failed.length > 0
    ? { outcome: 'failed', code: failed[0].diagnosis?.code ?? null, confidence: failed[0].diagnosis?.confidence ?? '' }
    : { outcome: outcomes.length === 1 ? outcomes[0] : outcomes.join('+') || 'nothing', code: null, confidence: '' };
  const codes = [...new Set(failed.map((r) => r.diagnosis?.code ?? null))];
  // a fault whose packets are another's (sidecar `indistinguishable`): honest when low, with the truth as alternative
  const honest =
    failed.length > 0 &&
    failed.every(
      (r) =>
        expectation.indistinguishable?.codes.includes(r.diagnosis?.code) &&
        r.diagnosis?.confidence === 'low' &&
        r.diagnosis.alternatives?.some((a) => a.code === expectation.code),
    );
  // a fault TLS 1.3 hides (sidecar `hidden`): what the packets show is right too, not at high confidence; and where
  // the client's failure leaves the packets of another cause (sidecar `alsoReads`), that cause, not at high
  // confidence, with the hidden one among the alternatives
  const readsAsOther = (r) =>
    expectation.alsoReads !== undefined &&
    r.diagnosis?.code === expectation.alsoReads.code &&
    r.diagnosis.confidence !== 'high' &&
    r.diagnosis.alternatives?.some((a) => a.code === (expectation.hidden?.code ?? expectation.code));
  const seen =
    (expectation.hidden !== undefined || expectation.alsoReads !== undefined) &&
    failed.length > 0 &&
    failed.every(
      (r) =>
        r.diagnosis?.code === expectation.code ||
        (r.diagnosis?.code === expectation.hidden?.code && r.diagnosis.confidence !== 'high') ||
        readsAsOther(r),
    );
  // a client that checks the certificate after a TLS 1.3 handshake and just closes (sidecar `looksComplete`):
  // established is right too, with tlsdiag's warning that it closed at once after its Finished
  const closedAtOnce = /closed .* after its Finished without sending application data/;
  const complete =
    expectation.looksComplete !== undefined &&
    records.length > 0 &&
    records.every((r) => r.outcome === 'established' && r.warnings?.some((w) => closedAtOnce.test(w)));
  const exact = got.outcome === expectation.outcome && got.code === expectation.code && codes.length <= 1;
  const right = exact || complete || (got.outcome === expectation.outcome && (honest || seen));
  const confidentlyWrong = failed.some(
    (r) => r.diagnosis?.confidence === 'high' && (expectation.outcome !== 'failed' || r.diagnosis.code !== expectation.code),
  );
  return { ...got, codes, connections: connections.length, right, exact, seen, complete, confidentlyWrong };
}

const label = (outcome, code) => (outcome === 'failed' ? code ?? '(no diagnosis)' : outcome);

function textTable(rows) {
  const header = ['capture', 'expected', 'got', 'confidence', ''];
  const lines = rows.map(({ sidecar, result }) => [
    sidecar.name,
    label(sidecar.outcome, sidecar.code),
    label(result.outcome, result.codes.length > 1 ? result.codes.join('+') : result.code) +
      (result.connections !== sidecar.connections ? ` [${result.connections}/${sidecar.connections} conn]` : ''),
    result.confidence,
    result.exact
      ? 'ok'
      : result.right
        ? result.complete
          ? 'ok (checked after the handshake: looks complete, with the warning)'
          : result.seen
            ? 'ok (hidden by TLS 1.3: what the packets show, not high)'
            : 'ok (indistinguishable, low, truth among alternatives)'
        : result.confidentlyWrong
          ? 'WRONG (high)'
          : 'WRONG',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

function markdownTables(rows) {
  const clients = clientOrder.filter((client) => rows.some((r) => r.sidecar.client === client));
  const out = [];
  for (const server of [...new Set(rows.map((r) => r.sidecar.server))]) {
    const ofServer = rows.filter((r) => r.sidecar.server === server);
    out.push(`#### Server: ${server} (${ofServer[0].sidecar.stack.server})`, '');
    out.push(`| fault | expected | ${clients.join(' | ')} |`, `|---|---|${clients.map(() => '---').join('|')}|`);
    for (const fault of [...new Set(ofServer.map((r) => r.sidecar.fault))]) {
      const cells = ofServer.filter((r) => r.sidecar.fault === fault);
      // the fault's usual result; a cell whose client or server made it another says so
      const counts = new Map();
      for (const r of cells) counts.set(label(r.sidecar.outcome, r.sidecar.code), (counts.get(label(r.sidecar.outcome, r.sidecar.code)) ?? 0) + 1);
      const expected = [...counts].sort((a, b) => b[1] - a[1])[0][0];
      const cell = (client) => {
        const row = cells.find((r) => r.sidecar.client === client);
        if (!row) return '—';
        const { result, sidecar } = row;
        const own = label(sidecar.outcome, sidecar.code) !== expected ? ` (expected ${label(sidecar.outcome, sidecar.code)})` : '';
        const conn = sidecar.connections > 1 ? ` ×${sidecar.connections}` : '';
        if (result.exact) return `✓${conn}${own}`;
        if (result.right) return `≈ \`${label(result.outcome, result.code)}\` ${result.confidence}${conn}${own}`;
        const got = label(result.outcome, result.code);
        return `✗ \`${got}\`${result.confidence ? ` ${result.confidence}` : ''}${conn}${own}`;
      };
      out.push(`| ${fault} | \`${expected}\` | ${clients.map(cell).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

const percent = (n, d) => (d ? ((100 * n) / d).toFixed(1) : '0.0');
function summarize(rows) {
  const right = rows.filter((r) => r.result.right).length;
  const confidentlyWrong = rows.filter((r) => r.result.confidentlyWrong).length;
  const byConfidence = {};
  for (const { result } of rows) {
    if (!result.confidence) continue;
    const entry = (byConfidence[result.confidence] ??= { right: 0, all: 0 });
    entry.all++;
    if (result.right) entry.right++;
  }
  return [
    `${right} of ${rows.length} captures right (${percent(right, rows.length)} %), ${rows.filter(({ result }) => result.exact).length} with the injected cause as primary; ${confidentlyWrong} with a wrong high-confidence diagnosis`,
    `by confidence of the primary diagnosis: ${Object.entries(byConfidence)
      .map(([c, { right: r, all }]) => `${c} ${r}/${all} right`)
      .join(', ') || 'none'}`,
  ];
}
function print(rows, title) {
  const summary = summarize(rows);
  if (title) console.log(markdown ? `**${title}**\n` : `${title}\n`);
  if (markdown) {
    console.log(markdownTables(rows));
    console.log(summary.map((s) => `${s[0].toUpperCase()}${s.slice(1)}.`).join(' '));
  } else {
    console.log(textTable(rows));
    console.log();
    console.log(summary.join('\n'));
  }
}

const sidecars = readSidecars();
const byCapture = analyze();
print(sidecars.map((sidecar) => ({ sidecar, result: judge(sidecar, byCapture.get(`${sidecar.name}.pcap`) ?? []) })));

// the captures with a key log, analysed with it: only the injected cause is right, and every connection decrypted
const keyed = sidecars.filter((sidecar) => sidecar.keylog);
if (keyed.length > 0) {
  const withKeys = analyze(
    keyed.map((sidecar) => path.join(dir, `${sidecar.name}.pcap`)),
    keyed.map((sidecar) => path.join(dir, sidecar.keylog)),
  );
  const rows = keyed.map((sidecar) => {
    const records = withKeys.get(`${sidecar.name}.pcap`) ?? [];
    const result = judge({ ...sidecar, hidden: undefined }, records);
    const undecrypted = records.filter((r) => !r.tls?.decrypted).length;
    if (undecrypted > 0) Object.assign(result, { right: false, exact: false, confidence: `${result.confidence} (${undecrypted} not decrypted)` });
    return { sidecar, result };
  });
  console.log();
  print(rows, `With the key logs (--keylog <capture>.keys.log): ${keyed.length} captures`);
}
