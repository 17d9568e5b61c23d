/**
 * The NSS key log format (what SSLKEYLOGFILE, `openssl s_client -keylogfile`, Node's 'keylog' event, Python's
 * `keylog_filename` and Go's KeyLogWriter write; draft-ietf-tls-keylogfile), one secret a line:
 *
 *   <label> SP <client_random: 64 hex digits> SP <secret: hex>        '#' starts a comment line
 *
 *   CLIENT_RANDOM                      the TLS ≤ 1.2 master secret (48 bytes)
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET    TLS 1.3, RFC 8446 §7.1: protects the client's handshake flight
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET    TLS 1.3: protects EncryptedExtensions … Finished of the server
 *   CLIENT_TRAFFIC_SECRET_0            TLS 1.3: the client's first application traffic secret (post-handshake alerts)
 *   SERVER_TRAFFIC_SECRET_0            TLS 1.3: the server's, which carries certificate_required and kin
 *   CLIENT_EARLY_TRAFFIC_SECRET, EARLY_EXPORTER_SECRET, EXPORTER_SECRET   read and kept out of use (0-RTT data and
 *                                      exporters protect application data, which tlsdiag never opens)
 *
 * Secrets are keyed by the ClientHello's random, which is how a session is found again in a capture. Pure: text in,
 * secrets out; the caller reads the file. Nothing here ever prints a secret: problems name a line number only.
 */

export type SecretSource = 'keylog' | 'dsb';

/** The secrets logged for one session (one client random). Buffers are never shown, logged or serialised. */
export interface SessionSecrets {
  source: SecretSource;
  masterSecret?: Buffer;
  clientHandshake?: Buffer;
  serverHandshake?: Buffer;
  clientTraffic0?: Buffer;
  serverTraffic0?: Buffer;
}

type SecretField = Exclude<keyof SessionSecrets, 'source'>;

/** Labels and the field each fills; labels kept out of use map to null. */
const LABELS: ReadonlyMap<string, SecretField | null> = new Map<string, SecretField | null>([
  ['CLIENT_RANDOM', 'masterSecret'],
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'clientHandshake'],
  ['SERVER_HANDSHAKE_TRAFFIC_SECRET', 'serverHandshake'],
  ['CLIENT_TRAFFIC_SECRET_0', 'clientTraffic0'],
  ['SERVER_TRAFFIC_SECRET_0', 'serverTraffic0'],
  ['CLIENT_EARLY_TRAFFIC_SECRET', null],
  ['EARLY_EXPORTER_SECRET', null],
  ['EXPORTER_SECRET', null],
]);

const CLIENT_RANDOM_HEX = 64;
/** TLS ≤ 1.2 master secret: 48 bytes (RFC 5246 §8.1) */
const MASTER_SECRET_HEX = 96;
/** TLS 1.3 secrets are a hash long: SHA-256 (32) or SHA-384 (48) */
const TRAFFIC_SECRET_HEX: ReadonlySet<number> = new Set([64, 96]);
/** a line longer than this is no key log line; it is not kept while waiting for its end */
const MAX_LINE = 512;
/** sessions remembered; the oldest are let go beyond it (a key log that grew for months) */
const DEFAULT_MAX_SESSIONS = 200_000;

const HEX = /^[0-9a-fA-F]+$/;

/** What reading some key log text found; line numbers only, never content. */
export interface KeyLogReadSummary {
  secrets: number;
  /** lines with an unknown label (RSA, ...): skipped */
  unknownLabels: number;
  /** line numbers (1-based, counted over everything this reader was given) that are not key log lines */
  malformedLines: number[];
  malformedCount: number;
}

/** Secrets of many sessions, looked up by client random. */
export class KeyLog {
  private readonly sessions = new Map<string, SessionSecrets>();
  private growingOwn = false;

  /** `parent`: secrets looked up when this log has none for a session (the --keylog files under a capture's DSB) */
  constructor(
    private readonly maxSessions = DEFAULT_MAX_SESSIONS,
    private readonly parent: KeyLog | null = null,
  ) {}

  /** whether more secrets may still come (a key log being written while the capture runs) */
  get growing(): boolean {
    return this.growingOwn || (this.parent?.growing ?? false);
  }

