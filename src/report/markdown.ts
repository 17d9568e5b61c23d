import { sanitizeForTerminal } from '../model/sanitize.js';
import { describeExample, formatBucketStart, largest, formatMegabytes, formatRate, formatSpan, formatTime, confidenceText } from './format.js';
import { MAX_SENSORS, MAX_UNKNOWN_CAUSES, OTHER_CAUSES, OTHER_SENSORS } from './aggregator.js';
import type { Example, PeerRow, Report } from './types.js';

export interface RenderOptions {
  /** when the report was made (omitted from the text when absent) */
  generatedAt?: Date;
  /** rows shown per table; the rest are counted in a closing line (default 100) */
  maxRows?: number;
}

/**
 * Markdown characters that would turn a wire string into table structure, a link, inline HTML or code. Underscores are
 * left alone: file names are full of them and GitHub does not emphasise inside words.
 */
const MARKDOWN_SPECIAL = /[\\|`*<>[\]]/g;

/** Text from the wire or the file system, safe in a table cell and in a terminal. */
export function markdownText(text: string, limit = 120): string {
  return sanitizeForTerminal(text, limit).replace(MARKDOWN_SPECIAL, '\\$&');
}

function examplesCell(examples: readonly Example[]): string {
  return examples.map((e) => markdownText(describeExample(e), 200)).join('<br>');
}

/**
 * Appends `lines` one by one: `push(...lines)` passes every line as an argument, and a few hundred thousand rows (one
 * per input file, say) overflow the stack.
 */
function append(out: string[], lines: readonly string[]): void {
  for (const line of lines) out.push(line);
}

function table(header: string[], rows: readonly string[][]): string[] {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines;
}

function clipped<T>(rows: readonly T[], max: number): { shown: readonly T[]; more: string[] } {
  if (rows.length <= max) return { shown: rows, more: [] };
  return { shown: rows.slice(0, max), more: ['', `… and ${rows.length - max} more (the JSON report has them all).`] };
}

/** A table of at most `max` rows, the rest counted in a closing line. */
function clippedTable<T>(header: string[], rows: readonly T[], max: number, row: (item: T) => string[]): string[] {
  const { shown, more } = clipped(rows, max);
  const lines = table(header, shown.map(row));
  append(lines, more);
  return lines;
}

/** Causes besides the dominant one, the most frequent few by name. */
function otherCauses(row: PeerRow, shown = 3): string {
  const others = row.causes.slice(1);
  const named = others.slice(0, shown).map((c) => `${markdownText(c.code)} (${c.count})`);
  if (others.length > shown) named.push(`+${others.length - shown} more`);
  return named.join(', ');
}

function peerTable(rows: readonly PeerRow[], withSni: boolean, max: number): string[] {
  const header = [withSni ? 'Server' : 'Client', ...(withSni ? ['SNI'] : []), 'Connections', 'Failed', 'Failure rate', 'Dominant cause', 'Other causes', 'First failure', 'Last failure', 'Examples'];
  return clippedTable(header, rows, max, (r) => [
    markdownText(r.endpoint),
    ...(withSni ? [r.sni === null ? '(none)' : markdownText(r.sni)] : []),
    String(r.connections),
    String(r.failed),
    formatRate(r.failed / r.connections),
    r.causes.length === 0 ? '' : `${markdownText(r.causes[0].code)} (${r.causes[0].count})`,
    otherCauses(r),
    formatTime(r.firstFailure),
    formatTime(r.lastFailure),
    examplesCell(r.examples),
  ]);
}

/** Bar of `width` cells for `value` out of `max`, in block characters a terminal shows. */
function textBar(value: number, max: number, width = 30): string {
  if (value === 0 || max === 0) return '';
  return '█'.repeat(Math.max(1, Math.round((value / max) * width)));
}

/** What the report was made from: 'N input file(s)', or 'N Redis stream(s)' for a report read from Redis. */
export function inputsPhrase(report: Report): string {
  const streams = report.inputs.filter((i) => i.kind === 'redis').length;
  const files = report.inputs.length - streams;
  if (streams === 0) return `${files} input file(s)`;
  return files === 0 ? `${streams} Redis stream(s)` : `${files} input file(s) and ${streams} Redis stream(s)`;
}

/**
 * The report as Markdown: readable in a terminal as it is and rendered by any Markdown viewer. Every string from the
 * wire or the file system is sanitised for the terminal and escaped for Markdown.
 */
export function renderMarkdown(report: Report, options: RenderOptions = {}): string {
  const max = options.maxRows ?? 100;
  const t = report.totals;
  const out: string[] = ['# TLS handshake report', ''];
  const made = options.generatedAt ? `Made ${options.generatedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC from ` : 'From ';
  out.push(`${made}${inputsPhrase(report)}${report.skipped.length ? `, ${report.skipped.length} skipped` : ''}; connections from ${formatTime(t.firstSeen) || '—'} to ${formatTime(t.lastSeen) || '—'} (UTC).`, '');

  out.push('## Summary', '');
  append(
    out,
    table(
      ['Connections', 'Established', 'Failed', 'Incomplete', 'Failure rate', 'Servers', 'Clients'],
      [[t.connections, t.established, t.failed, t.incomplete, formatRate(t.failureRate), report.distinctServers, report.distinctClients].map(String)],
    ),
  );
  out.push('', 'The failure rate is failed / (established + failed): an incomplete connection shows no outcome.', '');
  if (report.peersNotKept !== undefined) {
    const { servers, clients } = report.peersNotKept;
    out.push(
      `More servers or clients than the report keeps rows for: ${servers} server and ${clients} client row(s) with the fewest failures were let go, so the counts of servers and clients are approximate (a flood from spoofed addresses looks like this).`,
      '',
    );
  }
  if (t.decrypted > 0) out.push(`${t.decrypted} connection(s) had their handshake decrypted with a key log: their TLS 1.3 certificates and alerts were read, not inferred.`, '');

  if (report.sensors.length > 0) {
    out.push('## Sensors', '');
    append(
      out,
      clippedTable(['Sensor', 'Connections', 'Established', 'Failed', 'Incomplete', 'Failure rate', 'First seen', 'Last seen'], report.sensors, max, (s) => [
        markdownText(s.sensor),
        String(s.connections),
        String(s.established),
        String(s.failed),
        String(s.incomplete),
        formatRate(s.failureRate),
        formatTime(s.firstSeen),
        formatTime(s.lastSeen),
      ]),
    );
    if (report.sensors.some((s) => s.sensor === OTHER_SENSORS)) {
      out.push('', `More sensors than the report keeps rows for (${MAX_SENSORS}): the connections of the rest are counted in the row ${OTHER_SENSORS}.`);
    }
    out.push('');
  }

  out.push('## Failures by cause', '');
  if (report.causes.length === 0) out.push('No failed handshakes.');
  else {
    append(
      out,
      clippedTable(['Cause', 'Failures', 'Confidence', 'Servers', 'First seen', 'Last seen', 'What happened', 'Examples'], report.causes, max, (c) => [
        markdownText(c.code),
        String(c.count),
        confidenceText(c.confidence),
        String(c.servers),
        formatTime(c.firstSeen),
        formatTime(c.lastSeen),
        markdownText(c.title, 200),
        examplesCell(c.examples),
      ]),
    );
    const other = report.causes.find((c) => c.code === OTHER_CAUSES);
    if (other !== undefined) {
      out.push('', `${other.count} failure(s) named cause codes no rule of this tlsdiag gives, past the ${MAX_UNKNOWN_CAUSES} such codes the report keeps rows for: they are counted in the row ${OTHER_CAUSES}.`);
    }
    out.push(
      '',
      'Each cause is explained, with its fix, in docs/causes.md. Confidence counts the failures by how sure their diagnosis is: high when a peer stated the cause or tlsdiag verified it and the peers\' acts agree; low when it rests on an inference other causes share or on an assumption.',
    );
  }
  out.push('');

  out.push('## Servers with failures', '');
  append(out, report.servers.length === 0 ? ['None.'] : peerTable(report.servers, true, max));
  out.push('', '## Clients with failures', '');
  append(out, report.clients.length === 0 ? ['None.'] : peerTable(report.clients, false, max));
  out.push('');

  out.push(`## Over time (${formatSpan(report.bucketSeconds)} per row, UTC)`, '');
  if (report.timeline.length === 0) out.push('No connections.');
  else {
    const top = largest(report.timeline.map((b) => b.failed));
    append(
      out,
      table(
        ['From', 'Connections', 'Failed', 'Failures'],
        report.timeline.map((b) => [formatBucketStart(b.start), String(b.connections), String(b.failed), textBar(b.failed, top)]),
      ),
    );
  }
  out.push('');

  out.push('## Inputs', '');
  if (report.inputs.length === 0) out.push('None could be read.');
  else {
    append(
      out,
      table(
        ['File', 'Kind', 'MB', 'Connections', 'Notes'],
        report.inputs.map((i) => [
          markdownText(i.path, 200),
          i.kind,
          formatMegabytes(i.bytes),
          String(i.connections),
          i.notes.map((n) => markdownText(n, 200)).join('<br>'),
        ]),
      ),
    );
  }
  out.push('');
  if (report.skipped.length > 0) {
    out.push('## Skipped', '');
    append(out, table(['File', 'Why'], report.skipped.map((s) => [markdownText(s.path, 200), markdownText(s.reason, 200)])));
    out.push('');
  }
  return out.join('\n');
}
