import type {
  CertificateCheck,
  CertificateFacts,
  ClientHelloFacts,
  ConnectionRecord,
  RecordFacts,
  ServerHelloFacts,
  TimelineEvent,
} from '../../model/record.js';
import type { Direction, EndReason, FlowControl, FlowEndpoints, TcpConnectionHandler, TcpControl } from '../../tcp/types.js';
import type { AlertEvent } from '../events.js';
import { parseClientHello } from '../messages/client-hello.js';
import { parseDraftHelloRetryRequest, parseServerHello, type ServerHello } from '../messages/server-hello.js';
import { parseCertificateMessage } from '../messages/certificate.js';
import { parseSslv2ClientHello, parseSslv2ClientMasterKey, parseSslv2ServerHello } from '../messages/sslv2-hello.js';
import {
  alertName,
  cipherSuiteInfo,
  cipherSuiteName,
  contentTypeName,
  hex24,
  isTls13,
  sslv2CipherKindName,
  versionName,
} from '../registry/index.js';
import { describePlaintext } from '../starttls.js';
import { clientHelloFacts, damagedClientHelloFacts, serverHelloFacts } from './facts.js';
import {
  HANDSHAKE_LETTERS,
  LETTER_ALERT,
  LETTER_APPLICATION_DATA,
  LETTER_CHANGE_CIPHER_SPEC,
  LETTER_ENCRYPTED_HANDSHAKE,
  LETTER_HELLO_RETRY_REQUEST,
  LETTER_SSLV2,
  MAX_HISTORY,
  UNKNOWN_HANDSHAKE_LETTER,
} from './history.js';
import { buildRecord } from './record-builder.js';
import { Side, type SideEvents } from './side.js';
import { MAX_ALERTS, MAX_ENCRYPTED_RECORDS_PER_SIDE, MAX_TIMELINE, MESSAGE_NAMES } from './timeline.js';
import type { CertificateJudge } from './certificates.js';
import { DecryptSession } from '../decrypt/session.js';
import { smallestFinished } from '../encrypted-sizes.js';
import type { KeyLog } from '../decrypt/keylog.js';
import { DecryptedFacts } from './decrypted.js';
import type { HelloShapes } from './hello-shapes.js';
import type { TlsServers } from './tls-servers.js';
import { EVENT_BYTES, HELLO_FACTS_BYTES, STREAM_PARSER_BYTES, type MemoryBudget } from '../../tcp/memory-budget.js';

/** 'ttl 64': made once per value, as every control packet of every connection shows one. */
const TTL_TEXTS: string[] = Array.from({ length: 256 }, (_, ttl) => `ttl ${ttl}`);
function ttlText(ttl: number): string {
  return TTL_TEXTS[ttl] ?? `ttl ${ttl}`;
}

const CONTENT_ALERT = 21;
const CONTENT_APPLICATION_DATA = 23;
const HS_CLIENT_HELLO = 1;
const HS_SERVER_HELLO = 2;
const HS_DRAFT_HELLO_RETRY_REQUEST = 6;
const HS_CERTIFICATE = 11;
const HS_CERTIFICATE_REQUEST = 13;
const SSLV2_CLIENT_HELLO = 1;
const SSLV2_CLIENT_MASTER_KEY = 2;
const SSLV2_SERVER_HELLO = 4;
const LEVEL_FATAL = 2;

/** Shared by every connection of one analysis run. */
export interface TrackerContext {
  capture: string;
  /** judges (and caches) server certificate chains */
  certificates: CertificateJudge;
  /** shares the spelled-out lists of look-alike ClientHellos */
  helloShapes: HelloShapes;
  /** server endpoints known to speak TLS: a connection with no payload at all is reported only to those */
  tlsServers: TlsServers;
  /**
   * Secrets of a key log (--keylog files, a pcapng Decryption Secrets Block): sessions found in it have their
   * handshake decrypted. null when none were given; may be set while the analysis runs (a DSB in the capture).
   */
  secrets?: KeyLog | null;
  /** the analysis's one memory budget: parsers, timeline events, notes and partial handshake messages are charged */
  budget?: MemoryBudget;
  /** a finished connection's record, before diagnosis */
  emit(record: ConnectionRecord): void;