  set growing(value: boolean) {
    this.growingOwn = value;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The secrets logged for the session whose ClientHello carried `clientRandom`. */
  lookup(clientRandom: Buffer): SessionSecrets | undefined {
    if (clientRandom.length * 2 !== CLIENT_RANDOM_HEX) return undefined;
    return this.lookupHex(clientRandom.toString('hex'));
  }

  /** The same, by the client random in lower-case hex. */
  lookupHex(clientRandomHex: string): SessionSecrets | undefined {
    return this.sessions.get(clientRandomHex) ?? this.parent?.lookupHex(clientRandomHex);
  }

  /** Adds one parsed line's secret. Returns false when the label is not one this log keeps. */
  add(label: string, clientRandomHex: string, secret: Buffer, source: SecretSource): boolean {
    const field = LABELS.get(label);
    if (field === undefined) return false;
    if (field === null) return true;
    const key = clientRandomHex.toLowerCase();
    let session = this.sessions.get(key);
    if (session === undefined) {
      if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
      session = { source };
      this.sessions.set(key, session);
    }
    session[field] = secret;
    return true;
  }
}

/**
 * Reads key log text as it comes, in pieces cut anywhere (a file read again as it grows). A line is read once its
 * newline arrives; `end()` reads a last line that has none (a writer cut off mid-line).
 */
export class KeyLogReader {
  private partial = '';
  private lineNumber = 0;
  readonly summary: KeyLogReadSummary = { secrets: 0, unknownLabels: 0, malformedLines: [], malformedCount: 0 };

  constructor(
    private readonly log: KeyLog,
    private readonly source: SecretSource,
  ) {}

  push(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const piece = text.slice(start, newline);
      const line = this.partial === '' ? piece : this.partial + piece;
      this.partial = '';
      this.readLine(line);
      start = newline + 1;
    }
    const rest = text.slice(start);
    if (rest === '') return;
    // an over-long line is no key log line: count it without holding it
    this.partial = this.partial.length + rest.length > MAX_LINE ? '\u0000' : this.partial + rest;
  }

  /** No more text will come: the last line without a newline is read as it is. */
  end(): void {
    if (this.partial === '') return;
    const line = this.partial;
    this.partial = '';
    this.readLine(line);
  }

  private readLine(raw: string): void {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parts = trimmed.split(/\s+/);
    if (parts.length !== 3) return this.malformed();
    const [label, random, secretHex] = parts;
    if (!LABELS.has(label)) {
      // a well-formed line of a kind not used here (RSA pre-master secrets, newer labels)
      if (/^[A-Z0-9_]+$/.test(label) && HEX.test(random) && HEX.test(secretHex)) this.summary.unknownLabels++;
      else this.malformed();
      return;
    }
    if (random.length !== CLIENT_RANDOM_HEX || !HEX.test(random) || !HEX.test(secretHex)) return this.malformed();
    const expected = label === 'CLIENT_RANDOM' ? secretHex.length === MASTER_SECRET_HEX : TRAFFIC_SECRET_HEX.has(secretHex.length);
    if (!expected) return this.malformed();
    this.log.add(label, random, Buffer.from(secretHex, 'hex'), this.source);
    this.summary.secrets++;
  }

  private malformed(): void {
    this.summary.malformedCount++;
    if (this.summary.malformedLines.length < 10) this.summary.malformedLines.push(this.lineNumber);
  }
}

/** Reads a whole key log text into `log`. */
export function readKeyLog(log: KeyLog, text: string, source: SecretSource): KeyLogReadSummary {
  const reader = new KeyLogReader(log, source);
  reader.push(text);
  reader.end();
  return reader.summary;
}

/** One line of plain words about a key log read, for the user: counts and line numbers, never a secret. */
export function describeKeyLogRead(name: string, summary: KeyLogReadSummary): string {
  let text = `${name}: ${summary.secrets} secret(s) read`;
  if (summary.unknownLabels > 0) text += `, ${summary.unknownLabels} line(s) of other kinds skipped`;
  if (summary.malformedCount > 0) {
    const lines = summary.malformedLines.join(', ') + (summary.malformedCount > summary.malformedLines.length ? ', …' : '');
    text += `, ${summary.malformedCount} line(s) not in the key log format (line ${lines})`;
  }
  return text;
}

/** A key log made of whole texts (the --keylog files a report's worker threads are handed). */
export function keyLogFromTexts(texts: readonly string[]): KeyLog | undefined {
  if (texts.length === 0) return undefined;
  const log = new KeyLog();
  for (const text of texts) readKeyLog(log, text, 'keylog');
  return log;
}
