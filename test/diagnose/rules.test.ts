import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAGNOSE_OPTIONS, diagnose, DEFAULT_HANDSHAKE_TIMEOUT, RULES } from '../../src/diagnose/index.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import {
  afterClientHelloOnly,
  alert,
  at,
  cleanCheck,
  encrypted,
  intermediateCertificate,
  leafCertificate,
  tls12Record,
  tls13Record,
  unestablished,
} from './record-factory.js';

const options = { ...DEFAULT_DIAGNOSE_OPTIONS, handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT };

function judge(record: ConnectionRecord) {
  return diagnose(record, options);
}

function codeOf(record: ConnectionRecord): string | null {
  return judge(record).diagnosis?.code ?? null;
}

function evidenceOf(record: ConnectionRecord): string {
  return judge(record).diagnosis?.evidence.join('\n') ?? '';
}

/** A TLS 1.2 handshake that got as far as the server's flight, then the client said `description`. */
function clientRejectsTls12(description: number | null, mutate?: (r: ConnectionRecord) => void): ConnectionRecord {
  return tls12Record((r) => {
    unestablished(r);
    r.tls.alerts = [alert('client', 0.042, description)];
    r.tcp.fin = [{ from: 'client', ts: at(0.043), ttl: 64 }];
    r.lastTs = at(0.063);
    mutate?.(r);
  });
}

/** The server answers the ClientHello with alert `description` and closes. */
function serverRefusesHello(description: number, mutate?: (r: ConnectionRecord) => void): ConnectionRecord {
  return tls12Record((r) => {
    afterClientHelloOnly(r);
    r.tls.alerts = [alert('server', 0.0415, description)];
    r.tls.recordCounts.server = { alert: 1 };
    r.tcp.fin = [{ from: 'server', ts: at(0.042), ttl: 52 }];
    r.lastTs = at(0.062);
    mutate?.(r);
  });
}

describe('healthy traffic', () => {
  it('a TLS 1.2 connection with CCS both ways, data, close_notify and FIN is established and not diagnosed', () => {
    const result = judge(tls12Record());
    expect(result.outcome).toBe('established');
    expect(result.diagnosis).toBeNull();
    expect(result.warnings).toEqual([]);
  });

  it('a TLS 1.3 connection is established and not diagnosed', () => {
    const result = judge(tls13Record());
    expect(result).toEqual({ outcome: 'established', diagnosis: null, warnings: [] });
  });

  it('every rule is listed once, in the data table', () => {
    const codes = RULES.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(23);
  });
});

describe('tcp-connect-refused', () => {
  const refused = (mutate?: (r: ConnectionRecord) => void) =>
    tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tcp.synAckTs = null;
      r.tcp.rst = { from: 'server', ts: at(0.0201), ttl: 52 };
      r.end = 'reset';
      r.lastTs = at(0.0201);
      mutate?.(r);
    });
  it('fires on a SYN answered by a RST', () => {
    expect(codeOf(refused())).toBe('tcp-connect-refused');
    expect(judge(refused()).outcome).toBe('failed');
  });
  it('does not fire when the SYN was accepted', () => {
    expect(codeOf(refused((r) => void (r.tcp.synAckTs = at(0.02))))).not.toBe('tcp-connect-refused');
  });
});

describe('tcp-connect-timeout', () => {
  const unanswered = (lastOffset: number, observedOffset = lastOffset) =>
    tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tcp.synAckTs = null;
      r.end = 'capture-end';
      r.lastTs = at(lastOffset);
      r.observedUntil = at(observedOffset);
    });
  it('fires when SYN retransmissions span more than the timeout', () => {
    expect(codeOf(unanswered(15))).toBe('tcp-connect-timeout');
    expect(evidenceOf(unanswered(15))).toContain('15 s');
  });
  it('is incomplete when the capture ends before the timeout', () => {
    expect(judge(unanswered(3))).toMatchObject({ outcome: 'incomplete', diagnosis: null });
  });
  it('counts the silence up to the end of the capture, not just to the last SYN', () => {
    expect(codeOf(unanswered(3, 30))).toBe('tcp-connect-timeout');
    expect(evidenceOf(unanswered(3, 30))).toContain('in 30 s');
  });
});

describe('not-tls', () => {
  const http = tls12Record((r) => {
    afterClientHelloOnly(r);
    r.tls.nonTlsResponse = { from: 'server', ts: at(0.0415), preview: 'HTTP/1.1 400 Bad Request\r\n\x1b[31m' };
    r.tcp.fin = [{ from: 'server', ts: at(0.042), ttl: 52 }];
  });
  it('fires when the server answers with plaintext HTTP, and escapes what it quotes', () => {
    const result = judge(http);
    expect(result.diagnosis?.code).toBe('not-tls');
    const evidence = result.diagnosis!.evidence.join('\n');
    expect(evidence).toContain('HTTP/1.1 400 Bad Request\\x0d\\x0a\\x1b[31m');
    expect(evidence).not.toContain('\x1b');
  });
  it('does not fire when the server closed without sending anything', () => {
    const closed = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tcp.fin = [{ from: 'server', ts: at(0.042), ttl: 52 }];
    });
    expect(codeOf(closed)).not.toBe('not-tls');
  });
});