  /**
   * Set when time passing decides connections (live capture): told when a connection starts waiting for the server
   * (its SYN, its ClientHello), so the connection can be ended once the wait outlasts the handshake timeout.
   */
  awaitAnswer?(tracker: ConnectionTracker, since: number): void;
}

export interface DirAlert {
  dir: Direction;
  ts: number;
  level: number | null;
  description: number | null;
  encrypted: boolean;
  /** packet index at which it arrived */
  packet: number;
  /** opened with a key log */
  decrypted?: boolean;
  /** the version of the record that carried it, when the alert was read in plaintext */
  recordVersion?: number;
}

/**
 * Follows one TCP connection through its TLS handshake: routes each direction's stream to a TLS parser, turns the
 * parsers' events into facts, and builds the connection record when the connection ends.
 */
export class ConnectionTracker implements TcpConnectionHandler, SideEvents {
  readonly sides: [Side, Side];
  packetIndex = 0;
  /**
   * The number of the frame of the connection's first packet, counted from 1 as Wireshark numbers frames: the record
   * is named for it, so its id leads straight to it in Wireshark (`frame.number == N`) and does not depend on when,
   * or on which worker thread, the connection ended.
   */
  readonly firstFrame: number;
  firstTs: number;
  lastTs: number;
  synFrom = -1;
  synAckFrom = -1;
  synTs: number | null = null;
  synAckTs: number | null = null;
  rst: { dir: Direction; ts: number; ttl: number } | null = null;
  /** FINs in the order told; an unseen one (the capture missed it, the peer acknowledged it) has no TTL: 0 */
  fins: { dir: Direction; ts: number; ttl: number; unseen?: true }[] = [];

  clientHelloFrom = -1;
  clientHello: ClientHelloFacts | null = null;
  clientHelloPacket = -1;
  clientHelloCount = 0;
  /** the first ClientHello's session id, to tell a resumed session by its echo */
  clientSessionId: Buffer | null = null;
  helloRetry: ServerHello | null = null;
  helloRetryTs = 0;
  serverHelloFrom = -1;
  serverHello: ServerHelloFacts | null = null;
  serverHelloPacket = -1;
  tls13 = false;
  sslv2Session = false;

  certificates: CertificateFacts[] = [];
  certificatesTs: number | null = null;
  certificateCheck: CertificateCheck | null = null;
  private pendingCertificates: { dir: Direction; body: Buffer; ts: number } | null = null;
  certificateRequestFrom = -1;
  /** per direction: the number of certificates in its Certificate message, -1 when it sent none */
  certificateCounts: [number, number] = [-1, -1];

  alerts: DirAlert[] = [];
  alertsDropped = 0;
  /**
   * Timeline events and record headers are made in the record's own shape, `from` filled in when roles are decided
   * (at the end): the record then takes these arrays as they are instead of copying every entry. The direction of
   * entry i is in the matching `...Dirs` array.
   */
  encryptedRecords: RecordFacts[] = [];
  encryptedRecordDirs: Direction[] = [];
  history: [Direction, string][] = [];
  timeline: TimelineEvent[] = [];
  timelineDirs: Direction[] = [];
  timelineDropped = 0;
  notes: string[] = [];
  established = false;
  establishedTs: number | null = null;
  nonTls: { dir: Direction; ts: number; preview: string } | null = null;
  finished = false;
  /** decryption of this connection's handshake, when a key log is in use and the ClientHello was read */
  decrypt: DecryptSession | null = null;
  /** events made now describe decrypted messages */
  decryptedNow = false;
  /** the server side's payload bytes when the ClientHello came: more than these answer it */
  private serverBytesAtHello = 0;
  /** bytes this tracker charged to the memory budget (given back when it ends) */
  private charged = 0;

  constructor(
    readonly endpoints: FlowEndpoints,
    firstTs: number,
    readonly flow: FlowControl,
    private readonly context: TrackerContext,
  ) {
    this.firstTs = firstTs;
    this.lastTs = firstTs;
    this.firstFrame = flow.firstFrame;
    const parserOptions = context.budget === undefined ? {} : { budget: context.budget };
    this.sides = [new Side(this, 0, parserOptions), new Side(this, 1, parserOptions)];
  }

