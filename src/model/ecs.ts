/**
 * One connection record as one Elastic Common Schema event (ECS 9.x, https://www.elastic.co/guide/en/ecs/current/):
 * the fields ECS defines where it defines them — event, source/destination, client/server, network, tls (with the
 * leaf certificate under tls.server.x509), error — and everything ECS has no field for under `tlsdiag.*`, typed by
 * TLSDIAG_FIELDS below (from which the index template in docs/ecs/ is made). Mapping table: docs/ecs.md.
 *
 * Depends on the model only, so that any sink (NDJSON, a message queue, a database) can call toEcs().
 */
import { isoTime } from './time.js';
import type { CertificateCheck, CertificateFacts, ConnectionRecord, Role } from './record.js';

/** The ECS version the events follow (the `@elastic/ecs` definitions the tests check them against). */
export const ECS_VERSION = '9.4.0';

/** The Elasticsearch type of each `tlsdiag.*` field; arrays of objects are mapped by their leaves. */
export const TLSDIAG_FIELDS: Readonly<Record<string, 'keyword' | 'long' | 'float' | 'boolean' | 'date' | 'text'>> = {
  'tlsdiag.record_id': 'keyword',
  'tlsdiag.uid': 'keyword',
  'tlsdiag.decrypted_sides': 'keyword',
  'tlsdiag.decrypted_by': 'keyword',
  'tlsdiag.capture': 'keyword',
  'tlsdiag.outcome': 'keyword',
  'tlsdiag.end': 'keyword',
  'tlsdiag.client_inferred_by': 'keyword',
  'tlsdiag.diagnosis.code': 'keyword',
  'tlsdiag.diagnosis.title': 'text',
  'tlsdiag.diagnosis.evidence': 'text',
  'tlsdiag.diagnosis.fix': 'text',
  'tlsdiag.diagnosis.basis': 'keyword',
  'tlsdiag.diagnosis.confidence': 'keyword',
  'tlsdiag.diagnosis.alternatives.code': 'keyword',
  'tlsdiag.diagnosis.alternatives.why': 'text',
  'tlsdiag.warnings': 'text',
  'tlsdiag.notes': 'text',
  'tlsdiag.alerts.from': 'keyword',
  'tlsdiag.alerts.level': 'long',
  'tlsdiag.alerts.description': 'long',
  'tlsdiag.alerts.name': 'keyword',
  'tlsdiag.alerts.encrypted': 'boolean',
  'tlsdiag.alerts.record_version': 'keyword',
  'tlsdiag.alerts.ms': 'float',
  'tlsdiag.tls.ja4': 'keyword',
  'tlsdiag.tls.version_name': 'keyword',
  'tlsdiag.tls.start_tls': 'keyword',
  'tlsdiag.tls.hello_retry_request': 'boolean',
  'tlsdiag.tls.offered_versions': 'keyword',
  'tlsdiag.tls.offered_alpn': 'keyword',
  'tlsdiag.tls.client_hello_flags': 'keyword',
  'tlsdiag.tls.certificate_requested': 'boolean',
  'tlsdiag.tls.client_certificates': 'long',
  'tlsdiag.tls.non_tls_response': 'keyword',
  'tlsdiag.certificate_check.trusted': 'boolean',
  'tlsdiag.certificate_check.chain_complete': 'boolean',
  'tlsdiag.certificate_check.hostname_matches': 'boolean',
  'tlsdiag.certificate_check.self_signed': 'boolean',
  'tlsdiag.certificate_check.expired_for': 'long',
  'tlsdiag.certificate_check.not_yet_valid_for': 'long',
  'tlsdiag.certificate_check.missing_issuer': 'keyword',
  'tlsdiag.certificate_check.missing_issuer_looks_intermediate': 'text',
  'tlsdiag.certificate_check.problems': 'text',
  'tlsdiag.chain.subject': 'keyword',
  'tlsdiag.chain.issuer': 'keyword',
  'tlsdiag.chain.not_after': 'date',
  'tlsdiag.chain.sha256': 'keyword',
  'tlsdiag.tcp.rst_from': 'keyword',
  'tlsdiag.tcp.fin_from': 'keyword',
  'tlsdiag.tcp.fin_unseen': 'keyword',
  'tlsdiag.tcp.client_ttl': 'long',
  'tlsdiag.tcp.server_ttl': 'long',
  'tlsdiag.tcp.gap_bytes': 'long',
  'tlsdiag.tcp.tunnel': 'keyword',
  'tlsdiag.timeline.history': 'keyword',
  'tlsdiag.timeline.events': 'long',
  'tlsdiag.timeline.client_hello_ms': 'float',
  'tlsdiag.timeline.server_hello_ms': 'float',
  'tlsdiag.timeline.established_ms': 'float',
  'tlsdiag.timeline.last_event': 'keyword',
};

