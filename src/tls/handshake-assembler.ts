/**
 * Handshake messages (RFC 8446 §4) rebuilt from the fragments of consecutive handshake records, for the stream
 * parser (stream.ts). A message may span records and a record may hold several messages:
 *
 *   +----------+------------------+------------------------+
 *   | msg type | length (3 bytes) | body (length bytes)    |
 *   +----------+------------------+------------------------+
 */
import type { TlsDirectionListener } from './events.js';
import type { MemoryBudget } from '../tcp/memory-budget.js';

const HANDSHAKE_HEADER_BYTES = 4;
/** first allocation for a handshake message that spans pushes; it doubles as bytes arrive, up to the message length */
const INITIAL_MESSAGE_CAPACITY = 4096;

export const EMPTY = Buffer.alloc(0);

/**
 * Handshake types a peer sends in plaintext after its own ChangeCipherSpec (RFC 8446 appendix D.4, compatibility
 * mode): the client's second ClientHello after a HelloRetryRequest, the server's ServerHello after its HRR.
 */
const PLAINTEXT_AFTER_CCS_HANDSHAKE_TYPES: ReadonlySet<number> = new Set([1, 2]);

/**
 * Is `body[0..length)` exactly a run of whole handshake messages of the types a peer sends in plaintext after its
 * ChangeCipherSpec? An encrypted Finished virtually never reads as one: its first 4 bytes would have to name such a
 * type and a length matching the record.
 */
export function isPlaintextHandshakeRun(body: Buffer, length: number): boolean {
  let pos = 0;
  while (pos + HANDSHAKE_HEADER_BYTES <= length) {
    if (!PLAINTEXT_AFTER_CCS_HANDSHAKE_TYPES.has(body[pos])) return false;
    pos += HANDSHAKE_HEADER_BYTES + body.readUIntBE(pos + 1, 3);
  }
  return pos === length && length > 0;
}

/**
 * Reassembles handshake messages (RFC 8446 §4: msg_type(1) | length(3) | body) from the fragments of consecutive
 * handshake records. A message whose whole body is in one push is copied once at its exact size; one that spans
 * pushes grows its buffer as bytes arrive, so a hostile 24-bit length allocates nothing it does not receive.
 */
export class HandshakeAssembler {
  // small per-direction scratch: from Node's shared pool (allocUnsafe), not an ArrayBuffer each (two per connection)
  private readonly header = Buffer.allocUnsafe(HANDSHAKE_HEADER_BYTES);
  private headerHave = 0;
  /** type of the message being collected, -1 at a message boundary */
  private msgType = -1;
  private msgLength = 0;
  private body: Buffer = EMPTY;
  private bodyHave = 0;
  /** bytes still to pass of a message that is not collected (too large, or cut by a gap) */
  private skipLeft = 0;
  /** message boundaries are unknown until the current record ends (a gap swallowed a message header) */
  private lostInRecord = false;
  /** bytes of `body` charged to the memory budget */
  private bodyCharged = 0;

  constructor(
    private readonly listener: TlsDirectionListener,
    private readonly maxMessage: number,
    private readonly budget: MemoryBudget | undefined,
  ) {}

  /**
   * Makes `body` hold `capacity` bytes (keeping what it has), charged to the memory budget. False when the budget has
   * no room even after cheaper state was let go: the message is then dropped and noted, its remaining bytes skipped.
   */
  private reserve(capacity: number, ts: number): boolean {
    const more = capacity - this.bodyCharged;
    if (this.budget !== undefined) {
      if (!this.budget.fits(more)) {
        this.budget.buffersRefused++;
        this.listener.malformed(
          `handshake message type ${this.msgType} of ${this.msgLength} bytes dropped: the analysis's memory budget is spent`,
          ts,
        );
        this.skipLeft = this.msgLength - this.bodyHave;
        this.dropBody();
        return false;
      }
      this.budget.charge(more);
    }
    this.bodyCharged = capacity;
    const grown = Buffer.allocUnsafe(capacity);
    this.body.copy(grown, 0, 0, this.bodyHave);
    this.body = grown;
    return true;
  }

  /** Lets go of the partial message and what it was charged. */
  private dropBody(): void {
    this.budget?.release(this.bodyCharged);
    this.bodyCharged = 0;
    this.body = EMPTY;
    this.msgType = -1;
  }

