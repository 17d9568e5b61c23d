import { ByteReader } from './byte-reader.js';
import { readProtocolNames } from './client-hello-extensions.js';
import { type ExtensionReader, readExtensionBlock } from './extension-block.js';
import type { DecodeError, MessageDamage } from './types.js';

/**
 * A decoded ServerHello, HelloRetryRequest, or TLS 1.3 draft HelloRetryRequest (handshake type 6).
 * Same damage policy as the ClientHello: fixed fields cut short → `{ error }`; damaged extensions → partial result.
 */
export interface ServerHello extends MessageDamage {
  /** legacy_version; in TLS 1.3 drafts ≤ 21 the draft version itself (0x7f10 …) */
  legacyVersion: number;
  /** a view of the body; empty in a draft HelloRetryRequest */
  random: Buffer;
  sessionIdLength: number;
  /** a view of the body (compare with the ClientHello's to tell a resumed TLS ≤ 1.2 session) */
  sessionId: Buffer;
  cipherSuite: number;
  /** null in the draft layout, which has no compression field */
  compressionMethod: number | null;
  extensions: number[];
  /** supported_versions (RFC 8446 §4.2.1): the version the server selected */
  selectedVersion: number | null;
  alpn: string | null;
  /** key_share: the server's share group; in a HelloRetryRequest the selected_group it asks for */
  keyShareGroup: number | null;
  /** pre_shared_key (RFC 8446 §4.2.11): the server accepted an offered PSK (TLS 1.3 resumption) */
  pskSelected: boolean;
  helloRetryRequest: boolean;
  /** decoded with the TLS 1.3 draft ≤ 21 layout: version, random, cipher_suite, extensions */
  draftLayout: boolean;
}

/** RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"). */
const HELLO_RETRY_REQUEST_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);
const RANDOM_LENGTH = 32;
const MAX_SESSION_ID_LENGTH = 32;
const EXT_KEY_SHARE_DRAFT = 0x0028;
const EXT_KEY_SHARE = 0x0033;

/** One empty buffer for every hello's fields until they are read (a view made per hello costs an object each). */
const NO_BYTES = Buffer.alloc(0);

function emptyServerHello(): ServerHello {
  return {
    legacyVersion: 0,
    random: NO_BYTES,
    sessionIdLength: 0,
    sessionId: NO_BYTES,
    cipherSuite: 0,
    compressionMethod: null,
    extensions: [],
    selectedVersion: null,
    alpn: null,
    keyShareGroup: null,
    pskSelected: false,
    helloRetryRequest: false,
    draftLayout: false,
    truncated: false,
    damage: null,
  };
}

/**
 * key_share (RFC 8446 §4.2.8). In a ServerHello: one `KeyShareEntry { group:u16, key_exchange<1..2^16-1> }`; in a
 * HelloRetryRequest: just `selected_group:u16`. Both start with the group, which is all we keep.
 */
function readServerKeyShare(data: ByteReader, hello: ServerHello): void {
  const group = data.u16();
  if (!data.overrun) hello.keyShareGroup = group;
}

/** supported_versions in a ServerHello (RFC 8446 §4.2.1): a single `selected_version:u16`. */
function readSelectedVersion(data: ByteReader, hello: ServerHello): void {
  const version = data.u16();
  if (!data.overrun) hello.selectedVersion = version;
}

const SERVER_HELLO_EXTENSION_READERS: ReadonlyMap<number, ExtensionReader<ServerHello>> = new Map<
  number,
  ExtensionReader<ServerHello>
>([
  // ALPN (RFC 7301 §3.1): the same list shape as the client's, holding exactly one name
  [
    0x0010,
    (data, hello) => {
      const names: string[] = [];
      readProtocolNames(data, names);
      hello.alpn = names.length > 0 ? names[0] : null;
    },
  ],
  [EXT_KEY_SHARE_DRAFT, readServerKeyShare],
  [0x0029, (_data, hello) => void (hello.pskSelected = true)],
  [0x002b, readSelectedVersion],
  [EXT_KEY_SHARE, readServerKeyShare],
]);

/**
 * True when legacy_version announces a TLS 1.3 draft whose ServerHello lacked the session id and compression fields:
 * IETF drafts up to 21 (0x7f00–0x7f15; draft 22 restored them for middlebox compatibility) and Google's early
 * experiment versions 0x7e01–0x7e0f.
 */
