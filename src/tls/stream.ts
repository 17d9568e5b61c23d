/**
 * The TLS stream parser of ONE direction of a TCP stream: finds where TLS (or SSLv2) framing starts, frames records,
 * reassembles handshake messages and reports them to a TlsDirectionListener. Role-agnostic and pure: bytes in,
 * events out, nothing thrown, nothing logged.
 *
 * Records are framed here (their header, RFC 8446 §5.1, is judged in record-header.ts; it may be split anywhere
 * across pushes); handshake messages are rebuilt from them by handshake-assembler.ts (RFC 8446 §4).
 *
 * Cost model: inside an application-data record a push costs a subtraction; encrypted payload is never copied.
 * What outlives a push is copied once: a split record header (5 bytes), a split handshake message, an alert body,
 * a handshake record sent after ChangeCipherSpec (judged whole: encrypted Finished or TLS 1.3 compatibility-mode hello).
 */
import type { TlsDirectionListener, TlsStreamParserOptions } from './events.js';
import type { MemoryBudget } from '../tcp/memory-budget.js';
import { embeddedTlsCandidates } from './preamble.js';
import { SSLV2_START_PROBE_BYTES, Sslv2Framer } from './sslv2-framing.js';
import { EMPTY, HandshakeAssembler, isPlaintextHandshakeRun } from './handshake-assembler.js';
import {
  CONTENT_ALERT,
  CONTENT_APPLICATION_DATA,
  CONTENT_CHANGE_CIPHER_SPEC,
  CONTENT_HANDSHAKE,
  RECORD_HEADER_BYTES,
  START_NEED_MORE,
  START_PLAINTEXT,
  START_SSLV2,
  classifyStreamStart,
  describeBadHeader,
  findConfirmedRecord,
  isConfirmedRecordStart,
  isLikelyRecordStart,
  isRecordHeader,
} from './record-header.js';

export type TlsStreamMode = 'detect' | 'plaintext' | 'tls' | 'sslv2' | 'given-up';

/** an alert is 2 bytes (RFC 8446 §6); a plaintext record may carry a few of them */
const MAX_PLAINTEXT_ALERT_RECORD = 16;
/** an encrypted alert record small enough to keep its body (2 bytes + MAC/tag/padding), for NULL-cipher sessions */
const MAX_KEPT_ENCRYPTED_ALERT = 64;

const DEFAULT_MAX_PLAINTEXT = 65536;
const DEFAULT_MAX_HANDSHAKE_MESSAGE = 1 << 20;

/** what happens to the body bytes of the current record */
const BODY_SKIP = 0;
const BODY_HANDSHAKE = 1;
const BODY_COLLECT = 2;

export class TlsStreamParser {
  private currentMode: TlsStreamMode = 'detect';
  private readonly maxPlaintext: number;
  private readonly handshakes: HandshakeAssembler;
  private sslv2Framer: Sslv2Framer | null = null;
  /** stream bytes seen so far, pushed or missing */
  private streamOffset = 0;
  private plaintextBytes = 0;
  private ended = false;
  private lightened = false;

  /** the first bytes of the stream, held while they are too few to tell TLS from SSLv2 from plaintext */
  private readonly probe = Buffer.allocUnsafe(SSLV2_START_PROBE_BYTES);
  private probeHave = 0;

  private readonly header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  private headerHave = 0;
  private contentType = 0;
  private recordLength = 0;
  /** body bytes of the current record not yet seen; 0 between records */
  private recordLeft = 0;
  private bodyMode = BODY_SKIP;
  private collected: Buffer = EMPTY;
  private collectedHave = 0;
  private recordDamaged = false;
  private afterChangeCipherSpec = false;
  private resyncing = false;
  /** decryption asked to see protected records: each header is offered to listener.wantsBody */
  private bodiesWatched = false;
  /** the current record's body goes to listener.protectedRecord when complete */
  private handOver = false;
  private recordVersion = 0;
  private readonly budget: MemoryBudget | undefined;
  /** bytes of `collected` charged to the memory budget */
  private collectedCharged = 0;

  constructor(
    private readonly listener: TlsDirectionListener,
    options: TlsStreamParserOptions = {},
  ) {
    this.maxPlaintext = options.maxPlaintext ?? DEFAULT_MAX_PLAINTEXT;
    this.budget = options.budget;
    this.handshakes = new HandshakeAssembler(listener, options.maxHandshakeMessage ?? DEFAULT_MAX_HANDSHAKE_MESSAGE, this.budget);
  }

