/**
 * Signature schemes (RFC 8446 §4.2.3) and the TLS 1.2 SignatureAndHashAlgorithm pairs they grew out of
 * (RFC 5246 §7.4.1.4.1: a hash byte then a signature byte), as sent in signature_algorithms,
 * signature_algorithms_cert, CertificateRequest and the signature of ServerKeyExchange / CertificateVerify.
 *
 * Source: IANA "TLS Parameters" registry group, "TLS SignatureScheme" (https://www.iana.org/assignments/tls-parameters,
 * registry last updated 2025-02-18): RFC 8446, RFC 9155 (SHA-1), RFC 8734 (brainpool), RFC 8998 (SM2), RFC 9367
 * (GOST), draft-davidben-tls13-pkcs1 (legacy PKCS#1), draft-wang-tls-raw-public-key-with-ibc (IBC),
 * draft-ietf-tls-mldsa (ML-DSA). Pairs the registry only marks "reserved for backward compatibility" are named
 * '<hash>_<signature>' from the TLS HashAlgorithm and TLS SignatureAlgorithm registries (RFC 5246, RFC 9189),
 * because TLS 1.2 clients still offer them.
 */
import { name16, tableFrom, type RegistryEntries } from './lookup.js';

/** The SignatureScheme registry proper. */
export const SIGNATURE_SCHEME_ENTRIES: RegistryEntries = [
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0420, 'rsa_pkcs1_sha256_legacy'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0520, 'rsa_pkcs1_sha384_legacy'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0620, 'rsa_pkcs1_sha512_legacy'],
  [0x0704, 'eccsi_sha256'],
  [0x0705, 'iso_ibs1'],
  [0x0706, 'iso_ibs2'],
  [0x0707, 'iso_chinese_ibs'],
  [0x0708, 'sm2sig_sm3'],
  [0x0709, 'gostr34102012_256a'],
  [0x070a, 'gostr34102012_256b'],
  [0x070b, 'gostr34102012_256c'],
  [0x070c, 'gostr34102012_256d'],
  [0x070d, 'gostr34102012_512a'],
  [0x070e, 'gostr34102012_512b'],
  [0x070f, 'gostr34102012_512c'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
  [0x0904, 'mldsa44'],
  [0x0905, 'mldsa65'],
  [0x0906, 'mldsa87'],
];

/** TLS 1.2 (hash, signature) pairs with no scheme name of their own. */
export const LEGACY_SIGNATURE_PAIR_ENTRIES: RegistryEntries = [
  [0x0101, 'md5_rsa'],
  [0x0102, 'md5_dsa'],
  [0x0103, 'md5_ecdsa'],
  [0x0202, 'sha1_dsa'],
  [0x0301, 'sha224_rsa'],
  [0x0302, 'sha224_dsa'],
  [0x0303, 'sha224_ecdsa'],
  [0x0402, 'sha256_dsa'],
  [0x0502, 'sha384_dsa'],
  [0x0602, 'sha512_dsa'],
  [0x0840, 'gostr34102012_256_intrinsic'], // RFC 9189: hash 8 (Intrinsic), signature 64
  [0x0841, 'gostr34102012_512_intrinsic'], // RFC 9189: hash 8 (Intrinsic), signature 65
];

export const SIGNATURE_SCHEMES: ReadonlyMap<number, string> = tableFrom([
  ...SIGNATURE_SCHEME_ENTRIES,
  ...LEGACY_SIGNATURE_PAIR_ENTRIES,
]);

/**
 * The name of a SignatureScheme (RFC 8446 §4.2.3) or TLS 1.2 SignatureAndHashAlgorithm (RFC 5246 §7.4.1.4.1):
 *
 *     | hash (1) | signature (1) |   e.g. 0x04 0x01 = sha256 + rsa = rsa_pkcs1_sha256
 *
 * 0x0804 → 'rsa_pss_rsae_sha256', 0x0301 → 'sha224_rsa'; GREASE → 'GREASE (0x....)'; else 'unknown (0x....)'.
 */
export function signatureSchemeName(scheme: number): string {
  return name16(SIGNATURE_SCHEMES, scheme);
}
