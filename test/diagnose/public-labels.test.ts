/**
 * The diagnosis held to hand labels of the public third-party corpus (test/corpus/labels/public.json: each
 * connection judged from its packets before tlsdiag was run on it; test/corpus/labels/README.md says how):
 * - every labelled connection gets the labelled outcome; a failed one gets the labelled cause or one of the causes
 *   the packets support equally ('unclear' labels: one of the candidates, or a 'low' confidence); a cause other than
 *   the labelled one passes only as an honest "unclear" — low confidence, with the labelled cause among the alternatives;
 * - a diagnosis given with 'high' confidence is never wrong;
 * - across the whole corpus, no connection whose client sent application data after a completed handshake is
 *   called failed.
 * A capture is looked up in test/corpus/public/ (the redistributable ones) first, then in the shared corpus
 * ../shared/captures/public/ beside the repository (test/helpers/shared.ts); one in neither is left out, loudly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { availablePublicCaptures, publicCapture, publicCaptureNames, publicTruth, ROOT } from '../helpers/shared.js';
import type { TruthConnection } from '../helpers/truth.js';

interface Label {
  capture: string;
  client: string;
  server: string;
  outcome: 'failed' | 'incomplete' | 'established';
  code?: string;
  acceptable?: string[];
  evidence: string;
  /**
   * tlsdiag is known to get this one wrong, and why (a limit of what it reads, not of the reasoning). The test then
   * asserts that it still does: a known miss that starts agreeing must lose the mark, so the list cannot rot.
   */
  knownMiss?: string;
}

/** The truth fields this suite reads beyond the shared helper's: records of content type 23 per side. */
interface TruthConnectionWithData extends TruthConnection {
  app_data_records: { client: number; server: number };
}

const LABELS_FILE = path.join(ROOT, 'test/corpus/labels/public.json');

/**
 * The largest encrypted record that can only be an alert: 2 alert bytes + 1 inner content type + a 16-byte AEAD tag
 * (RFC 8446 §5.2) is 19; padding and 8-byte explicit nonces of TLS 1.2 suites stay under 25, and the smallest
 * TLS 1.3 Finished (SHA-256) is 53.
 */
const ALERT_SIZED_MAX = 24;

const labels = JSON.parse(readFileSync(LABELS_FILE, 'utf8')) as Label[];

/** Where a corpus capture lives, or null when neither corpus has it. */
const locate = publicCapture;

async function analyze(file: string): Promise<ConnectionRecord[]> {
  const records: ConnectionRecord[] = [];
  await analyzeFile(file, { trustStore: createTrustStore([]) }, (record) => records.push(record));
  return records;
}

/** 'ip:port' as the labels and the truth files spell it: IPv6 in brackets. */
function endpointKey(endpoint: { ip: string; port: number }): string {
  return endpoint.ip.includes(':') ? `[${endpoint.ip}]:${endpoint.port}` : `${endpoint.ip}:${endpoint.port}`;
}

function carriesTls(record: ConnectionRecord): boolean {
  const tls = record.tls;
  return tls.clientHello !== null || tls.serverHello !== null || tls.encryptedRecords.length > 0 || tls.alerts.length > 0;
}

/**
 * The record of the connection between two endpoints, either way round. A reused port can give several records for
 * the same endpoints (a stray RST of an earlier connection): the one that carried TLS, then the one with most packets.
 */
function findRecord(records: ConnectionRecord[], client: string, server: string): ConnectionRecord | undefined {
  const same = records.filter((r) => {
    const a = endpointKey(r.client);
    const b = endpointKey(r.server);
    return (a === client && b === server) || (a === server && b === client);
  });
  const withTls = same.filter(carriesTls);
  const pool = withTls.length > 0 ? withTls : same;
  const packets = (r: ConnectionRecord): number => r.tcp.packets.client + r.tcp.packets.server;
  return [...pool].sort((x, y) => packets(y) - packets(x))[0];
}

function describeRecord(record: ConnectionRecord): string {
  const d = record.diagnosis;
  if (!d) return record.outcome;
  return `${record.outcome} ${d.code} (${d.confidence}): ${d.evidence.join(' | ')}`;
}

/** The codes a label accepts as the primary cause of a failed connection. */
function acceptedCodes(label: Label): string[] {
  const others = label.acceptable ?? [];
  return label.code === 'unclear' ? others : [label.code ?? '', ...others];
}

const byCapture = new Map<string, Label[]>();
for (const label of labels) byCapture.set(label.capture, [...(byCapture.get(label.capture) ?? []), label]);

