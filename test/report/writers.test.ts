import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/report/aggregator.js';
import { csvCell, renderCsv } from '../../src/report/csv.js';
import { formatForPath } from '../../src/report/formats.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { RecordSummary } from '../../src/report/types.js';
import { summary } from './summaries.js';

/** An SNI as a hostile client could send it: markup, quotes, a formula, a terminal escape and a bidi override. */
const HOSTILE_SNI = '<script>alert(1)</script>"onmouseover="x\u001b[2J\u202egnp.exe';

function hostileReport() {
  const aggregator = new Aggregator();
  const hostile: Partial<RecordSummary> = { sni: HOSTILE_SNI, cause: 'sni-unrecognized', title: 'The server does not recognise the name' };
  aggregator.add(summary({ ...hostile, capture: 'evil<img src=x onerror=alert(1)>.pcap' }));
  aggregator.add(summary({ sni: '=HYPERLINK("http://evil.test","x")', cause: 'certificate-expired' }));
  aggregator.add(summary({ sni: 'a,b\n"c"|d', cause: 'not-tls' }));
  aggregator.skip('bad "file".pcap', 'not a capture');
  return aggregator.report();
}

/** RFC 4180 reader (just enough for the test): fields, quoted with doubled quotes, rows ending in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('CSV', () => {
  it('quotes commas and quotes, and escapes line breaks (CR or LF) as the other reports do', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('two\\x0alines');
    expect(csvCell('cr\ronly')).toBe('cr\\x0donly');
  });

  it('quotes every cell holding a separator of any locale: comma, semicolon, tab', () => {
    // a ';'-separated spreadsheet (the European default) would split an unquoted 'a;b' into two columns
    expect(csvCell('a;b')).toBe('"a;b"');
    // a tab is escaped: no spreadsheet told to split on tabs can split the cell
    expect(csvCell('a\tb')).toBe('a\\x09b');
    expect(csvCell('x.example.test;evil=1')).toBe('"x.example.test;evil=1"');
    for (const cell of ['a;b', 'a,b', 'a"b']) expect(csvCell(cell).startsWith('"'), JSON.stringify(cell)).toBe(true);
    for (const start of ['=', '+', '-', '@']) expect(csvCell(`${start}1+1`).startsWith(`'${start}`) || csvCell(`${start}1+1`).startsWith(`"'${start}`)).toBe(true);
    // a leading tab or CR is escaped, so it cannot start a formula once a spreadsheet trims it
    for (const start of ['\t', '\r']) expect(csvCell(`${start}=1+1`)).toMatch(/^\\x0[9d]=1\+1$/);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('writes one row per server and cause that a CSV reader gets back intact', () => {
    const rows = parseCsv(renderCsv(hostileReport()));
    expect(rows[0].slice(0, 5)).toEqual(['server', 'sni', 'cause', 'title', 'failures']);
    expect(rows).toHaveLength(4);
    const sni = rows.slice(1).map((r) => r[1]);
    expect(sni).toContain('a,b\\x0a"c"|d');
    expect(sni).toContain(`'=HYPERLINK("http://evil.test","x")`);
    for (const row of rows) {
      expect(row).toHaveLength(rows[0].length);
      for (const cell of row) expect(cell).not.toMatch(/^[=+@]/);
    }
  });
});

describe('HTML', () => {
  const html = renderHtml(hostileReport(), { generatedAt: new Date(0) });

  it('escapes every wire string: a hostile SNI or file name is text, never markup', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('"onmouseover="');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=&quot;x');
    // terminal escapes and bidi overrides are shown as escapes, not acted on
    expect(html).not.toMatch(/[\u001b\u202e]/);
    expect(html).toContain('\\x1b[2J');
    // the only script is the page's own
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('loads nothing: no external src or href, a policy that forbids loads, charts inline', () => {
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain("default-src 'none'");
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('class="sortable"');
  });
});

describe('Markdown and JSON', () => {
  it('keeps table structure whatever the wire strings hold', () => {
    const md = renderMarkdown(hostileReport());
    const serverTable = md.split('## Servers with failures')[1].split('##')[0];
    const rows = serverTable.split('\n').filter((l) => l.startsWith('|'));
    const columns = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    for (const row of rows) expect(columns(row)).toBe(columns(rows[0]));
    expect(md).not.toMatch(/[\u001b\u202e]/);
    expect(md).not.toContain('<script>');
    expect(md).toContain('## Skipped');
  });

  it('writes JSON that reads back as the report, with no raw control or bidi characters', () => {
    const report = hostileReport();
    const json = renderJson(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('picks the format from the output file extension', () => {
    expect(formatForPath('night/report.HTML')).toBe('html');
    expect(formatForPath('r.md')).toBe('md');
    expect(formatForPath('r.csv')).toBe('csv');
    expect(formatForPath('r.json')).toBe('json');
    expect(formatForPath('report')).toBeNull();
    expect(formatForPath('dir.v2/report')).toBeNull();
  });
});
