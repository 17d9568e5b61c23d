import { ByteReader } from './byte-reader.js';
import { CLIENT_HELLO_EXTENSION_READERS } from './client-hello-extensions.js';
import { readExtensionBlock } from './extension-block.js';
import type { DecodeError } from './types.js';

/**
 * A decoded ClientHello. Lists keep every value as sent, GREASE included (the record builder filters); ALPN names are
 * the raw bytes read as latin1, one character per byte, and the SNI is UTF-8 when it is valid UTF-8, else latin1 too,
 * so nothing is lost or rejected here — sanitising for display is the printer's job.
 *
 * Damage policy: a body too short for the fixed fields (through compression_methods) is an `{ error }`. Damage in
 * the extensions block yields a partial result: extensions read before the damage are kept, `truncated` says the
 * block ran past the end of the message, `damage` says in words what was wrong first.
 */
export interface ClientHello {
  legacyVersion: number;
  /** 32 bytes (SSLv2: the challenge, 16–32 bytes); a view of the body */
  random: Buffer;
  sessionIdLength: number;
  /** a view of the body */
  sessionId: Buffer;
  cipherSuites: number[];
  compressionMethods: number[];
  /** extension types in the order sent */
  extensions: number[];
  /** first host_name of server_name (RFC 6066 §3) */
  sni: string | null;
  alpn: string[];
  supportedVersions: number[];
  groups: number[];
  signatureAlgorithms: number[];
  /** groups of the key_share entries (RFC 8446 §4.2.8; extension 40 in drafts ≤ 22, 51 after) */
  keyShareGroups: number[];
  pskOffered: boolean;
  earlyData: boolean;
  /** session_ticket (RFC 5077) present; `sessionTicketLength` > 0 when a ticket is offered for resumption */
  sessionTicket: boolean;
  sessionTicketLength: number;
  ech: boolean;
  ecPointFormats: number[];
  statusRequest: boolean;
  renegotiationInfo: boolean;
  extendedMasterSecret: boolean;
  truncated: boolean;
  damage: string | null;
}

/** One empty buffer for every hello's fields until they are read: Buffer.alloc(0) makes an ArrayBuffer each time. */
const NO_BYTES = Buffer.alloc(0);

/** A ClientHello with every field empty, for decoders (SSLv2) that fill in what their format has. */
export function emptyClientHello(): ClientHello {
  return {
    legacyVersion: 0,
    random: NO_BYTES,
    sessionIdLength: 0,
    sessionId: NO_BYTES,
    cipherSuites: [],
    compressionMethods: [],
    extensions: [],
    sni: null,
    alpn: [],
    supportedVersions: [],
    groups: [],
    signatureAlgorithms: [],
    keyShareGroups: [],
    pskOffered: false,
    earlyData: false,
    sessionTicket: false,
    sessionTicketLength: 0,
    ech: false,
    ecPointFormats: [],
    statusRequest: false,
    renegotiationInfo: false,
    extendedMasterSecret: false,
    truncated: false,
    damage: null,
  };
}

const RANDOM_LENGTH = 32;
const MAX_SESSION_ID_LENGTH = 32;

/**
 * Decodes a ClientHello body (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2, SSL 3.0 RFC 6101 §5.6.1.2; TLS 1.3 drafts use the
 * same layout):
 *
 * ```
 *  0      2                     34      35          35+s    37+s
 *  +------+---------------------+-------+-----------+-------+--------------------+------+-----------------+
 *  | ver  | random (32)         | s:u8  | sess id   | c:u16 | cipher suites      | m:u8 | compression (m) |
 *  +------+---------------------+-------+-----------+-------+--------------------+------+-----------------+
 *  | e:u16 | { type:u16 | len:u16 | data } × n  |   ← absent altogether in SSL 3.0 / early TLS hellos
 *  +-------+-------------------------------------+
 * ```
 */
export function parseClientHello(body: Buffer): ClientHello | DecodeError {
  const reader = new ByteReader(body);
  const hello = emptyClientHello();
  hello.legacyVersion = reader.u16();
  hello.random = reader.bytes(RANDOM_LENGTH);
  const sessionId = reader.vector(1);
  hello.sessionIdLength = sessionId.remaining;
  hello.sessionId = sessionId.bytes(sessionId.remaining);
  const suites = reader.vector(2);
  suites.u16List(hello.cipherSuites);
  const compression = reader.vector(1);
  compression.u8List(hello.compressionMethods);
  if (reader.overrun || suites.overrun) {
    return { error: `ClientHello of ${body.length} bytes is truncated before its extensions` };
  }
  if (hello.sessionIdLength > MAX_SESSION_ID_LENGTH) {
    return { error: `ClientHello session id of ${hello.sessionIdLength} bytes (at most 32 allowed)` };
  }
  if (reader.atEnd) return hello;
  readExtensionBlock(reader, hello, CLIENT_HELLO_EXTENSION_READERS, 'ClientHello');
  return hello;
}
