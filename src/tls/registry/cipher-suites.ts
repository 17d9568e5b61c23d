/**
 * Cipher suite names and what each suite's name says about it: key exchange, authentication, bulk cipher, MAC, and
 * the classic weaknesses. Every value is computed once at module load from the tables in cipher-suite-table.ts, so a
 * lookup is one Map probe.
 */
import {
  DEPLOYED_UNASSIGNED_CIPHER_SUITE_ENTRIES,
  IANA_CIPHER_SUITE_ENTRIES,
  SSLV2_CIPHER_KIND_ENTRIES,
} from './cipher-suite-table.js';
import { hex24 } from './hex.js';
import { name16, tableFrom } from './lookup.js';

/** Why a suite is considered broken today (RFC 7525 / RFC 9325 §4.1, RFC 7465, RFC 6176). */
export type CipherSuiteWeakness = 'NULL' | 'EXPORT' | 'anon' | 'RC4' | 'RC2' | 'DES' | '3DES' | 'MD5';

export interface CipherSuiteInfo {
  value: number;
  name: string;
  /** 'RSA', 'DH', 'DHE', 'ECDH', 'ECDHE', 'PSK', 'DHE_PSK', 'RSA_PSK', 'ECDHE_PSK', 'SRP', 'KRB5', 'ECCPWD', 'GOST',
   *  'TLS13' (negotiated separately, RFC 8446 §4.2.8), 'NULL', or 'SCSV' for signalling values that are no suite */
  keyExchange: string;
  /** 'RSA', 'DSS', 'ECDSA', 'anon', 'PSK', 'SRP', 'KRB5', 'ECCPWD', 'GOST', 'TLS13', 'NULL' or 'SCSV' */
  authentication: string;
  /** bulk cipher as spelled in the name: 'AES_128_GCM', 'CHACHA20_POLY1305', '3DES_EDE_CBC', 'NULL', ... */
  cipher: string;
  /** MAC or PRF hash as spelled in the name: 'SHA256', 'SHA', 'MD5', ... ('' when the name carries none) */
  mac: string;
  /** an ephemeral key exchange: a stolen server key does not open recorded traffic */
  forwardSecrecy: boolean;
  /** an AEAD cipher (GCM, CCM, ChaCha20-Poly1305, MGM, AEGIS) rather than MAC-then-encrypt CBC or a stream cipher */
  aead: boolean;
  /** a signalling cipher suite value (RFC 5746 §3.3, RFC 7507), not a real suite */
  scsv: boolean;
  weaknesses: readonly CipherSuiteWeakness[];
  /** true when `weaknesses` is not empty */
  insecure: boolean;
}

/**
 * Key exchange / authentication of each prefix before '_WITH_' in a TLS ≤ 1.2 suite name. Export variants share
 * their base row; the EXPORT weakness is read from the name separately.
 */
