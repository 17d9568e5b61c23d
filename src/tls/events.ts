import type { MemoryBudget } from '../tcp/memory-budget.js';
/**
 * What the TLS stream parser of one direction reports. The parser is role-agnostic (it does not know whether its
 * bytes come from the client or the server) and pure: bytes in, events out, nothing thrown.
 */
export interface AlertEvent {
  /** null when the alert body is unreadable (encrypted: length ≠ 2, or after this side's ChangeCipherSpec) */
  level: number | null;
  description: number | null;
  /** record payload length */
  length: number;
  /**
   * the version in the header of the record that carried it (RFC 5246 §6.2.1, RFC 8446 §5.1 legacy_record_version):
   * before TLS 1.3, the version the sender was speaking at that point
   */
  recordVersion: number;
  /** this direction had sent ChangeCipherSpec before the alert */
  afterChangeCipherSpec: boolean;
  /**
   * the record body of an unreadable alert when it is small (≤ 64 bytes), a copy: under a NULL cipher (RFC 5246
   * appendix A.5) the alert is in clear before its MAC, which only the session knows to look for
   */
  body?: Buffer;
}

export interface TlsDirectionListener {
  /** TLS (or SSLv2) framing was recognised at this stream offset; bytes before it were plaintext */
  tlsStart(kind: 'tls' | 'sslv2', streamOffset: number, ts: number): void;
  /** a record header (RFC 8446 §5.1 TLSPlaintext / TLSCiphertext), before its content's events */
  record(contentType: number, version: number, length: number, ts: number): void;
  /**
   * A whole plaintext handshake message (RFC 8446 §4), reassembled across records when split. `body` excludes the
   * 4-byte header and is a copy the listener may keep. `ts` is the timestamp of the packet that completed it.
   */
  handshake(msgType: number, body: Buffer, ts: number): void;
  /** a handshake record that is encrypted (after ChangeCipherSpec: typically Finished) */
  encryptedHandshake(length: number, ts: number): void;
  alert(alert: AlertEvent, ts: number): void;
  changeCipherSpec(ts: number): void;
  applicationData(length: number, ts: number): void;
  /**
   * An SSLv2 record (RFC 6101 appendix E, draft-hickman-netscape-ssl-00): `msgType` is the first body byte
   * (1 CLIENT-HELLO, 2 CLIENT-MASTER-KEY, 4 SERVER-HELLO, ...) or -1 once the record is encrypted. `body` includes
   * the msgType byte and is a copy.
   */
  sslv2(msgType: number, body: Buffer, ts: number): void;
  /**
   * Asked at every record header once the parser's `watchProtectedRecords(true)` was called (decryption with a key
   * log): true asks for the record's body, handed to `protectedRecord` when the record is complete.
   */
  wantsBody?(contentType: number, version: number, length: number, ts: number): boolean;
  /**
   * The body of a record `wantsBody` asked for (a copy), after the record's own events; null when the record was
   * cut by missing bytes or the stream ended inside it.
   */
  protectedRecord?(contentType: number, version: number, body: Buffer | null, ts: number): void;
  /** stream bytes before TLS framing began (a STARTTLS preamble, or a peer that does not speak TLS); a view */
  plaintext(data: Buffer, ts: number): void;
  /** the stream stopped making sense as TLS; the parser looks for the next record boundary it can trust */
  malformed(reason: string, ts: number): void;
}

/** How much of its stream a direction's parser looks at. */
export interface TlsStreamParserOptions {
  /** plaintext bytes scanned for a STARTTLS upgrade before the direction is given up as not TLS (default 65536) */
  maxPlaintext?: number;
  /** largest handshake message reassembled (default 1 MiB); larger ones are noted as malformed and skipped */
  maxHandshakeMessage?: number;
  /**
   * The analysis's memory budget: a handshake message under reassembly is charged its buffer, and dropped (noted as
   * malformed) when the budget has no room for it even after cheaper state was let go.
   */
  budget?: MemoryBudget;
}