/** An ECS event: nested plain objects, as Elasticsearch takes them. */
export type EcsEvent = Record<string, unknown>;

const OUTCOME: Readonly<Record<ConnectionRecord['outcome'], string>> = {
  established: 'success',
  failed: 'failure',
  incomplete: 'unknown',
};

/** ECS's tls.version_protocol and tls.version from a version code point; null for what ECS cannot say. */
function ecsVersion(code: string): { protocol: string; version: string } | null {
  const value = Number.parseInt(code, 16);
  if (value === 0x0002) return { protocol: 'ssl', version: '2.0' };
  if (value === 0x0300) return { protocol: 'ssl', version: '3.0' };
  if (value >= 0x0301 && value <= 0x0304) return { protocol: 'tls', version: `1.${value - 0x0301}` };
  // TLS 1.3 drafts (0x7fNN), Google's experiments (0x7e0N) and Facebook's Fizz drafts (0xfbNN) are TLS 1.3 to ECS
  if (value >> 8 === 0x7f || value >> 8 === 0xfb || (value >= 0x7e01 && value <= 0x7e0f)) return { protocol: 'tls', version: '1.3' };
  return null;
}

const isoSeconds = (seconds: number) => isoTime(seconds);
const ms = (from: number, to: number) => Math.round((to - from) * 1e6) / 1e3;

