import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAGNOSE_OPTIONS, diagnose } from '../../src/diagnose/index.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { cleanCheck, leafCertificate, tls12Record } from './record-factory.js';

function warningsOf(record: ConnectionRecord): string[] {
  const result = diagnose(record, { ...DEFAULT_DIAGNOSE_OPTIONS, handshakeTimeout: 10 });
  expect(result.outcome).toBe('established');
  expect(result.diagnosis).toBeNull();
  return result.warnings;
}

describe('warnings for established connections', () => {
  it('none for a healthy connection', () => {
    expect(warningsOf(tls12Record())).toEqual([]);
  });

  it('a certificate expiring within 30 days of the capture', () => {
    const record = tls12Record((r) => void (r.tls.certificates[0] = leafCertificate({ notAfter: '2023-11-24T22:13:20.000Z' })));
    expect(warningsOf(record)).toEqual([expect.stringContaining('expires on 2023-11-24T22:13:20.000Z, 10 days after the capture')]);
  });

  it('not for a certificate expiring in 31 days', () => {
    const record = tls12Record((r) => void (r.tls.certificates[0] = leafCertificate({ notAfter: '2023-12-16T00:00:00.000Z' })));
    expect(warningsOf(record)).toEqual([]);
  });

  it('TLS 1.0 negotiated, by name and number', () => {
    const record = tls12Record((r) => {
      r.tls.serverHello!.version = '0x0301';
      r.tls.serverHello!.versionName = 'TLS 1.0';
    });
    expect(warningsOf(record)).toEqual([expect.stringContaining('TLS 1.0 (0x0301)')]);
  });

  it('an insecure suite: 3DES', () => {
    const record = tls12Record((r) => {
      r.tls.serverHello!.cipherSuite = '0x000a';
      r.tls.serverHello!.cipherSuiteName = 'TLS_RSA_WITH_3DES_EDE_CBC_SHA';
    });
    expect(warningsOf(record)).toEqual([expect.stringContaining('TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000a)')]);
  });

  it('a 1024-bit RSA key and a SHA-1 signature', () => {
    const record = tls12Record(
      (r) => void (r.tls.certificates[0] = leafCertificate({ keyBits: 1024, signatureAlgorithm: 'sha1WithRSAEncryption' })),
    );
    const warnings = warningsOf(record);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('1024 bits');
    expect(warnings[1]).toContain('SHA-1');
  });

  it('a self-signed chain the client accepted', () => {
    const record = tls12Record((r) => void (r.tls.certificateCheck = cleanCheck({ selfSigned: true, trusted: false })));
    expect(warningsOf(record)).toEqual([expect.stringContaining('may be configured to skip verification')]);
  });
});