describe('inappropriate-fallback', () => {
  it('fires on alert 86 after a ClientHello carrying TLS_FALLBACK_SCSV', () => {
    const record = serverRefusesHello(86, (r) => {
      const hello = r.tls.clientHello!;
      hello.fallbackScsv = true;
      hello.supportedVersions = [];
      hello.legacyVersion = '0x0302';
    });
    expect(codeOf(record)).toBe('inappropriate-fallback');
    expect(evidenceOf(record)).toContain('TLS_FALLBACK_SCSV (0x5600)');
  });
  it('does not fire on another refusal of a fallback ClientHello', () => {
    expect(codeOf(serverRefusesHello(40, (r) => void (r.tls.clientHello!.fallbackScsv = true)))).not.toBe(
      'inappropriate-fallback',
    );
  });
});

describe('sni-unrecognized', () => {
  it('fires on unrecognized_name (112) and quotes the name', () => {
    const record = serverRefusesHello(112);
    expect(codeOf(record)).toBe('sni-unrecognized');
    expect(evidenceOf(record)).toContain('"www.example.com"');
  });
  it('does not fire on a warning-level 112 the handshake survived', () => {
    const record = tls12Record((r) => r.tls.alerts.unshift(alert('server', 0.041, 112, 1)));
    expect(judge(record)).toMatchObject({ outcome: 'established', diagnosis: null });
  });
});

describe('protocol-version-mismatch', () => {
  it('fires on protocol_version (70) and names the versions with their numbers', () => {
    const record = serverRefusesHello(70, (r) => {
      r.tls.clientHello!.supportedVersions = [];
      r.tls.clientHello!.legacyVersion = '0x0301';
    });
    expect(codeOf(record)).toBe('protocol-version-mismatch');
    expect(evidenceOf(record)).toContain('TLS 1.0 (0x0301)');
    expect(evidenceOf(record)).toContain('protocol_version (70)');
  });
  it('fires on internal_error (80) after a ClientHello offering only TLS 1.0 and TLS 1.1', () => {
    const record = serverRefusesHello(80, (r) => void (r.tls.clientHello!.supportedVersions = ['0x0302', '0x0301']));
    expect(codeOf(record)).toBe('protocol-version-mismatch');
    expect(evidenceOf(record)).toContain('the client offered only TLS 1.1 (0x0302), TLS 1.0 (0x0301) in supported_versions');
    expect(evidenceOf(record)).toContain('internal_error (80)');
  });
  it('fires when the client aborts a ServerHello choosing a version it did not offer', () => {
    const record = clientRejectsTls12(70, (r) => {
      r.tls.clientHello!.supportedVersions = ['0x0304'];
    });
    expect(codeOf(record)).toBe('protocol-version-mismatch');
    expect(evidenceOf(record)).toContain('the server chose TLS 1.2 (0x0303), which the client did not offer');
  });
  it('does not fire on internal_error after a modern ClientHello', () => {
    expect(codeOf(serverRefusesHello(80))).not.toBe('protocol-version-mismatch');
  });
});

describe('key-exchange-mismatch', () => {
  it('fires when a HelloRetryRequest is followed by failure', () => {
    const record = tls13Record((r) => {
      unestablished(r);
      r.tls.serverHello!.helloRetryRequest = true;
      r.tls.serverHello!.retryGroup = '0x0019';
      r.tls.helloRetryRequest = { ts: at(0.03), group: '0x0019', groupName: 'secp521r1' };
      r.tls.alerts = [alert('client', 0.042, 47)];
      r.tcp.fin = [{ from: 'client', ts: at(0.043), ttl: 64 }];
    });
    expect(codeOf(record)).toBe('key-exchange-mismatch');
    expect(evidenceOf(record)).toContain('secp521r1 (0x0019)');
    expect(evidenceOf(record)).toContain('the client never listed that group as supported');
  });
  it('fires when a HelloRetryRequest came and no real ServerHello followed', () => {
    const record = tls13Record((r) => {
      afterClientHelloOnly(r);
      r.tls.helloRetryRequest = { ts: at(0.041), group: '0x0018', groupName: 'secp384r1' };
      r.tls.recordCounts.server = { handshake: 1, alert: 1 };
      r.timeline = [
        { ts: at(0.021), from: 'client', event: 'ClientHello' },
        { ts: at(0.041), from: 'server', event: 'HelloRetryRequest', detail: 'asks for group 0x0018' },
        { ts: at(0.042), from: 'client', event: 'ClientHello (again)' },
      ];
      r.tls.alerts = [alert('server', 0.062, 40)];
      r.tcp.fin = [{ from: 'server', ts: at(0.0621), ttl: 52 }];
    });
    expect(codeOf(record)).toBe('key-exchange-mismatch');
    const evidence = evidenceOf(record);
    expect(evidence).toContain('HelloRetryRequest asking for key share group secp384r1 (0x0018)');
    expect(evidence).toContain("in answer to the client's ClientHello (again)");
  });
  it('fires on handshake_failure right after a TLS 1.3-only ClientHello: the suites cannot be the cause', () => {
    const record = serverRefusesHello(40, (r) => void (r.tls.clientHello!.supportedVersions = ['0x0304']));
    expect(codeOf(record)).toBe('key-exchange-mismatch');
    expect(evidenceOf(record)).toContain('x25519 (0x001d)');
  });
  it('fires on handshake_failure after a ClientHello with modern suites but only unusual groups', () => {
    const record = serverRefusesHello(40, (r) => {
      r.tls.clientHello!.groups = ['0x0100'];
      r.tls.clientHello!.groupNames = ['ffdhe2048'];
      r.tls.clientHello!.keyShareGroups = ['0x0100'];
    });
    expect(codeOf(record)).toBe('key-exchange-mismatch');
    expect(evidenceOf(record)).toContain('ffdhe2048 (0x0100)');
  });
  it('does not fire when a HelloRetryRequest led to a completed handshake', () => {
    const record = tls13Record((r) => void (r.tls.serverHello!.helloRetryRequest = true));
    expect(judge(record).diagnosis).toBeNull();
  });
});