describe('public corpus labels: outcome and cause of each labelled connection', () => {
  it('the labels file is well formed', () => {
    expect(labels.length).toBeGreaterThan(0);
    const keys = new Set<string>();
    for (const label of labels) {
      const key = `${label.capture} ${label.client} ${label.server}`;
      expect(keys.has(key), `labelled twice: ${key}`).toBe(false);
      keys.add(key);
      expect(['failed', 'incomplete', 'established']).toContain(label.outcome);
      expect(label.evidence, key).toMatch(/#\d+|offset/);
      if (label.outcome === 'failed') {
        expect(label.code, key).toBeTruthy();
        if (label.code === 'unclear') expect(label.acceptable?.length ?? 0, key).toBeGreaterThan(0);
      } else {
        expect(label.code, key).toBeUndefined();
        expect(label.acceptable, key).toBeUndefined();
      }
    }
  });

  const here = new Set(availablePublicCaptures('public labels', [...byCapture.keys()]));
  for (const [capture, group] of byCapture) {
    const file = locate(capture);
    if (file === null || !here.has(capture)) continue;
    describe(capture, () => {
      let records: ConnectionRecord[] = [];
      beforeAll(async () => {
        records = await analyze(file);
      });

      it.each(group.map((label) => [`${label.client} → ${label.server}: ${label.outcome} ${label.code ?? ''}`, label] as const))(
        '%s',
        (_name, label) => {
          const record = findRecord(records, label.client, label.server);
          expect(record, `no connection record for ${label.client} → ${label.server}`).toBeDefined();
          if (!record) return;
          const context = `label: ${label.outcome} ${label.code ?? ''} — ${label.evidence}\ntlsdiag: ${describeRecord(record)}`;
          if (label.knownMiss !== undefined) {
            expect(agrees(label, record), `${context}\nknown miss now agrees: remove its knownMiss mark`).toBe(false);
            return;
          }
          expect(record.outcome, context).toBe(label.outcome);
          if (label.outcome !== 'failed') return;
          const diagnosis = record.diagnosis;
          expect(diagnosis, context).toBeTruthy();
          if (!diagnosis) return;
          const accepted = acceptedCodes(label);
          const right = accepted.includes(diagnosis.code);
          if (label.code === 'unclear') {
            expect(right || diagnosis.confidence === 'low', `${context}\nan unclear cause needs a candidate or low confidence`).toBe(true);
          } else {
            // an honest "unclear" from tlsdiag: low confidence, the labelled cause named among the alternatives
            const honest = diagnosis.confidence === 'low' && diagnosis.alternatives.some((a) => accepted.includes(a.code));
            expect(right || honest, `${context}
the labelled cause, or low confidence with it among the alternatives`).toBe(true);
          }
          if (diagnosis.confidence === 'high') expect(right, `${context}\na 'high' confidence must be right`).toBe(true);
        },
      );
    });
  }
});

/** TLS 1.3 and its drafts and experiments, whose handshake and alerts travel as application_data records. */
function isTls13(version: string | null): boolean {
  if (version === null) return false;
  return version === '0x0304' || version.startsWith('0x7f') || version.startsWith('0x7e0') || version === '0xfb1a';
}

/**
 * Whether the client sent application data after a completed handshake. TLS 1.2 and older: any application_data
 * record of the client (they all follow its Finished). TLS 1.3: the client's encrypted records start with its
 * handshake flight, so it takes a client record bigger than an alert after its first one, answered by a server
 * record bigger than an alert — a server sends session tickets or data only once it accepted the client's flight.
 */
function clientSentApplicationData(truth: TruthConnectionWithData, record: ConnectionRecord | undefined): boolean {
  if (!truth.handshake_complete || truth.sslv2_records) return false;
  if (!isTls13(truth.server_version)) return truth.app_data_records.client > 0;
  if (!record) return false;
  const encrypted = record.tls.encryptedRecords.filter((r) => r.contentType === 23);
  const clientRecords = encrypted.filter((r) => r.from === 'client');
  const data = clientRecords.slice(1).find((r) => r.length > ALERT_SIZED_MAX);
  if (!data) return false;
  return encrypted.some((r) => r.from === 'server' && r.ts >= data.ts && r.length > ALERT_SIZED_MAX);
}

const truthFiles = new Map<string, string>(publicCaptureNames().map((name) => [`${name}.truth.json`, publicTruth(name)!]));
if (truthFiles.size === 0) console.warn('SKIPPED public corpus data check: no public capture in test/corpus/public/ or ../shared');

describe.skipIf(truthFiles.size === 0)('public corpus: a client that sent data after the handshake never failed', () => {
  it.each([...truthFiles.keys()].sort())('%s', async (truthName) => {
    const capture = truthName.replace(/\.truth\.json$/, '');
    const file = locate(capture);
    if (file === null) {
      console.warn(`SKIPPED ${capture}: its truth file exists but the capture is in neither corpus directory`);
      return;
    }
    const truth = JSON.parse(readFileSync(truthFiles.get(truthName)!, 'utf8')) as { connections: TruthConnectionWithData[] };
    const records = await analyze(file);
    const wronglyFailed: string[] = [];
    for (const connection of truth.connections) {
      const record = findRecord(records, connection.client, connection.server);
      if (!clientSentApplicationData(connection, record)) continue;
      if (record?.outcome === 'failed') wronglyFailed.push(`${connection.client} → ${connection.server}: ${describeRecord(record)}`);
    }
    expect(wronglyFailed).toEqual([]);
  });
});

/** The record's outcome and cause are the label's (the same judgement the test makes, as one yes/no). */
function agrees(label: Label, record: ConnectionRecord): boolean {
  if (record.outcome !== label.outcome) return false;
  if (label.outcome !== 'failed') return true;
  const diagnosis = record.diagnosis;
  if (!diagnosis) return false;
  const accepted = acceptedCodes(label);
  return accepted.includes(diagnosis.code) || (diagnosis.confidence === 'low' && diagnosis.alternatives.some((a) => accepted.includes(a.code)));
}