  // ---- TCP events -------------------------------------------------------------------------------------------

  packet(dir: Direction, ts: number, _flags: number, payloadLength: number, ttl: number): void {
    const side = this.sides[dir];
    this.packetIndex++;
    side.packets++;
    side.payloadBytes += payloadLength;
    if (side.firstTtl === null) side.firstTtl = ttl;
    this.lastTs = ts;
  }

  control(dir: Direction, kind: TcpControl, ts: number, ttl: number): void {
    switch (kind) {
      case 'syn':
        if (this.synFrom < 0) {
          this.synFrom = dir;
          this.synTs = ts;
          this.context.awaitAnswer?.(this, ts);
        }
        this.event(ts, dir, 'SYN', ttlText(ttl));
        break;
      case 'syn-ack':
        if (this.synAckFrom < 0) {
          this.synAckFrom = dir;
          this.synAckTs = ts;
        }
        this.event(ts, dir, 'SYN-ACK', ttlText(ttl));
        break;
      case 'fin':
        this.fins.push({ dir, ts, ttl });
        this.event(ts, dir, 'FIN', ttlText(ttl));
        break;
      case 'rst':
        if (this.rst === null) this.rst = { dir, ts, ttl };
        this.event(ts, dir, 'RST', ttlText(ttl));
        break;
      case 'fin-unseen':
        // told as the connection ends, at the time of the ACK that acknowledged it: the timeline is put in order
        this.fins.push({ dir, ts, ttl: 0, unseen: true });
        this.event(ts, dir, 'FIN (not captured)', 'the peer acknowledged it');
        this.sortTimeline();
        break;
    }
  }

  data(dir: Direction, data: Buffer, ts: number): void {
    const side = this.sides[dir];
    if (!side.hasParser) this.charge(STREAM_PARSER_BYTES);
    side.parser.push(data, ts);
  }

  gap(dir: Direction, bytes: number, ts: number): void {
    const side = this.sides[dir];
    side.gapBytes += bytes;
    // TLS 1.3: bytes the client sent after the ServerHello are its encrypted flight even when the capture missed them
    if (this.tls13 && !this.established && dir !== this.serverHelloFrom && this.serverHelloFrom >= 0 && side.firstAppDataPacket < 0) {
      side.appDataAfterServerHello++;
      side.firstAppDataPacket = this.packetIndex;
      side.firstFinishedPacket = this.packetIndex;
      side.firstAppDataTs = ts;
      side.lastAppDataPacket = this.packetIndex;
    }
    this.event(ts, dir, 'gap', `${bytes} bytes not captured`);
    if (!side.hasParser) this.charge(STREAM_PARSER_BYTES);
    side.parser.gap(bytes, ts);
  }

  /** per direction: a reassembly bound made a hole a gap (see end) */
  private readonly holesGivenUp: [boolean, boolean] = [false, false];

  gaveUpHole(dir: Direction): void {
    this.holesGivenUp[dir] = true;
  }

  note(_dir: Direction, _ts: number, message: string): void {
    this.addNote(message);
  }

  end(reason: EndReason, ts: number): void {
    if (this.finished) return;
    this.finished = true;
    this.sides[0].end(ts);
    this.sides[1].end(ts);
    this.context.budget?.release(this.charged);
    this.charged = 0;
    if (this.decrypt !== null) {
      this.decrypt.finish();
      this.sortTimeline();
    }
    if (this.sides[0].tlsStarted || this.sides[1].tlsStarted) {
      this.context.emit(buildRecord(this, this.context, reason, ts));
      return;
    }
    // bytes a reassembly bound gave up before TLS could be recognised (a ClientHello in thousands of interleaved
    // segments): the connection is reported like one that carried nothing, its notes saying what was lost
    const lostToBound = this.holesGivenUp[0] || this.holesGivenUp[1];
    if (!lostToBound && (this.sides[0].payloadBytes !== 0 || this.sides[1].payloadBytes !== 0)) return;
    // a TCP connect that carried nothing: reported when its server speaks TLS, as far as the capture tells
    const server = this.serverIndex();
    const ip = this.endpoints.addr[server];
    const port = this.endpoints.port[server];
    const servers = this.context.tlsServers;
    if (servers.speaksTls(ip, port)) this.context.emit(buildRecord(this, this.context, reason, ts));
    else servers.hold(ip, port, buildRecord(this, this.context, reason, ts));
  }

