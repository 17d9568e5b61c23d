/**
 * SSLv2 record framing, for one direction of a stream (draft-hickman-netscape-ssl-00 "SSL Record Protocol
 * Specification"; RFC 6101 appendix E; RFC 5246 appendix E.2 for the SSLv2-compatible ClientHello).
 *
 * Record header, two forms told apart by the high bit of the first byte:
 *
 *   2-byte form   | 1 |          RECORD-LENGTH (15 bits)          |                          no padding
 *   3-byte form   | 0 | E |      RECORD-LENGTH (14 bits)      | PADDING |      E = IS-ESCAPE
 *
 * RECORD-LENGTH counts every byte after the header: MAC-DATA, ACTUAL-DATA and PADDING-DATA. Before the keys are set
 * there is no MAC and the record holds one message whose first byte is its type.
 */
import type { TlsDirectionListener } from './events.js';

export const SSLV2_MSG_ERROR = 0;
export const SSLV2_MSG_CLIENT_HELLO = 1;
export const SSLV2_MSG_CLIENT_MASTER_KEY = 2;
export const SSLV2_MSG_SERVER_HELLO = 4;
/** the msgType reported for a record whose body is encrypted */
export const SSLV2_ENCRYPTED = -1;

export const SSLV2_START_NEED_MORE = 0;
export const SSLV2_START_YES = 1;
export const SSLV2_START_NO = 2;

/** the most bytes classifySslv2Start() looks at: a 3-byte header plus a SERVER-HELLO up to its SERVER-VERSION */
export const SSLV2_START_PROBE_BYTES = 8;

const EMPTY = Buffer.alloc(0);

/** SSL 2.0 itself, or an SSL 3.0 / TLS 1.0–1.2 client speaking the SSLv2-compatible hello (RFC 5246 E.2) */
function isPlausibleSslv2HelloVersion(version: number): boolean {
  return version === 0x0002 || (version >= 0x0300 && version <= 0x0303);
}

/**
 * Do the stream's first bytes hold an SSLv2 CLIENT-HELLO or SERVER-HELLO record header and message start?
 *
 *   CLIENT-HELLO: [hdr] 01 | CLIENT-VERSION(2) | CIPHER-SPECS-LENGTH(2) | SESSION-ID-LENGTH(2) | CHALLENGE-LENGTH(2)
 *   SERVER-HELLO: [hdr] 04 | SESSION-ID-HIT(1) | CERTIFICATE-TYPE(1) | SERVER-VERSION(2) | CERTIFICATE-LENGTH(2) ...
 *
 * Returns SSLV2_START_NEED_MORE until it has seen enough bytes (at most SSLV2_START_PROBE_BYTES).
 */
export function classifySslv2Start(buf: Buffer, start: number, end: number): number {
  const available = end - start;
  if (available < 2) return SSLV2_START_NEED_MORE;
  const first = buf[start];
  const twoByteForm = (first & 0x80) !== 0;
  const headerSize = twoByteForm ? 2 : 3;
  if (available <= headerSize) return SSLV2_START_NEED_MORE;
  const length = twoByteForm ? ((first & 0x7f) << 8) | buf[start + 1] : ((first & 0x3f) << 8) | buf[start + 1];
  const padding = twoByteForm ? 0 : buf[start + 2];
  const msgAt = start + headerSize;
  const msgType = buf[msgAt];
  if (msgType === SSLV2_MSG_CLIENT_HELLO) {
    if (available < headerSize + 3) return SSLV2_START_NEED_MORE;
    const version = (buf[msgAt + 1] << 8) | buf[msgAt + 2];
    return isPlausibleSslv2HelloVersion(version) && length >= 9 + padding ? SSLV2_START_YES : SSLV2_START_NO;
  }
  if (msgType === SSLV2_MSG_SERVER_HELLO) {
    if (available < headerSize + 5) return SSLV2_START_NEED_MORE;
    const sessionIdHit = buf[msgAt + 1];
    const version = (buf[msgAt + 3] << 8) | buf[msgAt + 4];
    return sessionIdHit <= 1 && isPlausibleSslv2HelloVersion(version) && length >= 11 + padding
      ? SSLV2_START_YES
      : SSLV2_START_NO;
  }
  return SSLV2_START_NO;
}

