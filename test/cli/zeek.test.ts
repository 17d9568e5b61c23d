/**
 * `--format zeek`: Zeek's ssl.log TSV, read back the way zeek-cut reads a log (the `#separator` line decoded, columns
 * named by `#fields`), on the project's captures and the public corpus, against the records they came from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordWriter } from '../../src/cli/output/formats.js';
import { recordToZeekSsl, ZEEK_SSL_COLUMNS } from '../../src/cli/output/zeek.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { publicCaptureNames, requirePublicCapture, ROOT } from '../helpers/shared.js';

/** What zeek-cut does: the separator from `#separator` (\xHH decoded), field names from `#fields`, rows as maps. */
function zeekCut(log: string): { fields: string[]; types: string[]; rows: Map<string, string>[]; comments: string[] } {
  const lines = log.split('\n').filter((line) => line !== '');
  const separatorLine = lines.find((line) => line.startsWith('#separator '));
  if (separatorLine === undefined) throw new Error('no #separator line');
  const separator = separatorLine.slice('#separator '.length).replace(/\\x([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const header = (name: string) => lines.find((line) => line.startsWith(`#${name}${separator}`))!.split(separator).slice(1);
  const fields = header('fields');
  const rows = lines
    .filter((line) => !line.startsWith('#'))
    .map((line) => {
      const values = line.split(separator);
      if (values.length !== fields.length) throw new Error(`${values.length} columns for ${fields.length} fields: ${line}`);
      return new Map(fields.map((field, i) => [field, values[i]]));
    });
  return { fields, types: header('types'), rows, comments: lines.filter((line) => line.startsWith('#')) };
}

const records: ConnectionRecord[] = [];

beforeAll(async () => {
  const trustStore = createTrustStore([readFileSync(join(ROOT, 'captures/tlsdiag-test-root.pem'), 'utf8')]);
  const files = [
    ...readdirSync(join(ROOT, 'captures')).filter((name) => name.endsWith('.pcap')).map((name) => join(ROOT, 'captures', name)),
    ...readdirSync(join(ROOT, 'captures-keylog')).filter((name) => /\.pcap(ng)?$/.test(name)).map((name) => join(ROOT, 'captures-keylog', name)),
    ...publicCaptureNames().map(requirePublicCapture),
  ];
  for (const file of files) await analyzeFile(file, { trustStore }, (record) => records.push(record));
}, 120_000);

function writeLog(list: ConnectionRecord[]): string {
  const writer = recordWriter('zeek', 'lean');
  return writer.header() + list.map((record) => writer.line(record) + '\n').join('') + writer.trailer();
}

describe('--format zeek: an ssl.log zeek-cut reads', () => {
  it('has the header lines of a Zeek log, ssl.log columns and tlsdiag_cause, and #close at the end', () => {
    const { fields, types, comments } = zeekCut(writeLog(records.slice(0, 3)));
    expect(comments.map((line) => line.split(/[\t ]/)[0])).toEqual(['#separator', '#set_separator', '#empty_field', '#unset_field', '#path', '#open', '#fields', '#types', '#close']);
    expect(comments).toContain('#path\tssl');
    expect(fields.slice(0, 6)).toEqual(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
    expect(fields.at(-1)).toBe('tlsdiag_cause');
    expect(types).toEqual(ZEEK_SSL_COLUMNS.map(([, type]) => type));
  });

  it('one row per connection of every capture, each column what the record says', () => {
    expect(records.length).toBeGreaterThan(650);
    const { rows } = zeekCut(writeLog(records));
    expect(rows).toHaveLength(records.length);
    rows.forEach((row, i) => {
      const record = records[i];
      expect(Number(row.get('ts'))).toBeCloseTo(record.firstTs, 5);
      expect(row.get('id.orig_h')).toBe(record.client.ip);
      expect(Number(row.get('id.resp_p'))).toBe(record.server.port);
      expect(row.get('established')).toBe(record.tls.established ? 'T' : 'F');
      const sni = record.tls.clientHello?.sni ?? null;
      if (sni === null) expect(row.get('server_name')).toBe('-');
      else if (/^[\x21-\x5b\x5d-\x7e]+$/.test(sni)) expect(row.get('server_name')).toBe(sni);
      const cause = row.get('tlsdiag_cause');
      expect(cause).toBe(record.outcome === 'failed' ? (record.diagnosis?.code ?? 'undiagnosed') : '-');
      expect(row.get('cert_chain_fps')).toBe(record.tls.certificates.length === 0 ? '-' : record.tls.certificates.filter((c) => c.error === undefined).map((c) => c.sha256).join(',') || '(empty)');
    });
    const versions = new Set(rows.map((row) => row.get('version')));
    expect([...versions]).toEqual(expect.arrayContaining(['TLSv12', 'TLSv13', 'TLSv10', 'SSLv3', '-']));
  });

  it('escapes what would break a row or a terminal, as Zeek does: \\xHH', () => {
    const base = records.find((r) => r.capture === 'healthy-tls12.pcap')!;
    const hostile = { ...base, tls: { ...base.tls, clientHello: { ...base.tls.clientHello!, sni: 'a\tb\nc\\d\u202ee' } } };
    const line = recordToZeekSsl(hostile);
    expect(line.split('\n')).toHaveLength(1);
    expect(line.split('\t')).toHaveLength(ZEEK_SSL_COLUMNS.length);
    expect(line).toContain('a\\x09b\\x0ac\\x5cd\\xe2\\x80\\xaee');
    // the line and paragraph separators, invisible characters and the BOM, which some viewers take for line ends or hide
    const invisible = { ...base, tls: { ...base.tls, clientHello: { ...base.tls.clientHello!, sni: 'l\u2028p\u2029z\u200bm\u061cb\ufeff' } } };
    expect(recordToZeekSsl(invisible)).toContain('l\\xe2\\x80\\xa8p\\xe2\\x80\\xa9z\\xe2\\x80\\x8bm\\xd8\\x9cb\\xef\\xbb\\xbf');
    const dash = { ...base, tls: { ...base.tls, clientHello: { ...base.tls.clientHello!, sni: '-' } } };
    expect(zeekCut(writeLog([dash])).rows[0].get('server_name')).toBe('\\x2d');
  });
});