  // ---- TLS events -------------------------------------------------------------------------------------------

  onTlsStart(dir: Direction, kind: 'tls' | 'sslv2', streamOffset: number, ts: number): void {
    const side = this.sides[dir];
    side.tlsStarted = true;
    side.tlsStartTs = ts;
    const server = this.serverIndex();
    this.context.tlsServers.learn(this.endpoints.addr[server], this.endpoints.port[server]);
    if (streamOffset > 0) this.event(ts, dir, 'TLS starts', `after ${streamOffset} bytes of plaintext`);
    if (kind === 'sslv2') this.sslv2Session = true;
  }

  onRecord(dir: Direction, contentType: number, _version: number, length: number, ts: number): void {
    const side = this.sides[dir];
    const name = contentTypeName(contentType);
    side.recordCounts[name] = (side.recordCounts[name] ?? 0) + 1;
    const encryptedPhase =
      contentType === CONTENT_APPLICATION_DATA || (side.ccsTs !== null && contentType !== 20);
    if (encryptedPhase && side.encryptedRecordsKept < MAX_ENCRYPTED_RECORDS_PER_SIDE) {
      side.encryptedRecordsKept++;
      this.encryptedRecords.push({ from: 'client', ts, contentType, length });
      this.encryptedRecordDirs.push(dir);
    }
  }

  onHandshake(dir: Direction, msgType: number, body: Buffer, ts: number): void {
    this.letter(dir, HANDSHAKE_LETTERS.get(msgType) ?? UNKNOWN_HANDSHAKE_LETTER);
    switch (msgType) {
      case HS_CLIENT_HELLO:
        return this.onClientHello(dir, body, ts, false);
      case HS_SERVER_HELLO:
        return this.onServerHello(dir, body, ts);
      case HS_DRAFT_HELLO_RETRY_REQUEST: {
        const hrr = parseDraftHelloRetryRequest(body);
        if ('error' in hrr) this.addNote(`unreadable HelloRetryRequest: ${hrr.error}`);
        else {
          this.helloRetry = hrr;
          this.helloRetryTs = ts;
        }
        this.event(ts, dir, 'HelloRetryRequest');
        return;
      }
      case HS_CERTIFICATE:
        return this.onCertificate(dir, body, ts);
      case HS_CERTIFICATE_REQUEST:
        this.certificateRequestFrom = dir;
        this.event(ts, dir, 'CertificateRequest');
        return;
      default:
        this.event(ts, dir, MESSAGE_NAMES.get(msgType) ?? `handshake type ${msgType}`);
    }
  }

  private onClientHello(dir: Direction, body: Buffer, ts: number, sslv2: boolean): void {
    this.clientHelloCount++;
    if (this.clientHelloFrom < 0) {
      this.clientHelloFrom = dir;
      this.serverBytesAtHello = this.sides[1 - dir].payloadBytes;
      this.context.awaitAnswer?.(this, ts);
    }
    const parsed = sslv2 ? parseSslv2ClientHello(body) : parseClientHello(body);
    if ('error' in parsed) {
      this.addNote(`unreadable ClientHello: ${parsed.error}`);
      this.event(ts, dir, 'ClientHello', 'unreadable');
      if (this.clientHello === null) {
        this.clientHello = damagedClientHelloFacts(body, ts, sslv2);
        this.clientHelloPacket = this.packetIndex;
      }
      return;
    }
    if (this.clientHello === null) {
      this.charge(HELLO_FACTS_BYTES);
      const secrets = this.context.secrets;
      if (!sslv2 && secrets != null) {
        this.decrypt = new DecryptSession(secrets, parsed.random, dir, parsed.earlyData, new DecryptedFacts(this));
        this.watchProtectedRecords(true);
      }
      this.clientHello = clientHelloFacts(parsed, ts, sslv2, this.context.helloShapes);
      this.clientSessionId = sslv2 || parsed.sessionId.length === 0 ? null : Buffer.from(parsed.sessionId);
      this.clientHelloPacket = this.packetIndex;
    }
    const ch = this.clientHello;
    const offered = ch.supportedVersionNames.length > 0 ? ch.supportedVersionNames.join(', ') : ch.legacyVersionName;
    const sni = parsed.sni === null ? 'no SNI' : `SNI ${parsed.sni}`;
    const label = this.clientHelloCount > 1 ? 'ClientHello (again)' : sslv2 ? 'ClientHello (SSLv2 format)' : 'ClientHello';
    this.event(ts, dir, label, `offers ${offered}; ${parsed.cipherSuites.length} suites; ${sni}`);
  }

