/**
 * The version in an alert record's header, and what the diagnosis reads from it, on captures of real stacks
 * (captures/servers, gnutls-serv 3.7.9): a server limited to TLS 1.0/1.1 negotiates TLS 1.1 from the legacy_version of
 * a client that lists only TLS 1.3 and 1.2 in supported_versions, finds no suite of the client's usable in it and says
 * handshake_failure in a TLS 1.1 record; a server requiring TLS 1.3 says handshake_failure to a client capped at TLS
 * 1.2 without supported_versions, as a server short of a suite would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { toEcs } from '../../src/model/ecs.js';
import { toWrittenRecord } from '../../src/model/record-lean.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { ROOT } from '../helpers/shared.js';

const SERVERS = join(ROOT, 'captures', 'servers');
const trustStore = createTrustStore([readFileSync(join(SERVERS, 'servers-root.pem'), 'utf8')]);

async function only(name: string): Promise<ConnectionRecord> {
  const found: ConnectionRecord[] = [];
  await analyzeFile(join(SERVERS, name), { trustStore }, (record) => found.push(record));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the version of the record an alert came in', () => {
  it('is kept for an alert read in plaintext, in the record, the lean record and ECS', async () => {
    const record = await only('server-tls10-only--python--gnutls.pcap');
    expect(record.tls.alerts.map((a) => [a.from, a.name, a.recordVersion])).toEqual([['server', 'handshake_failure', '0x0302']]);
    expect(toWrittenRecord(record).tls.alerts[0].recordVersion).toBe('0x0302');
    const ecs = toEcs(record) as unknown as { tlsdiag: { alerts: { record_version?: string }[] } };
    expect(ecs.tlsdiag.alerts[0].record_version).toBe('0x0302');
  });

  it('is left out for an encrypted alert, whose record version says nothing; a plaintext one has it', async () => {
    // a TLS 1.2 session closed with close_notify after ChangeCipherSpec: encrypted alert records
    const closed = await only('healthy-tls12--curl--gnutls.pcap');
    const encrypted = closed.tls.alerts.filter((a) => a.encrypted);
    expect(encrypted.length).toBeGreaterThan(0);
    for (const alert of encrypted) expect(alert).not.toHaveProperty('recordVersion');
    expect(toWrittenRecord(closed).tls.alerts.every((a) => a.recordVersion === undefined)).toBe(true);
    // the client's certificate_expired in a TLS 1.2 handshake, in plaintext
    const refused = await only('cert-expired--openssl--gnutls.pcap');
    const plain = refused.tls.alerts.filter((a) => !a.encrypted);
    expect(plain.length).toBeGreaterThan(0);
    for (const alert of plain) expect(alert.recordVersion).toBe('0x0303');
  });
});

describe('a refusal in an older version than the client offered', () => {
  it('reads as a version gap, inferred from the alert record, with the suite readings as alternatives', async () => {
    const { diagnosis } = await only('server-tls10-only--python--gnutls.pcap');
    expect(diagnosis?.code).toBe('protocol-version-mismatch');
    expect(diagnosis?.basis).toBe('inferred');
    expect(diagnosis?.confidence).toBe('low');
    expect(diagnosis?.evidence.join(' ')).toMatch(/alert came in a TLS 1\.1 \(0x0302\) record, older than every version the client offered: inferred/);
    expect(diagnosis?.alternatives.map((a) => a.code)).toContain('cipher-suite-mismatch');
    expect(diagnosis?.fix).toMatch(/^Enable TLS 1\.2 \(and TLS 1\.3\) on the server/);
  });

  it('names a server that requires TLS 1.3 as the alternative to a missing suite when a client capped at TLS 1.2 gets handshake_failure', async () => {
    for (const client of ['openssl', 'curl', 'python', 'gnutls', 'wget', 'node']) {
      const { diagnosis, tls } = await only(`server-tls13-only--${client}--gnutls.pcap`);
      expect(tls.clientHello?.supportedVersions, client).toEqual([]);
      expect(diagnosis?.code, client).toBe('cipher-suite-mismatch');
      expect(diagnosis?.confidence, client).toBe('low');
      const alternative = diagnosis?.alternatives.find((a) => a.code === 'protocol-version-mismatch');
      expect(alternative?.why, client).toMatch(/point less directly/);
    }
  });

  it('still states the version gap when the same server says protocol_version to a client that lists TLS 1.2 in supported_versions', async () => {
    for (const client of ['go', 'java']) {
      const { diagnosis } = await only(`server-tls13-only--${client}--gnutls.pcap`);
      expect([diagnosis?.code, diagnosis?.basis, diagnosis?.confidence], client).toEqual(['protocol-version-mismatch', 'stated', 'high']);
    }
  });
});