  get mode(): TlsStreamMode {
    return this.currentMode;
  }

  /** In-order stream bytes; `data` is a view valid only during the call. */
  push(data: Buffer, ts: number): void {
    const length = data.length;
    if (length === 0 || this.ended) return;
    const offset = this.streamOffset;
    this.streamOffset = offset + length;
    switch (this.currentMode) {
      case 'tls':
        if (this.bodyMode === BODY_SKIP && this.recordLeft >= length) {
          // the hot path: a segment wholly inside an application-data (or other skipped) record
          this.recordLeft -= length;
          return;
        }
        if (this.resyncing && length >= RECORD_HEADER_BYTES && isLikelyRecordStart(data, 0)) this.resyncing = false;
        this.consumeTls(data, 0, ts);
        return;
      case 'sslv2':
        this.consumeSslv2(data, 0, ts);
        return;
      case 'plaintext':
        this.pushPlaintext(data, offset, ts);
        return;
      case 'detect':
        this.pushDetect(data, ts);
        return;
      case 'given-up':
        return;
    }
  }

  /** `bytes` of the stream were never captured; the stream continues after them. */
  gap(bytes: number, ts: number): void {
    if (bytes <= 0 || this.ended) return;
    this.streamOffset += bytes;
    switch (this.currentMode) {
      case 'detect':
        // the stream's first bytes are lost: what follows starts mid-stream, watched like a plaintext preamble
        if (this.probeHave > 0) this.listener.plaintext(this.probe.subarray(0, this.probeHave), ts);
        this.plaintextBytes += this.probeHave;
        this.probeHave = 0;
        this.currentMode = 'plaintext';
        return;
      case 'sslv2':
        if (this.sslv2Framer!.gap(bytes, ts)) return;
        this.sslv2Framer = null;
        this.currentMode = 'tls';
        this.loseFraming(`${bytes} bytes missing between SSLv2 records`, ts);
        return;
      case 'tls':
        this.gapTls(bytes, ts);
        return;
      default:
        return;
    }
  }

  /** The stream is over; reports what was left incomplete. Later calls are ignored. */
  end(ts: number): void {
    if (this.ended) return;
    this.ended = true;
    switch (this.currentMode) {
      case 'detect':
        if (this.probeHave > 0) this.listener.plaintext(this.probe.subarray(0, this.probeHave), ts);
        return;
      case 'sslv2':
        this.sslv2Framer!.end(ts);
        return;
      case 'tls':
        if (this.resyncing) return;
        if (this.headerHave > 0) this.listener.malformed('stream ended inside a record header', ts);
        if (this.bodyMode === BODY_COLLECT && this.recordLeft > 0) {
          this.bodyMode = BODY_SKIP;
          this.releaseCollected();
          // the header announced it: report the record as far as it can be read
          if (this.contentType === CONTENT_ALERT) this.emitUnreadableAlert(ts);
          else if (this.contentType === CONTENT_HANDSHAKE && !this.lightened) this.listener.encryptedHandshake(this.recordLength, ts);
          if (this.handOver) {
            this.handOver = false;
            this.listener.protectedRecord!(this.contentType, this.recordVersion, null, ts);
          }
        }
        this.handshakes.end(ts);
        return;
      default:
        return;
    }
  }

  /**
   * Decryption wants protected records (a key log is in use): from now on every record header is offered to
   * `listener.wantsBody`, and the bodies it asks for are copied and handed to `listener.protectedRecord`. Off by
   * default, so a run without key logs copies nothing more than before.
   */
  watchProtectedRecords(on: boolean): void {
    this.bodiesWatched = on && this.listener.wantsBody !== undefined;
  }

  /**
   * The connection is past its handshake: drop partial handshake buffers and stop reassembling. Handshake records are
   * then reported from their header alone, as encryptedHandshake (all of them are, once both sides encrypt).
   */
  lighten(): void {
    this.lightened = true;
    this.handshakes.reset();
    this.sslv2Framer?.lighten();
  }

