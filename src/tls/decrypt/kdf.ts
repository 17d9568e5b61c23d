/**
 * Key derivation: TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1) and traffic keys (§7.3); the TLS 1.2 PRF (RFC 5246 §5)
 * and its key block (§6.3), and the TLS 1.0/1.1 PRF (RFC 2246 §5: P_MD5 xor P_SHA-1). node:crypto HMACs only.
 */
import { createHmac } from 'node:crypto';

/** HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) | info | i), the first `length` bytes of T(1) | T(2) | … */
export function hkdfExpand(hash: string, prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let have = 0;
  let previous = Buffer.alloc(0);
  for (let i = 1; have < length; i++) {
    previous = createHmac(hash, prk).update(previous).update(info).update(Buffer.of(i)).digest();
    blocks.push(previous);
    have += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length), where
 *
 *   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel;
 */
export function hkdfExpandLabel(hash: string, secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.of(length >> 8, length & 0xff, fullLabel.length),
    fullLabel,
    Buffer.of(context.length),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 §7.3: [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length), write_iv likewise with "iv". */
export function trafficKeys(hash: string, secret: Buffer, keyLength: number): { key: Buffer; iv: Buffer } {
  const empty = Buffer.alloc(0);
  return { key: hkdfExpandLabel(hash, secret, 'key', empty, keyLength), iv: hkdfExpandLabel(hash, secret, 'iv', empty, 12) };
}

/** P_hash (RFC 5246 §5): HMAC(secret, A(1) + seed) | HMAC(secret, A(2) + seed) | …, A(0) = seed, A(i) = HMAC(secret, A(i-1)). */
function pHash(hash: string, secret: Buffer, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let have = 0;
  let a = seed;
  while (have < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * PRF(secret, label, seed). TLS 1.2: P_<hash>(secret, label + seed). TLS 1.0/1.1 (RFC 2246 §5): the secret split in
 * two halves (sharing a middle byte when odd), P_MD5 over the first xor P_SHA-1 over the second.
 */
export function prf(version: number, hash: string, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  if (version >= 0x0303) return pHash(hash, secret, labelSeed, length);
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), labelSeed, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), labelSeed, length);
  for (let i = 0; i < length; i++) md5[i] ^= sha1[i];
  return md5;
}

export interface Tls12Keys {
  clientMacKey: Buffer;
  serverMacKey: Buffer;
  clientKey: Buffer;
  serverKey: Buffer;
  clientIv: Buffer;
  serverIv: Buffer;
}

/**
 * RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random), cut in order into
 * client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key, client_write_IV, server_write_IV.
 */
export function tls12KeyBlock(
  version: number,
  hash: string,
  masterSecret: Buffer,
  clientRandom: Buffer,
  serverRandom: Buffer,
  macLength: number,
  keyLength: number,
  ivLength: number,
): Tls12Keys {
  const total = 2 * (macLength + keyLength + ivLength);
  const block = prf(version, hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), total);
  let pos = 0;
  const take = (n: number): Buffer => block.subarray(pos, (pos += n));
  return {
    clientMacKey: take(macLength),
    serverMacKey: take(macLength),
    clientKey: take(keyLength),
    serverKey: take(keyLength),
    clientIv: take(ivLength),
    serverIv: take(ivLength),
  };
}