describe('cipher-suite-mismatch', () => {
  const legacyOnly = (r: ConnectionRecord) => {
    const hello = r.tls.clientHello!;
    hello.supportedVersions = [];
    hello.cipherSuites = ['0x0005', '0x000a', '0x002f', '0x0035', '0x003c', '0x0004'];
    hello.cipherSuiteNames = [
      'TLS_RSA_WITH_RC4_128_SHA',
      'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
      'TLS_RSA_WITH_AES_128_CBC_SHA',
      'TLS_RSA_WITH_AES_256_CBC_SHA',
      'TLS_RSA_WITH_AES_128_CBC_SHA256',
      'TLS_RSA_WITH_RC4_128_MD5',
    ];
  };
  it('fires on handshake_failure right after a ClientHello of legacy suites, naming them in summary', () => {
    const record = serverRefusesHello(40, legacyOnly);
    expect(codeOf(record)).toBe('cipher-suite-mismatch');
    const evidence = evidenceOf(record);
    expect(evidence).toContain('TLS_RSA_WITH_RC4_128_SHA (0x0005)');
    expect(evidence).toContain('and 2 more (6 in all)');
    expect(evidence).toContain('legacy suite');
    expect(evidence).toMatch(/handshake_failure \(40\) alert 20\.\d ms after the ClientHello/);
  });
  it('on insufficient_security (71) after a ClientHello with TLS 1.3 and current suites, weighs it against the groups', () => {
    const diagnosis = judge(serverRefusesHello(71)).diagnosis!;
    expect([diagnosis.code, ...diagnosis.alternatives.map((a) => a.code)]).toEqual(
      expect.arrayContaining(['cipher-suite-mismatch', 'key-exchange-mismatch']),
    );
    expect(diagnosis.confidence).toBe('low');
  });
  it('does not fire on handshake_failure after the ServerHello', () => {
    const record = tls12Record((r) => {
      unestablished(r);
      r.tls.alerts = [alert('server', 0.07, 40)];
    });
    expect(codeOf(record)).not.toBe('cipher-suite-mismatch');
  });
});

describe('client-certificate-required, TLS 1.3 (inferred from record sizes after a complete handshake)', () => {
  /** The client's flight (an empty Certificate record is 25 bytes, then Finished), then the server's records and close. */
  const rejectedFlight = (serverRecords: number[], closer: 'client' | 'server' = 'server', firstClientRecord = 25) =>
    tls13Record((r) => {
      r.tls.encryptedRecords = [
        ...r.tls.encryptedRecords.filter((e) => e.ts <= at(0.041)),
        encrypted('client', 0.043, 1, 20),
        encrypted('client', 0.043, firstClientRecord),
        encrypted('client', 0.043, 69),
        ...serverRecords.map((length) => encrypted('server', 0.0435, length)),
      ];
      r.tls.recordCounts = { client: { change_cipher_spec: 1, application_data: 2 }, server: { handshake: 1, change_cipher_spec: 1, application_data: 4 + serverRecords.length } };
      r.tcp.fin = [{ from: closer, ts: at(0.0436), ttl: 64 }];
      r.tcp.rst = null;
    });
  it('fires when the server answers the client flight with one alert-sized record and closes', () => {
    const result = judge(rejectedFlight([19]));
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis?.code).toBe('client-certificate-required');
    expect(result.diagnosis?.evidence.join('\n')).toContain('empty Certificate');
    expect(result.diagnosis?.evidence.join('\n')).toContain('19-byte record');
  });
  it('names a refused certificate when the client did send one', () => {
    expect(judge(rejectedFlight([19], 'server', 1200)).diagnosis?.title).toContain('rejected the client');
  });
  it('does not fire when the server sent a session ticket or data after the flight', () => {
    expect(judge(rejectedFlight([250, 19])).outcome).toBe('established');
  });
  it('does not fire when the client closed first', () => {
    expect(judge(rejectedFlight([19], 'client')).outcome).toBe('established');
  });
});