  private onServerHello(dir: Direction, body: Buffer, ts: number): void {
    const parsed = parseServerHello(body);
    if ('error' in parsed) {
      this.addNote(`unreadable ServerHello: ${parsed.error}`);
      this.event(ts, dir, 'ServerHello', 'unreadable');
      return;
    }
    if (parsed.helloRetryRequest) {
      this.helloRetry = parsed;
      this.helloRetryTs = ts;
      this.history[this.history.length - 1] = [dir, LETTER_HELLO_RETRY_REQUEST];
      this.event(ts, dir, 'HelloRetryRequest', parsed.keyShareGroup === null ? undefined : `asks for group 0x${parsed.keyShareGroup.toString(16).padStart(4, '0')}`);
      return;
    }
    if (this.serverHello !== null) {
      this.event(ts, dir, 'ServerHello (again)');
      return;
    }
    this.serverHelloFrom = dir;
    this.serverHelloPacket = this.packetIndex;
    this.charge(HELLO_FACTS_BYTES);
    this.serverHello = serverHelloFacts(parsed, ts, this.helloRetry, this.clientSessionId);
    const version = parsed.selectedVersion ?? parsed.legacyVersion;
    this.tls13 = isTls13(version);
    this.event(ts, dir, 'ServerHello', `${versionName(version)}, ${cipherSuiteName(parsed.cipherSuite)}`);
    if (this.decrypt !== null) {
      this.decrypt.serverHello(parsed.random, version, parsed.cipherSuite, parsed.extensions, ts);
      if (!this.decrypt.active) this.watchProtectedRecords(false);
    }
    if (this.pendingCertificates !== null) {
      const pending = this.pendingCertificates;
      this.pendingCertificates = null;
      this.onCertificate(pending.dir, pending.body, pending.ts);
    }
  }

  /** The direction that is the server, as far as the messages tell so far; -1 while unknown. */
  private serverDir(): number {
    if (this.serverHelloFrom >= 0) return this.serverHelloFrom;
    if (this.clientHelloFrom >= 0) return 1 - this.clientHelloFrom;
    return -1;
  }

  onCertificate(dir: Direction, body: Buffer, ts: number): void {
    const server = this.serverDir();
    if (server < 0) {
      this.pendingCertificates = { dir, body, ts };
      return;
    }
    const ders = parseCertificateMessage(body, this.tls13);
    if ('error' in ders) {
      this.addNote(`unreadable Certificate message: ${ders.error}`);
      this.event(ts, dir, 'Certificate', 'unreadable');
      return;
    }
    this.certificateCounts[dir] = ders.length;
    if (dir !== server) {
      this.event(ts, dir, 'Certificate', ders.length === 0 ? 'empty: the client has no certificate to send' : `${ders.length} certificate(s)`);
      return;
    }
    if (this.certificatesTs !== null) return;
    const judged = this.context.certificates.judge(ders, ts, this.clientHello?.sni ?? null);
    this.certificates = judged.facts;
    this.certificateCheck = judged.check;
    this.certificatesTs = ts;
    const leaf = judged.facts[0];
    this.event(ts, dir, 'Certificate', leaf ? `${ders.length} certificate(s); leaf ${leaf.subject}` : 'empty');
  }

