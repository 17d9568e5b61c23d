/**
 * The evidence-weighted choice of a cause (src/diagnose/weigh.ts): what the peers did and when decides which true
 * fact explains the failure, the strength of the basis decides among those, and the confidence says how sure.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAGNOSE_OPTIONS, diagnose } from '../../src/diagnose/index.js';
import { weigh, type WeighedFinding } from '../../src/diagnose/weigh.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { alert, at, cleanCheck, encrypted, leafCertificate, tls12Record, tls13Record, unestablished, afterClientHelloOnly } from './record-factory.js';

const judge = (record: ConnectionRecord) => diagnose(record, DEFAULT_DIAGNOSE_OPTIONS);

/** TLS 1.2: the server's flight (certificate at 41 ms), then the client ends the connection by `end` at `offset`. */
function clientEndsAfterCertificate(kind: 'RST' | 'FIN', offset: number, mutate?: (r: ConnectionRecord) => void): ConnectionRecord {
  return tls12Record((r) => {
    unestablished(r);
    if (kind === 'RST') r.tcp.rst = { from: 'client', ts: at(offset), ttl: 64 };
    else r.tcp.fin = [{ from: 'client', ts: at(offset), ttl: 64 }];
    r.lastTs = at(offset + 0.02);
    r.observedUntil = r.lastTs;
    mutate?.(r);
  });
}

const privateRoot = (r: ConnectionRecord) =>
  void (r.tls.certificateCheck = cleanCheck({ trusted: false, selfSigned: true, missingIssuer: 'CN=Private Root,O=Corp' }));

describe('a close corroborates a certificate cause only when it is prompt', () => {
  it('a RST 1.3 s after the certificate is the client giving up for another reason; the certificate stays an alternative', () => {
    const diagnosis = judge(clientEndsAfterCertificate('RST', 1.341, privateRoot)).diagnosis!;
    expect(diagnosis.code).toBe('reset-by-client');
    expect(diagnosis.confidence).toBe('medium');
    const alternative = diagnosis.alternatives.find((a) => a.code === 'certificate-untrusted');
    expect(alternative?.why).toContain('too late to be a reaction');
  });
  it('a FIN 1 ms after the certificate reads as a rejection of it, but an unknown root is only assumed', () => {
    const diagnosis = judge(clientEndsAfterCertificate('FIN', 0.042, privateRoot)).diagnosis!;
    expect(diagnosis.code).toBe('certificate-untrusted');
    expect(diagnosis.basis).toBe('assumed');
    expect(diagnosis.confidence).toBe('low');
    expect(diagnosis.evidence.join('\n')).toContain("the client's trust store is not in the capture");
  });
});