describe('client-certificate-required', () => {
  const emptyClientCertificate = (mutate?: (r: ConnectionRecord) => void) =>
    tls12Record((r) => {
      unestablished(r);
      r.tls.certificateRequested = true;
      r.tls.clientCertificates = 0;
      r.tls.changeCipherSpec = { client: at(0.043), server: null };
      r.tls.alerts = [alert('server', 0.0625, 40)];
      mutate?.(r);
    });
  it('fires when the server fails the handshake after an empty client Certificate', () => {
    expect(codeOf(emptyClientCertificate())).toBe('client-certificate-required');
    expect(evidenceOf(emptyClientCertificate())).toContain('empty Certificate');
  });
  it('fires on certificate_required (116) in TLS 1.3', () => {
    const record = tls13Record((r) => {
      unestablished(r);
      r.tls.alerts = [alert('server', 0.0625, 116)];
    });
    expect(codeOf(record)).toBe('client-certificate-required');
  });
  it('does not fire when the server never asked for a certificate', () => {
    expect(codeOf(emptyClientCertificate((r) => void (r.tls.certificateRequested = false)))).not.toBe(
      'client-certificate-required',
    );
  });
});

describe('certificate-expired', () => {
  const expired = (r: ConnectionRecord) => {
    r.tls.certificates[0] = leafCertificate({ notBefore: '2022-01-01T00:00:00.000Z', notAfter: '2023-11-01T00:00:00.000Z' });
    r.tls.certificateCheck = cleanCheck({ expiredFor: 13 * 86400 + 22 * 3600, problems: ['the certificate expired 13 days ago'] });
  };
  it('fires when the check shows the leaf expired and the client rejected it, saying by how long and when', () => {
    const record = clientRejectsTls12(45, expired);
    expect(codeOf(record)).toBe('certificate-expired');
    const evidence = evidenceOf(record);
    expect(evidence).toContain('expired on 2023-11-01T00:00:00.000Z, 13 days 22 hours before the capture');
    expect(evidence).toContain('2023-11-14T22:13:20.041Z');
  });
  it('wins over a certificate_unknown (46) alert: the check decides, the alert corroborates', () => {
    const record = clientRejectsTls12(46, expired);
    expect(codeOf(record)).toBe('certificate-expired');
    expect(evidenceOf(record)).toContain('certificate_unknown (46)');
  });
  it('does not fire when the certificate is in date and the client fails for another reason', () => {
    expect(codeOf(clientRejectsTls12(80))).not.toBe('certificate-expired');
  });
  it('does not fire when the expired certificate was accepted (a warning instead)', () => {
    const result = judge(tls12Record(expired));
    expect(result.outcome).toBe('established');
    expect(result.warnings.join('\n')).toContain('had expired');
  });
});

describe('a client that completes TLS 1.2 and drops the session at once (Node.js)', () => {
  const abandoned = (mutate?: (r: ConnectionRecord) => void) =>
    tls12Record((r) => {
      r.tls.alerts = [];
      r.tls.recordCounts.client = { handshake: 2, change_cipher_spec: 1 };
      r.tls.recordCounts.server = { handshake: 5, change_cipher_spec: 1 };
      r.tls.encryptedRecords = [encrypted('client', 0.043, 40, 22), encrypted('server', 0.062, 40, 22)];
      r.tcp.fin = [
        { from: 'client', ts: at(0.0625), ttl: 64 },
        { from: 'server', ts: at(0.083), ttl: 52 },
      ];
      mutate?.(r);
    });
  it('is failed with the certificate cause the check verified, at medium confidence at most', () => {
    const record = abandoned((r) => {
      r.tls.clientHello!.sni = 'www.tlsdiag.test';
      r.tls.certificateCheck = cleanCheck({ hostnameMatches: false });
    });
    const result = judge(record);
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis?.code).toBe('certificate-hostname-mismatch');
    expect(result.diagnosis?.basis).toBe('verified');
    expect(result.diagnosis?.confidence).toBe('medium');
    const evidence = result.diagnosis!.evidence.join('\n');
    expect(evidence).toContain('the handshake completed, then the client closed the connection (FIN) 0.5 ms later without sending any application data');
    expect(evidence).toContain('"DNS:www.example.com"');
  });
  it('names the verified defect over the assumed one: an expired leaf of a root tlsdiag does not know', () => {
    const record = abandoned((r) => {
      r.tls.certificates[0] = leafCertificate({ notAfter: '2023-11-01T00:00:00.000Z' });
      r.tls.certificateCheck = cleanCheck({ expiredFor: 13 * 86400, trusted: false, missingIssuer: 'CN=Private Root' });
    });
    const result = judge(record);
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis?.code).toBe('certificate-expired');
    expect(result.diagnosis?.alternatives.map((a) => a.code)).toContain('certificate-untrusted');
  });
  it('stays established when the client sent application data before closing', () => {
    const record = abandoned((r) => {
      r.tls.recordCounts.client = { handshake: 2, change_cipher_spec: 1, application_data: 1 };
      r.tls.certificateCheck = cleanCheck({ hostnameMatches: false });
    });
    expect(judge(record).outcome).toBe('established');
  });
  it('a late close on a verified defect, with no data ever sent, is failed at low confidence (not a prompt verdict)', () => {
    const record = abandoned((r) => {
      r.tls.clientHello!.sni = 'www.tlsdiag.test';
      r.tls.certificateCheck = cleanCheck({ hostnameMatches: false });
      r.tcp.fin = [
        { from: 'client', ts: at(2.5), ttl: 64 },
        { from: 'server', ts: at(2.6), ttl: 52 },
      ];
    });
    const result = judge(record);
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis?.confidence).toBe('low');
  });
  it('stays established when the client closed long after the handshake and only an unknown root is against it (a probe)', () => {
    const record = abandoned((r) => {
      r.tls.certificateCheck = cleanCheck({ trusted: false, selfSigned: true, missingIssuer: 'CN=Old Public Root' });
      r.tcp.fin = [
        { from: 'client', ts: at(2.5), ttl: 64 },
        { from: 'server', ts: at(2.6), ttl: 52 },
      ];
    });
    expect(judge(record).outcome).toBe('established');
  });
  it('gives no warning when the certificate is fine (a client that only probed the handshake)', () => {
    expect(judge(abandoned())).toEqual({ outcome: 'established', diagnosis: null, warnings: [] });
  });
});

