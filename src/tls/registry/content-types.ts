/**
 * Record content types: the first byte of every TLS record header (RFC 8446 §5.1, RFC 5246 §6.2.1).
 *
 * Source: IANA "TLS Parameters" registry group, "TLS ContentType" (https://www.iana.org/assignments/tls-parameters,
 * registry last updated 2025-02-18). 'ACK' keeps the registry's upper case (RFC 9147).
 */
import { name8, tableFrom, type RegistryEntries } from './lookup.js';

export const CONTENT_TYPE_ENTRIES: RegistryEntries = [
  [20, 'change_cipher_spec'],
  [21, 'alert'],
  [22, 'handshake'],
  [23, 'application_data'],
  [24, 'heartbeat'], // RFC 6520
  [25, 'tls12_cid'], // RFC 9146
  [26, 'ACK'], // RFC 9147
];

export const CONTENT_TYPES: ReadonlyMap<number, string> = tableFrom(CONTENT_TYPE_ENTRIES);

/**
 * The name of a record content type, the first byte of the 5-byte record header (RFC 8446 §5.1):
 *
 *     | type (1) | legacy_record_version (2) | length (2) | fragment (length) |
 *
 * 22 → 'handshake'; unregistered → 'unknown (0x..)'.
 */
export function contentTypeName(type: number): string {
  return name8(CONTENT_TYPES, type);
}