/**
 * Is `body` (a whole record's data, padding excluded) exactly one well-formed plaintext SSLv2 message? The length
 * fields must add up to the record: encrypted records start with a MAC, whose bytes virtually never do.
 *
 *   ERROR (0):             00 | ERROR-CODE(2)
 *   CLIENT-HELLO (1):      01 | VERSION(2) | CIPHER-SPECS-LENGTH(2) | SESSION-ID-LENGTH(2) | CHALLENGE-LENGTH(2) | data
 *   CLIENT-MASTER-KEY (2): 02 | CIPHER-KIND(3) | CLEAR-KEY-LENGTH(2) | ENCRYPTED-KEY-LENGTH(2) | KEY-ARG-LENGTH(2) | data
 *   SERVER-HELLO (4):      04 | SESSION-ID-HIT | CERTIFICATE-TYPE | VERSION(2) | CERTIFICATE-LENGTH(2)
 *                             | CIPHER-SPECS-LENGTH(2) | CONNECTION-ID-LENGTH(2) | data
 */
export function isPlaintextSslv2Message(body: Buffer, length: number): boolean {
  if (length < 1) return false;
  switch (body[0]) {
    case SSLV2_MSG_ERROR:
      return length === 3;
    case SSLV2_MSG_CLIENT_HELLO: {
      if (length < 9) return false;
      const cipherSpecs = body.readUInt16BE(3);
      return cipherSpecs % 3 === 0 && 9 + cipherSpecs + body.readUInt16BE(5) + body.readUInt16BE(7) === length;
    }
    case SSLV2_MSG_CLIENT_MASTER_KEY:
      return length >= 10 && 10 + body.readUInt16BE(4) + body.readUInt16BE(6) + body.readUInt16BE(8) === length;
    case SSLV2_MSG_SERVER_HELLO: {
      if (length < 11) return false;
      const cipherSpecs = body.readUInt16BE(7);
      return cipherSpecs % 3 === 0 && 11 + body.readUInt16BE(5) + cipherSpecs + body.readUInt16BE(9) === length;
    }
    default:
      return false;
  }
}

/** Tells a TLS record header; injected so that SSLv2 framing does not depend on the TLS record reader. */
export type TlsRecordStartTest = (buf: Buffer, pos: number) => boolean;

/**
 * Frames SSLv2 records of one direction and reports them with `listener.sslv2`.
 *
 * Which records are plaintext, role-agnostic: while the direction is in its plaintext phase, a record is a plaintext
 * message when it is unpadded and isPlaintextSslv2Message() accepts it. The phase ends after a CLIENT-MASTER-KEY
 * (the client's keys are set), after a SERVER-HELLO (the server's next record is SERVER-VERIFY, encrypted), and at
 * the first record that is not a plaintext message. From then on records are reported as SSLV2_ENCRYPTED from their
 * header alone and their bodies are skipped, not copied.
 *
 * RFC 5246 E.2: a client may send an SSLv2-format CLIENT-HELLO and continue in TLS. So in the plaintext phase a header
 * whose first 5 bytes read as a TLS record header stops consume() at that point; the caller switches to TLS framing.
 */
export class Sslv2Framer {
  private readonly header = Buffer.alloc(5);
  private headerHave = 0;
  private headerWant = 0;
  private recordLength = 0;
  private padding = 0;
  private bodyLeft = 0;
  /** the body of a plaintext-phase record, copied whole before it is judged */
  private body: Buffer | null = null;
  private bodyHave = 0;
  private bodyDamaged = false;
  private encrypted = false;
  /** the 2 body bytes read as part of a 5-byte TLS probe that turned out to be a 3-byte SSLv2 header */
  private readonly spill = Buffer.alloc(2);
  /**
   * After consume() returned a switch position: how many TLS header bytes this framer holds (0, or 5 when the header
   * straddled pushes). They precede that position in the stream and are readable with heldTlsHeader().
   */
  heldTlsHeaderBytes = 0;

  constructor(
    private readonly listener: TlsDirectionListener,
    private readonly isTlsRecordStart: TlsRecordStartTest,
  ) {}

  /** The header bytes held across pushes when TLS framing was found (a view, valid until the framer is dropped). */
  heldTlsHeader(): Buffer {
    return this.header.subarray(0, this.heldTlsHeaderBytes);
  }