  private pushDetect(data: Buffer, ts: number): void {
    if (this.probeHave === 0) {
      const verdict = classifyStreamStart(data, data.length);
      if (verdict !== START_NEED_MORE) {
        this.begin(verdict, data, 0, data, 0, ts);
        return;
      }
      data.copy(this.probe, 0);
      this.probeHave = data.length;
      return;
    }
    const held = this.probeHave;
    const take = Math.min(SSLV2_START_PROBE_BYTES - held, data.length);
    data.copy(this.probe, held, 0, take);
    this.probeHave = held + take;
    const verdict = classifyStreamStart(this.probe, this.probeHave);
    if (verdict === START_NEED_MORE) return;
    if (verdict === START_PLAINTEXT) {
      // only the held bytes are judged plaintext: this push starts a segment of its own and gets the plaintext check
      this.probeHave = 0;
      this.currentMode = 'plaintext';
      this.emitPlaintext(this.probe.subarray(0, held), ts);
      if (this.currentMode === 'plaintext') this.pushPlaintext(data, this.streamOffset - data.length, ts);
      return;
    }
    this.begin(verdict, this.probe.subarray(0, this.probeHave), 0, data, take, ts);
    this.probeHave = 0;
  }

  /**
   * Starts the framing chosen at stream start over `first[firstFrom..]`, then `rest[restFrom..]` when the first
   * bytes were held in the probe (`first` is then the probe and `rest` the push that completed it).
   */
  private begin(verdict: number, first: Buffer, firstFrom: number, rest: Buffer, restFrom: number, ts: number): void {
    if (verdict === START_PLAINTEXT) {
      this.currentMode = 'plaintext';
      if (first === rest) this.pushPlaintext(first, 0, ts);
      else this.emitPlaintext(first, ts);
      return;
    }
    if (verdict === START_SSLV2) {
      this.currentMode = 'sslv2';
      this.sslv2Framer = new Sslv2Framer(this.listener, isLikelyRecordStart);
      this.listener.tlsStart('sslv2', 0, ts);
      this.consumeSslv2(first, firstFrom, ts);
    } else {
      this.currentMode = 'tls';
      this.listener.tlsStart('tls', 0, ts);
      this.consumeTls(first, firstFrom, ts);
    }
    if (first !== rest && restFrom < rest.length) this.consumeFramed(rest, restFrom, ts);
  }

  private pushPlaintext(data: Buffer, offset: number, ts: number): void {
    const startsTls =
      data.length >= RECORD_HEADER_BYTES &&
      ((data[0] === CONTENT_HANDSHAKE && isLikelyRecordStart(data, 0, 0)) ||
        isConfirmedRecordStart(data, 0, data.length));
    if (startsTls) {
      this.currentMode = 'tls';
      this.listener.tlsStart('tls', offset, ts);
      this.consumeTls(data, 0, ts);
      return;
    }
    // a PROXY protocol header or a plaintext line sent in the same segment as the ClientHello
    for (const at of embeddedTlsCandidates(data)) {
      if (at < data.length && data[at] === CONTENT_HANDSHAKE && isConfirmedRecordStart(data, at, data.length)) {
        this.emitPlaintext(data.subarray(0, at), ts);
        if (this.currentMode !== 'plaintext') return;
        this.currentMode = 'tls';
        this.listener.tlsStart('tls', offset + at, ts);
        this.consumeTls(data, at, ts);
        return;
      }
    }
    this.emitPlaintext(data, ts);
  }

  private emitPlaintext(data: Buffer, ts: number): void {
    if (data.length === 0) return;
    this.listener.plaintext(data, ts);
    this.plaintextBytes += data.length;
    if (this.plaintextBytes >= this.maxPlaintext) this.currentMode = 'given-up';
  }

  private consumeFramed(data: Buffer, pos: number, ts: number): void {
    if (this.currentMode === 'sslv2') this.consumeSslv2(data, pos, ts);
    else this.consumeTls(data, pos, ts);
  }

  private consumeSslv2(data: Buffer, pos: number, ts: number): void {
    const framer = this.sslv2Framer!;
    const tlsAt = framer.consume(data, pos, ts);
    if (tlsAt < 0) return;
    // RFC 5246 E.2: an SSLv2-format ClientHello, then TLS records
    this.currentMode = 'tls';
    this.sslv2Framer = null;
    if (framer.heldTlsHeaderBytes > 0) this.consumeTls(framer.heldTlsHeader(), 0, ts);
    this.consumeTls(data, tlsAt, ts);
  }

