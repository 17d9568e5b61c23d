/**
 * Hello extension types (RFC 8446 §4.2, RFC 5246 §7.4.1.4): the 16-bit type of each Extension in ClientHello,
 * ServerHello, EncryptedExtensions, HelloRetryRequest, CertificateRequest and Certificate entries.
 *
 * Source: IANA "Transport Layer Security (TLS) Extensions" registry group, "TLS ExtensionType Values"
 * (https://www.iana.org/assignments/tls-extensiontype-values, registry last updated 2025-02). Beside the registry,
 * code points that real clients send without an assignment, because captures are full of them:
 * next_protocol_negotiation (draft-agl-tls-nextprotoneg), channel_id (draft-balfanz-tls-channelid), the old
 * application_settings (draft-vvv-tls-alps, Chrome until 2024), quic_transport_parameters of the QUIC drafts, and
 * the TLS 1.3 draft numbers the registry now marks reserved (40 key_share of drafts ≤ 22, 46 ticket_early_data_info).
 */
import { name16, tableFrom, type RegistryEntries } from './lookup.js';

export const EXTENSION_ENTRIES: RegistryEntries = [
  [0, 'server_name'],
  [1, 'max_fragment_length'],
  [2, 'client_certificate_url'],
  [3, 'trusted_ca_keys'],
  [4, 'truncated_hmac'],
  [5, 'status_request'],
  [6, 'user_mapping'],
  [7, 'client_authz'],
  [8, 'server_authz'],
  [9, 'cert_type'],
  [10, 'supported_groups'],
  [11, 'ec_point_formats'],
  [12, 'srp'],
  [13, 'signature_algorithms'],
  [14, 'use_srtp'],
  [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'],
  [17, 'status_request_v2'],
  [18, 'signed_certificate_timestamp'],
  [19, 'client_certificate_type'],
  [20, 'server_certificate_type'],
  [21, 'padding'],
  [22, 'encrypt_then_mac'],
  [23, 'extended_master_secret'],
  [24, 'token_binding'],
  [25, 'cached_info'],
  [26, 'tls_lts'],
  [27, 'compress_certificate'],
  [28, 'record_size_limit'],
  [29, 'pwd_protect'],
  [30, 'pwd_clear'],
  [31, 'password_salt'],
  [32, 'ticket_pinning'],
  [33, 'tls_cert_with_extern_psk'],
  [34, 'delegated_credential'],
  [35, 'session_ticket'],
  [36, 'TLMSP'],
  [37, 'TLMSP_proxying'],
  [38, 'TLMSP_delegate'],
  [39, 'supported_ekt_ciphers'],
  [40, 'key_share (TLS 1.3 draft)'],
  [41, 'pre_shared_key'],
  [42, 'early_data'],
  [43, 'supported_versions'],
  [44, 'cookie'],
  [45, 'psk_key_exchange_modes'],
  [46, 'ticket_early_data_info (TLS 1.3 draft)'],
  [47, 'certificate_authorities'],
  [48, 'oid_filters'],
  [49, 'post_handshake_auth'],
  [50, 'signature_algorithms_cert'],
  [51, 'key_share'],
  [52, 'transparency_info'],
  [53, 'connection_id (deprecated)'],
  [54, 'connection_id'],
  [55, 'external_id_hash'],
  [56, 'external_session_id'],
  [57, 'quic_transport_parameters'],
  [58, 'ticket_request'],
  [59, 'dnssec_chain'],
  [60, 'sequence_number_encryption_algorithms'],
  [61, 'rrc'],
  [62, 'tls_flags'],
  [13172, 'next_protocol_negotiation'], // 0x3374, never registered
  [17513, 'application_settings (old)'], // 0x4469, draft-vvv-tls-alps codepoint before 2024
  [17613, 'application_settings'], // 0x44cd
  [30031, 'channel_id (old)'], // 0x754f
  [30032, 'channel_id'], // 0x7550
  [64768, 'ech_outer_extensions'], // 0xfd00
  [65037, 'encrypted_client_hello'], // 0xfe0d
  [65281, 'renegotiation_info'], // 0xff01, RFC 5746
  [65445, 'quic_transport_parameters (draft)'], // 0xffa5, QUIC drafts before RFC 9001
];

export const EXTENSIONS: ReadonlyMap<number, string> = tableFrom(EXTENSION_ENTRIES);

/**
 * The name of an extension type, the first field of each Extension (RFC 8446 §4.2):
 *
 *     | extension_type (2) | extension_data length (2) | extension_data |
 *
 * 43 → 'supported_versions'; GREASE → 'GREASE (0x....)'; unregistered → 'unknown (0x....)'.
 */
export function extensionName(type: number): string {
  return name16(EXTENSIONS, type);
}
