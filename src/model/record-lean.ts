/**
 * The connection record as tlsdiag writes it (NDJSON from `analyze` and `live`): a documented, versioned mapping of the
 * in-memory ConnectionRecord (record.ts), reference in docs/record.md.
 *
 * - `schemaVersion` says which shape a line has; files written before it existed have none (the in-memory record as
 *   it was, which readers still take).
 * - The default detail, 'lean', keeps what a reader needs to know what happened and why — endpoints, times, outcome,
 *   the diagnosis, negotiated values by name, the certificate chain, alerts — and counts where lists are long.
 * - 'full' adds the long lists: every offered suite, group, signature algorithm, key share and extension, the first
 *   encrypted records, record counts and the timeline. Coded lists are IANA numbers only ('0x' hex strings, extension
 *   types as numbers): names are not repeated beside every list; a single negotiated value is given by name, and an
 *   unregistered one is named 'unknown (0x....)'.
 */
import type {
  AlertFacts,
  CertificateCheck,
  CertificateFacts,
  ConnectionRecord,
  Diagnosis,
  Endpoint,
  Outcome,
  RecordFacts,
  Role,
  TcpFacts,
  TcpPacketFacts,
  TimelineEvent,
} from './record.js';

/** Raised when a field changes meaning or goes away; added fields keep the version. */
export const RECORD_SCHEMA_VERSION = 1;

export type RecordDetail = 'lean' | 'full';

/** Yes/no properties of a ClientHello, written as the list of those that hold (most hold none or one). */
export const CLIENT_HELLO_FLAGS = ['sslv2', 'sessionTicket', 'pskOffered', 'earlyData', 'fallbackScsv', 'ech'] as const;
export type ClientHelloFlag = (typeof CLIENT_HELLO_FLAGS)[number];

export interface WrittenClientHello {
  ts: number;
  /** versions offered, by name: supported_versions when sent (GREASE left out), else the legacy version */
  versions: string[];
  sni: string | null;
  alpn: string[];
  cipherSuiteCount: number;
  ja4: string;
  /** the ClientHello properties that hold, of CLIENT_HELLO_FLAGS, in that order */
  flags: ClientHelloFlag[];
  /** full only */
  legacyVersion?: string;
  supportedVersions?: string[];
  cipherSuites?: string[];
  groups?: string[];
  signatureAlgorithms?: string[];
  keyShareGroups?: string[];
  extensions?: number[];
  sessionId?: boolean;
}

export interface WrittenServerHello {
  ts: number;
  version: string;
  cipherSuite: string;
  group: string | null;
  alpn: string | null;
  sessionResumed: boolean;
  /** full only: the negotiated values' code points, and the rest */
  versionCode?: string;
  cipherSuiteCode?: string;
  groupCode?: string | null;
  helloRetryRequest?: boolean;
  legacyVersion?: string;
  extensions?: number[];
}

export interface WrittenCertificate {
  subject: string;
  issuer: string;
  san: string[];
  notBefore: string;
  notAfter: string;
  sha256: string;
  /** 'rsa 2048', 'ec 256'; null when unknown */
  key: string | null;
  error?: string;
  /** full only */
  ca?: boolean;
  selfSigned?: boolean;
  serialNumber?: string;
  signatureAlgorithm?: string | null;
}

/** A TLS alert; level, description and name are left out when the alert was encrypted (all three unknown). */
export interface WrittenAlert {
  from: Role;
  ts: number;
  encrypted: boolean;
  /** the alert was encrypted on the wire and opened with a key log (then level, description and name are given) */
  decrypted?: true;
  level?: number | null;
  description?: number | null;
  name?: string | null;
  /** the version in the alert record's header, for an alert read in plaintext */
  recordVersion?: string;
}

/** The certificate check of record.ts; `at` (the time judged at, that of the Certificate message) in full only. */
export type WrittenCertificateCheck = Omit<CertificateCheck, 'at'> & { at?: number };

/** TCP facts: who sent a FIN, rather than each FIN's time and TTL (those in full only). */
export interface WrittenTcp {
  synTs: number | null;
  synAckTs: number | null;
  rst: TcpPacketFacts | null;
  finFrom: Role[];
  /** who sent a FIN the capture missed (the peer acknowledged it); absent when none */
  finUnseen?: Role[];
  ttl: TcpFacts['ttl'];
  packets: TcpFacts['packets'];
  payloadBytes: TcpFacts['payloadBytes'];
  gapBytes: TcpFacts['gapBytes'];
  tunnel: string;
  /** full only */
  fin?: TcpPacketFacts[];
}

