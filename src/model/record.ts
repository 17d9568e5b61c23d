/**
 * The connection record: one per TCP connection that carried TLS (or tried to reach a TLS port).
 * Every stage after src/tls speaks this shape: the diagnosis, the UI, the reports, NDJSON output and the tests.
 * Keys are stable. Coded values are IANA numbers as '0x' hex strings; a name stands beside each, never instead.
 */
export type Role = 'client' | 'server';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface TcpPacketFacts {
  from: Role;
  ts: number;
  /** the sender's IPv4 TTL or IPv6 hop limit (0 for an unseen FIN) */
  ttl: number;
  /**
   * FINs only: the capture missed this FIN; the peer acknowledged one sequence number past the sender's last byte,
   * and `ts` is that ACK's time (a FIN, not a packet the capture saw)
   */
  unseen?: true;
}

export interface TcpFacts {
  synTs: number | null;
  synAckTs: number | null;
  /** the first RST of the connection */
  rst: TcpPacketFacts | null;
  fin: TcpPacketFacts[];
  /** TTL / hop limit of each side's first packet: a reset that differs was likely forged on the path */
  ttl: { client: number | null; server: number | null };
  packets: { client: number; server: number };
  payloadBytes: { client: number; server: number };
  /** stream bytes never captured, per side */
  gapBytes: { client: number; server: number };
  /** what carried the connection, outermost first ('' when nothing but IP) */
  tunnel: string;
}

export interface ClientHelloFacts {
  ts: number;
  /** SSLv2-compatible ClientHello (an SSLv2 record, RFC 6101 appendix E.2 / RFC 5246 appendix E.2) */
  sslv2: boolean;
  legacyVersion: string;
  legacyVersionName: string;
  /** supported_versions (RFC 8446 §4.2.1), GREASE left out; [] when the extension is absent */
  supportedVersions: string[];
  supportedVersionNames: string[];
  cipherSuites: string[];
  cipherSuiteNames: string[];
  sni: string | null;
  alpn: string[];
  groups: string[];
  groupNames: string[];
  signatureAlgorithms: string[];
  signatureAlgorithmNames: string[];
  keyShareGroups: string[];
  /** extension type numbers in the order sent, GREASE included as sent */
  extensions: number[];
  sessionId: boolean;
  sessionTicket: boolean;
  pskOffered: boolean;
  earlyData: boolean;
  /** TLS_FALLBACK_SCSV (0x5600, RFC 7507) among the suites */
  fallbackScsv: boolean;
  /** encrypted_client_hello (0xfe0d) present */
  ech: boolean;
  ja4: string;
}

export interface ServerHelloFacts {
  ts: number;
  /** the negotiated version: supported_versions when present, else legacy_version */
  version: string;
  versionName: string;
  legacyVersion: string;
  cipherSuite: string;
  cipherSuiteName: string;
  alpn: string | null;
  /** the key_share group chosen (TLS 1.3) */
  group: string | null;
  groupName: string | null;
  extensions: number[];
  /** a HelloRetryRequest came first (RFC 8446 §4.1.4); the fields above are the real ServerHello's */
  helloRetryRequest: boolean;
  /** group asked for by the HelloRetryRequest */
  retryGroup: string | null;
  sessionResumed: boolean;
}

export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** subjectAltName entries as 'DNS:example.com', 'IP Address:192.0.2.1' */
  san: string[];
  notBefore: string;
  notAfter: string;
  selfSigned: boolean;
  ca: boolean;
  keyType: string | null;
  keyBits: number | null;
  signatureAlgorithm: string | null;
  serialNumber: string;
  sha256: string;
  /** the certificate could not be decoded; the other fields are empty */
  error?: string;
}

/**
 * The server chain judged at the capture time of the packet that carried it, against the SNI, the chain sent and the
 * trust store (Node's bundled Mozilla roots plus any --ca files).
 */
export interface CertificateCheck {
  /** the capture time the validity dates were compared with */
  at: number;
  /** the leaf's notAfter is before `at`: seconds since it expired */
  expiredFor: number | null;
  /** the leaf's notBefore is after `at`: seconds until it becomes valid */
  notYetValidFor: number | null;
  /** another certificate of the chain is outside its validity period (subject named) */
  chainDateProblems: string[];
  /** the SNI is covered by the leaf's SAN (or CN where there is no SAN); null when there was no SNI */
  hostnameMatches: boolean | null;
  selfSigned: boolean;
  /** each certificate's issuer is the next one in the chain, up to one that is self-signed or known to the store */
  chainComplete: boolean;
  /** the chain ends in a root of the trust store (or is anchored by an intermediate of it) */
  trusted: boolean;
  /** the issuer name the chain stopped at when it is incomplete or untrusted */
  missingIssuer: string | null;
  /**
   * why the missing issuer looks like an intermediate the server should have sent, in words, else null: the
   * certificate says where its issuer's certificate is published (Authority Information Access caIssuers, RFC 5280
   * §4.2.2.1), or the trust store holds a root of the issuer's own organization
   */
  missingIssuerLooksIntermediate?: string | null;
  /** plain-words findings, one per problem */
  problems: string[];
}

export interface AlertFacts {
  from: Role;
  ts: number;
  /** 1 warning, 2 fatal; null when the alert was encrypted */
  level: number | null;
  description: number | null;
  name: string | null;
  encrypted: boolean;
  /** the alert was encrypted on the wire and opened with a key log: level, description and name are the peer's */
  decrypted?: true;
  /**
   * an alert read in plaintext: the version in its record's header ('0x0302'), before TLS 1.3 the version its sender
   * was speaking — a server's alert before any ServerHello may show the version it had chosen (absent from records
   * of tlsdiag before it was kept)
   */
  recordVersion?: string;
}

