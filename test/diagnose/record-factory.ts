/**
 * Connection records for the rule tests: a healthy TLS 1.2 and a healthy TLS 1.3 handshake as a real stack would
 * produce them (timings from a 20 ms round trip, sizes from OpenSSL 3), to be bent into each failure by a test.
 */
import type { AlertFacts, CertificateCheck, CertificateFacts, ConnectionRecord, RecordFacts, Role } from '../../src/model/record.js';

/** 2023-11-14T22:13:20Z: the capture time of every factory record. */
export const T0 = 1_700_000_000;
export const RTT = 0.02;

/** Seconds after T0 → epoch seconds. */
export const at = (offset: number): number => T0 + offset;

export function alert(from: Role, offset: number, description: number | null, level: number | null = 2): AlertFacts {
  return {
    from,
    ts: at(offset),
    level,
    description,
    name: description === null ? null : (ALERT_NAMES[description] ?? `unknown (${description})`),
    encrypted: description === null,
  };
}

const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  40: 'handshake_failure',
  42: 'bad_certificate',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  48: 'unknown_ca',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

export function encrypted(from: Role, offset: number, length: number, contentType = 23): RecordFacts {
  return { from, ts: at(offset), contentType, length };
}

export function leafCertificate(overrides: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: 'CN=www.example.com',
    issuer: 'CN=Example Intermediate CA,O=Example',
    san: ['DNS:www.example.com', 'DNS:example.com'],
    notBefore: '2023-09-01T00:00:00.000Z',
    notAfter: '2024-09-01T00:00:00.000Z',
    selfSigned: false,
    ca: false,
    keyType: 'rsa',
    keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    serialNumber: '0a1b2c',
    sha256: 'ab'.repeat(32),
    ...overrides,
  };
}

export function intermediateCertificate(): CertificateFacts {
  return leafCertificate({
    subject: 'CN=Example Intermediate CA,O=Example',
    issuer: 'CN=Example Root CA,O=Example',
    san: [],
    ca: true,
    notBefore: '2020-01-01T00:00:00.000Z',
    notAfter: '2030-01-01T00:00:00.000Z',
    sha256: 'cd'.repeat(32),
  });
}

export function cleanCheck(overrides: Partial<CertificateCheck> = {}): CertificateCheck {
  return {
    at: at(0.041),
    expiredFor: null,
    notYetValidFor: null,
    chainDateProblems: [],
    hostnameMatches: true,
    selfSigned: false,
    chainComplete: true,
    trusted: true,
    missingIssuer: null,
    problems: [],
    ...overrides,
  };
}

/**
 * A complete, healthy TLS 1.2 connection: SYN, ClientHello with SNI "www.example.com", ServerHello choosing
 * TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, a two-certificate chain, CCS and Finished both ways, data both ways,
 * encrypted close_notify from the client, FIN both ways.
 */