export interface WrittenTls {
  startTls: string | null;
  established: boolean;
  establishedTs: number | null;
  /** Zeek's ssl_history letters: upper case client, lower case server — the handshake's course in one word */
  history: string;
  clientHello: WrittenClientHello | null;
  helloRetryRequest: { ts: number; group: string | null } | null;
  serverHello: WrittenServerHello | null;
  certificates: WrittenCertificate[];
  certificateCheck: WrittenCertificateCheck | null;
  certificateRequested: boolean;
  clientCertificates: number | null;
  alerts: WrittenAlert[];
  nonTlsResponse: { from: Role; ts: number; preview: string } | null;
  /** what was decrypted with a key log: the sides and where the secrets came from; null (lean: absent) when nothing was */
  decrypted?: { sides: Role[]; by: 'keylog' | 'dsb' } | null;
  /** full only */
  certificatesTs?: number | null;
  changeCipherSpec?: { client: number | null; server: number | null };
  recordCounts?: { client: Record<string, number>; server: Record<string, number> };
  encryptedRecords?: RecordFacts[];
}

export interface WrittenRecord {
  schemaVersion: number;
  detail: RecordDetail;
  /** set on records a sensor ships (--sensor, --output redis://...): the fleet-wide identity, and the sensor */
  uid?: string;
  sensor?: string;
  id: string;
  capture: string;
  client: Endpoint;
  server: Endpoint;
  firstTs: number;
  lastTs: number;
  end: string;
  outcome: Outcome;
  diagnosis: Diagnosis | null;
  warnings: string[];
  notes: string[];
  tcp: WrittenTcp;
  tls: WrittenTls;
  /** full only */
  clientInferredBy?: string;
  observedUntil?: number;
  timeline?: TimelineEvent[];
}

function keyOf(certificate: CertificateFacts): string | null {
  if (certificate.keyType === null) return null;
  return certificate.keyBits === null ? certificate.keyType : `${certificate.keyType} ${certificate.keyBits}`;
}

function writtenCertificate(certificate: CertificateFacts, full: boolean): WrittenCertificate {
  const written: WrittenCertificate = {
    subject: certificate.subject,
    issuer: certificate.issuer,
    san: certificate.san,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    sha256: certificate.sha256,
    key: keyOf(certificate),
  };
  if (certificate.error !== undefined) written.error = certificate.error;
  if (full) {
    written.ca = certificate.ca;
    written.selfSigned = certificate.selfSigned;
    written.serialNumber = certificate.serialNumber;
    written.signatureAlgorithm = certificate.signatureAlgorithm;
  }
  return written;
}

function writtenClientHello(record: ConnectionRecord, full: boolean): WrittenClientHello | null {
  const hello = record.tls.clientHello;
  if (hello === null) return null;
  const written: WrittenClientHello = {
    ts: hello.ts,
    versions: hello.supportedVersionNames.length > 0 ? hello.supportedVersionNames : [hello.legacyVersionName],
    sni: hello.sni,
    alpn: hello.alpn,
    cipherSuiteCount: hello.cipherSuites.length,
    ja4: hello.ja4,
    flags: CLIENT_HELLO_FLAGS.filter((flag) => hello[flag]),
  };
  if (full) {
    written.legacyVersion = hello.legacyVersion;
    written.supportedVersions = hello.supportedVersions;
    written.cipherSuites = hello.cipherSuites;
    written.groups = hello.groups;
    written.signatureAlgorithms = hello.signatureAlgorithms;
    written.keyShareGroups = hello.keyShareGroups;
    written.extensions = hello.extensions;
    written.sessionId = hello.sessionId;
  }
  return written;
}

function writtenServerHello(record: ConnectionRecord, full: boolean): WrittenServerHello | null {
  const hello = record.tls.serverHello;
  if (hello === null) return null;
  const written: WrittenServerHello = {
    ts: hello.ts,
    version: hello.versionName,
    cipherSuite: hello.cipherSuiteName,
    group: hello.groupName,
    alpn: hello.alpn,
    sessionResumed: hello.sessionResumed,
  };
  if (full) {
    written.versionCode = hello.version;
    written.cipherSuiteCode = hello.cipherSuite;
    written.groupCode = hello.group;
    written.helloRetryRequest = hello.helloRetryRequest;
    written.legacyVersion = hello.legacyVersion;
    written.extensions = hello.extensions;
  }
  return written;
}