/** One TLS record's header, kept for the first records after the hellos (sizes tell what encryption hides). */
export interface RecordFacts {
  from: Role;
  ts: number;
  contentType: number;
  length: number;
}

export interface TlsFacts {
  /** the plaintext protocol the connection started in before upgrading ('smtp', 'imap', 'pop3', 'ftp', 'ldap', 'xmpp', 'irc', 'postgres', 'mysql', 'rdp', ...) */
  startTls: string | null;
  clientHello: ClientHelloFacts | null;
  /**
   * a HelloRetryRequest (RFC 8446 §4.1.4) and the key-share group it asked for; kept apart from serverHello because a
   * handshake can fail between the two
   */
  helloRetryRequest: { ts: number; group: string | null; groupName: string | null } | null;
  serverHello: ServerHelloFacts | null;
  /** the server's chain, leaf first: plaintext in TLS ≤ 1.2, decrypted with a key log in TLS 1.3 */
  certificates: CertificateFacts[];
  certificatesTs: number | null;
  certificateCheck: CertificateCheck | null;
  /** the server asked for a client certificate (its CertificateRequest was plaintext or decrypted) */
  certificateRequested: boolean;
  /** the client's Certificate message: null when none was sent, else the number of certificates in it */
  clientCertificates: number | null;
  alerts: AlertFacts[];
  changeCipherSpec: { client: number | null; server: number | null };
  /** records counted per side by content type name, all of the connection */
  recordCounts: { client: Record<string, number>; server: Record<string, number> };
  /** the first records of each side once encryption began (bounded) */
  encryptedRecords: RecordFacts[];
  /** the peer answered with bytes that are not TLS: a printable preview of them */
  nonTlsResponse: { from: Role; ts: number; preview: string } | null;
  /** Zeek's ssl_history letters: upper case client, lower case server */
  history: string;
  established: boolean;
  establishedTs: number | null;
  /**
   * What was decrypted with the session's secrets (docs/keylog.md): the sides at least one protected record of
   * which opened, and where the secrets came from (a --keylog file, or a pcapng Decryption Secrets Block). Only
   * handshake messages and alerts are ever opened; the facts above then include what was inside them (the TLS 1.3
   * Certificate, CertificateRequest, client Certificate, alerts). null when nothing was decrypted (and in records
   * written before decryption existed).
   */
  decrypted: { sides: Role[]; by: 'keylog' | 'dsb' } | null;
}

export interface TimelineEvent {
  ts: number;
  from: Role;
  event: string;
  detail?: string;
  /** the message was encrypted on the wire and read after decrypting it with a key log */
  decrypted?: true;
}

/**
 * How strong the basis of a candidate cause is, strongest first:
 * - stated: a peer named it (an alert whose description is the cause);
 * - verified: tlsdiag checked it on facts in the capture (dates at capture time, names against the SNI, versions,
 *   suites and groups offered against chosen);
 * - inferred: read from record sizes, timing or TTLs, which stand in for what the packets do not say;
 * - assumed: rests on something the capture cannot show (the trust store the client has).
 */
export type EvidenceBasis = 'stated' | 'verified' | 'inferred' | 'assumed';

/** How sure the diagnosis is: high only when a stated or verified cause agrees with what the peers did and when. */
export type Confidence = 'high' | 'medium' | 'low';

/** Another cause that fits the packets, less well than the primary one, and why it was not chosen. */
export interface AlternativeCause {
  code: string;
  why: string;
}

export interface Diagnosis {
  code: string;
  title: string;
  evidence: string[];
  fix: string;
  basis: EvidenceBasis;
  confidence: Confidence;
  /** other causes that fit, strongest first; [] when the packets admit one cause only */
  alternatives: AlternativeCause[];
}

export type Outcome = 'established' | 'failed' | 'incomplete';

export interface ConnectionRecord {
  /**
   * Set on records a sensor ships (`--sensor`, `--output redis://...`): a hash of the sensor, capture, id and first
   * packet's time, the same every time that sensor reports that connection, so a reader counts it once.
   */
  uid?: string;
  /** the sensor that captured the connection (`--sensor`, by default the host name); set with `uid` */
  sensor?: string;
  /**
   * `capture#N`, N the frame number (from 1, as Wireshark counts) of the connection's first packet: unique within one
   * capture or live session only
   */
  id: string;
  capture: string;
  client: Endpoint;
  server: Endpoint;
  /** how the client side was told: 'syn', 'client-hello', 'syn-ack', 'server-hello', 'port' */
  clientInferredBy: string;
  firstTs: number;
  lastTs: number;
  /** how the connection's tracking ended: 'closed', 'reset', 'idle', 'capture-end', 'evicted', 'handshake-timeout' (live) */
  end: string;
  /**
   * capture time up to which this connection was watched: the last frame of the capture for 'capture-end', the time
   * of eviction for 'idle'; equal to lastTs otherwise. A silence is only as long as the watch that saw it.
   */
  observedUntil: number;
  tcp: TcpFacts;
  tls: TlsFacts;
  outcome: Outcome;
  diagnosis: Diagnosis | null;
  warnings: string[];
  timeline: TimelineEvent[];
  notes: string[];
}