  private consumeTls(data: Buffer, pos: number, ts: number): void {
    const end = data.length;
    while (pos < end) {
      if (this.resyncing) {
        const found = findConfirmedRecord(data, pos);
        if (found < 0) return;
        this.resyncing = false;
        pos = found;
      }
      if (this.recordLeft > 0) {
        const take = Math.min(this.recordLeft, end - pos);
        if (this.bodyMode === BODY_HANDSHAKE) {
          this.handshakes.feed(data, pos, pos + take, ts);
        } else if (this.bodyMode === BODY_COLLECT) {
          data.copy(this.collected, this.collectedHave, pos, pos + take);
          this.collectedHave += take;
        }
        pos += take;
        this.recordLeft -= take;
        if (this.recordLeft === 0) this.finishRecord(ts);
        continue;
      }
      if (this.headerHave === 0 && end - pos >= RECORD_HEADER_BYTES) {
        if (!isRecordHeader(data, pos)) {
          this.loseFraming(describeBadHeader(data, pos), ts);
          pos += 1;
          continue;
        }
        this.startRecord(data, pos, ts);
        pos += RECORD_HEADER_BYTES;
        continue;
      }
      const headerStart = pos;
      const take = Math.min(RECORD_HEADER_BYTES - this.headerHave, end - pos);
      data.copy(this.header, this.headerHave, pos, pos + take);
      this.headerHave += take;
      pos += take;
      if (this.headerHave < RECORD_HEADER_BYTES) return;
      this.headerHave = 0;
      if (!isRecordHeader(this.header, 0)) {
        this.loseFraming(describeBadHeader(this.header, 0), ts);
        pos = headerStart;
        continue;
      }
      this.startRecord(this.header, 0, ts);
    }
  }

  private startRecord(hdr: Buffer, at: number, ts: number): void {
    const type = hdr[at];
    const length = (hdr[at + 3] << 8) | hdr[at + 4];
    const version = (hdr[at + 1] << 8) | hdr[at + 2];
    this.listener.record(type, version, length, ts);
    const handOver = this.bodiesWatched && this.listener.wantsBody!(type, version, length, ts);
    this.handOver = handOver;
    this.recordVersion = version;
    this.contentType = type;
    this.recordLength = length;
    this.recordLeft = length;
    this.recordDamaged = false;
    this.bodyMode = BODY_SKIP;
    switch (type) {
      case CONTENT_APPLICATION_DATA:
        this.listener.applicationData(length, ts);
        if (handOver) this.startCollecting(length, ts);
        break;
      case CONTENT_CHANGE_CIPHER_SPEC:
        this.afterChangeCipherSpec = true;
        this.listener.changeCipherSpec(ts);
        break;
      case CONTENT_ALERT:
        if (this.afterChangeCipherSpec && length >= 2 && (length <= MAX_KEPT_ENCRYPTED_ALERT || handOver)) {
          this.startCollecting(length, ts);
        } else if (this.afterChangeCipherSpec || length === 0 || length % 2 !== 0 || length > MAX_PLAINTEXT_ALERT_RECORD) {
          this.emitUnreadableAlert(ts);
        } else {
          this.startCollecting(length, ts);
        }
        break;
      case CONTENT_HANDSHAKE:
        if (this.lightened) {
          this.listener.encryptedHandshake(length, ts);
          if (handOver) this.startCollecting(length, ts);
        } else if (!this.afterChangeCipherSpec) this.bodyMode = BODY_HANDSHAKE;
        else this.startCollecting(length, ts);
        break;
      default:
        break;
    }
    if (handOver && this.bodyMode !== BODY_COLLECT) {
      // a record the parser reads by itself (plaintext framing): decryption gets no body for it
      this.handOver = false;
      this.listener.protectedRecord!(type, version, null, ts);
    }
    if (length === 0) this.finishRecord(ts);
  }

  /**
   * Keeps the record's body whole (an alert, a handshake record after ChangeCipherSpec), charged to the memory budget.
   * Without room the body is skipped and the record reported from its header alone, as at a stream's end.
   */
  private startCollecting(length: number, ts: number): void {
    if (this.budget !== undefined && length > 0) {
      if (!this.budget.fits(length)) {
        this.budget.buffersRefused++;
        this.bodyMode = BODY_SKIP;
        this.handOver = false;
        if (this.contentType === CONTENT_ALERT) this.emitUnreadableAlert(ts);
        else if (this.contentType === CONTENT_HANDSHAKE && !this.lightened) this.listener.encryptedHandshake(length, ts);
        return;
      }
      this.budget.charge(length);
      this.collectedCharged = length;
    }
    this.bodyMode = BODY_COLLECT;
    this.collected = Buffer.allocUnsafe(length);
    this.collectedHave = 0;
  }