const KEY_EXCHANGE_BY_PREFIX: ReadonlyMap<string, readonly [keyExchange: string, authentication: string]> = new Map([
  ['NULL', ['NULL', 'NULL']],
  ['RSA', ['RSA', 'RSA']],
  ['RSA_EXPORT', ['RSA', 'RSA']],
  ['RSA_EXPORT1024', ['RSA', 'RSA']],
  ['RSA_FIPS', ['RSA', 'RSA']],
  ['DH_DSS', ['DH', 'DSS']],
  ['DH_DSS_EXPORT', ['DH', 'DSS']],
  ['DH_RSA', ['DH', 'RSA']],
  ['DH_RSA_EXPORT', ['DH', 'RSA']],
  ['DHE_DSS', ['DHE', 'DSS']],
  ['DHE_DSS_EXPORT', ['DHE', 'DSS']],
  ['DHE_DSS_EXPORT1024', ['DHE', 'DSS']],
  ['DHE_RSA', ['DHE', 'RSA']],
  ['DHE_RSA_EXPORT', ['DHE', 'RSA']],
  ['DH_anon', ['DH', 'anon']],
  ['DH_anon_EXPORT', ['DH', 'anon']],
  ['ECDH_ECDSA', ['ECDH', 'ECDSA']],
  ['ECDH_RSA', ['ECDH', 'RSA']],
  ['ECDH_anon', ['ECDH', 'anon']],
  ['ECDHE_ECDSA', ['ECDHE', 'ECDSA']],
  ['ECDHE_RSA', ['ECDHE', 'RSA']],
  ['KRB5', ['KRB5', 'KRB5']],
  ['KRB5_EXPORT', ['KRB5', 'KRB5']],
  ['PSK', ['PSK', 'PSK']],
  ['DHE_PSK', ['DHE_PSK', 'PSK']],
  ['PSK_DHE', ['DHE_PSK', 'PSK']],
  ['RSA_PSK', ['RSA_PSK', 'RSA']],
  ['ECDHE_PSK', ['ECDHE_PSK', 'PSK']],
  ['SRP_SHA', ['SRP', 'SRP']],
  ['SRP_SHA_RSA', ['SRP', 'RSA']],
  ['SRP_SHA_DSS', ['SRP', 'DSS']],
  ['ECCPWD', ['ECCPWD', 'ECCPWD']],
  ['GOSTR341094', ['GOST', 'GOST']],
  ['GOSTR341001', ['GOST', 'GOST']],
  ['GOSTR341112_256', ['GOST', 'GOST']],
]);

const FORWARD_SECRET_KEY_EXCHANGES: ReadonlySet<string> = new Set(['DHE', 'ECDHE', 'DHE_PSK', 'ECDHE_PSK', 'TLS13']);

/** TLS 1.3 suites whose name still carries a '_WITH_' (RFC 9367 GOST MGM suites): keys come from key_share. */
const TLS13_SUITES_NAMED_WITH_KEY_EXCHANGE: ReadonlySet<number> = new Set([0xc103, 0xc104, 0xc105, 0xc106]);

/** MAC / hash names that end a suite name; whatever precedes them is the cipher. */
const MAC_NAMES: ReadonlySet<string> = new Set(['NULL', 'MD5', 'SHA', 'SHA256', 'SHA384', 'SHA512', 'SM3', 'GOSTR3411', 'OLD']);

const INTEGRITY_ONLY_CIPHERS: ReadonlySet<string> = new Set(['SHA256', 'SHA384']);

const AEAD_MARKERS = ['_GCM', '_CCM', 'CHACHA20_POLY1305', '_MGM_', 'AEGIS'];

/** Splits '<cipher>_<mac>' at its last token when that token is a MAC name ('AES_128_CCM' has none). */
function splitCipherAndMac(rest: string): [cipher: string, mac: string] {
  const cut = rest.lastIndexOf('_');
  if (cut > 0 && MAC_NAMES.has(rest.slice(cut + 1))) {
    const mac = rest.slice(cut + 1);
    // '..._SHA256_OLD' (Chrome's pre-RFC ChaCha) keeps its real hash
    if (mac === 'OLD') return splitCipherAndMac(rest.slice(0, cut));
    return [rest.slice(0, cut), mac];
  }
  return [rest, ''];
}

function weaknessesOf(name: string, authentication: string, cipher: string, mac: string): CipherSuiteWeakness[] {
  const found: CipherSuiteWeakness[] = [];
  if (cipher === 'NULL') found.push('NULL');
  if (name.includes('EXPORT')) found.push('EXPORT');
  if (authentication === 'anon') found.push('anon');
  if (cipher.startsWith('RC4')) found.push('RC4');
  if (cipher.startsWith('RC2')) found.push('RC2');
  if (cipher.startsWith('DES')) found.push('DES');
  if (cipher.startsWith('3DES')) found.push('3DES');
  if (mac === 'MD5') found.push('MD5');
  return found;
}

/**
 * Reads a suite name of the forms 'TLS_<kx>_WITH_<cipher>_<mac>' (TLS ≤ 1.2), 'TLS_<cipher>_<hash>' (TLS 1.3,
 * RFC 8446 §B.4) and 'TLS_..._SCSV'. Only called at module load.
 */