describe('certificate-not-yet-valid', () => {
  it('fires when the leaf becomes valid after the capture time', () => {
    const record = clientRejectsTls12(42, (r) => {
      r.tls.certificates[0] = leafCertificate({ notBefore: '2023-12-01T00:00:00.000Z' });
      r.tls.certificateCheck = cleanCheck({ notYetValidFor: 16 * 86400 });
    });
    expect(codeOf(record)).toBe('certificate-not-yet-valid');
    expect(evidenceOf(record)).toContain('2023-12-01T00:00:00.000Z, 16 days after the capture');
  });
  it('does not fire when the dates are fine', () => {
    expect(codeOf(clientRejectsTls12(42))).not.toBe('certificate-not-yet-valid');
  });
});

describe('certificate-hostname-mismatch', () => {
  const wrongName = (r: ConnectionRecord) => {
    r.tls.clientHello!.sni = 'api.example.net';
    r.tls.certificateCheck = cleanCheck({ hostnameMatches: false });
  };
  it('fires when the SNI is not among the certificate names', () => {
    const record = clientRejectsTls12(42, wrongName);
    expect(codeOf(record)).toBe('certificate-hostname-mismatch');
    expect(evidenceOf(record)).toContain('"api.example.net"');
    expect(evidenceOf(record)).toContain('"DNS:www.example.com"');
  });
  it('does not fire when the client did not reject anything', () => {
    expect(judge(tls12Record(wrongName)).diagnosis).toBeNull();
  });
});

describe('certificate-chain-incomplete', () => {
  it('fires on unknown_ca with a chain that stops at an issuer never sent, which looks like an intermediate', () => {
    const record = clientRejectsTls12(48, (r) => {
      r.tls.certificates = [leafCertificate()];
      r.tls.certificateCheck = cleanCheck({
        chainComplete: false,
        trusted: false,
        missingIssuer: 'CN=Example Intermediate CA,O=Example',
        missingIssuerLooksIntermediate: "the certificate names where its issuer's certificate is published (Authority Information Access)",
      });
    });
    expect(codeOf(record)).toBe('certificate-chain-incomplete');
    expect(evidenceOf(record)).toContain('"CN=Example Intermediate CA,O=Example"');
    expect(evidenceOf(record)).toContain('Authority Information Access');
  });
  it('with nothing saying the missing issuer is an intermediate, weighs a private root the client holds as much', () => {
    const record = clientRejectsTls12(48, (r) => {
      r.tls.certificates = [leafCertificate()];
      r.tls.certificateCheck = cleanCheck({ chainComplete: false, trusted: false, missingIssuer: 'CN=Corp CA,O=Corp' });
    });
    const diagnosis = judge(record).diagnosis!;
    expect(diagnosis.code).toBe('certificate-untrusted');
    expect(diagnosis.confidence).toBe('medium');
    expect(diagnosis.alternatives.map((a) => a.code)).toContain('certificate-chain-incomplete');
  });
  it('does not fire for a complete chain to an untrusted root', () => {
    const record = clientRejectsTls12(48, (r) => void (r.tls.certificateCheck = cleanCheck({ trusted: false })));
    expect(codeOf(record)).toBe('certificate-untrusted');
  });
  it('is certificate-untrusted when the chain sent ends at an intermediate whose root is unknown (a private or inspection CA)', () => {
    const record = clientRejectsTls12(46, (r) => {
      r.tls.certificates = [leafCertificate(), intermediateCertificate()];
      r.tls.certificateCheck = cleanCheck({ chainComplete: false, trusted: false, missingIssuer: 'CN=Example Root CA,O=Example' });
    });
    expect(codeOf(record)).toBe('certificate-untrusted');
    expect(evidenceOf(record)).toContain('ends at an intermediate');
  });
});