  private releaseCollected(): void {
    this.collected = EMPTY;
    this.budget?.release(this.collectedCharged);
    this.collectedCharged = 0;
  }

  private finishRecord(ts: number): void {
    const mode = this.bodyMode;
    this.bodyMode = BODY_SKIP;
    if (mode === BODY_HANDSHAKE) {
      this.handshakes.recordEnd();
      return;
    }
    if (mode !== BODY_COLLECT) return;
    const body = this.collected;
    this.releaseCollected();
    const handOver = this.handOver;
    this.handOver = false;
    // application data and post-handshake handshake records are collected for decryption only
    const forDecryptionOnly =
      this.contentType === CONTENT_APPLICATION_DATA || (this.contentType === CONTENT_HANDSHAKE && this.lightened);
    if (!forDecryptionOnly) this.readCollected(body, ts);
    // after the record's own events (an encrypted alert, a Finished), so what decryption finds amends them
    if (handOver) this.listener.protectedRecord!(this.contentType, this.recordVersion, this.recordDamaged ? null : body, ts);
  }

  /** A collected alert record, or a handshake record after this direction's ChangeCipherSpec. */
  private readCollected(body: Buffer, ts: number): void {
    if (this.contentType === CONTENT_ALERT) {
      if (this.recordDamaged) {
        this.listener.malformed(`alert record of ${this.recordLength} bytes cut by missing bytes`, ts);
        this.emitUnreadableAlert(ts);
        return;
      }
      if (this.afterChangeCipherSpec) {
        this.emitUnreadableAlert(ts, this.recordLength <= MAX_KEPT_ENCRYPTED_ALERT ? body : undefined);
        return;
      }
      for (let i = 0; i < this.recordLength; i += 2) {
        this.listener.alert(
          {
            level: body[i],
            description: body[i + 1],
            length: this.recordLength,
            recordVersion: this.recordVersion,
            afterChangeCipherSpec: this.afterChangeCipherSpec,
          },
          ts,
        );
      }
      return;
    }
    // a handshake record after this direction's ChangeCipherSpec
    if (!this.recordDamaged && isPlaintextHandshakeRun(body, this.recordLength)) {
      this.handshakes.feed(body, 0, this.recordLength, ts);
      this.handshakes.recordEnd();
    } else {
      this.listener.encryptedHandshake(this.recordLength, ts);
    }
  }

  private emitUnreadableAlert(ts: number, body?: Buffer): void {
    this.listener.alert(
      {
        level: null,
        description: null,
        length: this.recordLength,
        recordVersion: this.recordVersion,
        afterChangeCipherSpec: this.afterChangeCipherSpec,
        ...(body === undefined ? {} : { body }),
      },
      ts,
    );
  }

  private gapTls(bytes: number, ts: number): void {
    if (this.resyncing) return;
    if (this.headerHave === 0 && bytes <= this.recordLeft) {
      // inside the current record's body: framing survives
      if (this.bodyMode === BODY_HANDSHAKE) {
        this.handshakes.gap(bytes, ts);
      } else if (this.bodyMode === BODY_COLLECT) {
        this.recordDamaged = true;
        this.collectedHave += bytes;
      }
      this.recordLeft -= bytes;
      if (this.recordLeft === 0) this.finishRecord(ts);
      return;
    }
    if (this.bodyMode === BODY_COLLECT) {
      this.recordDamaged = true;
      this.finishRecord(ts);
    }
    this.loseFraming(`${bytes} bytes missing beyond the current record`, ts);
  }

  /** Framing can no longer be trusted: report why, drop partial state, and look for the next record header. */
  private loseFraming(reason: string, ts: number): void {
    const droppedMessage = this.handshakes.reset();
    this.listener.malformed(
      droppedMessage ? `${reason}; a partial handshake message was dropped; resyncing` : `${reason}; resyncing`,
      ts,
    );
    this.headerHave = 0;
    this.recordLeft = 0;
    this.bodyMode = BODY_SKIP;
    this.releaseCollected();
    this.resyncing = true;
    if (this.handOver) {
      this.handOver = false;
      this.listener.protectedRecord!(this.contentType, this.recordVersion, null, ts);
    }
  }
}
