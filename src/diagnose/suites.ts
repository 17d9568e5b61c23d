/**
 * Judging cipher suites and groups. The registry's cipherSuiteInfo says what a suite's name implies; for suites it
 * does not know (unassigned, vendor-private) the name is read with the same markers, as data, top to bottom.
 */
import { cipherSuiteInfo, type CipherSuiteWeakness } from '../tls/registry/index.js';

/** What each weakness means, in words for evidence (RFC 7465 RC4, RFC 9325 §4.1, RFC 6176). */
export const WEAKNESS_WORDS: Readonly<Record<CipherSuiteWeakness, string>> = {
  NULL: 'no encryption (NULL)',
  EXPORT: 'export-grade (deliberately weakened)',
  anon: 'anonymous: the server is not authenticated',
  RC4: 'RC4, prohibited by RFC 7465',
  RC2: 'RC2',
  DES: 'single DES',
  '3DES': '3DES, a 64-bit block cipher (Sweet32)',
  MD5: 'MD5 message authentication',
};

/** Name markers for suites the registry does not know, with the weakness each shows. */
const NAME_MARKERS: readonly (readonly [string, CipherSuiteWeakness])[] = [
  ['NULL', 'NULL'],
  ['EXPORT', 'EXPORT'],
  ['_anon_', 'anon'],
  ['RC4', 'RC4'],
  ['RC2', 'RC2'],
  ['3DES', '3DES'],
  ['_DES', 'DES'],
  ['_MD5', 'MD5'],
];

/** Why a suite is insecure, in words, or null when it is not. `code` is the '0x....' code point. */
export function insecureSuiteReason(code: string, name: string): string | null {
  const info = cipherSuiteInfo(parseInt(code, 16));
  if (info) return info.insecure ? info.weaknesses.map((w) => WEAKNESS_WORDS[w]).join(', ') : null;
  for (const [marker, weakness] of NAME_MARKERS) if (name.includes(marker)) return WEAKNESS_WORDS[weakness];
  return null;
}

/** A signalling value (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV) or GREASE: not a suite anyone negotiates. */
export function isPseudoSuite(code: string, name: string): boolean {
  const info = cipherSuiteInfo(parseInt(code, 16));
  if (info) return info.scsv;
  return name.includes('SCSV') || name.startsWith('GREASE');
}

/**
 * A suite current servers accept: a TLS 1.3 suite, or a TLS 1.2 suite with a forward-secret key exchange and an
 * AEAD cipher. Everything else is legacy: RSA key exchange, CBC, or an insecure cipher.
 */
export function isModernSuite(code: string, name: string): boolean {
  const info = cipherSuiteInfo(parseInt(code, 16));
  if (info) return !info.insecure && (info.keyExchange === 'TLS13' || (info.forwardSecrecy && info.aead));
  if (insecureSuiteReason(code, name) !== null) return false;
  const aead = name.includes('_GCM') || name.includes('CHACHA20_POLY1305') || name.includes('_CCM');
  if (!aead) return false;
  return !name.includes('_WITH_') || name.includes('_ECDHE_') || name.includes('_DHE_');
}

/**
 * Key exchange groups (IANA "TLS Supported Groups") that practically every current server supports: x25519,
 * secp256r1, secp384r1. A client offering none of them leaves most servers without a common group.
 */
export const WIDELY_SUPPORTED_GROUPS: ReadonlySet<string> = new Set(['0x001d', '0x0017', '0x0018']);
