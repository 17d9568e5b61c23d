/**
 * Findings 05 and 08 of the hostile-input campaign: how `report` tells NDJSON records from a capture.
 * 05: NDJSON through standard input, `<(...)` or a pipe (gzipped or not) was refused as "not a capture file (starts
 *     with 7b 22 ...)", while the same bytes in a file were read. Stream inputs are now judged by their first chunks,
 *     which are then read again with the rest.
 * 08: a file of schemaVersion 2 records was skipped as "not tlsdiag NDJSON" (the reason is that it is newer); a UTF-8
 *     byte order mark before the records made it "not a capture file"; records after 4,096 blank lines were refused
 *     although the first non-blank byte was to decide. A leading BOM and any amount of blank space are now NDJSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeHead } from '../../src/pipeline/input-head.js';
import { readInput } from '../../src/pipeline/worker-input.js';
import type { RecordSummary, Report } from '../../src/report/types.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { BUILT, CAPTURES, CLI } from './project.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-ndjson-recognition-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const record = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ capture: 'a.pcap', id, client: { ip: '192.0.2.1', port: 40000 }, server: { ip: '198.51.100.2', port: 443 }, firstTs: 1_795_000_000, outcome: 'established', ...extra });
const RECORDS = `${record('1')}\n${record('2')}\n`;
const CAPTURE = path.join(CAPTURES, 'certificate-expired.pcap');

async function read(name: string, bytes: Buffer | string) {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  const summaries: RecordSummary[] = [];
  const result = await readInput(file, { handshakeTimeout: 10, trustStore: createTrustStore() }, (s) => summaries.push(s));
  return { summaries, result };
}

describe('what an input’s first bytes say it is', () => {
  it('takes a BOM, blank space or a brace for NDJSON and a capture’s magic for a capture, from a few bytes', () => {
    const judge = (bytes: Buffer | number[] | string, ended = false) => judgeHead(Buffer.isBuffer(bytes) ? bytes : typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes), ended);
    expect(judge('{"a"')).toBe('ndjson');
    expect(judge('\n\n  \r\n{')).toBe('ndjson');
    expect(judge([0xef, 0xbb, 0xbf, 0x7b])).toBe('ndjson');
    expect(judge([0xef, 0xbb])).toBe('more');
    // pcapng's magic begins with LF CR: blank space, but a capture
    expect(judge([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0])).toBe('other');
    expect(judge([0x0a, 0x0d])).toBe('more');
    expect(judge([0xd4, 0xc3, 0xb2, 0xa1])).toBe('other');
    expect(judge(gzipSync(RECORDS))).toBe('ndjson');
    expect(judge([0x1f])).toBe('more');
    expect(judge([], true)).toBe('other');
  });
});

describe('NDJSON files as the campaign wrote them', () => {
  it('reads records after a UTF-8 byte order mark, plain and gzipped', async () => {
    for (const [name, bytes] of [['bom.ndjson', Buffer.from(`\ufeff${RECORDS}`)], ['bom.ndjson.gz', gzipSync(`\ufeff${RECORDS}`)]] as const) {
      const { summaries, result } = await read(name, bytes);
      expect(summaries.map((s) => s.id), name).toEqual(['1', '2']);
      expect(result.notes, name).toEqual([]);
    }
  });

  it('reads records after any number of blank lines (100,000 here; 4,096 were refused)', async () => {
    const blank = '\n'.repeat(50_000) + '\r\n'.repeat(25_000) + ' \t\n'.repeat(25_000);
    for (const [name, bytes] of [['blank.ndjson', Buffer.from(blank + RECORDS)], ['blank.ndjson.gz', gzipSync(blank + RECORDS)]] as const) {
      const { summaries } = await read(name, bytes);
      expect(summaries.map((s) => s.id), name).toEqual(['1', '2']);
    }
  });

  it('says a file of newer records is newer, not that it is not NDJSON', async () => {
    const v2 = `${record('1', { schemaVersion: 2 })}\n${record('2', { schemaVersion: 2 })}\n`;
    await expect(read('v2.ndjson', v2)).rejects.toThrow('schemaVersion 2 is newer than this tlsdiag reads (1), in all 2 line(s): no connection record read');
  });

  it('names the first reason when a file holds no record for mixed reasons, and says when it holds only blank lines', async () => {
    await expect(read('junk.ndjson', `{"x":1}\nnot json\n`)).rejects.toThrow('no connection record in 2 line(s) (not tlsdiag NDJSON; line 1: no capture or id: not a connection record)');
    await expect(read('blank-only.ndjson', '\n\n\n')).rejects.toThrow('no connection record: only blank lines');
  });
});

function tlsdiag(args: string[], input?: Buffer) {
  const run = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function connections(run: { code: number | null; stdout: string; stderr: string }): number {
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as Report).totals.connections;
}

describe.skipIf(!BUILT)('NDJSON from a stream (built CLI)', () => {
  const ndjson = Buffer.from(RECORDS);

  it('reads NDJSON from standard input, plain and gzipped, as from a file', () => {
    expect(connections(tlsdiag(['report', '-', '--format', 'json'], ndjson))).toBe(2);
    expect(connections(tlsdiag(['report', '-', '--format', 'json'], gzipSync(ndjson)))).toBe(2);
    expect(connections(tlsdiag(['report', '-', '--format', 'json'], Buffer.from(`\ufeff\n\n${RECORDS}`)))).toBe(2);
    // a capture through standard input still is one
    expect(connections(tlsdiag(['report', '-', '--format', 'json'], readFileSync(CAPTURE)))).toBe(1);
  });

  it('reads standard input beside other inputs (a worker thread cannot read it)', () => {
    expect(connections(tlsdiag(['report', '-', CAPTURE, '--jobs', '2', '--format', 'json'], ndjson))).toBe(3);
    expect(connections(tlsdiag(['report', CAPTURE, '-', '--jobs', '2', '--format', 'json'], readFileSync(CAPTURE)))).toBe(2);
  });

  it('reads NDJSON from a pipe named on the command line (process substitution), plain and gzipped', () => {
    const file = path.join(work, 'piped.ndjson');
    writeFileSync(file, ndjson);
    for (const producer of [`cat '${file}'`, `gzip -c '${file}'`]) {
      const run = spawnSync('bash', ['-c', `'${process.execPath}' '${CLI}' report <(${producer}) --format json`], { encoding: 'utf8' });
      expect(connections({ code: run.status, stdout: run.stdout, stderr: run.stderr }), producer).toBe(2);
    }
  });

  it('reads the real records analyze writes, piped straight into report', () => {
    const analyzed = tlsdiag(['analyze', '--format', 'ndjson', CAPTURE]);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    expect(connections(tlsdiag(['report', '-', '--format', 'json'], Buffer.from(analyzed.stdout)))).toBe(1);
  });
});