  onWantsBody(dir: Direction, contentType: number, version: number, length: number, ts: number): boolean {
    const session = this.decrypt;
    if (session === null) return false;
    const wanted = session.wantsBody(dir, contentType, version, length, ts);
    if (!session.active) this.watchProtectedRecords(false);
    return wanted;
  }

  onProtectedRecord(dir: Direction, _contentType: number, _version: number, body: Buffer | null, _ts: number): void {
    this.decrypt?.record(dir, body);
  }

  private watchProtectedRecords(on: boolean): void {
    this.sides[0].watchProtectedRecords(on);
    this.sides[1].watchProtectedRecords(on);
  }

  /**
   * Decryption that waited for its secrets (a key log still being written) adds its events late: put the timeline
   * back in time order, directions alongside.
   */
  private sortTimeline(): void {
    const timeline = this.timeline;
    let sorted = true;
    for (let i = 1; i < timeline.length && sorted; i++) if (timeline[i].ts < timeline[i - 1].ts) sorted = false;
    if (sorted) return;
    const order = timeline.map((_, i) => i).sort((a, b) => timeline[a].ts - timeline[b].ts || a - b);
    const dirs = this.timelineDirs;
    this.timeline = order.map((i) => timeline[i]);
    this.timelineDirs = order.map((i) => dirs[i]);
  }

  onEncryptedHandshake(dir: Direction, length: number, ts: number): void {
    const side = this.sides[dir];
    this.letter(dir, LETTER_ENCRYPTED_HANDSHAKE);
    this.event(ts, dir, 'encrypted handshake', `${length} bytes (Finished)`);
    if (side.ccsTs !== null) side.finishedAfterCcs = true;
    this.checkEstablished(ts);
  }

  onAlert(dir: Direction, alert: AlertEvent, ts: number): void {
    let { level, description } = alert;
    if (level === null && alert.body !== undefined && this.nullCipher() && alert.body[0] >= 1 && alert.body[0] <= 2) {
      // NULL cipher (RFC 5246 appendix A.5): "encrypted" records are the plaintext followed by the MAC.
      level = alert.body[0];
      description = alert.body[1];
    }
    alert = { ...alert, level, description };
    const encrypted = level === null || description === null;
    if (this.alerts.length >= MAX_ALERTS) {
      // a peer streaming alerts must not grow the record without bound: count the rest
      this.alertsDropped++;
      return;
    }
    const kept: DirAlert = { dir, ts, level, description, encrypted, packet: this.packetIndex };
    if (!encrypted) kept.recordVersion = alert.recordVersion;
    this.alerts.push(kept);
    this.letter(dir, LETTER_ALERT);
    if (encrypted) this.event(ts, dir, 'Alert', `encrypted (${alert.length} bytes)`);
    else {
      const level = alert.level === LEVEL_FATAL ? 'fatal' : alert.level === 1 ? 'warning' : `level ${alert.level}`;
      this.event(ts, dir, 'Alert', `${level} ${alertName(alert.description!)} (${alert.description})`);
    }
  }

  /** the session's suite encrypts nothing (TLS_RSA_WITH_NULL_SHA and kin): its records are readable */
  private nullCipher(): boolean {
    const suite = this.serverHello?.cipherSuite;
    return suite !== undefined && suite !== '' && cipherSuiteInfo(Number.parseInt(suite, 16))?.cipher === 'NULL';
  }

  onChangeCipherSpec(dir: Direction, ts: number): void {
    const side = this.sides[dir];
    if (side.ccsTs === null) side.ccsTs = ts;
    this.letter(dir, LETTER_CHANGE_CIPHER_SPEC);
    this.event(ts, dir, 'ChangeCipherSpec');
  }

  onApplicationData(dir: Direction, length: number, ts: number): void {
    const side = this.sides[dir];
    side.appDataRecords++;
    if (this.serverHello !== null) {
      side.appDataAfterServerHello++;
      if (side.firstAppDataPacket < 0) {
        side.firstAppDataPacket = this.packetIndex;
        side.firstAppDataTs = ts;
      }
      if (side.firstFinishedPacket < 0 && this.tls13 && length >= smallestFinished(this.serverHello.cipherSuite)) {
        side.firstFinishedPacket = this.packetIndex;
      }
      side.lastAppDataPacket = this.packetIndex;
    }
    if (!this.established) {
      if (side.appDataAfterServerHello <= 3) this.letter(dir, LETTER_APPLICATION_DATA);
      if (side.encryptedRecordsKept < MAX_ENCRYPTED_RECORDS_PER_SIDE) this.event(ts, dir, 'encrypted record', `${length} bytes`);
      this.checkEstablished(ts);
    }
  }

