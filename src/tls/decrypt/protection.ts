/**
 * Opening one protected record with node:crypto. Every function returns the plaintext, or null when the record does
 * not open (a wrong key, a wrong sequence number, a damaged record): the caller turns that into a note.
 *
 * TLS 1.3 (RFC 8446 §5.2–5.3):
 *   nonce = write_iv xor (64-bit sequence number, left-padded to the IV length)
 *   additional_data = the record header as sent: opaque_type(23) | legacy_record_version | length
 *   plaintext = TLSInnerPlaintext: content | ContentType type | zeros
 *
 * TLS 1.2 AEAD (RFC 5246 §6.2.3.3): additional_data = seq_num(8) | type | version | length(plaintext);
 *   GCM / CCM (RFC 5288 §3, RFC 6655 §3): nonce = salt(4, from the key block) | explicit nonce(8, the record's head)
 *   ChaCha20-Poly1305 (RFC 7905 §2): nonce = write_IV(12) xor padded seq_num; no explicit nonce
 * TLS ≤ 1.2 CBC (RFC 5246 §6.2.3.2): IV(block, TLS ≥ 1.1) | E(content | MAC | padding | padding_length), MAC =
 *   HMAC(mac_key, seq_num | type | version | length(content) | content); with encrypt-then-MAC (RFC 7366 §3) the MAC
 *   follows the ciphertext and covers seq_num | type | version | length(IV + ciphertext) | IV | ciphertext.
 */
import { createDecipheriv, createHmac, timingSafeEqual, type CipherCCMTypes, type CipherGCMTypes } from 'node:crypto';
import type { BulkCipher } from './ciphers.js';

/** iv xor the sequence number, right-aligned (RFC 8446 §5.3, RFC 7905 §2). */
export function xorNonce(iv: Buffer, seq: bigint): Buffer {
  const nonce = Buffer.from(iv);
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(seq);
  for (let i = 0; i < 8; i++) nonce[nonce.length - 8 + i] ^= seqBytes[i];
  return nonce;
}

function seqNumber(seq: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(seq);
  return out;
}

/** AEAD open: `sealed` is ciphertext | tag. */
export function aeadOpen(cipher: BulkCipher, key: Buffer, nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer | null {
  const tagLength = cipher.tagLength;
  if (sealed.length < tagLength) return null;
  const body = sealed.subarray(0, sealed.length - tagLength);
  const tag = sealed.subarray(sealed.length - tagLength);
  try {
    if (cipher.kind === 'ccm') {
      const decipher = createDecipheriv(cipher.algorithm as CipherCCMTypes, key, nonce, { authTagLength: tagLength });
      decipher.setAuthTag(tag);
      decipher.setAAD(aad, { plaintextLength: body.length });
      const plain = decipher.update(body);
      decipher.final();
      return plain;
    }
    const decipher = createDecipheriv(cipher.algorithm as CipherGCMTypes, key, nonce, { authTagLength: tagLength });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plain = decipher.update(body);
    decipher.final();
    return plain;
  } catch {
    return null;
  }
}

/** A TLS 1.3 record's content and inner type, the zero padding removed; null when it does not open. */
export function openTls13Record(
  cipher: BulkCipher,
  key: Buffer,
  iv: Buffer,
  seq: bigint,
  header: Buffer,
  sealed: Buffer,
): { type: number; content: Buffer } | null {
  const plain = aeadOpen(cipher, key, xorNonce(iv, seq), header, sealed);
  if (plain === null) return null;
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  // all zeros: no content type at all, "MUST terminate the connection with an unexpected_message alert" (§5.4)
  if (end === 0) return null;
  return { type: plain[end - 1], content: plain.subarray(0, end - 1) };
}

export interface Tls12RecordKeys {
  cipher: BulkCipher;
  key: Buffer;
  /** the fixed IV (AEAD salt / ChaCha IV), or for TLS 1.0 CBC the IV this record is chained from */
  iv: Buffer;
  macKey: Buffer;
  mac: { hash: string; length: number } | null;
  encryptThenMac: boolean;
}

/** A TLS ≤ 1.2 record's content; null when it does not open or its MAC does not check. */
export function openTls12Record(
  keys: Tls12RecordKeys,
  version: number,
  seq: bigint,
  type: number,
  body: Buffer,
): Buffer | null {
  const cipher = keys.cipher;
  const head = Buffer.concat([seqNumber(seq), Buffer.of(type, version >> 8, version & 0xff)]);
  if (cipher.kind !== 'cbc') {
    const explicit = cipher.explicitNonceLength;
    const plainLength = body.length - explicit - cipher.tagLength;
    if (plainLength < 0) return null;
    const nonce = explicit > 0 ? Buffer.concat([keys.iv, body.subarray(0, explicit)]) : xorNonce(keys.iv, seq);
    const aad = Buffer.concat([head, Buffer.of(plainLength >> 8, plainLength & 0xff)]);
    return aeadOpen(cipher, keys.key, nonce, aad, body.subarray(explicit));
  }
  return openCbc(keys, version, head, body);
}

function openCbc(keys: Tls12RecordKeys, version: number, head: Buffer, body: Buffer): Buffer | null {
  const { cipher, mac } = keys;
  if (mac === null) return null;
  const block = cipher.blockLength;
  const explicitIv = version >= 0x0302;
  let sealed = body;
  if (keys.encryptThenMac) {
    if (body.length < mac.length) return null;
    sealed = body.subarray(0, body.length - mac.length);
    const expected = hmac(mac.hash, keys.macKey, head, sealed.length, sealed);
    if (!timingSafeEqual(expected, body.subarray(sealed.length))) return null;
  }
  const iv = explicitIv ? sealed.subarray(0, block) : keys.iv;
  const ciphertext = explicitIv ? sealed.subarray(block) : sealed;
  if (ciphertext.length === 0 || ciphertext.length % block !== 0) return null;
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(cipher.algorithm, keys.key, iv);
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return null;
  }
  const padLength = plain[plain.length - 1];
  const unpadded = plain.length - padLength - 1;
  if (unpadded < 0) return null;
  for (let i = unpadded; i < plain.length; i++) if (plain[i] !== padLength) return null;
  if (keys.encryptThenMac) return plain.subarray(0, unpadded);
  const contentLength = unpadded - mac.length;
  if (contentLength < 0) return null;
  const content = plain.subarray(0, contentLength);
  const expected = hmac(mac.hash, keys.macKey, head, contentLength, content);
  return timingSafeEqual(expected, plain.subarray(contentLength, unpadded)) ? content : null;
}

function hmac(hash: string, key: Buffer, head: Buffer, length: number, data: Buffer): Buffer {
  return createHmac(hash, key).update(head).update(Buffer.of(length >> 8, length & 0xff)).update(data).digest();
}
