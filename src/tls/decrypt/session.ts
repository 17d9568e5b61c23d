/**
 * Decryption of one connection's handshake with the secrets of a key log. Driven by the connection tracker: told the
 * hellos, asked at every record header whether it wants the record's body, handed the bodies it wanted, in order per
 * direction. Gives back what was inside — handshake messages and alerts — and plain-words notes. Never opens
 * application data:
 *
 * - TLS 1.3 (RFC 8446 §7): every protected record (outer type 23) after the ServerHello is under the sender's
 *   handshake traffic keys until the sender's Finished; all of them are opened. After the Finished, the sender is
 *   under its application traffic keys, and a record is opened only when it is exactly as long as an unpadded alert
 *   (2 bytes + inner type + tag); one that turns out to be anything else is wiped unread. NewSessionTicket, KeyUpdate
 *   and 0-RTT early data share keys with application data and stay closed.
 * - TLS ≤ 1.2 (RFC 5246 §6.1–6.3): records after the sender's ChangeCipherSpec are counted; handshake records (the
 *   Finished) and alerts are opened, application-data records never (their type is in the clear).
 *
 * Sequence numbers count every protected record of a direction (§5.3, RFC 5246 §6.1), whether opened or not.
 */
import type { Direction } from '../../tcp/types.js';
import { suiteProtection, type BulkCipher, type SuiteProtection } from './ciphers.js';
import { DecryptedHandshakeReader } from './handshake-reader.js';
import { tls12KeyBlock, trafficKeys } from './kdf.js';
import type { KeyLog, SecretSource, SessionSecrets } from './keylog.js';
import { openTls12Record, openTls13Record, type Tls12RecordKeys } from './protection.js';

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const HS_FINISHED = 20;
/** bodies kept per direction while the session's secrets are not known yet (a key log still being written) */
const MAX_PENDING_BYTES = 128 * 1024;
/** records queued per direction while waiting for the secrets; a session that outlasts this is given up */
const MAX_PENDING_RECORDS = 4096;
/**
 * How long after the ServerHello a session's secrets may still come (a client writes them within milliseconds of
 * deriving them; the key log is read again every half second): past this the records kept for them are let go.
 */
const MAX_WAIT_SECONDS = 5;
/** early-data records skipped before the client's handshake flight: beyond this, the key is wrong */
const MAX_EARLY_DATA_RECORDS = 16;

/** What the session hands back. `dir` is a stream direction; the tracker knows which is the client. */
export interface DecryptedEvents {
  decryptedHandshake(dir: Direction, msgType: number, body: Buffer, ts: number): void;
  /** `inAlertRecord`: the record's outer type was alert (TLS ≤ 1.2), so the tracker already holds it as encrypted */
  decryptedAlert(dir: Direction, level: number, description: number, inAlertRecord: boolean, ts: number): void;
  decryptNote(message: string): void;
}

interface QueuedRecord {
  type: number;
  version: number;
  length: number;
  body: Buffer | null;
  /** asked for, and its body not handed yet */
  awaiting: boolean;
  ts: number;
}

type Epoch = 'handshake' | 'application' | 'closed';

/** One direction's protection state. */
interface DirectionState {
  role: 'client' | 'server';
  queue: QueuedRecord[];
  queuedBytes: number;
  /** TLS ≤ 1.2: ChangeCipherSpec seen, records are protected */
  protectedPhase: boolean;
  epoch: Epoch;
  seq: bigint;
  keys13: { key: Buffer; iv: Buffer } | null;
  keys12: Tls12RecordKeys | null;
  /** TLS 1.0 CBC: the chained IV is lost once a record went by unseen */
  chainLost: boolean;
  handshake: DecryptedHandshakeReader;
  opened: number;
  failed: number;
  earlySkipped: number;
  /** protected records seen */
  seen: number;
  missingSecret: string | null;
}

function newDirection(role: 'client' | 'server'): DirectionState {
  return {
    role,
    queue: [],
    queuedBytes: 0,
    protectedPhase: false,
    epoch: 'handshake',
    seq: 0n,
    keys13: null,
    keys12: null,
    chainLost: false,
    handshake: new DecryptedHandshakeReader(),
    opened: 0,
    failed: 0,
    earlySkipped: 0,
    seen: 0,
    missingSecret: null,
  };
}

