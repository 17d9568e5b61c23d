import { ByteReader } from './byte-reader.js';
import { type ClientHello, emptyClientHello } from './client-hello.js';
import type { DecodeError } from './types.js';

/*
 * SSL 2.0 handshake messages (draft-hickman-netscape-ssl-00; the CLIENT-HELLO also as the SSLv2-compatible hello of
 * RFC 6101 appendix E and RFC 5246 appendix E.2). Each body starts with its msg_type byte, as the stream parser
 * hands it over. Cipher kinds are 3 bytes; a kind whose first byte is 0 is a TLS cipher suite 0x00XXYY → 0xXXYY.
 */

const MSG_CLIENT_HELLO = 1;
const MSG_CLIENT_MASTER_KEY = 2;
const MSG_SERVER_HELLO = 4;
const CIPHER_KIND_LENGTH = 3;

/** An SSLv2 CLIENT-HELLO in the ClientHello shape, plus the 24-bit SSLv2 cipher kinds it offered. */
export interface Sslv2ClientHello extends ClientHello {
  sslv2CipherKinds: number[];
}

/**
 * Decodes an SSLv2 CLIENT-HELLO:
 *
 * ```
 *  +---------+---------+-------------+-------------+---------------+------------------+------------+-----------+
 *  | type=1  | version | specs len   | sess id len | challenge len | cipher specs     | session id | challenge |
 *  |   u8    |   u16   |    u16      |    u16      |     u16       | 3 bytes each     |            | (16..32)  |
 *  +---------+---------+-------------+-------------+---------------+------------------+------------+-----------+
 * ```
 * The challenge lands in `random`. There are no extensions.
 */
export function parseSslv2ClientHello(body: Buffer): Sslv2ClientHello | DecodeError {
  const reader = new ByteReader(body);
  if (reader.u8() !== MSG_CLIENT_HELLO) return { error: 'not an SSLv2 CLIENT-HELLO (message type is not 1)' };
  const hello: Sslv2ClientHello = { ...emptyClientHello(), sslv2CipherKinds: [] };
  hello.legacyVersion = reader.u16();
  const specsLength = reader.u16();
  const sessionIdLength = reader.u16();
  const challengeLength = reader.u16();
  if (reader.overrun) return { error: `SSLv2 CLIENT-HELLO of ${body.length} bytes is truncated in its header` };
  if (specsLength % CIPHER_KIND_LENGTH !== 0) {
    return { error: `SSLv2 CLIENT-HELLO cipher specs length ${specsLength} is not a multiple of 3` };
  }
  const specs = new ByteReader(body, reader.offset, reader.offset + Math.min(specsLength, reader.remaining));
  reader.skip(specsLength);
  while (specs.remaining >= CIPHER_KIND_LENGTH) {
    const kind = specs.u24();
    if (kind >>> 16 === 0) hello.cipherSuites.push(kind);
    else hello.sslv2CipherKinds.push(kind);
  }
  hello.sessionIdLength = sessionIdLength;
  hello.sessionId = reader.bytes(sessionIdLength);
  hello.random = reader.bytes(challengeLength);
  if (reader.overrun) {
    hello.truncated = true;
    hello.damage = `SSLv2 CLIENT-HELLO of ${body.length} bytes is shorter than its lengths say`;
  }
  return hello;
}

export interface Sslv2ServerHello {
  sessionIdHit: boolean;
  certificateType: number;
  version: number;
  /** the server certificate's DER (a view), null when none was sent (a session-id hit) */
  certificate: Buffer | null;
  cipherKinds: number[];
  connectionIdLength: number;
  truncated: boolean;
}

/**
 * Decodes an SSLv2 SERVER-HELLO:
 *
 * ```
 *  +--------+---------+-----------+---------+----------+-----------+---------+-------------+--------------+---------+
 *  | type=4 | sid hit | cert type | version | cert len | specs len | conn id | certificate | cipher specs | conn id |
 *  |   u8   |   u8    |    u8     |   u16   |   u16    |    u16    | len u16 |   (DER)     | 3 bytes each |         |
 *  +--------+---------+-----------+---------+----------+-----------+---------+-------------+--------------+---------+
 * ```
 */
export function parseSslv2ServerHello(body: Buffer): Sslv2ServerHello | DecodeError {
  const reader = new ByteReader(body);
  if (reader.u8() !== MSG_SERVER_HELLO) return { error: 'not an SSLv2 SERVER-HELLO (message type is not 4)' };
  const sessionIdHit = reader.u8() !== 0;
  const certificateType = reader.u8();
  const version = reader.u16();
  const certificateLength = reader.u16();
  const specsLength = reader.u16();
  const connectionIdLength = reader.u16();
  if (reader.overrun) return { error: `SSLv2 SERVER-HELLO of ${body.length} bytes is truncated in its header` };
  const certificate = reader.bytes(certificateLength);
  const specs = new ByteReader(body, reader.offset, reader.offset + Math.min(specsLength, reader.remaining));
  reader.skip(specsLength);
  reader.skip(connectionIdLength);
  const cipherKinds: number[] = [];
  while (specs.remaining >= CIPHER_KIND_LENGTH) cipherKinds.push(specs.u24());
  return {
    sessionIdHit,
    certificateType,
    version,
    certificate: certificateLength > 0 ? certificate : null,
    cipherKinds,
    connectionIdLength,
    truncated: reader.overrun,
  };
}

export interface Sslv2ClientMasterKey {
  /** the 24-bit cipher kind the client chose */
  cipherKind: number;
  clearKeyLength: number;
  encryptedKeyLength: number;
  keyArgLength: number;
}

/**
 * Decodes the header of an SSLv2 CLIENT-MASTER-KEY (the key material itself is of no interest here):
 *
 * ```
 *  +--------+-------------+---------------+-------------------+-------------+------+
 *  | type=2 | cipher kind | clear key len | encrypted key len | key arg len | keys |
 *  |   u8   |   3 bytes   |      u16      |        u16        |     u16     |      |
 *  +--------+-------------+---------------+-------------------+-------------+------+
 * ```
 */
export function parseSslv2ClientMasterKey(body: Buffer): Sslv2ClientMasterKey | DecodeError {
  const reader = new ByteReader(body);
  if (reader.u8() !== MSG_CLIENT_MASTER_KEY) return { error: 'not an SSLv2 CLIENT-MASTER-KEY (message type is not 2)' };
  const cipherKind = reader.u24();
  const clearKeyLength = reader.u16();
  const encryptedKeyLength = reader.u16();
  const keyArgLength = reader.u16();
  if (reader.overrun) return { error: `SSLv2 CLIENT-MASTER-KEY of ${body.length} bytes is truncated in its header` };
  return { cipherKind, clearKeyLength, encryptedKeyLength, keyArgLength };
}
