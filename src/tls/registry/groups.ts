/**
 * Named groups: key exchange curves, finite-field groups and post-quantum hybrids, as sent in supported_groups and
 * key_share (RFC 8446 §4.2.7, §4.2.8; called elliptic_curves in RFC 4492).
 *
 * Source: IANA "TLS Parameters" registry group, "TLS Supported Groups" (https://www.iana.org/assignments/tls-parameters,
 * registry last updated 2025-02-18): RFC 8422 (secp / sect curves, x25519, x448, explicit curves), RFC 7027 and
 * RFC 8734 (brainpool), RFC 9189 (GOST), RFC 8998 (SM2), RFC 7919 (ffdhe), draft-connolly-tls-mlkem-key-agreement
 * (pure ML-KEM), draft-ietf-tls-ecdhe-mlkem (hybrids), draft-tls-westerbaan-xyber768d00 and
 * draft-kwiatkowski-tls-ecdhe-kyber (pre-standard Kyber, obsolete but still offered by deployed clients).
 */
import { name16, tableFrom, type RegistryEntries } from './lookup.js';

export const GROUP_ENTRIES: RegistryEntries = [
  [1, 'sect163k1'],
  [2, 'sect163r1'],
  [3, 'sect163r2'],
  [4, 'sect193r1'],
  [5, 'sect193r2'],
  [6, 'sect233k1'],
  [7, 'sect233r1'],
  [8, 'sect239k1'],
  [9, 'sect283k1'],
  [10, 'sect283r1'],
  [11, 'sect409k1'],
  [12, 'sect409r1'],
  [13, 'sect571k1'],
  [14, 'sect571r1'],
  [15, 'secp160k1'],
  [16, 'secp160r1'],
  [17, 'secp160r2'],
  [18, 'secp192k1'],
  [19, 'secp192r1'],
  [20, 'secp224k1'],
  [21, 'secp224r1'],
  [22, 'secp256k1'],
  [23, 'secp256r1'],
  [24, 'secp384r1'],
  [25, 'secp521r1'],
  [26, 'brainpoolP256r1'],
  [27, 'brainpoolP384r1'],
  [28, 'brainpoolP512r1'],
  [29, 'x25519'],
  [30, 'x448'],
  [31, 'brainpoolP256r1tls13'],
  [32, 'brainpoolP384r1tls13'],
  [33, 'brainpoolP512r1tls13'],
  [34, 'GC256A'],
  [35, 'GC256B'],
  [36, 'GC256C'],
  [37, 'GC256D'],
  [38, 'GC512A'],
  [39, 'GC512B'],
  [40, 'GC512C'],
  [41, 'curveSM2'],
  [0x0100, 'ffdhe2048'],
  [0x0101, 'ffdhe3072'],
  [0x0102, 'ffdhe4096'],
  [0x0103, 'ffdhe6144'],
  [0x0104, 'ffdhe8192'],
  [0x0200, 'MLKEM512'],
  [0x0201, 'MLKEM768'],
  [0x0202, 'MLKEM1024'],
  [0x11eb, 'SecP256r1MLKEM768'],
  [0x11ec, 'X25519MLKEM768'],
  [0x11ed, 'SecP384r1MLKEM1024'],
  [0x6399, 'X25519Kyber768Draft00'],
  [0x639a, 'SecP256r1Kyber768Draft00'],
  [0xff01, 'arbitrary_explicit_prime_curves'],
  [0xff02, 'arbitrary_explicit_char2_curves'],
];

export const GROUPS: ReadonlyMap<number, string> = tableFrom(GROUP_ENTRIES);

/**
 * The name of a NamedGroup, a 16-bit code point in supported_groups and in each KeyShareEntry (RFC 8446 §4.2.7):
 * 29 → 'x25519', 0x11ec → 'X25519MLKEM768'; GREASE → 'GREASE (0x....)'; unregistered → 'unknown (0x....)'.
 */
export function groupName(group: number): string {
  return name16(GROUPS, group);
}