export class DecryptSession {
  private readonly dirs: [DirectionState, DirectionState];
  private serverRandom: Buffer | null = null;
  private version = 0;
  private tls13 = false;
  private protection: SuiteProtection | null = null;
  private secrets: SessionSecrets | undefined;
  /** 'off': nothing more to do for this connection (no hello, no key, unsupported suite) */
  private state: 'hello' | 'waiting-secrets' | 'ready' | 'off' = 'hello';
  private offReason: string | null = null;
  private readonly clientRandom: Buffer;
  private readonly clientRandomHex: string;

  constructor(
    private readonly keyLog: KeyLog,
    clientRandom: Buffer,
    private readonly clientDir: Direction,
    private readonly earlyDataOffered: boolean,
    private readonly events: DecryptedEvents,
  ) {
    this.clientRandom = Buffer.from(clientRandom);
    this.clientRandomHex = this.clientRandom.toString('hex');
    this.dirs = clientDir === 0 ? [newDirection('client'), newDirection('server')] : [newDirection('server'), newDirection('client')];
  }

  /** The ServerHello (not a HelloRetryRequest): version and suite are known, the secrets can be looked for. */
  serverHello(serverRandom: Buffer, version: number, suite: number, extensions: readonly number[], ts: number): void {
    if (this.state !== 'hello') return;
    this.serverHelloTs = ts;
    this.serverRandom = Buffer.from(serverRandom);
    this.version = version;
    this.tls13 = version === 0x0304;
    if (version < 0x0301 || version > 0x0304) return this.turnOff(`version 0x${version.toString(16)} is not decrypted`);
    const protection = suiteProtection(suite);
    if ('unsupported' in protection) return this.turnOff(protection.unsupported);
    this.protection = protection;
    this.encryptThenMac = !this.tls13 && protection.cipher.kind === 'cbc' && extensions.includes(EXT_ENCRYPT_THEN_MAC);
    this.state = 'waiting-secrets';
    this.resolveSecrets();
  }

  private encryptThenMac = false;
  private serverHelloTs = 0;

  /** Whether records still matter to this session (the tracker stops asking once it says no). */
  get active(): boolean {
    return this.state !== 'off';
  }

  /** Called at every record header of direction `dir`; true asks for the record's body (handed to `record`). */
  wantsBody(dir: Direction, type: number, version: number, length: number, ts: number): boolean {
    if (this.state === 'hello' || this.state === 'off') return false;
    const d = this.dirs[dir];
    const previous = d.queue[d.queue.length - 1];
    // a record whose body never came (framing lost inside it) is counted without one
    if (previous !== undefined && previous.awaiting) previous.awaiting = false;
    if (!this.tls13) {
      if (type === CONTENT_CHANGE_CIPHER_SPEC) {
        if (!d.protectedPhase) d.protectedPhase = true;
        return false;
      }
      if (!d.protectedPhase) return false;
    } else if (type !== CONTENT_APPLICATION_DATA) {
      return false;
    }
    d.seen++;
    d.seen++;
    if (this.state === 'waiting-secrets') {
      this.resolveSecrets();
      if (this.state === 'waiting-secrets' && (d.queue.length >= MAX_PENDING_RECORDS || ts - this.serverHelloTs > MAX_WAIT_SECONDS)) {
        this.turnOff('the secrets of this session were not in the key log in time');
        return false;
      }
      if (!this.active) return false;
    }
    const wanted = this.wanted(d, type, length);
    d.queue.push({ type, version, length, body: null, awaiting: wanted, ts });
    if (!wanted) this.drain(dir);
    return wanted;
  }

  /** The body of the record last asked for in `dir` (a copy the session may keep), or null when it was cut by a gap. */
  record(dir: Direction, body: Buffer | null): void {
    const d = this.dirs[dir];
    const last = d.queue[d.queue.length - 1];
    if (last === undefined || !last.awaiting) return;
    last.awaiting = false;
    last.body = body;
    if (body !== null) d.queuedBytes += body.length;
    this.drain(dir);
  }

