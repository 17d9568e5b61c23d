/**
 * Every output a connection record can reach, for the fuzz campaign and the hostile-input regressions: the text
 * table and diagnosis lines, the NDJSON line, the terminal UI's list row (at three widths) and detail lines, and the
 * batch report in each format (Markdown, HTML, CSV, JSON). Returns the problems found, never throws: an exception from
 * any writer is a problem, and so is output that is not well-formed for its format.
 */
import type { ConnectionRecord } from '../../src/model/record.js';
import { isCaptureTime } from '../../src/model/time.js';
import { diagnosisLines as textDiagnosisLines, recordToTextLine } from '../../src/cli/output/text.js';
import { recordToNdjson } from '../../src/cli/output/ndjson.js';
import { Aggregator } from '../../src/report/aggregator.js';
import { REPORT_FORMATS } from '../../src/report/formats.js';
import { summarizeJson } from '../../src/report/summary.js';
import { certificateLines, diagnosisLines, helloLines, summaryLines } from '../../src/ui/detail-lines.js';
import { lineText } from '../../src/ui/lines.js';
import { listColumns, rowText } from '../../src/ui/list-columns.js';
import { timelineLines } from '../../src/ui/timeline-lines.js';
import { displayWidth } from '../../src/ui/format.js';

/** What a terminal must never receive from wire text: controls, C1, bidi controls, line/paragraph separators. */
const TERMINAL_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/u;

const LIST_WIDTHS = [80, 100, 150];
const DETAIL_WIDTHS = [100];

function attempt(problems: string[], what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    problems.push(`${what} threw ${(error as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(error)}`);
  }
}

function checkTerminalText(problems: string[], what: string, text: string): void {
  const bad = TERMINAL_UNSAFE.exec(text);
  if (bad !== null) problems.push(`${what} holds unescaped U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')}: ${JSON.stringify(text.slice(0, 120))}`);
}

/** RFC 4180: every row has the header's number of fields, quotes balanced; a separator inside a cell is quoted. */
export function csvProblems(csv: string): string[] {
  const problems: string[] = [];
  if (!csv.endsWith('\r\n')) problems.push('CSV does not end in CRLF');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      wasQuoted = false;
    } else if (ch === '\r' && csv[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      wasQuoted = false;
      i++;
    } else {
      if (/[";\t\r\n]/.test(ch) && !wasQuoted) problems.push(`CSV cell holds ${JSON.stringify(ch)} unquoted`);
      cell += ch;
    }
  }
  if (quoted) problems.push('CSV ends inside a quoted cell');
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, i) => {
    if (r.length !== width) problems.push(`CSV row ${i} has ${r.length} fields, the header ${width}`);
  });
  return problems;
}

/** HTML: no element the writer did not make (a wire `<` or `&` is escaped) and no script element at all. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  if (!html.startsWith('<!DOCTYPE html>') && !html.startsWith('<!doctype html>')) problems.push('HTML lacks its doctype');
  if (!html.trimEnd().endsWith('</html>')) problems.push('HTML does not end with </html>');
  if (/<(iframe|object|embed|img|svg\s+onload)/i.test(html.replace(/<svg[^>]*class="chart"[^>]*>/g, ''))) problems.push('HTML holds an element no writer makes');
  return problems;
}

export interface RenderOptions {
  /** skip the report (the fuzz test renders one report per capture, not per record) */
  report?: boolean;
}

/** Renders each record through every per-record output; returns the problems found. */
export function renderRecordProblems(records: readonly ConnectionRecord[]): string[] {
  const problems: string[] = [];
  for (const r of records) {
    const id = `record ${r.id}`;
    attempt(problems, `${id}: text line`, () => {
      const line = recordToTextLine(r);
      checkTerminalText(problems, `${id}: text line`, line);
      for (const l of textDiagnosisLines(r)) checkTerminalText(problems, `${id}: text diagnosis`, l);
    });
    attempt(problems, `${id}: NDJSON`, () => {
      const line = recordToNdjson(r);
      if (line.includes('\n')) problems.push(`${id}: NDJSON line holds a newline`);
      if (/[\u2028\u2029]/.test(line)) problems.push(`${id}: NDJSON line holds U+2028/U+2029 raw`);
      const back = JSON.parse(line) as unknown;
      const summary = summarizeJson(back);
      if (typeof summary === 'string' && isCaptureTime(r.firstTs)) problems.push(`${id}: its own NDJSON line is refused by report: ${summary}`);
    });
    for (const width of LIST_WIDTHS) {
      attempt(problems, `${id}: list row at ${width}`, () => {
        const columns = listColumns(width);
        const row = rowText(r, columns);
        checkTerminalText(problems, `${id}: list row`, row);
        // the marker takes 3 columns; the row must fill the rest exactly, whatever the wire text's widths
        const w = displayWidth(row);
        if (w !== width - 3) problems.push(`${id}: list row at ${width} columns is ${w} columns wide`);
      });
    }
    for (const width of DETAIL_WIDTHS) {
      attempt(problems, `${id}: detail lines at ${width}`, () => {
        const lines = [
          ...diagnosisLines(r, width),
          ...helloLines(r, width),
          ...certificateLines(r, width),
          ...summaryLines(r, width),
          ...timelineLines(r, width),
        ];
        for (const line of lines) checkTerminalText(problems, `${id}: detail line`, lineText(line));
      });
    }
  }
  return problems;
}

/** Folds the records into a report and renders it in every format; returns the problems found. */
export function renderReportProblems(records: readonly ConnectionRecord[]): string[] {
  const problems: string[] = [];
  attempt(problems, 'report', () => {
    const aggregator = new Aggregator();
    for (const r of records) aggregator.addRecord(r);
    aggregator.addInput({ path: 'fuzz.pcap', kind: 'capture', bytes: 0, connections: records.length, notes: [] });
    const report = aggregator.report();
    if (report.timeline.length > 60) problems.push(`report timeline has ${report.timeline.length} buckets`);
    for (const [format, render] of Object.entries(REPORT_FORMATS)) {
      attempt(problems, `report as ${format}`, () => {
        const text = render(report, { generatedAt: new Date(0) });
        if (format === 'json') JSON.parse(text);
        if (format === 'csv') problems.push(...csvProblems(text).map((p) => `report as csv: ${p}`));
        if (format === 'html') problems.push(...htmlProblems(text).map((p) => `report as html: ${p}`));
        if (format === 'md') checkTerminalText(problems, 'report as md', text.replace(/\n/g, ' '));
      });
    }
  });
  return problems;
}

/** Every output, per record and as one report. */
export function renderProblems(records: readonly ConnectionRecord[]): string[] {
  return [...renderRecordProblems(records), ...renderReportProblems(records)];
}