export function tls12Record(mutate?: (record: ConnectionRecord) => void): ConnectionRecord {
  const record: ConnectionRecord = {
    id: 'c1',
    capture: 'factory.pcap',
    client: { ip: '192.0.2.10', port: 50000 },
    server: { ip: '198.51.100.20', port: 443 },
    clientInferredBy: 'syn',
    firstTs: at(0),
    lastTs: at(1.1),
    end: 'closed',
    observedUntil: at(1.1),
    tcp: {
      synTs: at(0),
      synAckTs: at(RTT),
      rst: null,
      fin: [
        { from: 'client', ts: at(1.0), ttl: 64 },
        { from: 'server', ts: at(1.02), ttl: 52 },
      ],
      ttl: { client: 64, server: 52 },
      packets: { client: 9, server: 9 },
      payloadBytes: { client: 900, server: 4200 },
      gapBytes: { client: 0, server: 0 },
      tunnel: '',
    },
    tls: {
      startTls: null,
      helloRetryRequest: null,
      clientHello: {
        ts: at(0.021),
        sslv2: false,
        legacyVersion: '0x0303',
        legacyVersionName: 'TLS 1.2',
        supportedVersions: ['0x0304', '0x0303'],
        supportedVersionNames: ['TLS 1.3', 'TLS 1.2'],
        cipherSuites: ['0x1302', '0x1301', '0xc02f', '0xc030', '0x009c', '0x00ff'],
        cipherSuiteNames: [
          'TLS_AES_256_GCM_SHA384',
          'TLS_AES_128_GCM_SHA256',
          'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
          'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
          'TLS_RSA_WITH_AES_128_GCM_SHA256',
          'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
        ],
        sni: 'www.example.com',
        alpn: ['h2', 'http/1.1'],
        groups: ['0x001d', '0x0017', '0x0018'],
        groupNames: ['x25519', 'secp256r1', 'secp384r1'],
        signatureAlgorithms: ['0x0403', '0x0804', '0x0401'],
        signatureAlgorithmNames: ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256'],
        keyShareGroups: ['0x001d'],
        extensions: [0, 11, 10, 35, 16, 22, 23, 13, 43, 45, 51],
        sessionId: true,
        sessionTicket: true,
        pskOffered: false,
        earlyData: false,
        fallbackScsv: false,
        ech: false,
        ja4: 't13d0611h2_000000000000_000000000000',
      },
      serverHello: {
        ts: at(0.041),
        version: '0x0303',
        versionName: 'TLS 1.2',
        legacyVersion: '0x0303',
        cipherSuite: '0xc02f',
        cipherSuiteName: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        alpn: 'h2',
        group: null,
        groupName: null,
        extensions: [65281, 11, 35, 16, 23],
        helloRetryRequest: false,
        retryGroup: null,
        sessionResumed: false,
      },
      certificates: [leafCertificate(), intermediateCertificate()],
      certificatesTs: at(0.041),
      certificateCheck: cleanCheck(),
      certificateRequested: false,
      clientCertificates: null,
      alerts: [alert('client', 0.9, null, null)],
      changeCipherSpec: { client: at(0.043), server: at(0.062) },
      recordCounts: {
        client: { handshake: 3, change_cipher_spec: 1, application_data: 2, alert: 1 },
        server: { handshake: 5, change_cipher_spec: 1, application_data: 2 },
      },
      encryptedRecords: [
        encrypted('client', 0.043, 40, 22),
        encrypted('server', 0.062, 40, 22),
        encrypted('client', 0.063, 120),
        encrypted('server', 0.085, 900),
        encrypted('client', 0.9, 26, 21),
      ],
      nonTlsResponse: null,
      history: 'CsxknGIFifDd',
      established: true,
      establishedTs: at(0.062),
      decrypted: null,
    },
    outcome: 'incomplete',
    diagnosis: null,
    warnings: [],
    timeline: [],
    notes: [],
  };
  mutate?.(record);
  return record;
}

/**
 * A complete, healthy TLS 1.3 connection: the server's encrypted flight (EncryptedExtensions through Finished in
 * records of 32, 2400, 281 and 53 bytes), the client's CCS and 53-byte Finished, data both ways, FIN both ways.
 */
export function tls13Record(mutate?: (record: ConnectionRecord) => void): ConnectionRecord {
  const record = tls12Record((r) => {
    const sh = r.tls.serverHello!;
    sh.version = '0x0304';
    sh.versionName = 'TLS 1.3';
    sh.cipherSuite = '0x1301';
    sh.cipherSuiteName = 'TLS_AES_128_GCM_SHA256';
    sh.group = '0x001d';
    sh.groupName = 'x25519';
    sh.extensions = [43, 51];
    r.tls.certificates = [];
    r.tls.certificatesTs = null;
    r.tls.certificateCheck = null;
    r.tls.alerts = [];
    r.tls.changeCipherSpec = { client: at(0.043), server: at(0.041) };
    r.tls.encryptedRecords = [
      encrypted('server', 0.041, 1, 20),
      encrypted('server', 0.041, 32),
      encrypted('server', 0.041, 2400),
      encrypted('server', 0.041, 281),
      encrypted('server', 0.041, 53),
      encrypted('client', 0.043, 1, 20),
      encrypted('client', 0.043, 53),
      encrypted('client', 0.044, 120),
      encrypted('server', 0.065, 900),
    ];
    r.tls.history = 'CsiI';
    r.tls.establishedTs = at(0.044);
  });
  mutate?.(record);
  return record;
}

/** Ends a factory record as a failed handshake would: no CCS, no encrypted records, no established flag. */
export function unestablished(record: ConnectionRecord): void {
  record.tls.established = false;
  record.tls.establishedTs = null;
  record.tls.changeCipherSpec = { client: null, server: null };
  record.tls.encryptedRecords = [];
  record.tls.alerts = [];
  record.tcp.fin = [];
}

/** The handshake stops after the ClientHello: no server answer of any kind. */
export function afterClientHelloOnly(record: ConnectionRecord): void {
  unestablished(record);
  record.tls.serverHello = null;
  record.tls.certificates = [];
  record.tls.certificatesTs = null;
  record.tls.certificateCheck = null;
  record.tls.recordCounts = { client: { handshake: 1 }, server: {} };
  record.tcp.payloadBytes = { client: 517, server: 0 };
}
