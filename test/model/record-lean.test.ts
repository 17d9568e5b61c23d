/**
 * The written record (src/model/record-lean.ts, docs/record.md) on the project's captures, made by real TLS stacks:
 * lean by default and small, the long lists only in full detail, no name list beside a code list, and every shape a
 * report reads — lean, full and the pre-schemaVersion in-memory record — summarised alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordToNdjson } from '../../src/cli/output/ndjson.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { RECORD_SCHEMA_VERSION, toWrittenRecord } from '../../src/model/record-lean.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { summarizeNdjsonLine, summarizeRecord } from '../../src/report/summary.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { ROOT } from '../helpers/shared.js';

const CAPTURES = join(ROOT, 'captures');
const records: ConnectionRecord[] = [];

beforeAll(async () => {
  const trustStore = createTrustStore([readFileSync(join(CAPTURES, 'tlsdiag-test-root.pem'), 'utf8')]);
  for (const file of readdirSync(CAPTURES).filter((name) => name.endsWith('.pcap')).sort()) {
    await analyzeFile(join(CAPTURES, file), { trustStore }, (record) => records.push(record));
  }
});

/** Every key path of a JSON value, arrays as []. */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${path}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [`${path}.${key}`, ...keyPaths(item, `${path}.${key}`)]);
}

const byteLength = (line: string) => Buffer.byteLength(line) + 1;

describe('the written record on the project captures', () => {
  it('has records to look at, with chains among them', () => {
    expect(records.length).toBeGreaterThan(25);
    expect(records.filter((r) => r.tls.certificates.length >= 2).length).toBeGreaterThan(5);
  });

  it('a healthy TLS 1.2 connection with a two-certificate chain takes at most 2 KB as a lean line', () => {
    const healthy = records.find((r) => r.capture === 'healthy-tls12.pcap')!;
    expect(healthy.tls.certificates).toHaveLength(2);
    expect(byteLength(recordToNdjson(healthy))).toBeLessThanOrEqual(2048);
    // the in-memory record as it used to be written was more than three times that
    expect(byteLength(JSON.stringify(healthy))).toBeGreaterThan(3 * 2048);
  });

  it('lean lines are a third of the in-memory record or less, across every capture', () => {
    const lean = records.reduce((sum, r) => sum + byteLength(recordToNdjson(r)), 0);
    const old = records.reduce((sum, r) => sum + byteLength(JSON.stringify(r)), 0);
    expect(lean / records.length).toBeLessThan(2300);
    expect(lean / old).toBeLessThan(0.45);
  });

  it("each line is the written record's JSON, the shared chain's text spliced in where it belongs", () => {
    // connections that met one chain hold the same objects, whose text is kept: written twice, it comes out the same
    const chained = records.filter((r) => r.tls.certificates.length > 0 && r.tls.certificateCheck !== null);
    expect(chained.length).toBeGreaterThan(5);
    for (const record of chained) {
      for (const detail of ['lean', 'full'] as const) {
        const expected = JSON.stringify(toWrittenRecord(record, detail));
        expect(recordToNdjson(record, detail)).toBe(expected);
        expect(recordToNdjson(record, detail)).toBe(expected);
      }
    }
    // a wire string that spells the placeholders out stays where it is, escaped
    const record = chained[0];
    const hostile = { ...record, notes: ['"certificates":0,"certificateCheck":0'] };
    expect(JSON.parse(recordToNdjson(hostile))).toEqual(JSON.parse(JSON.stringify(toWrittenRecord(hostile))));
  });

  it('carries schemaVersion and detail, and no list of names beside a list of codes', () => {
    for (const record of records) {
      for (const detail of ['lean', 'full'] as const) {
        const written = JSON.parse(recordToNdjson(record, detail)) as Record<string, unknown>;
        expect(written.schemaVersion).toBe(RECORD_SCHEMA_VERSION);
        expect(written.detail).toBe(detail);
        expect(keyPaths(written).filter((path) => /Names$/.test(path))).toEqual([]);
      }
    }
  });

  it('lean leaves out the long lists and the timeline; full has them, as they are in the record', () => {
    const withHello = records.filter((r) => r.tls.clientHello !== null);
    expect(withHello.length).toBeGreaterThan(20);
    for (const record of withHello) {
      const lean = toWrittenRecord(record);
      const full = toWrittenRecord(record, 'full');
      const hello = record.tls.clientHello!;
      expect(lean.tls.clientHello!.cipherSuites).toBeUndefined();
      expect(lean.tls.clientHello!.signatureAlgorithms).toBeUndefined();
      expect(lean.timeline).toBeUndefined();
      expect(lean.tls.clientHello!.cipherSuiteCount).toBe(hello.cipherSuites.length);
      expect(full.tls.clientHello!.cipherSuites).toEqual(hello.cipherSuites);
      expect(full.tls.clientHello!.groups).toEqual(hello.groups);
      expect(full.tls.clientHello!.signatureAlgorithms).toEqual(hello.signatureAlgorithms);
      expect(full.timeline).toEqual(record.timeline);
      if (record.tls.serverHello !== null) {
        expect(lean.tls.serverHello!.cipherSuite).toBe(record.tls.serverHello.cipherSuiteName);
        expect(full.tls.serverHello!.cipherSuiteCode).toBe(record.tls.serverHello.cipherSuite);
      }
    }
  });

  it('keeps the whole diagnosis: code, title, evidence, fix, basis, confidence, alternatives', () => {
    const failed = records.filter((r) => r.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(15);
    for (const record of failed) {
      const written = JSON.parse(recordToNdjson(record)) as { diagnosis: unknown };
      expect(written.diagnosis).toEqual(record.diagnosis);
      expect(Object.keys(written.diagnosis as object).sort()).toEqual(['alternatives', 'basis', 'code', 'confidence', 'evidence', 'fix', 'title']);
    }
  });

  it('an encrypted alert is written without the level, description and name nobody could read', () => {
    const encrypted = records.flatMap((r) => toWrittenRecord(r).tls.alerts).filter((a) => a.encrypted);
    const plain = records.flatMap((r) => toWrittenRecord(r).tls.alerts).filter((a) => !a.encrypted);
    expect(encrypted.length).toBeGreaterThan(0);
    expect(plain.length).toBeGreaterThan(0);
    for (const alert of encrypted) expect(Object.keys(alert).sort()).toEqual(['encrypted', 'from', 'ts']);
    for (const alert of plain) expect(typeof alert.name).toBe('string');
  });
});

describe('report reads lean, full and pre-schemaVersion lines alike', () => {
  it('gives the same summary for the three shapes of every record', () => {
    for (const record of records) {
      const expected = summarizeRecord(record);
      expect(summarizeNdjsonLine(recordToNdjson(record))).toEqual(expected);
      expect(summarizeNdjsonLine(recordToNdjson(record, 'full'))).toEqual(expected);
      // what tlsdiag wrote before schemaVersion: the in-memory record, serialised as it is
      expect(summarizeNdjsonLine(JSON.stringify(record))).toEqual(expected);
    }
  });

  it('refuses a line from a newer schema, and a schemaVersion that is not one', () => {
    const line = JSON.parse(recordToNdjson(records[0])) as Record<string, unknown>;
    expect(summarizeNdjsonLine(JSON.stringify({ ...line, schemaVersion: RECORD_SCHEMA_VERSION + 1 }))).toMatch(/newer than this tlsdiag reads/);
    expect(summarizeNdjsonLine(JSON.stringify({ ...line, schemaVersion: 'one' }))).toMatch(/not a positive integer/);
  });
});