  onSslv2(dir: Direction, msgType: number, body: Buffer, ts: number): void {
    const side = this.sides[dir];
    this.sslv2Session = true;
    switch (msgType) {
      case SSLV2_CLIENT_HELLO:
        this.letter(dir, 'C');
        return this.onClientHello(dir, body, ts, true);
      case SSLV2_SERVER_HELLO: {
        this.letter(dir, 'S');
        this.serverHelloFrom = dir;
        const parsed = parseSslv2ServerHello(body);
        if ('error' in parsed) {
          this.addNote(`unreadable SSLv2 SERVER-HELLO: ${parsed.error}`);
          this.event(ts, dir, 'ServerHello (SSLv2)', 'unreadable');
          return;
        }
        this.serverHelloPacket = this.packetIndex;
        this.serverHello = {
          ts,
          version: '0x0002',
          versionName: versionName(2),
          legacyVersion: '0x0002',
          cipherSuite: '',
          cipherSuiteName: '',
          alpn: null,
          group: null,
          groupName: null,
          extensions: [],
          helloRetryRequest: false,
          retryGroup: null,
          sessionResumed: parsed.sessionIdHit,
        };
        this.event(ts, dir, 'ServerHello (SSLv2)');
        if (parsed.certificate !== null && this.certificatesTs === null) {
          const judged = this.context.certificates.judge([parsed.certificate], ts, null);
          this.certificates = judged.facts;
          this.certificateCheck = judged.check;
          this.certificatesTs = ts;
        }
        return;
      }
      case SSLV2_CLIENT_MASTER_KEY: {
        this.letter(dir, 'G');
        side.sslv2MasterKey = true;
        const masterKey = parseSslv2ClientMasterKey(body);
        // SSLv2 has the client choose: the cipher kind of CLIENT-MASTER-KEY is the session's cipher
        if (!('error' in masterKey) && this.serverHello !== null && this.serverHello.cipherSuite === '') {
          this.serverHello.cipherSuite = hex24(masterKey.cipherKind);
          this.serverHello.cipherSuiteName = sslv2CipherKindName(masterKey.cipherKind);
        }
        this.event(ts, dir, 'ClientMasterKey (SSLv2)', this.serverHello?.cipherSuiteName || undefined);
        return;
      }
      case -1:
        side.sslv2Encrypted++;
        if (side.sslv2Encrypted === 1) this.letter(dir, LETTER_SSLV2);
        this.checkEstablished(ts);
        return;
      default:
        this.event(ts, dir, `SSLv2 message ${msgType}`);
    }
  }

  onPlaintext(dir: Direction, data: Buffer, ts: number): void {
    const side = this.sides[dir];
    side.keepPlaintext(data, ts);
    // A peer answering a ClientHello with bytes that are not TLS: remember what it said.
    if (this.nonTls === null && this.clientHelloFrom >= 0 && this.clientHelloFrom !== dir && !side.tlsStarted) {
      this.nonTls = { dir, ts, preview: describePlaintext(data) };
      this.event(ts, dir, 'non-TLS data', this.nonTls.preview);
    }
  }

  onMalformed(dir: Direction, reason: string, ts: number): void {
    this.addNote(`${dir === this.clientHelloFrom ? 'client' : 'peer'} stream: ${reason}`);
    this.event(ts, dir, 'malformed', reason);
  }

  // ---- handshake completion -----------------------------------------------------------------------------------

