/**
 * The TLS record header (RFC 8446 §5.1, RFC 5246 §6.2) as the stream parser judges it: where a TLS stream can start,
 * whether a header is one framing accepts, and how a lost framing is found again.
 *
 *   +--------------+---------------------+----------------+------------------------------+
 *   | content type | legacy version (2)  | length (2)     | fragment (length bytes)      |
 *   +--------------+---------------------+----------------+------------------------------+
 *     20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data, 24 heartbeat, 25 tls12_cid, 26 ack
 */
import { SSLV2_START_NEED_MORE, SSLV2_START_YES, classifySslv2Start } from './sslv2-framing.js';

export const RECORD_HEADER_BYTES = 5;
/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048 */
const MAX_RECORD_LENGTH = 16384 + 2048;
export const CONTENT_CHANGE_CIPHER_SPEC = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPLICATION_DATA = 23;
/** heartbeat (RFC 6520): the last type seen at the start of a TLS stream */
const LAST_STARTING_CONTENT_TYPE = 24;
/** ack (RFC 9147): the last type framed once in a TLS stream */
const LAST_CONTENT_TYPE = 26;
/** the largest TLS major version byte accepted at a stream start: TLS 1.3 is 0x0304 */
const MAX_STARTING_MINOR_VERSION = 4;


/** How a stream starts (classifyStreamStart). */
export const START_NEED_MORE = 0;
export const START_TLS = 1;
export const START_SSLV2 = 2;
export const START_PLAINTEXT = 3;

/** Any header TLS framing accepts once in a TLS stream: type 20–26, version 0x03xx, length ≤ 2^14 + 2048. */
export function isRecordHeader(buf: Buffer, pos: number): boolean {
  const type = buf[pos];
  return (
    type >= CONTENT_CHANGE_CIPHER_SPEC &&
    type <= LAST_CONTENT_TYPE &&
    buf[pos + 1] === 3 &&
    ((buf[pos + 3] << 8) | buf[pos + 4]) <= MAX_RECORD_LENGTH
  );
}

/**
 * A header plausible where a TLS stream could begin: type 20–24, version 0x0300–0x0304, 1 ≤ length ≤ 2^14 + 2048.
 * Needs 5 bytes at `pos`. `minLength` 0 admits the empty handshake record some clients send first.
 */
export function isLikelyRecordStart(buf: Buffer, pos: number, minLength = 1): boolean {
  const type = buf[pos];
  if (type < CONTENT_CHANGE_CIPHER_SPEC || type > LAST_STARTING_CONTENT_TYPE) return false;
  if (buf[pos + 1] !== 3 || buf[pos + 2] > MAX_STARTING_MINOR_VERSION) return false;
  const length = (buf[pos + 3] << 8) | buf[pos + 4];
  return length >= minLength && length <= MAX_RECORD_LENGTH;
}

/**
 * A likely header whose record is confirmed by what follows it in `buf[..end)`: either the record ends exactly at
 * `end` (a sender's write ending a segment), or a second likely header starts exactly where it ends.
 */
export function isConfirmedRecordStart(buf: Buffer, pos: number, end: number): boolean {
  if (end - pos < RECORD_HEADER_BYTES || !isLikelyRecordStart(buf, pos)) return false;
  const next = pos + RECORD_HEADER_BYTES + ((buf[pos + 3] << 8) | buf[pos + 4]);
  if (next === end) return true;
  return next + RECORD_HEADER_BYTES <= end && isLikelyRecordStart(buf, next);
}

/** How a stream's first bytes start; START_NEED_MORE until SSLV2_START_PROBE_BYTES have been seen at most. */
export function classifyStreamStart(buf: Buffer, end: number): number {
  if (end === 0) return START_NEED_MORE;
  const first = buf[0];
  if (first >= CONTENT_CHANGE_CIPHER_SPEC && first <= LAST_STARTING_CONTENT_TYPE) {
    if (end < RECORD_HEADER_BYTES) return START_NEED_MORE;
    if (isLikelyRecordStart(buf, 0, 0)) return START_TLS;
  }
  const sslv2 = classifySslv2Start(buf, 0, end);
  if (sslv2 === SSLV2_START_NEED_MORE) return START_NEED_MORE;
  return sslv2 === SSLV2_START_YES ? START_SSLV2 : START_PLAINTEXT;
}

/**
 * Where framing is found again after it was lost: the first header in `data[from..)` confirmed by the record after
 * it (isConfirmedRecordStart), or -1. Inside one push only a confirmed header will do, since any byte run can look
 * like one header.
 */
export function findConfirmedRecord(data: Buffer, from: number): number {
  const end = data.length;
  const last = end - RECORD_HEADER_BYTES;
  for (let i = from; i <= last; i++) {
    const type = data[i];
    if (type < CONTENT_CHANGE_CIPHER_SPEC || type > LAST_STARTING_CONTENT_TYPE || data[i + 1] !== 3) continue;
    if (isConfirmedRecordStart(data, i, end)) return i;
  }
  return -1;
}

/** What a malformed note says of a header framing refused. */
export function describeBadHeader(buf: Buffer, pos: number): string {
  const hex = buf.toString('hex', pos, pos + RECORD_HEADER_BYTES);
  return `invalid record header ${hex} (type ${buf[pos]}, length ${(buf[pos + 3] << 8) | buf[pos + 4]})`;
}
