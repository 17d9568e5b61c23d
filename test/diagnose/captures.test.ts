/**
 * The diagnosis on real captures, through the whole pipeline:
 * - the project's own captures (captures/*.pcap, one per cause, made by real stacks): every failed connection gets
 *   the cause its .expect.json sidecar names, with each of the sidecar's evidence strings in its evidence;
 * - the public third-party corpus (test/corpus/public): no connection tshark saw complete is called failed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAVE_PUBLIC_CAPTURES, publicCaptureNames, requirePublicCapture, warnIfNoPublicCaptures } from '../helpers/shared.js';
import type { TruthConnection } from '../helpers/truth.js';
import type { ConnectionRecord } from '../../src/model/record.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const projectCaptures = path.join(repo, 'captures');
const pipelineModule = path.join(repo, 'src/pipeline/analyze-file.ts');
const testRoot = path.join(projectCaptures, 'tlsdiag-test-root.pem');

interface Expectation {
  code: string | null;
  connections: number;
  evidence: string[];
  /** 'established' where the handshake completes on the wire and the cause can only be a warning */
  outcome?: 'established';
}


const pipelineExists = existsSync(pipelineModule);
if (!pipelineExists) console.warn(`captures.test: skipped, the pipeline (${pipelineModule}) does not exist yet`);

const sidecars = existsSync(projectCaptures)
  ? readdirSync(projectCaptures)
      .filter((f) => f.endsWith('.expect.json'))
      .filter((f) => existsSync(path.join(projectCaptures, f.replace(/\.expect\.json$/, '.pcap'))))
      .sort()
  : [];
if (sidecars.length === 0) console.warn(`captures.test: no captures/*.pcap with an .expect.json sidecar in ${projectCaptures}`);

warnIfNoPublicCaptures('diagnose: public captures');
const publicNames = publicCaptureNames();

async function analyze(file: string, extraRoots: string[]): Promise<ConnectionRecord[]> {
  const { analyzeFile } = await import('../../src/pipeline/analyze-file.js');
  const { createTrustStore } = await import('../../src/tls/trust-store.js');
  const records: ConnectionRecord[] = [];
  await analyzeFile(file, { trustStore: createTrustStore(extraRoots) }, (record) => records.push(record));
  return records;
}

/** 'ip:port' as the oracle spells it: IPv6 in brackets. */
function endpointKey(endpoint: { ip: string; port: number }): string {
  return endpoint.ip.includes(':') ? `[${endpoint.ip}]:${endpoint.port}` : `${endpoint.ip}:${endpoint.port}`;
}

describe.skipIf(!pipelineExists || sidecars.length === 0)('project captures: each failure gets its cause', () => {
  const roots = existsSync(testRoot) ? [readFileSync(testRoot, 'utf8')] : [];
  it.each(sidecars)('%s', async (sidecar) => {
    const expectation = JSON.parse(readFileSync(path.join(projectCaptures, sidecar), 'utf8')) as Expectation;
    const pcap = path.join(projectCaptures, sidecar.replace(/\.expect\.json$/, '.pcap'));
    const records = await analyze(pcap, roots);
    expect(records).toHaveLength(expectation.connections);
    const failed = records.filter((r) => r.outcome === 'failed');
    if (expectation.code === null) {
      expect(failed.map((r) => r.diagnosis?.code)).toEqual([]);
      return;
    }
    if (expectation.outcome === 'established') {
      // A client that completes TLS 1.2 and only then drops the session (Node.js checks certificates after the
      // handshake): the handshake did complete, so the record stays established and a warning carries the cause.
      expect(records.map((r) => r.outcome)).toEqual(records.map(() => 'established'));
      for (const record of records) {
        const warnings = record.warnings.join('\n');
        expect(warnings).toContain('rejected the certificate after the handshake');
        for (const expected of expectation.evidence) expect(warnings).toContain(expected);
      }
      return;
    }
    expect(failed.length).toBeGreaterThan(0);
    for (const record of failed) {
      expect(record.diagnosis?.code, JSON.stringify(record.diagnosis, null, 1)).toBe(expectation.code);
      const evidence = record.diagnosis!.evidence.join('\n');
      for (const expected of expectation.evidence) expect(evidence).toContain(expected);
    }
  });
});

/**
 * A connection whose client went on to send application data worked for its user: it is never failed. (TLS 1.3 hides
 * the record types: the client's Finished is its first application_data record, so data means a second one.) A
 * completed handshake the client hung up on without data may be failed — clients that verify after the handshake.
 */
describe.skipIf(!pipelineExists || !HAVE_PUBLIC_CAPTURES)('public captures: a connection whose client then sent application data is never called failed', () => {
  it.each(publicNames)('%s', async (name) => {
    const capture = requirePublicCapture(name);
    const truth = JSON.parse(readFileSync(`${capture}.truth.json`, 'utf8')) as { connections: TruthConnection[] };
    const complete = truth.connections.filter((c) => c.handshake_complete && clientSentData(c));
    if (complete.length === 0) return;
    const records = await analyze(capture, []);
    const byEndpoints = new Map<string, ConnectionRecord[]>();
    for (const record of records) {
      const a = endpointKey(record.client);
      const b = endpointKey(record.server);
      for (const key of [`${a} ${b}`, `${b} ${a}`]) byEndpoints.set(key, [...(byEndpoints.get(key) ?? []), record]);
    }
    const wronglyFailed: string[] = [];
    for (const connection of complete) {
      for (const record of byEndpoints.get(`${connection.client} ${connection.server}`) ?? []) {
        if (record.outcome === 'failed') {
          wronglyFailed.push(`${connection.client} → ${connection.server}: ${record.diagnosis?.code} ${JSON.stringify(record.diagnosis?.evidence)}`);
        }
      }
    }
    expect(wronglyFailed).toEqual([]);
  });
});

function clientSentData(connection: TruthConnection): boolean {
  const records = connection.app_data_records?.client ?? 0;
  const tls13 = /^0x7f|^0x0304$/.test(connection.server_version ?? '');
  return records > (tls13 ? 1 : 0);
}