describe('certificate-untrusted', () => {
  it('fires on a self-signed certificate the client refused', () => {
    const record = clientRejectsTls12(48, (r) => {
      r.tls.certificates = [leafCertificate({ issuer: 'CN=www.example.com', selfSigned: true })];
      r.tls.certificateCheck = cleanCheck({ selfSigned: true, trusted: false });
    });
    expect(codeOf(record)).toBe('certificate-untrusted');
    expect(evidenceOf(record)).toContain('is self-signed');
  });
  it('fires on a plaintext unknown_ca in TLS 1.3 (sent before the keys switched), saying the chain was not visible', () => {
    const record = tls13Record((r) => {
      unestablished(r);
      r.tls.alerts = [alert('client', 0.042, 48)];
      r.tcp.fin = [{ from: 'client', ts: at(0.043), ttl: 64 }];
    });
    expect(codeOf(record)).toBe('certificate-untrusted');
    expect(evidenceOf(record)).toContain('unknown_ca (48)');
    expect(evidenceOf(record)).toContain('encrypted (TLS 1.3)');
  });
  it('does not fire when the server, not the client, failed the handshake', () => {
    const record = tls12Record((r) => {
      unestablished(r);
      r.tls.certificateCheck = cleanCheck({ selfSigned: true, trusted: false });
      r.tls.alerts = [alert('server', 0.07, 80)];
    });
    expect(codeOf(record)).toBe('other-alert');
  });
});

describe('sni-missing', () => {
  it('fires when a ClientHello without SNI is refused with internal_error', () => {
    const record = serverRefusesHello(80, (r) => void (r.tls.clientHello!.sni = null));
    expect(codeOf(record)).toBe('sni-missing');
    expect(evidenceOf(record)).toContain('no SNI');
  });
  it('fires when, without SNI, the client rejects a trusted, in-date default certificate', () => {
    const record = clientRejectsTls12(42, (r) => {
      r.tls.clientHello!.sni = null;
      r.tls.certificateCheck = cleanCheck({ hostnameMatches: null });
    });
    expect(codeOf(record)).toBe('sni-missing');
  });
  it('does not fire when the ClientHello carried SNI: internal_error then points, weakly, at the name (Go servers)', () => {
    const diagnosis = judge(serverRefusesHello(80)).diagnosis!;
    expect(diagnosis.code).toBe('sni-unrecognized');
    expect(diagnosis.basis).toBe('inferred');
    expect(diagnosis.confidence).toBe('low');
  });
});

describe('client-rejected-certificate (TLS 1.3, inferred from record sizes)', () => {
  const rejected = (clientLength: number) =>
    tls13Record((r) => {
      unestablished(r);
      r.tls.encryptedRecords = [
        encrypted('server', 0.041, 1, 20),
        encrypted('server', 0.041, 32),
        encrypted('server', 0.041, 2400),
        encrypted('server', 0.041, 281),
        encrypted('server', 0.041, 53),
        encrypted('client', 0.043, 1, 20),
        encrypted('client', 0.043, clientLength),
      ];
      r.tcp.fin = [{ from: 'client', ts: at(0.0431), ttl: 64 }];
      r.lastTs = at(0.063);
    });
  it('fires when the client answers the server flight with one 19-byte record and closes', () => {
    const record = rejected(19);
    expect(codeOf(record)).toBe('client-rejected-certificate');
    expect(evidenceOf(record)).toContain('inferred from record sizes');
    expect(evidenceOf(record)).toContain('was 19 bytes');
  });
  it('leaves a plaintext certificate_expired in TLS 1.3 to certificate-expired', () => {
    const record = tls13Record((r) => {
      unestablished(r);
      r.tls.alerts = [alert('client', 0.042, 45)];
    });
    expect(codeOf(record)).toBe('certificate-expired');
  });
  it('fires when the client answers the server flight with nothing and an orderly close (FIN)', () => {
    const record = rejected(19);
    record.tls.encryptedRecords = record.tls.encryptedRecords.filter((r) => r.from === 'server');
    expect(codeOf(record)).toBe('client-rejected-certificate');
    expect(evidenceOf(record)).toContain('neither its Finished nor an alert');
  });
  it('leaves a RST right after the server flight to reset-by-client', () => {
    const record = rejected(19);
    record.tls.encryptedRecords = record.tls.encryptedRecords.filter((r) => r.from === 'server');
    record.tcp.fin = [];
    record.tcp.rst = { from: 'client', ts: at(0.0431), ttl: 64 };
    expect(codeOf(record)).toBe('reset-by-client');
  });
  it('does not fire when the client record is Finished-sized', () => {
    expect(codeOf(rejected(53))).toBe('peer-closed');
  });
});