  feed(data: Buffer, pos: number, end: number, ts: number): void {
    if (this.lostInRecord) return;
    while (pos < end) {
      if (this.skipLeft > 0) {
        const take = Math.min(this.skipLeft, end - pos);
        this.skipLeft -= take;
        pos += take;
        continue;
      }
      if (this.msgType < 0) {
        let type: number;
        let length: number;
        if (this.headerHave === 0 && end - pos >= HANDSHAKE_HEADER_BYTES) {
          type = data[pos];
          length = data.readUIntBE(pos + 1, 3);
          pos += HANDSHAKE_HEADER_BYTES;
        } else {
          const take = Math.min(HANDSHAKE_HEADER_BYTES - this.headerHave, end - pos);
          data.copy(this.header, this.headerHave, pos, pos + take);
          this.headerHave += take;
          pos += take;
          if (this.headerHave < HANDSHAKE_HEADER_BYTES) return;
          this.headerHave = 0;
          type = this.header[0];
          length = this.header.readUIntBE(1, 3);
        }
        if (length > this.maxMessage) {
          this.listener.malformed(
            `handshake message type ${type} of ${length} bytes exceeds the ${this.maxMessage}-byte limit; skipped`,
            ts,
          );
          this.skipLeft = length;
          continue;
        }
        if (length === 0) {
          this.listener.handshake(type, EMPTY, ts);
          continue;
        }
        if (end - pos >= length) {
          const body = Buffer.allocUnsafe(length);
          data.copy(body, 0, pos, pos + length);
          pos += length;
          this.listener.handshake(type, body, ts);
          continue;
        }
        this.msgType = type;
        this.msgLength = length;
        this.bodyHave = 0;
        if (!this.reserve(Math.min(length, Math.max(INITIAL_MESSAGE_CAPACITY, end - pos)), ts)) continue;
      }
      const take = Math.min(this.msgLength - this.bodyHave, end - pos);
      const needed = this.bodyHave + take;
      if (needed > this.body.length && !this.reserve(Math.min(this.msgLength, Math.max(needed, this.body.length * 2)), ts)) continue;
      data.copy(this.body, this.bodyHave, pos, pos + take);
      this.bodyHave = needed;
      pos += take;
      if (needed === this.msgLength) {
        const body = this.body;
        const type = this.msgType;
        this.dropBody();
        this.listener.handshake(type, body, ts);
      }
    }
  }

  /** `bytes` of the current handshake record were never captured. */
  gap(bytes: number, ts: number): void {
    if (this.lostInRecord) return;
    if (this.skipLeft > 0) {
      if (bytes <= this.skipLeft) {
        this.skipLeft -= bytes;
        return;
      }
      this.skipLeft = 0;
    } else if (this.msgType >= 0) {
      const remaining = this.msgLength - this.bodyHave;
      this.listener.malformed(
        `handshake message type ${this.msgType} (${this.msgLength} bytes) cut by ${bytes} missing bytes; dropped`,
        ts,
      );
      this.dropBody();
      if (bytes <= remaining) {
        this.skipLeft = remaining - bytes;
        return;
      }
    } else {
      this.listener.malformed(`${bytes} missing bytes inside a handshake record; its messages are dropped`, ts);
    }
    this.headerHave = 0;
    this.lostInRecord = true;
  }

  /** A handshake record ended: after a gap that lost message boundaries, the next record is trusted to start one. */
  recordEnd(): void {
    if (this.lostInRecord) {
      this.lostInRecord = false;
      this.headerHave = 0;
      this.skipLeft = 0;
    }
  }

  /** Drops whatever is partly collected. Returns whether something was. */
  reset(): boolean {
    const hadPartial = this.msgType >= 0 || this.headerHave > 0;
    this.dropBody();
    this.headerHave = 0;
    this.skipLeft = 0;
    this.lostInRecord = false;
    return hadPartial;
  }

  end(ts: number): void {
    if (this.msgType >= 0) {
      this.listener.malformed(
        `stream ended inside handshake message type ${this.msgType} (${this.bodyHave} of ${this.msgLength} bytes)`,
        ts,
      );
    } else if (this.headerHave > 0) {
      this.listener.malformed('stream ended inside a handshake message header', ts);
    }
    this.reset();
  }
}

/**
 * One direction's TLS stream parser.
 *
 * Start of stream (mode 'detect'): a TLS record header (type 20–24, version 0x0300–0x0304, sane length) starts TLS
 * framing, an SSLv2 CLIENT-HELLO / SERVER-HELLO starts SSLv2 framing (RFC 5246 E.2), anything else is plaintext.
 *
 * Plaintext (a STARTTLS preamble, or a peer that does not speak TLS): bytes go to `plaintext()`, and each push —
 * where a new TCP segment's bytes begin — is checked again: a handshake record header there, or any record header
 * confirmed by the record after it, starts TLS framing. After maxPlaintext bytes the direction is 'given-up'.
 *
 * Lost framing (a malformed header, or missing bytes outside the current record's body): the parser resyncs on a
 * likely header at the start of a push, or inside a push on a header confirmed by the record after it.
 */
