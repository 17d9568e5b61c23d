/**
 * Protocol version code points as they appear in record headers, legacy_version and supported_versions.
 *
 * Sources: IANA "TLS Parameters" has no version registry; the values come from the RFCs that define them —
 * RFC 6101 (SSL 3.0, with SSL 2.0's 0x0002 from draft-hickman-netscape-ssl-00), RFC 2246 / 4346 / 5246 / 8446 §4.2.1
 * (TLS 1.0–1.3), RFC 8446 drafts (0x7f00 + draft number, draft-ietf-tls-tls13-xx §4.2.1), RFC 4347 / 6347 / 9147
 * (DTLS 1.0 / 1.2 / 1.3), RFC 8701 (GREASE) — plus the pre-standard TLS 1.3 code points deployed at scale while the
 * RFC was in draft: Google's experiment versions 0x7e01.. (BoringSSL, 2017–2018) and Facebook's Fizz drafts 0xfb00 +
 * draft number. Checked 2025-02.
 */
import { name16, tableFrom, type RegistryEntries } from './lookup.js';

/** The named, final protocol versions. */
export const VERSION_ENTRIES: RegistryEntries = [
  [0x0002, 'SSL 2.0'],
  [0x0300, 'SSL 3.0'],
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
  // OpenSSL's DTLS before RFC 4347 (DTLS1_BAD_VER), still spoken by old Cisco AnyConnect
  [0x0100, 'DTLS 1.0 (OpenSSL pre-standard)'],
  [0xfeff, 'DTLS 1.0'],
  [0xfefd, 'DTLS 1.2'],
  [0xfefc, 'DTLS 1.3'],
];

/** Google's TLS 1.3 experiment versions go no higher than this low byte; more would be guesses. */
const GOOGLE_EXPERIMENT_LAST = 0x0f;

/** The final versions plus every draft and experiment code point, spelled once at module load. */
function allVersionEntries(): RegistryEntries {
  const entries: [number, string][] = VERSION_ENTRIES.map(([value, name]) => [value, name]);
  for (let draft = 0; draft <= 0xff; draft++) {
    entries.push([0x7f00 + draft, `TLS 1.3 (draft ${draft})`]);
    entries.push([0xfb00 + draft, `TLS 1.3 (Facebook draft ${draft})`]);
  }
  for (let experiment = 1; experiment <= GOOGLE_EXPERIMENT_LAST; experiment++) {
    entries.push([0x7e00 + experiment, `TLS 1.3 (Google experiment ${experiment})`]);
  }
  return entries;
}

export const VERSIONS: ReadonlyMap<number, string> = tableFrom(allVersionEntries());

/**
 * The name of a protocol version (the 16-bit ProtocolVersion of RFC 8446 §4.1.2 / §5.1: major byte, minor byte):
 * 'TLS 1.2', 'TLS 1.3 (draft 28)', 'GREASE (0x0a0a)', 'unknown (0x1234)'.
 */
export function versionName(version: number): string {
  return name16(VERSIONS, version);
}

/**
 * True when the version negotiates the TLS 1.3 handshake (RFC 8446): everything after ServerHello is encrypted.
 * Covers 0x0304 and the pre-standard drafts and experiments
 * (no GREASE value has a 0x7f, 0x7e or 0xfb high byte). DTLS 1.3 (0xfefc) is left out: this is TLS over TCP.
 */
export function isTls13(version: number): boolean {
  if (version === 0x0304) return true;
  const major = version >>> 8;
  if (major === 0x7f || major === 0xfb) return true;
  const minor = version & 0xff;
  return major === 0x7e && minor >= 1 && minor <= GOOGLE_EXPERIMENT_LAST;
}

/** Whether a version is one the registries above know by name (not GREASE, not unknown). */
export function isKnownVersion(version: number): boolean {
  return VERSIONS.has(version);
}