function describe(value: number, name: string): CipherSuiteInfo {
  const body = name.replace(/^(TLS|SSL)_/, '');
  const scsv = name.endsWith('_SCSV');
  let keyExchange = 'TLS13';
  let authentication = 'TLS13';
  let rest = body;
  const withAt = body.indexOf('_WITH_');
  if (scsv) {
    keyExchange = 'SCSV';
    authentication = 'SCSV';
    rest = '';
  } else if (withAt >= 0) {
    rest = body.slice(withAt + '_WITH_'.length);
    if (!TLS13_SUITES_NAMED_WITH_KEY_EXCHANGE.has(value)) {
      const pair = KEY_EXCHANGE_BY_PREFIX.get(body.slice(0, withAt));
      keyExchange = pair ? pair[0] : 'unknown';
      authentication = pair ? pair[1] : 'unknown';
    }
  }
  const [cipherPart, mac] = scsv ? ['', ''] : splitCipherAndMac(rest);
  // RFC 9150 integrity-only suites (TLS_SHA256_SHA256) encrypt nothing
  const cipher = INTEGRITY_ONLY_CIPHERS.has(cipherPart) ? 'NULL' : cipherPart;
  const weaknesses = Object.freeze(weaknessesOf(name, authentication, cipher, mac));
  return Object.freeze({
    value,
    name,
    keyExchange,
    authentication,
    cipher,
    mac,
    forwardSecrecy: FORWARD_SECRET_KEY_EXCHANGES.has(keyExchange),
    aead: keyExchange === 'TLS13' ? !weaknesses.includes('NULL') : AEAD_MARKERS.some((marker) => cipher.includes(marker)),
    scsv,
    weaknesses,
    insecure: weaknesses.length > 0,
  });
}

const ALL_CIPHER_SUITE_ENTRIES = [...IANA_CIPHER_SUITE_ENTRIES, ...DEPLOYED_UNASSIGNED_CIPHER_SUITE_ENTRIES];

export const CIPHER_SUITES: ReadonlyMap<number, string> = tableFrom(ALL_CIPHER_SUITE_ENTRIES);

const CIPHER_SUITE_INFO: ReadonlyMap<number, CipherSuiteInfo> = new Map(
  ALL_CIPHER_SUITE_ENTRIES.map(([value, name]) => [value, describe(value, name)]),
);

export const SSLV2_CIPHER_KINDS: ReadonlyMap<number, string> = tableFrom(SSLV2_CIPHER_KIND_ENTRIES);

/**
 * The name of a cipher suite, a 16-bit code point of ClientHello.cipher_suites or ServerHello.cipher_suite
 * (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2): 0xc02f → 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';
 * GREASE → 'GREASE (0x....)'; unregistered → 'unknown (0x....)'.
 */
export function cipherSuiteName(suite: number): string {
  return name16(CIPHER_SUITES, suite);
}

/** What a suite's name says about it; null for GREASE and unregistered values. The object is shared and frozen. */
export function cipherSuiteInfo(suite: number): CipherSuiteInfo | null {
  return CIPHER_SUITE_INFO.get(suite) ?? null;
}

/**
 * The name of an SSLv2 cipher kind, a 24-bit CIPHER-SPECS entry of an SSLv2 CLIENT-HELLO (RFC 6101 appendix E.2):
 *
 *     | kind (1) | key / parameter bytes (2) |   e.g. 01 00 80 = SSL2_RC4_128_WITH_MD5
 *
 * Entries 0x00XXXX carry TLS suite XXXX (RFC 5246 appendix E.2) and get its TLS name; else 'unknown (0x......)'.
 */
export function sslv2CipherKindName(kind: number): string {
  const found = SSLV2_CIPHER_KINDS.get(kind);
  if (found !== undefined) return found;
  if (kind >>> 16 === 0) {
    const tlsName = CIPHER_SUITES.get(kind);
    if (tlsName !== undefined) return tlsName;
  }
  return 'unknown (' + hex24(kind) + ')';
}
