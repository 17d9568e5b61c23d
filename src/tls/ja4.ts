import { createHash } from 'node:crypto';
import { hex16, isGrease } from './registry/index.js';
import type { ClientHello } from './messages/client-hello.js';

/*
 * The JA4 client fingerprint, per FoxIO's specification (github.com/FoxIO-LLC/ja4, technical_details/JA4.md),
 * which is BSD-3-Clause. JA4S and the other JA4+ methods are under the FoxIO License 1.1, which restricts use; they
 * are deliberately not implemented.
 *
 *   JA4 = t13d1516h2 _ sha256(sorted suites)[:12] _ sha256(sorted extensions '_' signature algorithms)[:12]
 */

/** Two-character version codes of the spec; anything else (drafts, experiments) is '00'. */
const VERSION_CODES: ReadonlyMap<number, string> = new Map([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);

const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EMPTY_HASH = '000000000000';
const MAX_COUNT = 99;

function hex4(value: number): string {
  return hex16(value).slice(2);
}

/** Clients of one build send the same lists: their hashes are remembered (a bounded map, oldest forgotten first). */
const hashes = new Map<string, string>();
const MAX_REMEMBERED_HASHES = 4096;

function truncatedSha256(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
    if (hashes.size >= MAX_REMEMBERED_HASHES) hashes.delete(hashes.keys().next().value as string);
    hashes.set(text, hash);
  }
  return hash;
}

/** Fixed-width lower-case hex sorts like the numbers it spells, so sorting numbers first is the same and cheaper. */
function sortedHexList(values: readonly number[]): string {
  return Array.from(Uint16Array.from(values).sort(), hex4).join(',');
}

function twoDigits(count: number): string {
  return String(Math.min(count, MAX_COUNT)).padStart(2, '0');
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * First and last character of an ALPN protocol name ('h2' → 'h2', 'http/1.1' → 'h1'), '00' when absent or empty.
 * When either end is not alphanumeric, the first and last characters of the name's hex spelling instead. The name
 * is latin1 (one character per wire byte), so char codes are the bytes.
 */
export function alpnCode(name: string | null | undefined): string {
  if (!name) return '00';
  const first = name.charCodeAt(0);
  const last = name.charCodeAt(name.length - 1);
  if (isAlphanumeric(first) && isAlphanumeric(last)) return name[0] + name[name.length - 1];
  const hex = Buffer.from(name, 'latin1').toString('hex');
  return hex[0] + hex[hex.length - 1];
}

function versionCode(legacyVersion: number, supportedVersions: readonly number[]): string {
  let highest = -1;
  for (const version of supportedVersions) if (!isGrease(version) && version > highest) highest = version;
  return VERSION_CODES.get(highest >= 0 ? highest : legacyVersion) ?? '00';
}

/** JA4 of a ClientHello; `transport` 't' for TLS over TCP, 'q' for QUIC. */
export function ja4(ch: ClientHello, transport: 't' | 'q' = 't'): string {
  const suites = ch.cipherSuites.filter((suite) => !isGrease(suite));
  const extensions = ch.extensions.filter((type) => !isGrease(type));
  const hashedExtensions = extensions.filter((type) => type !== EXT_SERVER_NAME && type !== EXT_ALPN);
  const signatureAlgorithms = ch.signatureAlgorithms.filter((scheme) => !isGrease(scheme));

  const header =
    transport +
    versionCode(ch.legacyVersion, ch.supportedVersions) +
    (extensions.includes(EXT_SERVER_NAME) ? 'd' : 'i') +
    twoDigits(suites.length) +
    twoDigits(extensions.length) +
    alpnCode(ch.alpn[0]);
  const suiteHash = suites.length === 0 ? EMPTY_HASH : truncatedSha256(sortedHexList(suites));
  let extensionText = sortedHexList(hashedExtensions);
  if (signatureAlgorithms.length > 0) extensionText += '_' + signatureAlgorithms.map(hex4).join(',');
  const extensionHash = hashedExtensions.length === 0 ? EMPTY_HASH : truncatedSha256(extensionText);
  return `${header}_${suiteHash}_${extensionHash}`;
}