  /** The connection ended: a last look for secrets (a key log still being written), then the notes. */
  finish(): void {
    for (const d of this.dirs) for (const record of d.queue) record.awaiting = false;
    if (this.state === 'waiting-secrets') {
      this.resolveSecrets();
      if (this.state === 'waiting-secrets') {
        this.events.decryptNote(`key log: no secrets for this session (client random ${this.clientRandom.toString('hex', 0, 8)}…)`);
        this.state = 'off';
      }
    }
    if (this.offReason !== null) this.events.decryptNote(`key log: not decrypted: ${this.offReason}`);
    for (const d of this.dirs) {
      if (d.missingSecret !== null && d.seen > 0) this.events.decryptNote(`key log: the ${d.role}'s ${d.missingSecret} is not in the key log; its records stay encrypted`);
      if (d.failed > 0) {
        this.events.decryptNote(
          `key log: ${d.failed} protected record(s) of the ${d.role} did not open with the logged secrets (a key log of another run, or a damaged one)`,
        );
      }
    }
  }

  /** Directions at least one record of which was opened. */
  decryptedDirections(): Direction[] {
    const out: Direction[] = [];
    for (let dir = 0; dir < 2; dir++) if (this.dirs[dir].opened > 0) out.push(dir as Direction);
    return out;
  }

  get source(): SecretSource | null {
    return this.secrets?.source ?? null;
  }

  // ---- internals --------------------------------------------------------------------------------------------

  private turnOff(reason: string): void {
    this.state = 'off';
    this.offReason = reason;
    for (const d of this.dirs) {
      d.queue = [];
      d.queuedBytes = 0;
    }
  }

  private resolveSecrets(): void {
    const secrets = this.keyLog.lookupHex(this.clientRandomHex);
    if (secrets === undefined || !this.hasSecretsFor(secrets)) {
      if (!this.keyLog.growing) {
        this.state = 'off';
        if (secrets === undefined) {
          this.offReason = null;
          this.events.decryptNote(`key log: no secrets for this session (client random ${this.clientRandom.toString('hex', 0, 8)}…)`);
        } else this.offReason = this.tls13 ? 'the key log has only TLS 1.2 secrets for this TLS 1.3 session' : 'the key log has no CLIENT_RANDOM master secret for this session';
      }
      return;
    }
    this.secrets = secrets;
    this.state = 'ready';
    this.setUpKeys();
    this.drain(0);
    this.drain(1);
  }

  private hasSecretsFor(secrets: SessionSecrets): boolean {
    if (this.tls13) return secrets.clientHandshake !== undefined || secrets.serverHandshake !== undefined;
    return secrets.masterSecret !== undefined;
  }

  private setUpKeys(): void {
    const secrets = this.secrets!;
    const { cipher, hash, mac } = this.protection!;
    if (this.tls13) {
      for (const d of this.dirs) {
        const secret = d.role === 'client' ? secrets.clientHandshake : secrets.serverHandshake;
        if (secret === undefined) {
          d.epoch = 'closed';
          d.missingSecret = `${d.role.toUpperCase()}_HANDSHAKE_TRAFFIC_SECRET`;
        } else d.keys13 = trafficKeys(hash, secret, cipher.keyLength);
      }
      return;
    }
    const macLength = mac?.length ?? 0;
    const block = tls12KeyBlock(
      this.version,
      hash,
      secrets.masterSecret!,
      this.clientRandom,
      this.serverRandom!,
      macLength,
      cipher.keyLength,
      cipher.fixedIvLength,
    );
    for (const d of this.dirs) {
      const client = d.role === 'client';
      d.keys12 = {
        cipher,
        key: client ? block.clientKey : block.serverKey,
        iv: client ? block.clientIv : block.serverIv,
        macKey: client ? block.clientMacKey : block.serverMacKey,
        mac,
        encryptThenMac: this.encryptThenMac,
      };
    }
  }

  /** Whether a protected record of this length is to be opened (as far as known before the secrets are). */
  private wanted(d: DirectionState, type: number, length: number): boolean {
    if (this.state === 'waiting-secrets') {
      // not known yet which records are handshake ones: keep them while the bound allows
      return d.queuedBytes + length <= MAX_PENDING_BYTES && (this.tls13 || type !== CONTENT_APPLICATION_DATA);
    }
    if (d.epoch === 'closed') return false;
    if (!this.tls13) return type === CONTENT_HANDSHAKE || type === CONTENT_ALERT;
    if (d.epoch === 'handshake') return true;
    return length === alertRecordLength(this.protection!.cipher);
  }