function writtenAlert(alert: AlertFacts): WrittenAlert {
  if (alert.decrypted === true) {
    return { from: alert.from, ts: alert.ts, encrypted: alert.encrypted, decrypted: true, level: alert.level, description: alert.description, name: alert.name };
  }
  if (alert.encrypted) return { from: alert.from, ts: alert.ts, encrypted: true };
  const written: WrittenAlert = { from: alert.from, ts: alert.ts, encrypted: false, level: alert.level, description: alert.description, name: alert.name };
  if (alert.recordVersion !== undefined) written.recordVersion = alert.recordVersion;
  return written;
}

function writtenCertificateCheck(check: CertificateCheck | null, full: boolean): WrittenCertificateCheck | null {
  if (check === null || full) return check;
  const { at: _judgedAt, missingIssuerLooksIntermediate, ...rest } = check;
  // said only where there is a missing issuer to say it of
  return missingIssuerLooksIntermediate == null ? rest : { ...rest, missingIssuerLooksIntermediate };
}

function writtenTcp(tcp: TcpFacts, full: boolean): WrittenTcp {
  const written: WrittenTcp = {
    synTs: tcp.synTs,
    synAckTs: tcp.synAckTs,
    rst: tcp.rst,
    finFrom: tcp.fin.filter((fin) => fin.unseen !== true).map((fin) => fin.from),
    ttl: tcp.ttl,
    packets: tcp.packets,
    payloadBytes: tcp.payloadBytes,
    gapBytes: tcp.gapBytes,
    tunnel: tcp.tunnel,
  };
  const unseen = tcp.fin.filter((fin) => fin.unseen === true);
  if (unseen.length > 0) written.finUnseen = unseen.map((fin) => fin.from);
  if (full) written.fin = tcp.fin;
  return written;
}

/** A server's chain as written: the certificates and their check. */
export interface WrittenChain {
  certificates: WrittenCertificate[];
  certificateCheck: WrittenCertificateCheck | null;
}

/** The record's chain as written, at the detail asked for. */
export function toWrittenChain(record: ConnectionRecord, detail: RecordDetail = 'lean'): WrittenChain {
  const full = detail === 'full';
  return {
    certificates: record.tls.certificates.map((certificate) => writtenCertificate(certificate, full)),
    certificateCheck: writtenCertificateCheck(record.tls.certificateCheck, full),
  };
}

/**
 * The record as written, at the detail asked for. Shares arrays with `record`: serialise it, do not change it.
 * `chain` stands in for the record's own chain (a writer that has the chain's text already passes placeholders).
 */
export function toWrittenRecord(record: ConnectionRecord, detail: RecordDetail = 'lean', chain: WrittenChain = toWrittenChain(record, detail)): WrittenRecord {
  const full = detail === 'full';
  const tls = record.tls;
  const retry = tls.helloRetryRequest;
  const writtenTls: WrittenTls = {
    startTls: tls.startTls,
    established: tls.established,
    establishedTs: tls.establishedTs,
    history: tls.history,
    clientHello: writtenClientHello(record, full),
    helloRetryRequest: retry === null ? null : { ts: retry.ts, group: retry.groupName },
    serverHello: writtenServerHello(record, full),
    certificates: chain.certificates,
    certificateCheck: chain.certificateCheck,
    certificateRequested: tls.certificateRequested,
    clientCertificates: tls.clientCertificates,
    alerts: tls.alerts.map(writtenAlert),
    nonTlsResponse: tls.nonTlsResponse,
  };
  // most connections are not decrypted: lean says so by leaving the field out
  if (full || tls.decrypted != null) writtenTls.decrypted = tls.decrypted ?? null;
  const written: WrittenRecord = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    detail,
    ...(record.uid === undefined ? {} : { uid: record.uid }),
    ...(record.sensor === undefined ? {} : { sensor: record.sensor }),
    id: record.id,
    capture: record.capture,
    client: record.client,
    server: record.server,
    firstTs: record.firstTs,
    lastTs: record.lastTs,
    end: record.end,
    outcome: record.outcome,
    diagnosis: record.diagnosis,
    warnings: record.warnings,
    notes: record.notes,
    tcp: writtenTcp(record.tcp, full),
    tls: writtenTls,
  };
  if (full) {
    writtenTls.certificatesTs = tls.certificatesTs;
    writtenTls.changeCipherSpec = tls.changeCipherSpec;
    writtenTls.recordCounts = tls.recordCounts;
    writtenTls.encryptedRecords = tls.encryptedRecords;
    written.clientInferredBy = record.clientInferredBy;
    written.observedUntil = record.observedUntil;
    written.timeline = record.timeline;
  }
  return written;
}
