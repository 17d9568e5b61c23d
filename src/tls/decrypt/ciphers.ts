/**
 * How a suite's records are protected, as data: the bulk ciphers tlsdiag can open with node:crypto, by the cipher
 * and MAC spelled in the suite's IANA name (src/tls/registry). RC4 and other stream ciphers are absent on purpose:
 * their state runs through every record, application data included, which tlsdiag never opens.
 */
import { cipherSuiteInfo } from '../registry/index.js';

export type CipherKind = 'gcm' | 'ccm' | 'chacha20-poly1305' | 'cbc';

export interface BulkCipher {
  kind: CipherKind;
  /** node:crypto cipher name */
  algorithm: string;
  keyLength: number;
  /**
   * TLS 1.2 fixed IV from the key block (RFC 5246 §6.3): the 4-byte salt of GCM/CCM (RFC 5288 §3, RFC 6655 §3), the
   * 12-byte IV of ChaCha20-Poly1305 (RFC 7905 §2), the block size for CBC (TLS 1.0's first IV). TLS 1.3 IVs are 12.
   */
  fixedIvLength: number;
  /** bytes of explicit nonce at the head of each TLS 1.2 record: 8 for GCM/CCM, 0 for ChaCha20; CBC: its block */
  explicitNonceLength: number;
  /** AEAD tag bytes (0 for CBC) */
  tagLength: number;
  /** CBC block size (0 for AEAD) */
  blockLength: number;
}

const AEADS: ReadonlyMap<string, BulkCipher> = new Map<string, BulkCipher>([
  ['AES_128_GCM', { kind: 'gcm', algorithm: 'aes-128-gcm', keyLength: 16, fixedIvLength: 4, explicitNonceLength: 8, tagLength: 16, blockLength: 0 }],
  ['AES_256_GCM', { kind: 'gcm', algorithm: 'aes-256-gcm', keyLength: 32, fixedIvLength: 4, explicitNonceLength: 8, tagLength: 16, blockLength: 0 }],
  ['AES_128_CCM', { kind: 'ccm', algorithm: 'aes-128-ccm', keyLength: 16, fixedIvLength: 4, explicitNonceLength: 8, tagLength: 16, blockLength: 0 }],
  ['AES_256_CCM', { kind: 'ccm', algorithm: 'aes-256-ccm', keyLength: 32, fixedIvLength: 4, explicitNonceLength: 8, tagLength: 16, blockLength: 0 }],
  ['AES_128_CCM_8', { kind: 'ccm', algorithm: 'aes-128-ccm', keyLength: 16, fixedIvLength: 4, explicitNonceLength: 8, tagLength: 8, blockLength: 0 }],
  ['AES_256_CCM_8', { kind: 'ccm', algorithm: 'aes-256-ccm', keyLength: 32, fixedIvLength: 4, explicitNonceLength: 8, tagLength: 8, blockLength: 0 }],
  ['CHACHA20_POLY1305', { kind: 'chacha20-poly1305', algorithm: 'chacha20-poly1305', keyLength: 32, fixedIvLength: 12, explicitNonceLength: 0, tagLength: 16, blockLength: 0 }],
  ['AES_128_CBC', { kind: 'cbc', algorithm: 'aes-128-cbc', keyLength: 16, fixedIvLength: 16, explicitNonceLength: 16, tagLength: 0, blockLength: 16 }],
  ['AES_256_CBC', { kind: 'cbc', algorithm: 'aes-256-cbc', keyLength: 32, fixedIvLength: 16, explicitNonceLength: 16, tagLength: 0, blockLength: 16 }],
  ['CAMELLIA_128_CBC', { kind: 'cbc', algorithm: 'camellia-128-cbc', keyLength: 16, fixedIvLength: 16, explicitNonceLength: 16, tagLength: 0, blockLength: 16 }],
  ['CAMELLIA_256_CBC', { kind: 'cbc', algorithm: 'camellia-256-cbc', keyLength: 32, fixedIvLength: 16, explicitNonceLength: 16, tagLength: 0, blockLength: 16 }],
  ['3DES_EDE_CBC', { kind: 'cbc', algorithm: 'des-ede3-cbc', keyLength: 24, fixedIvLength: 8, explicitNonceLength: 8, tagLength: 0, blockLength: 8 }],
]);

/** HMAC of CBC suites (RFC 5246 §6.2.3.1) by the MAC spelled in the suite name, with its output length */
const MACS: ReadonlyMap<string, { hash: string; length: number }> = new Map([
  ['SHA', { hash: 'sha1', length: 20 }],
  ['SHA256', { hash: 'sha256', length: 32 }],
  ['SHA384', { hash: 'sha384', length: 48 }],
  ['MD5', { hash: 'md5', length: 16 }],
]);

export interface SuiteProtection {
  cipher: BulkCipher;
  /** HKDF hash (TLS 1.3) or PRF hash (TLS 1.2): sha384 for suites named _SHA384, sha256 otherwise (RFC 5246 §5) */
  hash: 'sha256' | 'sha384';
  /** CBC suites: the record MAC */
  mac: { hash: string; length: number } | null;
}

/** How `suite` protects its records, or a reason it cannot be opened. */
export function suiteProtection(suite: number): SuiteProtection | { unsupported: string } {
  const info = cipherSuiteInfo(suite);
  if (info === null) return { unsupported: `cipher suite 0x${suite.toString(16).padStart(4, '0')} is unknown` };
  const cipher = AEADS.get(info.cipher);
  if (cipher === undefined) return { unsupported: `${info.name}: its ${info.cipher || 'cipher'} records are not opened` };
  const hash = info.mac === 'SHA384' ? 'sha384' : 'sha256';
  if (cipher.kind !== 'cbc') return { cipher, hash, mac: null };
  const mac = MACS.get(info.mac);
  if (mac === undefined) return { unsupported: `${info.name}: MAC ${info.mac} is not supported` };
  return { cipher, hash, mac };
}