describe('a verified fact wins over an assumed one', () => {
  it('bad_certificate for a not-yet-valid leaf of an unknown root is not-yet-valid, with high confidence', () => {
    const record = clientEndsAfterCertificate('FIN', 0.043, (r) => {
      r.tls.alerts = [alert('client', 0.042, 42)];
      r.tls.certificateCheck = cleanCheck({ notYetValidFor: 3 * 86400, trusted: false, selfSigned: true, missingIssuer: 'CN=Lab Root' });
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('certificate-not-yet-valid');
    expect(diagnosis.basis).toBe('verified');
    expect(diagnosis.confidence).toBe('high');
    expect(diagnosis.alternatives.map((a) => a.code)).toContain('certificate-untrusted');
  });
  it('the client naming the cause (unknown_ca) outweighs tlsdiag\'s date check', () => {
    const record = clientEndsAfterCertificate('FIN', 0.043, (r) => {
      r.tls.alerts = [alert('client', 0.042, 48)];
      r.tls.certificateCheck = cleanCheck({ hostnameMatches: false, trusted: false, selfSigned: true, missingIssuer: 'CN=Lab Root' });
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('certificate-untrusted');
    expect(diagnosis.basis).toBe('stated');
    expect(diagnosis.alternatives[0].code).toBe('certificate-hostname-mismatch');
  });
  it('a ClientHello without SNI answered by a certificate for other names points at the missing SNI, not the unknown root', () => {
    const record = clientEndsAfterCertificate('FIN', 0.043, (r) => {
      r.tls.clientHello!.sni = null;
      r.tls.alerts = [alert('client', 0.042, 42)];
      r.tls.certificates = [leafCertificate()];
      r.tls.certificateCheck = cleanCheck({ hostnameMatches: null, trusted: false, chainComplete: false, missingIssuer: 'CN=Corp CA' });
    });
    expect(judge(record).diagnosis?.code).toBe('sni-missing');
  });
});

describe('encrypted alerts told by size (TLS 1.3), from either side', () => {
  it("Java's 35-byte alert is an alert: smaller than any Finished of TLS_AES_128_GCM_SHA256 (53)", () => {
    const record = tls13Record((r) => {
      unestablished(r);
      r.tls.encryptedRecords = [encrypted('server', 0.041, 1, 20), encrypted('server', 0.041, 2400), encrypted('server', 0.041, 53), encrypted('client', 0.043, 35)];
      r.tcp.fin = [{ from: 'client', ts: at(0.0431), ttl: 64 }];
      r.lastTs = at(0.063);
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('client-rejected-certificate');
    expect(diagnosis.evidence.join('\n')).toContain('was 35 bytes: the size of an encrypted alert');
  });
  it('a 53-byte record is a Finished, not an alert', () => {
    const record = tls13Record((r) => {
      unestablished(r);
      r.tls.encryptedRecords = [encrypted('server', 0.041, 2400), encrypted('server', 0.041, 53), encrypted('client', 0.043, 53)];
      r.tcp.fin = [{ from: 'client', ts: at(0.0431), ttl: 64 }];
      r.lastTs = at(0.063);
    });
    expect(judge(record).diagnosis?.code).not.toBe('client-rejected-certificate');
  });
  it('a TLS 1.3 server answering the client\'s request with one alert-sized record is refusing the client, whoever closes first', () => {
    const record = tls13Record((r) => {
      r.tls.encryptedRecords = [
        encrypted('server', 0.041, 2400),
        encrypted('server', 0.041, 53),
        encrypted('client', 0.043, 25),
        encrypted('client', 0.043, 53),
        encrypted('client', 0.043, 90),
        encrypted('server', 0.065, 19),
      ];
      r.tls.recordCounts = { client: { handshake: 1, application_data: 3 }, server: { handshake: 1, application_data: 3 } };
      r.tcp.fin = [
        { from: 'client', ts: at(0.0652), ttl: 64 },
        { from: 'server', ts: at(0.0653), ttl: 52 },
      ];
    });
    const result = judge(record);
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis?.code).toBe('client-certificate-required');
  });
});

describe("timeouts measured against the client's clock", () => {
  it('a TLS 1.0-only offer, 7 s of silence, then the server\'s FIN is a timeout, not a version mismatch', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello!.supportedVersions = [];
      r.tls.clientHello!.legacyVersion = '0x0301';
      r.tcp.fin = [{ from: 'server', ts: at(7.021), ttl: 52 }];
      r.lastTs = at(7.03);
      r.observedUntil = r.lastTs;
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('server-timeout');
    expect(diagnosis.evidence.join('\n')).toContain('the server closed after 7 s of silence');
  });
  it('a client that retried its SYN and stopped after 3 s while the capture went on met a connect timeout', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tcp.synAckTs = null;
      r.tcp.packets = { client: 3, server: 0 };
      r.tcp.payloadBytes = { client: 0, server: 0 };
      r.tcp.fin = [];
      r.end = 'capture-end';
      r.lastTs = at(3);
      r.observedUntil = at(9);
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('tcp-connect-timeout');
    expect(diagnosis.evidence.join('\n')).toContain('the client gave up after 3 s');
  });
});

describe('partial captures', () => {
  it('one direction only (client payload, no packet back) is incomplete, never a failure', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tcp.synAckTs = null;
      r.tcp.packets = { client: 4, server: 0 };
      r.tcp.fin = [{ from: 'client', ts: at(30), ttl: 64 }];
      r.lastTs = at(30);
      r.observedUntil = at(30);
    });
    expect(judge(record)).toMatchObject({ outcome: 'incomplete', diagnosis: null });
  });
});

