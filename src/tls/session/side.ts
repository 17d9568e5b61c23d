import type { Direction } from '../../tcp/types.js';
import type { AlertEvent, TlsDirectionListener, TlsStreamParserOptions } from '../events.js';
import { TlsStreamParser } from '../stream.js';

/** How much plaintext of each side is kept to name a STARTTLS upgrade or a non-TLS answer. */
export const PLAINTEXT_KEPT = 1024;

/** What one direction of a connection did, before anyone knows whether it is the client or the server. */
export class Side {
  /** made when this direction's first byte (or gap) arrives: a SYN-flooded or silent side costs no parser */
  private streamParser: TlsStreamParser | null = null;
  private lightened = false;
  private protectedWatched = false;
  packets = 0;
  payloadBytes = 0;
  gapBytes = 0;
  firstTtl: number | null = null;
  /** the first TLS (or SSLv2) record of this side was seen */
  tlsStarted = false;
  tlsStartTs: number | null = null;
  ccsTs: number | null = null;
  /** an encrypted handshake record (its Finished) came after this side's ChangeCipherSpec */
  finishedAfterCcs = false;
  /** application-data records of this side, in all and since the session's ServerHello */
  appDataRecords = 0;
  appDataAfterServerHello = 0;
  /** packet index of this side's first application-data record after the ServerHello */
  firstAppDataPacket = -1;
  firstAppDataTs: number | null = null;
  /** packet index of this side's latest application-data record */
  lastAppDataPacket = -1;
  /**
   * TLS 1.3: the packet of this side's first encrypted record after the ServerHello large enough to be a Finished
   * (tls/encrypted-sizes.ts), or of a gap that may hide it; -1 while none. An alert-sized record is not one: a client
   * rejecting the server's flight answers with an encrypted alert instead.
   */
  firstFinishedPacket = -1;
  encryptedRecordsKept = 0;
  recordCounts: Record<string, number> = {};
  plaintext: Buffer[] = [];
  plaintextBytes = 0;
  firstPlaintextTs: number | null = null;
  sslv2Encrypted = 0;
  sslv2MasterKey = false;

  constructor(
    private readonly events: SideEvents,
    private readonly dir: Direction,
    private readonly options: TlsStreamParserOptions,
  ) {}

  /** This direction's TLS stream parser, made on first use. */
  get parser(): TlsStreamParser {
    if (this.streamParser === null) {
      this.streamParser = new TlsStreamParser(new SideListener(this.events, this.dir), this.options);
      if (this.lightened) this.streamParser.lighten();
      if (this.protectedWatched) this.streamParser.watchProtectedRecords(true);
    }
    return this.streamParser;
  }

  /** Decryption wants this direction's protected records (now, or from when the parser is made). */
  watchProtectedRecords(on: boolean): void {
    this.protectedWatched = on;
    this.streamParser?.watchProtectedRecords(on);
  }

  get hasParser(): boolean {
    return this.streamParser !== null;
  }

  /** The stream is over: the parser (if any was made) reports what it left incomplete. */
  end(ts: number): void {
    this.streamParser?.end(ts);
  }

  /** Past the handshake: the parser (now or when made) reassembles nothing more. */
  lighten(): void {
    this.lightened = true;
    this.streamParser?.lighten();
  }

  keepPlaintext(data: Buffer, ts: number): void {
    if (this.firstPlaintextTs === null) this.firstPlaintextTs = ts;
    if (this.plaintextBytes >= PLAINTEXT_KEPT) return;
    const take = Math.min(data.length, PLAINTEXT_KEPT - this.plaintextBytes);
    this.plaintext.push(Buffer.from(data.subarray(0, take)));
    this.plaintextBytes += take;
  }

  plaintextBuffer(): Buffer {
    return this.plaintext.length === 1 ? this.plaintext[0] : Buffer.concat(this.plaintext);
  }
}

/** The methods of the connection tracker that a direction's parser events are routed to. */
export interface SideEvents {
  onTlsStart(dir: Direction, kind: 'tls' | 'sslv2', streamOffset: number, ts: number): void;
  onRecord(dir: Direction, contentType: number, version: number, length: number, ts: number): void;
  onHandshake(dir: Direction, msgType: number, body: Buffer, ts: number): void;
  onEncryptedHandshake(dir: Direction, length: number, ts: number): void;
  onAlert(dir: Direction, alert: AlertEvent, ts: number): void;
  onChangeCipherSpec(dir: Direction, ts: number): void;
  onApplicationData(dir: Direction, length: number, ts: number): void;
  onSslv2(dir: Direction, msgType: number, body: Buffer, ts: number): void;
  onPlaintext(dir: Direction, data: Buffer, ts: number): void;
  onMalformed(dir: Direction, reason: string, ts: number): void;
  onWantsBody(dir: Direction, contentType: number, version: number, length: number, ts: number): boolean;
  onProtectedRecord(dir: Direction, contentType: number, version: number, body: Buffer | null, ts: number): void;
}

/** Binds a direction number to the parser's events, without a closure per event. */
export class SideListener implements TlsDirectionListener {
  constructor(
    private readonly target: SideEvents,
    private readonly dir: Direction,
  ) {}
  tlsStart(kind: 'tls' | 'sslv2', streamOffset: number, ts: number): void {
    this.target.onTlsStart(this.dir, kind, streamOffset, ts);
  }
  record(contentType: number, version: number, length: number, ts: number): void {
    this.target.onRecord(this.dir, contentType, version, length, ts);
  }
  handshake(msgType: number, body: Buffer, ts: number): void {
    this.target.onHandshake(this.dir, msgType, body, ts);
  }
  encryptedHandshake(length: number, ts: number): void {
    this.target.onEncryptedHandshake(this.dir, length, ts);
  }
  alert(alert: AlertEvent, ts: number): void {
    this.target.onAlert(this.dir, alert, ts);
  }
  changeCipherSpec(ts: number): void {
    this.target.onChangeCipherSpec(this.dir, ts);
  }
  applicationData(length: number, ts: number): void {
    this.target.onApplicationData(this.dir, length, ts);
  }
  sslv2(msgType: number, body: Buffer, ts: number): void {
    this.target.onSslv2(this.dir, msgType, body, ts);
  }
  plaintext(data: Buffer, ts: number): void {
    this.target.onPlaintext(this.dir, data, ts);
  }
  malformed(reason: string, ts: number): void {
    this.target.onMalformed(this.dir, reason, ts);
  }
  wantsBody(contentType: number, version: number, length: number, ts: number): boolean {
    return this.target.onWantsBody(this.dir, contentType, version, length, ts);
  }
  protectedRecord(contentType: number, version: number, body: Buffer | null, ts: number): void {
    this.target.onProtectedRecord(this.dir, contentType, version, body, ts);
  }
}