describe('server-timeout', () => {
  const silent = (lastOffset: number, end: string, fin = false, observedOffset = lastOffset) =>
    tls12Record((r) => {
      afterClientHelloOnly(r);
      r.end = end;
      r.lastTs = at(lastOffset);
      r.observedUntil = at(observedOffset);
      if (fin) r.tcp.fin = [{ from: 'client', ts: at(lastOffset), ttl: 64 }];
    });
  it('fires when the client gave up more than 10 s after an unanswered ClientHello', () => {
    const record = silent(12, 'closed', true);
    expect(codeOf(record)).toBe('server-timeout');
    expect(evidenceOf(record)).toContain('sent nothing back for 12.0 s');
  });
  it('fires when the capture ended more than the timeout after the ClientHello', () => {
    expect(codeOf(silent(11, 'capture-end'))).toBe('server-timeout');
    expect(codeOf(silent(0.021, 'capture-end', false, 25))).toBe('server-timeout');
  });
  it('fires when the connection was evicted idle after an unanswered ClientHello', () => {
    expect(codeOf(silent(0.021, 'idle', false, 120))).toBe('server-timeout');
  });
  it('is incomplete when the capture ended sooner than the timeout', () => {
    expect(judge(silent(4, 'capture-end'))).toMatchObject({ outcome: 'incomplete', diagnosis: null });
    expect(judge(silent(0.021, 'capture-end', false, 9))).toMatchObject({ outcome: 'incomplete', diagnosis: null });
  });
  it('honours --handshake-timeout', () => {
    expect(diagnose(silent(4, 'capture-end'), { ...DEFAULT_DIAGNOSE_OPTIONS, handshakeTimeout: 3 }).diagnosis?.code).toBe('server-timeout');
  });
  it('is a timeout when the client gave up after a silence of its own timer, before tlsdiag\'s', () => {
    const record = silent(2, 'closed', true);
    expect(codeOf(record)).toBe('server-timeout');
    expect(evidenceOf(record)).toContain('the client gave up after 2.0 s: a timeout of its own');
  });
  it('is peer-closed, not a timeout, when the client closed at once', () => {
    expect(codeOf(silent(0.05, 'closed', true))).toBe('peer-closed');
  });
  it('is incomplete, not a timeout, when the capture holds no packet at all from the server (one-sided capture)', () => {
    const oneSided = silent(0.021, 'capture-end', false, 60);
    oneSided.tcp.packets.server = 0;
    oneSided.tcp.synTs = null;
    oneSided.tcp.synAckTs = null;
    expect(judge(oneSided)).toMatchObject({ outcome: 'incomplete', diagnosis: null });
  });
});

describe('handshake-stalled', () => {
  /** ClientHello and the server's flight, then nothing of the handshake until `observedOffset`. */
  /** ClientHello and the server's flight, then only packets without progress (retransmissions) until `lastOffset`. */
  const stalled = (lastOffset: number, end = 'capture-end', serverGap = 0) =>
    tls12Record((r) => {
      unestablished(r);
      r.end = end;
      r.lastTs = at(lastOffset);
      r.observedUntil = at(lastOffset + 1);
      r.tcp.gapBytes = { client: 0, server: serverGap };
    });
  it('fires when the handshake made no progress after the server flight for longer than the timeout', () => {
    const record = stalled(30);
    expect(codeOf(record)).toBe('handshake-stalled');
    expect(evidenceOf(record)).toContain('the client was to answer next');
  });
  it('points at the path when part of the flight never arrived', () => {
    const record = stalled(30, 'idle', 2896);
    expect(judge(record).diagnosis?.fix).toContain('MTU');
    expect(evidenceOf(record)).toContain('2896 bytes');
  });
  it('is incomplete when the connection\'s packets stop sooner than the timeout, however long the capture ran on', () => {
    expect(judge(stalled(5)).outcome).toBe('incomplete');
    const quiet = stalled(0.05);
    quiet.observedUntil = at(10_000);
    expect(judge(quiet).outcome).toBe('incomplete');
  });
});

describe('a handshake that never started', () => {
  it('is failed when the client sends a fatal alert instead of a ClientHello right after the TCP handshake', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tls.recordCounts = { client: { alert: 1 }, server: {} };
      r.tls.alerts = [alert('client', 0.0316, 80)];
      r.tcp.fin = [{ from: 'client', ts: at(0.0325), ttl: 64 }];
      r.tcp.payloadBytes = { client: 7, server: 0 };
    });
    expect(judge(record).outcome).toBe('failed');
    expect(codeOf(record)).toBe('other-alert');
    expect(evidenceOf(record)).toContain('before any ClientHello');
  });
  it('is failed when the capture began after the TCP handshake: a plaintext fatal alert ends a handshake', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tls.alerts = [alert('client', 0.0316, 80)];
      r.tcp.synTs = null;
      r.tcp.synAckTs = null;
    });
    expect(judge(record).outcome).toBe('failed');
    expect(evidenceOf(record)).toContain('the capture begins after the hellos');
  });
  it('stays incomplete when the capture began after the TCP handshake and shows no alert', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.clientHello = null;
      r.tcp.synTs = null;
      r.tcp.synAckTs = null;
    });
    expect(judge(record).outcome).toBe('incomplete');
  });
});

