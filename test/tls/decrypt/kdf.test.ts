/**
 * Key derivation checked against independent implementations: HKDF-Expand against node:crypto's HKDF (extract then
 * expand), and HKDF-Expand-Label's structure (RFC 8446 §7.1) byte for byte. The real captures test the rest: no
 * record of theirs would open with a wrong key, IV, PRF or nonce.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdfExpand, hkdfExpandLabel, prf } from '../../../src/tls/decrypt/kdf.js';
import { xorNonce } from '../../../src/tls/decrypt/protection.js';

describe('key derivation', () => {
  it.each(['sha256', 'sha384'])('HKDF-Expand over %s equals node:crypto HKDF after the extract step', (hash) => {
    const ikm = Buffer.from('input keying material of some length');
    const salt = Buffer.from('a salt');
    const info = Buffer.from('tls13 key');
    for (const length of [12, 16, 32, 48, 100]) {
      const prk = createHmac(hash, salt).update(ikm).digest();
      expect(hkdfExpand(hash, prk, info, length)).toEqual(Buffer.from(hkdfSync(hash, ikm, salt, info, length)));
    }
  });

  it('HKDF-Expand-Label builds its HkdfLabel as RFC 8446 §7.1 spells it', () => {
    const secret = Buffer.alloc(32, 7);
    const context = Buffer.from([1, 2, 3]);
    // uint16 length | u8 label length | "tls13 " + label | u8 context length | context
    const info = Buffer.concat([Buffer.from([0, 16, 9]), Buffer.from('tls13 key'), Buffer.from([3]), context]);
    expect(hkdfExpandLabel('sha256', secret, 'key', context, 16)).toEqual(hkdfExpand('sha256', secret, info, 16));
  });

  it('the TLS 1.0 PRF is P_MD5 xor P_SHA-1 over the two halves of the secret; TLS 1.2 is P_SHA256 alone', () => {
    const secret = Buffer.alloc(48, 0x35);
    const seed = Buffer.alloc(64, 0x11);
    const tls12 = prf(0x0303, 'sha256', secret, 'key expansion', seed, 40);
    const tls10 = prf(0x0301, 'sha256', secret, 'key expansion', seed, 40);
    expect(tls12).toHaveLength(40);
    expect(tls10).toHaveLength(40);
    expect(tls10.equals(tls12)).toBe(false);
    // a PRF output is a prefix of a longer one
    expect(prf(0x0303, 'sha256', secret, 'key expansion', seed, 80).subarray(0, 40)).toEqual(tls12);
    expect(prf(0x0301, 'sha256', secret, 'key expansion', seed, 80).subarray(0, 40)).toEqual(tls10);
  });

  it('the per-record nonce xors the sequence number into the IV\'s last eight bytes (RFC 8446 §5.3)', () => {
    const iv = Buffer.from('000102030405060708090a0b', 'hex');
    expect(xorNonce(iv, 0n).toString('hex')).toBe('000102030405060708090a0b');
    expect(xorNonce(iv, 1n).toString('hex')).toBe('000102030405060708090a0a');
    expect(xorNonce(iv, 0x0102n).toString('hex')).toBe('000102030405060708090b09');
    expect(iv.toString('hex')).toBe('000102030405060708090a0b');
  });
});
