import { describeExample, formatMegabytes, formatRate, formatSpan, formatTime, wiresharkFilter, confidenceText } from './format.js';
import { causesSvg, timelineSvg } from './html-charts.js';
import { escapeHtml, wireHtml } from './html-escape.js';
import { inputsPhrase, type RenderOptions } from './markdown.js';
import { MAX_SENSORS, MAX_UNKNOWN_CAUSES, OTHER_CAUSES, OTHER_SENSORS } from './aggregator.js';
import type { Example, PeerRow, Report } from './types.js';

/**
 * Nothing may be fetched: no network, no other file. The policy makes the browser refuse any load a future edit might
 * add by mistake, and inline styles and the one inline script are all the page needs.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:16px;color:#212121;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e0e0e0;padding-bottom:4px}
.meta{color:#616161;margin-bottom:16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #e0e0e0;border-radius:6px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:22px}.card.bad b{color:#c62828}
table{border-collapse:collapse;width:100%;margin:4px 0;font-size:13px}th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f5f5f5;cursor:pointer;user-select:none}th:after{content:" \\2195";color:#bdbdbd}
th.asc:after{content:" \\2191";color:#424242}th.desc:after{content:" \\2193";color:#424242}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even) td{background:#fafafa}
.scroll{overflow-x:auto}td.examples{min-width:300px}td.when{white-space:nowrap;font-size:13px}td.ep{white-space:nowrap}
.ex{font-size:12px;color:#424242;margin-bottom:3px}.ex details{display:inline}.ex summary{display:inline;cursor:pointer;color:#1565c0;font-size:11px}
.ex code{display:block;color:#616161;font-size:11px;word-break:break-all;user-select:all}
code{font-family:ui-monospace,Menlo,Consolas,monospace}
svg{max-width:100%;height:auto;display:block}svg .axis{font-size:11px;fill:#616161}svg .label{font-size:12px;fill:#212121}
.more{color:#616161;font-style:italic}
`;

/**
 * Sorts a table by the clicked column: by each cell's data-v (a number) when it has one, else by its text; a second
 * click reverses. Written out here so the page needs nothing else.
 */
const SORT_SCRIPT = `
document.querySelectorAll('table.sortable th').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], col = th.cellIndex;
    var desc = !th.classList.contains('desc');
    table.querySelectorAll('th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
    th.classList.add(desc ? 'desc' : 'asc');
    var key = function (row) {
      var cell = row.cells[col], v = cell.getAttribute('data-v');
      return v !== null ? Number(v) : cell.textContent.toLowerCase();
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), c = x < y ? -1 : x > y ? 1 : 0;
      return desc ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
`;

function num(n: number): string {
  return `<td class="n" data-v="${n}">${n}</td>`;
}

/** First and last time in one cell (sorted by the first): two columns of dates crowd out the examples. */
function spanCell(first: number | null, last: number | null): string {
  const to = last !== null && last !== first ? `<br>→ ${escapeHtml(formatTime(last))}` : '';
  return `<td class="when" data-v="${first ?? 0}">${escapeHtml(formatTime(first))}${to}</td>`;
}

function text(value: string, limit?: number): string {
  return `<td>${wireHtml(value, limit)}</td>`;
}

function examplesCell(examples: readonly Example[]): string {
  // the Wireshark filter folds away: it is for copying, and open it would triple the row height
  const items = examples.map(
    (e) => `<div class="ex">${wireHtml(describeExample(e), 300)} <details><summary>filter</summary><code>${wireHtml(wiresharkFilter(e), 300)}</code></details></div>`,
  );
  return `<td class="examples">${items.join('')}</td>`;
}