  /**
   * Frames `data[pos..]`. Returns -1 when all of it was consumed, or the position at which TLS framing begins
   * (with heldTlsHeaderBytes set when part of that TLS header came from earlier pushes).
   */
  consume(data: Buffer, pos: number, ts: number): number {
    const end = data.length;
    while (pos < end) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, end - pos);
        if (this.body !== null) data.copy(this.body, this.bodyHave, pos, pos + take);
        this.bodyHave += take;
        this.bodyLeft -= take;
        pos += take;
        if (this.bodyLeft === 0) this.finishRecord(ts);
        continue;
      }
      if (this.headerHave === 0) {
        const first = data[pos];
        this.headerWant = (first & 0x80) !== 0 ? 2 : !this.encrypted && first >= 20 && first <= 24 ? 5 : 3;
        if (end - pos >= this.headerWant) {
          if (this.headerWant === 5 && this.isTlsRecordStart(data, pos)) {
            this.heldTlsHeaderBytes = 0;
            return pos;
          }
          this.startRecord(data, pos, ts);
          pos += this.headerWant === 2 ? 2 : 3;
          continue;
        }
      }
      const take = Math.min(this.headerWant - this.headerHave, end - pos);
      data.copy(this.header, this.headerHave, pos, pos + take);
      this.headerHave += take;
      pos += take;
      if (this.headerHave < this.headerWant) return -1;
      this.headerHave = 0;
      if (this.headerWant === 5) {
        if (this.isTlsRecordStart(this.header, 0)) {
          this.heldTlsHeaderBytes = 5;
          return pos;
        }
        // not TLS: a 3-byte SSLv2 header followed by two bytes of its body
        this.header.copy(this.spill, 0, 3, 5);
        this.startRecord(this.header, 0, ts);
        // two bytes are too few to hold a TLS header, so this never returns a switch position
        this.consume(this.spill, 0, ts);
        continue;
      }
      this.startRecord(this.header, 0, ts);
    }
    return -1;
  }

  private startRecord(hdr: Buffer, at: number, ts: number): void {
    const first = hdr[at];
    const twoByteForm = (first & 0x80) !== 0;
    this.recordLength = twoByteForm ? ((first & 0x7f) << 8) | hdr[at + 1] : ((first & 0x3f) << 8) | hdr[at + 1];
    this.padding = twoByteForm ? 0 : hdr[at + 2];
    this.bodyLeft = this.recordLength;
    this.bodyHave = 0;
    this.bodyDamaged = false;
    // padding only exists for block ciphers: a padded record is encrypted
    if (this.padding > 0) this.encrypted = true;
    if (this.encrypted) {
      this.body = null;
      this.listener.sslv2(SSLV2_ENCRYPTED, EMPTY, ts);
    } else {
      this.body = Buffer.allocUnsafe(this.recordLength);
    }
    if (this.recordLength === 0) this.finishRecord(ts);
  }

  private finishRecord(ts: number): void {
    const body = this.body;
    if (body === null) return;
    this.body = null;
    const length = this.recordLength - this.padding;
    if (this.bodyDamaged) {
      this.listener.malformed(`SSLv2 record of ${this.recordLength} bytes cut by missing bytes`, ts);
      this.listener.sslv2(SSLV2_ENCRYPTED, EMPTY, ts);
      return;
    }
    if (!isPlaintextSslv2Message(body, length)) {
      this.encrypted = true;
      this.listener.sslv2(SSLV2_ENCRYPTED, EMPTY, ts);
      return;
    }
    const msgType = body[0];
    if (msgType === SSLV2_MSG_CLIENT_MASTER_KEY || msgType === SSLV2_MSG_SERVER_HELLO) this.encrypted = true;
    this.listener.sslv2(msgType, length === body.length ? body : body.subarray(0, length), ts);
  }

  /** `bytes` of the stream were never captured. Returns false when they were not inside the current record's body. */
  gap(bytes: number, ts: number): boolean {
    if (this.headerHave > 0 || bytes > this.bodyLeft) return false;
    this.bodyLeft -= bytes;
    this.bodyHave += bytes;
    if (this.body !== null) this.bodyDamaged = true;
    if (this.bodyLeft === 0) this.finishRecord(ts);
    return true;
  }

  end(ts: number): void {
    if (this.body !== null && this.bodyLeft > 0) {
      this.listener.malformed(
        `stream ended inside an SSLv2 record (${this.bodyHave} of ${this.recordLength} bytes)`,
        ts,
      );
      this.body = null;
    }
  }

  /** Drops a plaintext-phase record being collected. */
  lighten(): void {
    if (this.body !== null) {
      this.body = null;
      this.encrypted = true;
    }
  }
}