  private drain(dir: number): void {
    if (this.state !== 'ready') return;
    const d = this.dirs[dir];
    while (d.queue.length > 0) {
      const record = d.queue[0];
      if (record.awaiting) break;
      d.queue.shift();
      if (record.body !== null) d.queuedBytes -= record.body.length;
      if (this.tls13) this.open13(dir as Direction, d, record);
      else this.open12(dir as Direction, d, record);
    }
  }

  private open13(dir: Direction, d: DirectionState, record: QueuedRecord): void {
    const cipher = this.protection!.cipher;
    if (d.epoch === 'closed' || d.keys13 === null) return;
    const seq = d.seq;
    const body = record.body;
    const wanted = d.epoch === 'handshake' || record.length === alertRecordLength(cipher);
    if (body === null || !wanted) {
      d.seq++;
      return;
    }
    const header = Buffer.of(record.type, record.version >> 8, record.version & 0xff, record.length >> 8, record.length & 0xff);
    const opened = openTls13Record(cipher, d.keys13.key, d.keys13.iv, seq, header, body);
    if (opened === null) {
      if (d.role === 'client' && d.epoch === 'handshake' && d.opened === 0 && this.earlyDataOffered && d.earlySkipped < MAX_EARLY_DATA_RECORDS) {
        // 0-RTT early data (under the early traffic keys) before the client's handshake flight: left closed
        d.earlySkipped++;
        return;
      }
      d.seq++;
      d.failed++;
      return;
    }
    d.seq++;
    d.opened++;
    if (d.epoch === 'application') {
      if (opened.type === CONTENT_ALERT) this.alerts(dir, opened.content, false, record.ts);
      opened.content.fill(0);
      return;
    }
    if (opened.type === CONTENT_ALERT) {
      this.alerts(dir, opened.content, false, record.ts);
      return;
    }
    if (opened.type !== CONTENT_HANDSHAKE) {
      opened.content.fill(0);
      return;
    }
    for (const message of d.handshake.push(opened.content)) {
      this.events.decryptedHandshake(dir, message.type, message.body, record.ts);
      if (message.type === HS_FINISHED) this.enterApplicationEpoch(d);
    }
  }

  /** RFC 8446 §7.2: after its Finished, a sender protects with its application traffic secret, sequence from 0. */
  private enterApplicationEpoch(d: DirectionState): void {
    const secret = d.role === 'client' ? this.secrets!.clientTraffic0 : this.secrets!.serverTraffic0;
    d.seq = 0n;
    if (secret === undefined) {
      d.epoch = 'closed';
      d.keys13 = null;
      return;
    }
    d.epoch = 'application';
    d.keys13 = trafficKeys(this.protection!.hash, secret, this.protection!.cipher.keyLength);
  }

  private open12(dir: Direction, d: DirectionState, record: QueuedRecord): void {
    const keys = d.keys12;
    const seq = d.seq;
    d.seq++;
    const cbcChained = keys !== null && keys.cipher.kind === 'cbc' && this.version < 0x0302;
    if (keys === null || record.body === null || record.type === CONTENT_APPLICATION_DATA) {
      if (cbcChained) d.chainLost = true;
      return;
    }
    if (cbcChained && d.chainLost) return;
    const content = openTls12Record(keys, record.version, seq, record.type, record.body);
    if (cbcChained) {
      // TLS 1.0: the next record's IV is this record's last ciphertext block (RFC 2246 §6.2.3.2)
      keys.iv = Buffer.from(record.body.subarray(record.body.length - keys.cipher.blockLength));
    }
    if (content === null) {
      d.failed++;
      return;
    }
    d.opened++;
    if (record.type === CONTENT_ALERT) this.alerts(dir, content, true, record.ts);
    else for (const message of d.handshake.push(content)) this.events.decryptedHandshake(dir, message.type, message.body, record.ts);
  }

  private alerts(dir: Direction, content: Buffer, inAlertRecord: boolean, ts: number): void {
    for (let i = 0; i + 1 < content.length; i += 2) this.events.decryptedAlert(dir, content[i], content[i + 1], inAlertRecord, ts);
  }
}

/** encrypt_then_mac (RFC 7366) */
const EXT_ENCRYPT_THEN_MAC = 22;

/** An unpadded TLS 1.3 alert record: level, description, inner content type, tag. */
function alertRecordLength(cipher: BulkCipher): number {
  return 2 + 1 + cipher.tagLength;
}
