/**
 * Finding 13 of the hostile-input campaign: strings read from NDJSON were kept whole. 500 records, each to its own
 * server with a 900,000-character SNI (0.5 MB gzipped, every line under the 1 MiB line limit), made `report` take
 * 2.3 GB and die with "Invalid string length". Every string a record gives the report is now cut to
 * MAX_NDJSON_STRING characters, ending in '…', and the input's notes count the records cut.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readInput } from '../../src/pipeline/worker-input.js';
import { Aggregator } from '../../src/report/aggregator.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { MAX_NDJSON_STRING, summarizeNdjsonLine } from '../../src/report/summary.js';
import type { RecordSummary } from '../../src/report/types.js';
import { createTrustStore } from '../../src/tls/trust-store.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-ndjson-strings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// eight such fields fill a line just under the 1 MiB line limit
const LONG = 120_000;
const RECORDS = 40;

function hostileLine(i: number): string {
  const long = (c: string) => `${c.repeat(LONG)}${i}`;
  return JSON.stringify({
    capture: long('c'),
    id: long('i'),
    sensor: long('s'),
    uid: long('u'),
    client: { ip: long('1'), port: 1 },
    server: { ip: `s${i}`, port: 443 },
    firstTs: 1_795_000_000 + i,
    outcome: 'failed',
    tls: { clientHello: { sni: long('a') } },
    diagnosis: { code: long('x'), title: long('t') },
  });
}

describe('NDJSON string fields', () => {
  it('are cut to MAX_NDJSON_STRING characters, marked, and the records cut are counted in the notes', async () => {
    const file = path.join(work, 'long-strings.ndjson.gz');
    const lines = Array.from({ length: RECORDS }, (_, i) => hostileLine(i));
    writeFileSync(file, gzipSync(lines.join('\n')));
    const summaries: RecordSummary[] = [];
    const result = await readInput(file, { handshakeTimeout: 10, trustStore: createTrustStore() }, (s) => summaries.push(s));
    expect(summaries).toHaveLength(RECORDS);
    for (const s of summaries) {
      for (const text of [s.capture, s.id, s.clientIp, s.sni, s.cause, s.title, s.sensor, s.uid]) {
        expect(text?.length).toBe(MAX_NDJSON_STRING + 1);
        expect(text?.endsWith('…')).toBe(true);
      }
    }
    expect(result.notes).toContain(`${RECORDS} record(s) held strings longer than ${MAX_NDJSON_STRING} characters: kept cut to that, ending in '…'`);

    const aggregator = new Aggregator();
    for (const s of summaries) aggregator.add(s);
    const report = aggregator.report();
    expect(report.servers).toHaveLength(RECORDS);
    // each record's strings cost at most the bound in the report, not the line's 120,000 characters a field
    expect(renderJson(report).length).toBeLessThan(RECORDS * 40 * MAX_NDJSON_STRING);
    expect(renderMarkdown(report).length).toBeLessThan(RECORDS * 10 * MAX_NDJSON_STRING);
  });

  it('never cuts a surrogate pair in half, and leaves strings within the bound as they are', () => {
    const emoji = '\u{1f600}';
    const at = (sni: string) => summarizeNdjsonLine(JSON.stringify({ capture: 'a', id: '1', client: { ip: 'c', port: 1 }, server: { ip: 's', port: 1 }, firstTs: 1, outcome: 'established', tls: { clientHello: { sni } } }));
    const straddling = at(`${'a'.repeat(MAX_NDJSON_STRING - 1)}${emoji}${'b'.repeat(10)}`) as RecordSummary;
    expect(straddling.sni).toBe(`${'a'.repeat(MAX_NDJSON_STRING - 1)}…`);
    const exact = `${'a'.repeat(MAX_NDJSON_STRING - 2)}${emoji}`;
    expect((at(exact) as RecordSummary).sni).toBe(exact);
  });
});