function usesDraftLayout(version: number): boolean {
  return (version >= 0x7f00 && version <= 0x7f15) || (version >= 0x7e01 && version <= 0x7e0f);
}

/**
 * Decodes a ServerHello body (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3), a HelloRetryRequest being a ServerHello with the
 * special random (RFC 8446 §4.1.4):
 *
 * ```
 *  standard (SSL 3.0 … TLS 1.3, drafts ≥ 22):
 *  +------+-------------+------+----------+-------------+---------+-------+------------------------------+
 *  | ver  | random (32) | s:u8 | sess id  | suite:u16   | comp:u8 | e:u16 | { type | len | data } × n   |  ← ext optional
 *  +------+-------------+------+----------+-------------+---------+-------+------------------------------+
 *  TLS 1.3 drafts ≤ 21 (ver = 0x7fNN) and Google experiments (0x7e0N):
 *  +------+-------------+-----------+-------+------------------------------+
 *  | ver  | random (32) | suite:u16 | e:u16 | { type | len | data } × n   |
 *  +------+-------------+-----------+-------+------------------------------+
 * ```
 * The layout is chosen from the version; if the body does not fit it exactly, the other layout is tried before
 * settling for a partial decode of the first.
 */
export function parseServerHello(body: Buffer): ServerHello | DecodeError {
  if (body.length < 2) return { error: `ServerHello of ${body.length} bytes is truncated before its version` };
  const version = (body[0] << 8) | body[1];
  const preferDraft = usesDraftLayout(version);
  const first = decodeServerHello(body, preferDraft);
  if (!('error' in first) && first.damage === null) return first;
  const second = decodeServerHello(body, !preferDraft);
  if (!('error' in second) && second.damage === null) return second;
  return first;
}

function decodeServerHello(body: Buffer, draftLayout: boolean): ServerHello | DecodeError {
  const reader = new ByteReader(body);
  const hello = emptyServerHello();
  hello.draftLayout = draftLayout;
  hello.legacyVersion = reader.u16();
  hello.random = reader.bytes(RANDOM_LENGTH);
  if (!draftLayout) {
    const sessionId = reader.vector(1);
    hello.sessionIdLength = sessionId.remaining;
    hello.sessionId = sessionId.bytes(sessionId.remaining);
  }
  hello.cipherSuite = reader.u16();
  if (!draftLayout) hello.compressionMethod = reader.u8();
  if (reader.overrun) return { error: `ServerHello of ${body.length} bytes is truncated before its extensions` };
  if (hello.sessionIdLength > MAX_SESSION_ID_LENGTH) {
    return { error: `ServerHello session id of ${hello.sessionIdLength} bytes (at most 32 allowed)` };
  }
  hello.helloRetryRequest = hello.random.equals(HELLO_RETRY_REQUEST_RANDOM);
  if (!reader.atEnd) readExtensionBlock(reader, hello, SERVER_HELLO_EXTENSION_READERS, 'ServerHello');
  else if (draftLayout) hello.damage = 'ServerHello (draft layout) has no extensions block';
  return hello;
}

/**
 * Decodes a TLS 1.3 draft HelloRetryRequest, its own handshake type 6 until draft-ietf-tls-tls13-22:
 *
 * ```
 *  drafts ≤ 18:  | server_version:u16 | e:u16 | extensions |
 *  drafts 19–21: | server_version:u16 | cipher_suite:u16 | e:u16 | extensions |
 * ```
 * The variant is told by which one the extensions length fits exactly. Returned in the ServerHello shape with
 * `helloRetryRequest` set, `keyShareGroup` holding the selected_group and an empty random.
 */
export function parseDraftHelloRetryRequest(body: Buffer): ServerHello | DecodeError {
  if (body.length < 4) return { error: `HelloRetryRequest of ${body.length} bytes is truncated` };
  const hasCipherSuite = body.length >= 6 && 6 + ((body[4] << 8) | body[5]) === body.length;
  const reader = new ByteReader(body);
  const hello = emptyServerHello();
  hello.helloRetryRequest = true;
  hello.draftLayout = true;
  hello.legacyVersion = reader.u16();
  if (hasCipherSuite) hello.cipherSuite = reader.u16();
  readExtensionBlock(reader, hello, SERVER_HELLO_EXTENSION_READERS, 'HelloRetryRequest');
  return hello;
}
