/**
 * Handshake message types: the first byte of every handshake message (RFC 8446 §4, RFC 5246 §7.4).
 *
 * Source: IANA "TLS Parameters" registry group, "TLS HandshakeType" (https://www.iana.org/assignments/tls-parameters,
 * registry last updated 2025-02-18), plus 6 hello_retry_request, which TLS 1.3 drafts -19 to -21 sent as a message of its
 * own before RFC 8446 folded it into ServerHello (the registry now lists 6 as reserved).
 */
import { name8, tableFrom, type RegistryEntries } from './lookup.js';

export const HANDSHAKE_TYPE_ENTRIES: RegistryEntries = [
  [0, 'hello_request'],
  [1, 'client_hello'],
  [2, 'server_hello'],
  [3, 'hello_verify_request'], // DTLS (RFC 6347)
  [4, 'new_session_ticket'], // RFC 5077 / RFC 8446
  [5, 'end_of_early_data'], // RFC 8446
  [6, 'hello_retry_request'], // TLS 1.3 drafts only
  [8, 'encrypted_extensions'], // RFC 8446
  [9, 'request_connection_id'], // RFC 9147
  [10, 'new_connection_id'], // RFC 9147
  [11, 'certificate'],
  [12, 'server_key_exchange'],
  [13, 'certificate_request'],
  [14, 'server_hello_done'],
  [15, 'certificate_verify'],
  [16, 'client_key_exchange'],
  [17, 'client_certificate_request'], // RFC 9261
  [20, 'finished'],
  [21, 'certificate_url'], // RFC 6066
  [22, 'certificate_status'], // RFC 6066
  [23, 'supplemental_data'], // RFC 4680
  [24, 'key_update'], // RFC 8446
  [25, 'compressed_certificate'], // RFC 8879
  [26, 'ekt_key'], // RFC 8870
  [254, 'message_hash'], // RFC 8446 §4.4.1, never on the wire
];

export const HANDSHAKE_TYPES: ReadonlyMap<number, string> = tableFrom(HANDSHAKE_TYPE_ENTRIES);

/**
 * The name of a handshake message type, the first byte of the 4-byte handshake header (RFC 8446 §4):
 *
 *     | msg_type (1) | length (3, big endian) | body (length) |
 *
 * 1 → 'client_hello'; unregistered → 'unknown (0x..)'.
 */
export function handshakeTypeName(type: number): string {
  return name8(HANDSHAKE_TYPES, type);
}
