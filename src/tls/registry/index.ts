/** The IANA TLS registries as data: one import for every stage that names a code point. */
export { hex8, hex16, hex24 } from './hex.js';
export { isGrease } from './grease.js';
export type { RegistryEntries } from './lookup.js';
export { versionName, isTls13, isKnownVersion, VERSIONS, VERSION_ENTRIES } from './versions.js';
export {
  cipherSuiteName,
  cipherSuiteInfo,
  sslv2CipherKindName,
  CIPHER_SUITES,
  SSLV2_CIPHER_KINDS,
  type CipherSuiteInfo,
  type CipherSuiteWeakness,
} from './cipher-suites.js';
export {
  IANA_CIPHER_SUITE_ENTRIES,
  DEPLOYED_UNASSIGNED_CIPHER_SUITE_ENTRIES,
  SSLV2_CIPHER_KIND_ENTRIES,
} from './cipher-suite-table.js';
export { alertName, alertLevelName, ALERT_DESCRIPTIONS, ALERT_DESCRIPTION_ENTRIES, ALERT_LEVELS } from './alerts.js';
export { extensionName, EXTENSIONS, EXTENSION_ENTRIES } from './extensions.js';
export { groupName, GROUPS, GROUP_ENTRIES } from './groups.js';
export {
  signatureSchemeName,
  SIGNATURE_SCHEMES,
  SIGNATURE_SCHEME_ENTRIES,
  LEGACY_SIGNATURE_PAIR_ENTRIES,
} from './signature-schemes.js';
export { handshakeTypeName, HANDSHAKE_TYPES, HANDSHAKE_TYPE_ENTRIES } from './handshake-types.js';
export { contentTypeName, CONTENT_TYPES, CONTENT_TYPE_ENTRIES } from './content-types.js';