  /**
   * TLS ≤ 1.2: both sides sent ChangeCipherSpec and then an encrypted handshake record (their Finished).
   * TLS 1.3: after the ServerHello the client sent an encrypted record the size of a Finished (not of an alert), and
   * then either a second one or the server answered in a later packet, with no fatal alert (plaintext, or opened with
   * a key log) before it.
   * SSLv2: CLIENT-MASTER-KEY, then encrypted records from both sides.
   */
  private checkEstablished(ts: number): void {
    if (this.established || this.serverHelloFrom < 0) return;
    const server = this.sides[this.serverHelloFrom];
    const client = this.sides[1 - this.serverHelloFrom];
    let done = false;
    if (this.sslv2Session && this.serverHello?.version === '0x0002') {
      done = client.sslv2MasterKey && client.sslv2Encrypted > 0 && server.sslv2Encrypted > 0;
    } else if (this.tls13) {
      // the client's Finished, not an alert-sized record: JSSE sends its CertificateVerify and Finished tens of ms
      // after its Certificate, so they can arrive after a client's encrypted alert and look like an answer to it
      if (client.firstFinishedPacket >= 0) {
        const serverLater = server.lastAppDataPacket > client.firstFinishedPacket;
        // a fatal alert before it, in plaintext or opened with a key log
        const fatalBefore = this.alerts.some(
          (a) => (!a.encrypted || a.decrypted === true) && a.level === LEVEL_FATAL && a.packet <= client.firstFinishedPacket,
        );
        done = !fatalBefore && (client.appDataAfterServerHello >= 2 || serverLater);
      }
    } else {
      done = client.finishedAfterCcs && server.finishedAfterCcs;
    }
    if (done) {
      this.established = true;
      this.establishedTs = ts;
      this.event(ts, this.serverHelloFrom as Direction, 'handshake complete');
      // Past the handshake: keep counting records and watching for alerts, FIN and RST, but buffer nothing.
      this.flow.lighten();
      this.sides[0].lighten();
      this.sides[1].lighten();
    }
  }

  /**
   * Since when the connection has waited for the server with no answer: its ClientHello (no byte, FIN or RST from
   * the server after it), else its SYN (nothing at all from the other side); -1 when it waits for nothing.
   */
  awaitingSince(): number {
    if (this.finished || this.rst !== null) return -1;
    if (this.clientHelloFrom >= 0) {
      const server = 1 - this.clientHelloFrom;
      if (this.sides[server].payloadBytes > this.serverBytesAtHello) return -1;
      for (const fin of this.fins) if (fin.dir === server) return -1;
      return this.clientHello?.ts ?? -1;
    }
    if (this.synFrom >= 0 && this.synAckFrom < 0 && this.sides[1 - this.synFrom].packets === 0) return this.synTs ?? -1;
    return -1;
  }

  // ---- bookkeeping ------------------------------------------------------------------------------------------

  /** The endpoint index of the server as TCP tells it: the receiver of the SYN (or sender of the SYN-ACK). */
  private serverIndex(): 0 | 1 {
    if (this.synFrom >= 0 || this.synAckFrom >= 0) return this.synFrom === 1 || this.synAckFrom === 0 ? 0 : 1;
    // no handshake seen: the ClientHello's sender is the client
    return this.clientHelloFrom === 1 ? 0 : 1;
  }

  private letter(dir: Direction, letter: string): void {
    if (this.history.length < MAX_HISTORY) this.history.push([dir, letter]);
  }

  event(ts: number, dir: Direction, event: string, detail?: string): void {
    if (this.timeline.length >= MAX_TIMELINE) {
      this.timelineDropped++;
      return;
    }
    const entry: TimelineEvent = detail === undefined ? { ts, from: 'client', event } : { ts, from: 'client', event, detail };
    if (this.decryptedNow) entry.decrypted = true;
    this.timeline.push(entry);
    this.timelineDirs.push(dir);
    this.charge(EVENT_BYTES);
  }

  addNote(message: string): void {
    if (this.notes.length < 32 && !this.notes.includes(message)) {
      this.notes.push(message);
      this.charge(EVENT_BYTES);
    }
  }

  /** Charges the memory budget for state this tracker keeps until it ends. */
  private charge(bytes: number): void {
    if (this.finished || this.context.budget === undefined) return;
    this.context.budget.charge(bytes);
    this.charged += bytes;
  }
}
