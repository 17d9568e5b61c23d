/**
 * Item 12 of the hostile-input issue (NDJSON line length): report read NDJSON with readline, which holds a line
 * however long it is (a 200 MB line cost 706 MB). Lines are now split by src/pipeline/line-splitter.ts, which holds at
 * most 1 MiB of a line and skips a longer one with a counted note.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/pipeline/line-splitter.js';
import { MAX_NDJSON_LINE, readInput } from '../../src/pipeline/worker-input.js';
import type { RecordSummary } from '../../src/report/types.js';
import { createTrustStore } from '../../src/tls/trust-store.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-ndjson-lines-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const record = (id: string) =>
  JSON.stringify({ capture: 'a.pcap', id, client: { ip: '192.0.2.1', port: 40000 }, server: { ip: '198.51.100.2', port: 443 }, firstTs: 1_700_000_000, outcome: 'established' });

async function read(file: string) {
  const summaries: RecordSummary[] = [];
  const result = await readInput(file, { handshakeTimeout: 10, trustStore: createTrustStore() }, (s) => summaries.push(s));
  return { summaries, result };
}

describe('NDJSON line length', () => {
  it('holds at most the limit of a line, whatever streams through', () => {
    const lines: string[] = [];
    const long: number[] = [];
    const splitter = new LineSplitter(1000, { line: (t) => lines.push(t), tooLong: (n, bytes) => long.push(n, bytes) });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let peak = 0;
    splitter.push(Buffer.from('first\r\n'));
    for (let i = 0; i < 800; i++) {
      splitter.push(chunk);
      peak = Math.max(peak, splitter.heldBytes);
    }
    splitter.push(Buffer.from('\nlast'));
    splitter.end();
    expect(peak).toBeLessThanOrEqual(1000);
    expect(lines).toEqual(['first', 'last']);
    expect(long).toEqual([2, 800 * 64 * 1024]);
  });

  it('report skips a line longer than 1 MiB with a note and reads the lines around it (plain and gzip)', async () => {
    const huge = `{"capture":"${'x'.repeat(3 * MAX_NDJSON_LINE)}"}`;
    const text = `${record('1')}\n${huge}\n${record('2')}\n`;
    for (const [name, bytes] of [['long.ndjson', Buffer.from(text)], ['long.ndjson.gz', gzipSync(text)]] as const) {
      const file = path.join(work, name);
      writeFileSync(file, bytes);
      const { summaries, result } = await read(file);
      expect(summaries.map((s) => s.id), name).toEqual(['1', '2']);
      expect(result.notes).toEqual([`line 2: ${huge.length} bytes long, more than a record can be (${MAX_NDJSON_LINE} bytes), skipped`]);
    }
  });

  it('a record line just under the limit is read', async () => {
    const padded = JSON.stringify({ ...JSON.parse(record('3')), pad: 'p'.repeat(MAX_NDJSON_LINE - 300) });
    expect(padded.length).toBeLessThanOrEqual(MAX_NDJSON_LINE);
    const file = path.join(work, 'near.ndjson');
    writeFileSync(file, `${padded}\n`);
    expect((await read(file)).summaries.map((s) => s.id)).toEqual(['3']);
  });
});