describe('the alert is used', () => {
  it('internal_error from a client right after a ServerHello choosing TLS 1.0 is the version', () => {
    const record = tls12Record((r) => {
      unestablished(r);
      r.tls.serverHello!.version = '0x0301';
      r.tls.serverHello!.versionName = 'TLS 1.0';
      r.tls.alerts = [alert('client', 0.042, 80)];
      r.tcp.fin = [{ from: 'client', ts: at(0.043), ttl: 64 }];
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('protocol-version-mismatch');
    expect(diagnosis.confidence).toBe('high');
  });
});

describe('weigh()', () => {
  const finding = (code: string, basis: WeighedFinding['basis'], order: number, extra: Partial<WeighedFinding> = {}): WeighedFinding => ({
    code,
    title: `Cause ${code}`,
    evidence: [],
    fix: '',
    basis,
    consistent: true,
    kind: 'specific',
    order,
    ...extra,
  });
  it('stated beats verified beats inferred beats assumed, whatever the table order', () => {
    const d = weigh([finding('a', 'assumed', 0), finding('b', 'inferred', 1), finding('c', 'verified', 2), finding('d', 'stated', 3)])!;
    expect(d.code).toBe('d');
    expect(d.alternatives.map((a) => a.code)).toEqual(['c', 'b', 'a']);
    expect(d.confidence).toBe('high');
  });
  it('a rival of the same basis lowers the confidence', () => {
    expect(weigh([finding('a', 'verified', 0), finding('b', 'verified', 1)])!.confidence).toBe('medium');
    expect(weigh([finding('a', 'inferred', 0), finding('b', 'inferred', 1)])!.confidence).toBe('low');
  });
  it('a finding the peers\' acts do not fit is only an alternative, and a descriptive cause is primary without a specific one', () => {
    const d = weigh([finding('cert', 'verified', 0, { consistent: false, caveat: 'came too late' }), finding('reset', 'verified', 9, { kind: 'descriptive' })])!;
    expect(d.code).toBe('reset');
    expect(d.alternatives).toEqual([{ code: 'cert', why: 'cause cert (verified): came too late' }]);
    expect(d.confidence).toBe('low');
  });
  it('a ceiling caps the confidence', () => {
    expect(weigh([finding('a', 'stated', 0, { ceiling: 'low' })])!.confidence).toBe('low');
  });
  it('gives null for no finding', () => {
    expect(weigh([])).toBeNull();
  });
});

describe('a capture that begins with a plaintext fatal alert', () => {
  it('shows how the handshake ended, though the hellos were not captured', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tcp.synTs = null;
      r.tcp.synAckTs = null;
      r.tls.alerts = [alert('server', 0.05, 40)];
      r.tcp.fin = [{ from: 'server', ts: at(0.051), ttl: 52 }];
      r.tcp.payloadBytes = { client: 0, server: 7 };
    });
    const result = judge(record);
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis?.code).toBe('other-alert');
    expect(result.diagnosis?.evidence.join('\n')).toContain('the capture begins after the hellos');
  });
});

describe('a capture of the server side only', () => {
  it('is established when the TLS 1.3 server sent more in a later packet than its flight (tickets come after the client Finished)', () => {
    const record = tls13Record((r) => {
      r.tls.established = false;
      r.tls.establishedTs = null;
      r.tcp.synTs = null;
      r.tcp.packets = { client: 0, server: 8 };
      r.tcp.payloadBytes = { client: 0, server: 5000 };
      r.tcp.fin = [];
      r.tls.encryptedRecords = [encrypted('server', 0.041, 74), encrypted('server', 0.071, 553), encrypted('server', 0.071, 292)];
    });
    expect(judge(record).outcome).toBe('established');
  });
  it('stays incomplete when the server sent only its flight', () => {
    const record = tls13Record((r) => {
      r.tls.established = false;
      r.tls.establishedTs = null;
      r.tcp.synTs = null;
      r.tcp.packets = { client: 0, server: 3 };
      r.tcp.payloadBytes = { client: 0, server: 3000 };
      r.tcp.fin = [];
      r.tls.encryptedRecords = [encrypted('server', 0.041, 2400), encrypted('server', 0.041, 53)];
    });
    expect(judge(record).outcome).toBe('incomplete');
  });
});

describe('a SYN retried with back-off and never answered', () => {
  it('is a connect timeout at medium confidence even when the capture ends before tlsdiag\'s timeout', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tcp.synAckTs = null;
      r.tcp.packets = { client: 3, server: 0 };
      r.tcp.payloadBytes = { client: 0, server: 0 };
      r.tcp.fin = [];
      r.end = 'capture-end';
      r.lastTs = at(3);
      r.observedUntil = at(4.1);
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('tcp-connect-timeout');
    expect(diagnosis.confidence).toBe('medium');
  });
});