/** '2025-10-14T00:00:00Z' from a certificate date; undefined for one that cannot be read. */
function certificateDate(text: string): string | undefined {
  const time = Date.parse(text);
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

/** Attribute values of one kind from an OpenSSL-style distinguished name ('O=tlsdiag, CN=www.tlsdiag.test'). */
function dnValues(dn: string, attribute: string): string[] {
  const values: string[] = [];
  for (const part of dn.split(/,\s*(?=[A-Za-z][A-Za-z0-9.]*=)/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toUpperCase() === attribute) values.push(part.slice(eq + 1).trim());
  }
  return values;
}

function dnObject(dn: string): Record<string, unknown> {
  const object: Record<string, unknown> = { distinguished_name: dn };
  const fields: [string, string][] = [
    ['CN', 'common_name'],
    ['O', 'organization'],
    ['OU', 'organizational_unit'],
    ['C', 'country'],
    ['L', 'locality'],
    ['ST', 'state_or_province'],
  ];
  for (const [attribute, field] of fields) {
    const values = dnValues(dn, attribute);
    if (values.length > 0) object[field] = values;
  }
  return object;
}

/** ECS x509.* of one certificate (the leaf), without the fields the record does not hold. */
function x509(certificate: CertificateFacts): Record<string, unknown> {
  const object: Record<string, unknown> = {
    subject: dnObject(certificate.subject),
    issuer: dnObject(certificate.issuer),
    serial_number: certificate.serialNumber,
  };
  const notBefore = certificateDate(certificate.notBefore);
  const notAfter = certificateDate(certificate.notAfter);
  if (notBefore !== undefined) object.not_before = notBefore;
  if (notAfter !== undefined) object.not_after = notAfter;
  if (certificate.san.length > 0) object.alternative_names = certificate.san.map((entry) => entry.replace(/^(DNS|IP Address|email|URI):/, ''));
  if (certificate.signatureAlgorithm !== null) object.signature_algorithm = certificate.signatureAlgorithm;
  if (certificate.keyType !== null) object.public_key_algorithm = certificate.keyType;
  if (certificate.keyBits !== null) object.public_key_size = certificate.keyBits;
  return object;
}

function endpoint(ip: string, port: number, packets: number, bytes: number, domain: string | null): Record<string, unknown> {
  const object: Record<string, unknown> = { ip, port, address: ip, packets, bytes };
  if (domain !== null) object.domain = domain;
  return object;
}

function tlsFields(record: ConnectionRecord): Record<string, unknown> {
  const { clientHello, serverHello, certificates } = record.tls;
  const tls: Record<string, unknown> = { established: record.tls.established };
  if (serverHello !== null) {
    const version = ecsVersion(serverHello.version);
    if (version !== null) {
      tls.version_protocol = version.protocol;
      tls.version = version.version;
    }
    tls.cipher = serverHello.cipherSuiteName;
    if (serverHello.groupName !== null) tls.curve = serverHello.groupName;
    if (serverHello.alpn !== null) tls.next_protocol = serverHello.alpn;
    tls.resumed = serverHello.sessionResumed;
  }
  if (clientHello !== null) {
    const client: Record<string, unknown> = { supported_ciphers: clientHello.cipherSuiteNames };
    if (clientHello.sni !== null) client.server_name = clientHello.sni;
    tls.client = client;
  }
  const leaf = certificates[0];
  if (leaf !== undefined && leaf.error === undefined) tls.server = serverFields(leaf);
  return tls;
}

/*
 * The parts of an event drawn from the server's chain alone. Connections that met one chain share its judged objects
 * (src/tls/session/certificates.ts), so these parts are built once per certificate, chain or check and shared by
 * every event (dates parsed and names split once, not per connection). Events are serialised, never changed.
 */
const serverFieldsByLeaf = new WeakMap<CertificateFacts, Record<string, unknown>>();
const chainFieldsByChain = new WeakMap<readonly CertificateFacts[], Record<string, unknown>[]>();
const checkFieldsByCheck = new WeakMap<CertificateCheck, Record<string, unknown>>();

function serverFields(leaf: CertificateFacts): Record<string, unknown> {
  let server = serverFieldsByLeaf.get(leaf);
  if (server === undefined) {
    server = { subject: leaf.subject, issuer: leaf.issuer, hash: { sha256: leaf.sha256.toUpperCase() }, x509: x509(leaf) };
    const notBefore = certificateDate(leaf.notBefore);
    const notAfter = certificateDate(leaf.notAfter);
    if (notBefore !== undefined) server.not_before = notBefore;
    if (notAfter !== undefined) server.not_after = notAfter;
    serverFieldsByLeaf.set(leaf, server);
  }
  return server;
}

/** tlsdiag.chain: the certificates after the leaf. */
function chainFields(certificates: readonly CertificateFacts[]): Record<string, unknown>[] {
  let chain = chainFieldsByChain.get(certificates);
  if (chain === undefined) {
    chain = certificates.slice(1).map((certificate) => {
      const link: Record<string, unknown> = { subject: certificate.subject, issuer: certificate.issuer, sha256: certificate.sha256.toUpperCase() };
      const notAfter = certificateDate(certificate.notAfter);
      if (notAfter !== undefined) link.not_after = notAfter;
      return link;
    });
    chainFieldsByChain.set(certificates, chain);
  }
  return chain;
}

/** tlsdiag.certificate_check. */
function checkFields(check: CertificateCheck): Record<string, unknown> {
  let checkOut = checkFieldsByCheck.get(check);
  if (checkOut === undefined) {
    checkOut = { trusted: check.trusted, chain_complete: check.chainComplete, self_signed: check.selfSigned };
    if (check.hostnameMatches !== null) checkOut.hostname_matches = check.hostnameMatches;
    if (check.expiredFor !== null) checkOut.expired_for = Math.round(check.expiredFor);
    if (check.notYetValidFor !== null) checkOut.not_yet_valid_for = Math.round(check.notYetValidFor);
    if (check.missingIssuer !== null) checkOut.missing_issuer = check.missingIssuer;
    if (typeof check.missingIssuerLooksIntermediate === 'string') checkOut.missing_issuer_looks_intermediate = check.missingIssuerLooksIntermediate;
    if (check.problems.length > 0) checkOut.problems = check.problems;
    checkFieldsByCheck.set(check, checkOut);
  }
  return checkOut;
}

function roleList(roles: Role[]): string[] {
  return roles.map((role) => role);
}

function tlsdiagFields(record: ConnectionRecord): Record<string, unknown> {
  const { tls, tcp } = record;
  const out: Record<string, unknown> = {
    record_id: record.id,
    capture: record.capture,
    outcome: record.outcome,
    end: record.end,
    client_inferred_by: record.clientInferredBy,
  };
  if (record.uid !== undefined) out.uid = record.uid;
  if (tls.decrypted != null) {
    out.decrypted_sides = tls.decrypted.sides;
    out.decrypted_by = tls.decrypted.by;
  }
  if (record.diagnosis !== null) {
    const d = record.diagnosis;
    const diagnosis: Record<string, unknown> = { code: d.code, title: d.title, evidence: d.evidence, fix: d.fix, basis: d.basis, confidence: d.confidence };
    // an empty list would map to nothing: the field is left out when the packets admit one cause only
    if (d.alternatives.length > 0) diagnosis.alternatives = d.alternatives;
    out.diagnosis = diagnosis;
  }
  if (record.warnings.length > 0) out.warnings = record.warnings;
  if (record.notes.length > 0) out.notes = record.notes;
  if (tls.alerts.length > 0) {
    out.alerts = tls.alerts.map((alert) => {
      const written: Record<string, unknown> = { from: alert.from, encrypted: alert.encrypted, ms: ms(record.firstTs, alert.ts) };
      if (alert.level !== null) written.level = alert.level;
      if (alert.description !== null) written.description = alert.description;
      if (alert.name !== null) written.name = alert.name;
      if (alert.recordVersion !== undefined) written.record_version = alert.recordVersion;
      return written;
    });
  }
  const tlsOut: Record<string, unknown> = { hello_retry_request: tls.helloRetryRequest !== null, certificate_requested: tls.certificateRequested };
  if (tls.clientHello !== null) {
    const hello = tls.clientHello;
    tlsOut.ja4 = hello.ja4;
    tlsOut.offered_versions = hello.supportedVersionNames.length > 0 ? hello.supportedVersionNames : [hello.legacyVersionName];
    if (hello.alpn.length > 0) tlsOut.offered_alpn = hello.alpn;
    const flags = (['sslv2', 'sessionTicket', 'pskOffered', 'earlyData', 'fallbackScsv', 'ech'] as const).filter((flag) => hello[flag]);
    if (flags.length > 0) tlsOut.client_hello_flags = flags;
  }
  if (tls.serverHello !== null) tlsOut.version_name = tls.serverHello.versionName;
  if (tls.startTls !== null) tlsOut.start_tls = tls.startTls;
  if (tls.clientCertificates !== null) tlsOut.client_certificates = tls.clientCertificates;
  if (tls.nonTlsResponse !== null) tlsOut.non_tls_response = tls.nonTlsResponse.preview;
  out.tls = tlsOut;
  if (tls.certificateCheck !== null) out.certificate_check = checkFields(tls.certificateCheck);
  if (tls.certificates.length > 1) out.chain = chainFields(tls.certificates);
  const tcpOut: Record<string, unknown> = {
    fin_from: roleList(tcp.fin.filter((fin) => fin.unseen !== true).map((fin) => fin.from)),
    gap_bytes: tcp.gapBytes.client + tcp.gapBytes.server,
  };
  const unseenFins = tcp.fin.filter((fin) => fin.unseen === true);
  if (unseenFins.length > 0) tcpOut.fin_unseen = roleList(unseenFins.map((fin) => fin.from));
  if (tcp.rst !== null) tcpOut.rst_from = tcp.rst.from;
  if (tcp.ttl.client !== null) tcpOut.client_ttl = tcp.ttl.client;
  if (tcp.ttl.server !== null) tcpOut.server_ttl = tcp.ttl.server;
  if (tcp.tunnel !== '') tcpOut.tunnel = tcp.tunnel;
  out.tcp = tcpOut;
  const timeline: Record<string, unknown> = { history: tls.history, events: record.timeline.length };
  if (tls.clientHello !== null) timeline.client_hello_ms = ms(record.firstTs, tls.clientHello.ts);
  if (tls.serverHello !== null) timeline.server_hello_ms = ms(record.firstTs, tls.serverHello.ts);
  if (tls.establishedTs !== null) timeline.established_ms = ms(record.firstTs, tls.establishedTs);
  const last = record.timeline.at(-1);
  if (last !== undefined) timeline.last_event = last.event;
  out.timeline = timeline;
  return out;
}

/**
 * The ECS event of one connection record. Its parts drawn from the server's chain are shared with the events of other
 * connections that met the same chain: serialise the event, do not change it.
 */
export function toEcs(record: ConnectionRecord): EcsEvent {
  const sni = record.tls.clientHello?.sni ?? null;
  const { packets, payloadBytes } = record.tcp;
  const event: Record<string, unknown> = {
    kind: 'event',
    category: ['network'],
    type: ['connection'],
    action: 'tls-handshake',
    outcome: OUTCOME[record.outcome],
    module: 'tlsdiag',
    dataset: 'tlsdiag.connection',
    id: record.id,
    start: isoSeconds(record.firstTs),
    end: isoSeconds(record.lastTs),
    // nanoseconds as a long JSON can carry exactly: a span past 2^53 ns (104 days, a capture whose clock jumped
    // decades forward inside one connection) is written as that most
    duration: Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.round((record.lastTs - record.firstTs) * 1e9))),
  };
  if (record.diagnosis !== null) event.reason = record.diagnosis.title;
  const ecs: EcsEvent = {
    '@timestamp': isoSeconds(record.firstTs),
    ecs: { version: ECS_VERSION },
    event,
    source: endpoint(record.client.ip, record.client.port, packets.client, payloadBytes.client, null),
    destination: endpoint(record.server.ip, record.server.port, packets.server, payloadBytes.server, sni),
    client: endpoint(record.client.ip, record.client.port, packets.client, payloadBytes.client, null),
    server: endpoint(record.server.ip, record.server.port, packets.server, payloadBytes.server, sni),
    network: {
      transport: 'tcp',
      type: record.client.ip.includes(':') ? 'ipv6' : 'ipv4',
      protocol: 'tls',
      packets: packets.client + packets.server,
      bytes: payloadBytes.client + payloadBytes.server,
    },
    tls: tlsFields(record),
    tlsdiag: tlsdiagFields(record),
  };
  if (record.diagnosis !== null) ecs.error = { code: record.diagnosis.code, message: record.diagnosis.title };
  // the sensor that captured it (--sensor): ECS's observer is the device that saw the traffic
  if (record.sensor !== undefined) ecs.observer = { name: record.sensor };
  return ecs;
}
