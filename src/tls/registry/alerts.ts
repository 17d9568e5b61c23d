/**
 * Alert levels and descriptions (RFC 8446 §6, RFC 5246 §7.2): the two bytes of an Alert record.
 *
 * Source: IANA "TLS Parameters" registry group, "TLS Alerts" (https://www.iana.org/assignments/tls-parameters,
 * registry last updated 2025-02-18). Names are the registry's, snake_case. Values the registry marks deprecated or
 * reserved but that old stacks still send (21, 41, 60) keep their historical names from RFC 2246 / SSL 3.0, because
 * a capture can contain them.
 */
import { name8, tableFrom, type RegistryEntries } from './lookup.js';

export const ALERT_DESCRIPTION_ENTRIES: RegistryEntries = [
  [0, 'close_notify'],
  [10, 'unexpected_message'],
  [20, 'bad_record_mac'],
  [21, 'decryption_failed'], // TLS 1.0 only; reserved since RFC 5246
  [22, 'record_overflow'],
  [30, 'decompression_failure'], // reserved since RFC 8446
  [40, 'handshake_failure'],
  [41, 'no_certificate'], // SSL 3.0 only (RFC 6101 §5.4.2)
  [42, 'bad_certificate'],
  [43, 'unsupported_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [46, 'certificate_unknown'],
  [47, 'illegal_parameter'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [50, 'decode_error'],
  [51, 'decrypt_error'],
  [52, 'too_many_cids_requested'], // RFC 9147 (DTLS 1.3)
  [60, 'export_restriction'], // TLS 1.0 only; reserved since RFC 4346
  [70, 'protocol_version'],
  [71, 'insufficient_security'],
  [80, 'internal_error'],
  [86, 'inappropriate_fallback'], // RFC 7507
  [90, 'user_canceled'],
  [100, 'no_renegotiation'], // reserved since RFC 8446
  [109, 'missing_extension'], // RFC 8446
  [110, 'unsupported_extension'],
  [111, 'certificate_unobtainable'], // RFC 6066; reserved since RFC 8446
  [112, 'unrecognized_name'], // RFC 6066
  [113, 'bad_certificate_status_response'], // RFC 6066
  [114, 'bad_certificate_hash_value'], // RFC 6066; reserved since RFC 8446
  [115, 'unknown_psk_identity'], // RFC 4279
  [116, 'certificate_required'], // RFC 8446
  [117, 'general_error'], // RFC 9846 (TLS 1.3 revised)
  [120, 'no_application_protocol'], // RFC 7301
  [121, 'ech_required'], // draft-ietf-tls-esni
];

export const ALERT_DESCRIPTIONS: ReadonlyMap<number, string> = tableFrom(ALERT_DESCRIPTION_ENTRIES);

export const ALERT_LEVEL_ENTRIES: RegistryEntries = [
  [1, 'warning'],
  [2, 'fatal'],
];

export const ALERT_LEVELS: ReadonlyMap<number, string> = tableFrom(ALERT_LEVEL_ENTRIES);

/**
 * The name of an alert description, the second byte of an Alert (RFC 8446 §6: `struct { AlertLevel level;
 * AlertDescription description; }`): 70 → 'protocol_version'; unregistered → 'unknown (0x..)'.
 */
export function alertName(description: number): string {
  return name8(ALERT_DESCRIPTIONS, description);
}

/** The name of an alert level, the first byte of an Alert (RFC 5246 §7.2): 1 'warning', 2 'fatal'. */
export function alertLevelName(level: number): string {
  return name8(ALERT_LEVELS, level);
}