function sortable(header: readonly string[], rows: readonly string[]): string {
  return `<div class="scroll"><table class="sortable"><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** Says which rows count what the report kept no row for (the bounds of src/report/aggregator.ts). */
function otherSensorsNote(report: Report): string {
  const sensors = report.sensors.some((s) => s.sensor === OTHER_SENSORS);
  return sensors ? `<p class="more">More sensors than the report keeps rows for (${MAX_SENSORS}): the connections of the rest are counted in the row ${escapeHtml(OTHER_SENSORS)}.</p>` : '';
}

function otherCausesNote(report: Report): string {
  const other = report.causes.find((c) => c.code === OTHER_CAUSES);
  if (other === undefined) return '';
  return `<p class="more">${other.count} failure(s) named cause codes no rule of this tlsdiag gives, past the ${MAX_UNKNOWN_CAUSES} such codes the report keeps rows for: they are counted in the row ${escapeHtml(OTHER_CAUSES)}.</p>`;
}

function clippedNote(total: number, max: number): string {
  return total > max ? `<p class="more">… and ${total - max} more (the JSON report has them all).</p>` : '';
}

/** Causes besides the dominant one, the most frequent few, one per line. */
function otherCauses(row: PeerRow, shown = 5): string {
  const others = row.causes.slice(1);
  const named = others.slice(0, shown).map((c) => `${wireHtml(c.code)} (${c.count})`);
  if (others.length > shown) named.push(`+${others.length - shown} more`);
  return named.join('<br>');
}

function peerSection(rows: readonly PeerRow[], servers: boolean, max: number): string {
  if (rows.length === 0) return '<p>None.</p>';
  const header = [servers ? 'Server' : 'Client', ...(servers ? ['SNI'] : []), 'Connections', 'Failed', 'Failure rate', 'Dominant cause', 'Other causes', 'First → last failure', 'Examples'];
  const body = rows.slice(0, max).map((r) => {
    const rate = r.failed / r.connections;
    return (
      '<tr>' +
      `<td class="ep">${wireHtml(r.endpoint)}</td>` +
      (servers ? (r.sni === null ? '<td data-v="">(none)</td>' : text(r.sni)) : '') +
      num(r.connections) +
      num(r.failed) +
      `<td class="n" data-v="${rate}">${formatRate(rate)}</td>` +
      `<td>${r.causes.length === 0 ? '' : `${wireHtml(r.causes[0].code)} (${r.causes[0].count})`}</td>` +
      `<td>${otherCauses(r)}</td>` +
      spanCell(r.firstFailure, r.lastFailure) +
      examplesCell(r.examples) +
      '</tr>'
    );
  });
  return sortable(header, body) + clippedNote(rows.length, max);
}

/**
 * The report as one self-contained HTML page: summary cards, inline SVG charts (failures over time, failures by
 * cause), sortable tables of causes, servers, clients and inputs, and the skipped files. Loads nothing.
 */
export function renderHtml(report: Report, options: RenderOptions = {}): string {
  const max = options.maxRows ?? 500;
  const t = report.totals;
  const made = options.generatedAt ? `Made ${escapeHtml(options.generatedAt.toISOString().slice(0, 19).replace('T', ' '))} UTC. ` : '';
  const span = `Connections from ${escapeHtml(formatTime(t.firstSeen) || '—')} to ${escapeHtml(formatTime(t.lastSeen) || '—')} UTC`;
  const card = (label: string, value: string, bad = false) => `<div class="card${bad ? ' bad' : ''}"><b>${escapeHtml(value)}</b>${escapeHtml(label)}</div>`;

  const causeRows = report.causes.slice(0, max).map(
    (c) => '<tr>' + text(c.code) + num(c.count) + text(confidenceText(c.confidence)) + num(c.servers) + spanCell(c.firstSeen, c.lastSeen) + text(c.title, 300) + examplesCell(c.examples) + '</tr>',
  );
  const inputRows = report.inputs.map(
    (i) =>
      '<tr>' +
      text(i.path, 300) +
      `<td>${i.kind}</td>` +
      `<td class="n" data-v="${i.bytes}">${formatMegabytes(i.bytes)}</td>` +
      num(i.connections) +
      `<td>${i.notes.map((n) => wireHtml(n, 300)).join('<br>')}</td>` +
      '</tr>',
  );
  const sensorRows = report.sensors.slice(0, max).map(
    (s) =>
      '<tr>' +
      text(s.sensor) +
      num(s.connections) +
      num(s.established) +
      num(s.failed) +
      num(s.incomplete) +
      `<td class="n" data-v="${s.failureRate}">${formatRate(s.failureRate)}</td>` +
      spanCell(s.firstSeen, s.lastSeen) +
      '</tr>',
  );
  const skippedRows = report.skipped.map((s) => '<tr>' + text(s.path, 300) + text(s.reason, 300) + '</tr>');

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TLS handshake report</title>
<style>${STYLE}</style></head>
<body>
<h1>TLS handshake report</h1>
<div class="meta">${made}${escapeHtml(inputsPhrase(report))}${report.skipped.length ? `, <a href="#skipped">${report.skipped.length} skipped</a>` : ''}. ${span}.</div>
<div class="cards">
${card('connections', String(t.connections))}${card('established', String(t.established))}${card('failed', String(t.failed), t.failed > 0)}${card('incomplete', String(t.incomplete))}${card('failure rate', formatRate(t.failureRate), t.failed > 0)}${card('servers', String(report.distinctServers))}${card('clients', String(report.distinctClients))}
</div>
<p class="meta">Failure rate: failed / (established + failed); an incomplete connection shows no outcome. Causes are explained, with their fixes, in tlsdiag's docs/causes.md.</p>
${t.decrypted > 0 ? `<p class="meta">${t.decrypted} connection(s) had their handshake decrypted with a key log: their TLS 1.3 certificates and alerts were read, not inferred.</p>` : ''}
${sensorRows.length === 0 ? '' : `<h2>Sensors</h2>\n${sortable(['Sensor', 'Connections', 'Established', 'Failed', 'Incomplete', 'Failure rate', 'First → last seen'], sensorRows)}${clippedNote(report.sensors.length, max)}${otherSensorsNote(report)}`}
<h2>Failures over time (${escapeHtml(formatSpan(report.bucketSeconds))} per column, UTC)</h2>
${report.timeline.length === 0 ? '<p>No connections.</p>' : timelineSvg(report.timeline, report.bucketSeconds)}
<h2>Failures by cause</h2>
${report.causes.length === 0 ? '<p>No failed handshakes.</p>' : causesSvg(report.causes) + sortable(['Cause', 'Failures', 'Confidence', 'Servers', 'First → last seen', 'What happened', 'Examples'], causeRows) + clippedNote(report.causes.length, max) + otherCausesNote(report)}
<h2>Servers with failures</h2>
${peerSection(report.servers, true, max)}
<h2>Clients with failures</h2>
${peerSection(report.clients, false, max)}
<h2>Inputs</h2>
${inputRows.length === 0 ? '<p>None could be read.</p>' : sortable(['File', 'Kind', 'MB', 'Connections', 'Notes'], inputRows)}
${skippedRows.length === 0 ? '' : `<h2 id="skipped">Skipped</h2>\n${sortable(['File', 'Why'], skippedRows)}`}
<script>${SORT_SCRIPT}</script>
</body></html>
`;
}