describe('resets', () => {
  const resetAfterHello = (from: 'client' | 'server', ttl: number, offset = 0.0415) =>
    tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tcp.rst = { from, ts: at(offset), ttl };
      r.end = 'reset';
      r.lastTs = at(offset);
    });
  it('reset-by-server: a RST with the server\'s usual TTL, a round trip after the ClientHello', () => {
    const record = resetAfterHello('server', 52);
    expect(codeOf(record)).toBe('reset-by-server');
    expect(evidenceOf(record)).toContain('TTL 52 matches');
  });
  it('reset-by-middlebox: the RST has more TTL left than the server\'s packets (sent from nearer)', () => {
    const record = resetAfterHello('server', 53);
    expect(codeOf(record)).toBe('reset-by-middlebox');
    expect(evidenceOf(record)).toContain('TTL 53, higher than the server\'s own packets (TTL 52)');
  });
  it('reset-by-middlebox: the RST\'s TTL is lower than the server\'s by more than a couple of hops', () => {
    const record = resetAfterHello('server', 40);
    expect(codeOf(record)).toBe('reset-by-middlebox');
    expect(evidenceOf(record)).toContain('TTL 40 while the server\'s packets had TTL 52');
  });
  it('reset-by-middlebox: the RST came far sooner than the server\'s round trip', () => {
    const record = resetAfterHello('server', 52, 0.0212);
    expect(codeOf(record)).toBe('reset-by-middlebox');
    expect(evidenceOf(record)).toContain('sooner than the server\'s measured round trip of 20.0 ms');
  });
  it('a RST one or two hops further away than the server is not a middlebox (routes change)', () => {
    expect(codeOf(resetAfterHello('server', 50))).toBe('reset-by-server');
  });
  it('reset-by-client', () => {
    expect(codeOf(resetAfterHello('client', 64))).toBe('reset-by-client');
  });
  it('a reset after a fatal alert is diagnosed by the alert', () => {
    const record = resetAfterHello('server', 52, 0.05);
    record.tls.alerts = [alert('server', 0.0415, 40)];
    expect(['cipher-suite-mismatch', 'key-exchange-mismatch']).toContain(codeOf(record));
  });
});

describe('peer-closed', () => {
  it('fires on a FIN from the server during the handshake without an alert', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tcp.fin = [{ from: 'server', ts: at(0.0415), ttl: 52 }];
    });
    expect(codeOf(record)).toBe('peer-closed');
    expect(judge(record).diagnosis?.title).toContain('server');
  });
  it('does not fire for a FIN after an established handshake', () => {
    expect(judge(tls12Record()).diagnosis).toBeNull();
  });
});

describe('other-alert', () => {
  it('names any other fatal alert, with what it usually means', () => {
    const record = serverRefusesHello(120);
    expect(codeOf(record)).toBe('other-alert');
    expect(judge(record).diagnosis?.title).toContain('no_application_protocol (120)');
    expect(evidenceOf(record)).toContain('"h2", "http/1.1"');
  });
  it('does not fire on a warning close_notify before the end of a still-open handshake', () => {
    const record = tls12Record((r) => {
      afterClientHelloOnly(r);
      r.tls.alerts = [alert('client', 0.03, 0, 1)];
      r.end = 'capture-end';
      r.lastTs = at(0.03);
    });
    expect(judge(record)).toMatchObject({ outcome: 'incomplete', diagnosis: null });
  });
});

describe('outcome', () => {
  it('a capture that starts mid-connection is incomplete, never failed, even when it ends with a RST', () => {
    const record = tls12Record((r) => {
      unestablished(r);
      r.tls.clientHello = null;
      r.tls.serverHello = null;
      r.tls.certificates = [];
      r.tls.certificatesTs = null;
      r.tls.certificateCheck = null;
      r.tcp.synTs = null;
      r.tcp.synAckTs = null;
      r.clientInferredBy = 'port';
      r.tls.encryptedRecords = [encrypted('client', 5, 300), encrypted('server', 5.02, 1400)];
      r.tcp.rst = { from: 'server', ts: at(9), ttl: 52 };
      r.end = 'reset';
    });
    expect(judge(record)).toEqual({ outcome: 'incomplete', diagnosis: null, warnings: [] });
  });
  it('a handshake still in progress when the capture ended is incomplete', () => {
    const record = tls12Record((r) => {
      unestablished(r);
      r.end = 'capture-end';
      r.lastTs = at(0.05);
    });
    expect(judge(record)).toMatchObject({ outcome: 'incomplete', diagnosis: null });
  });
  it('a fatal alert makes the handshake failed', () => {
    expect(judge(serverRefusesHello(40)).outcome).toBe('failed');
  });
});
