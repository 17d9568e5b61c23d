import type { ClientHelloFacts } from '../../model/record.js';
import { cipherSuiteName, groupName, hex16, isGrease, signatureSchemeName, versionName } from '../registry/index.js';
import type { ClientHello } from '../messages/client-hello.js';
import { ja4 } from '../ja4.js';

const TLS_FALLBACK_SCSV = 0x5600;
const EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
/** Distinct ClientHello shapes remembered; a capture has as many as it has client builds and settings. */
const MAX_SHAPES = 2048;

/** What a ClientHello's facts share with every other ClientHello of the same client build and settings. */
export type HelloShapeFacts = Pick<
  ClientHelloFacts,
  | 'sslv2'
  | 'legacyVersion'
  | 'legacyVersionName'
  | 'supportedVersions'
  | 'supportedVersionNames'
  | 'cipherSuites'
  | 'cipherSuiteNames'
  | 'alpn'
  | 'groups'
  | 'groupNames'
  | 'signatureAlgorithms'
  | 'signatureAlgorithmNames'
  | 'keyShareGroups'
  | 'fallbackScsv'
  | 'ech'
  | 'ja4'
>;

interface Shape {
  hello: ClientHello;
  sslv2: boolean;
  facts: HelloShapeFacts;
}

function withoutGrease(values: readonly number[]): number[] {
  return values.filter((v) => !isGrease(v));
}

function codes(values: readonly number[]): string[] {
  return values.map(hex16);
}

/** The lists of a ClientHello spelled for the record: IANA numbers as hex, names beside, GREASE left out. */
export function computeHelloShapeFacts(ch: ClientHello, sslv2: boolean): HelloShapeFacts {
  const suites = withoutGrease(ch.cipherSuites);
  const versions = withoutGrease(ch.supportedVersions);
  const groups = withoutGrease(ch.groups);
  // Chromium puts a GREASE value among its signature algorithms too (reserved for them by RFC 8701 §2): random per
  // connection, so the shape shared by look-alike hellos must not carry one connection's value
  const signatureAlgorithms = withoutGrease(ch.signatureAlgorithms);
  return {
    sslv2,
    legacyVersion: hex16(ch.legacyVersion),
    legacyVersionName: versionName(ch.legacyVersion),
    supportedVersions: codes(versions),
    supportedVersionNames: versions.map(versionName),
    cipherSuites: codes(suites),
    cipherSuiteNames: suites.map(cipherSuiteName),
    alpn: ch.alpn,
    groups: codes(groups),
    groupNames: groups.map(groupName),
    signatureAlgorithms: codes(signatureAlgorithms),
    signatureAlgorithmNames: signatureAlgorithms.map(signatureSchemeName),
    keyShareGroups: codes(withoutGrease(ch.keyShareGroups)),
    fallbackScsv: ch.cipherSuites.includes(TLS_FALLBACK_SCSV),
    ech: ch.extensions.includes(EXT_ENCRYPTED_CLIENT_HELLO),
    ja4: sslv2 ? '' : ja4(ch),
  };
}

/** One FNV-1a step over a 16-bit value (kept a signed 32-bit integer: a small integer to V8, never boxed). */
function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x01000193);
}

function mixList(hash: number, values: readonly number[]): number {
  for (let i = 0; i < values.length; i++) if (!isGrease(values[i])) hash = mix(hash, values[i]);
  return mix(hash, 0xffff + 1);
}

/** The same values in the same order, GREASE (random per connection, RFC 8701) skipped on both sides. */
function sameList(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && isGrease(a[i])) i++;
    while (j < b.length && isGrease(b[j])) j++;
    if (i === a.length || j === b.length) return i === a.length && j === b.length;
    if (a[i++] !== b[j++]) return false;
  }
}

/**
 * The same extension types in any order, as many times each: browsers shuffle them per connection, JA4 sorts them.
 * (A hostile hello may repeat a type; counting keeps [1, 1, 2] apart from [1, 2, 2].) One pass over each list,
 * tallying in a map: linear in the list's length (a 60 KB hello holds 15,000 extensions; comparing each type with
 * every other was quadratic).
 */
function sameSet(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const tally = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const value = a[i];
    if (!isGrease(value)) tally.set(value, (tally.get(value) ?? 0) + 1);
  }
  for (let i = 0; i < b.length; i++) {
    const value = b[i];
    if (isGrease(value)) continue;
    const left = tally.get(value);
    if (left === undefined || left === 0) return false;
    tally.set(value, left - 1);
  }
  // equal lengths: the GREASE counts may differ, so every tally must be used up
  for (const left of tally.values()) if (left !== 0) return false;
  return true;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Remembers the facts of the ClientHello shapes seen. A capture's connections come from a handful of client builds,
 * each sending the same suites, groups and extensions every time; spelling those lists (dozens of hex codes and names)
 * and fingerprinting them once per shape instead of once per connection took the largest share of per-connection
 * work off the hot path. The shared lists are frozen: records share them.
 */
export class HelloShapes {
  private readonly shapes = new Map<number, Shape>();

  facts(ch: ClientHello, sslv2: boolean): HelloShapeFacts {
    let hash = mix(0x811c9dc5 | 0, ch.legacyVersion);
    hash = mix(hash, sslv2 ? 1 : 0);
    hash = mixList(hash, ch.cipherSuites);
    hash = mixList(hash, ch.supportedVersions);
    hash = mixList(hash, ch.groups);
    hash = mixList(hash, ch.signatureAlgorithms);
    hash = mixList(hash, ch.keyShareGroups);
    let extensionSum = 0;
    for (const type of ch.extensions) if (!isGrease(type)) extensionSum = (extensionSum + Math.imul(type + 1, 0x9e3779b1)) | 0;
    hash = mix(hash, extensionSum);
    for (const protocol of ch.alpn) for (let i = 0; i < protocol.length; i++) hash = mix(hash, protocol.charCodeAt(i));

    const known = this.shapes.get(hash);
    if (known !== undefined && this.matches(known, ch, sslv2)) return known.facts;
    const facts = computeHelloShapeFacts(ch, sslv2);
    for (const value of Object.values(facts)) if (Array.isArray(value)) Object.freeze(value);
    if (this.shapes.size >= MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value as number);
    this.shapes.set(hash, { hello: ch, sslv2, facts: Object.freeze(facts) });
    return facts;
  }

  private matches(shape: Shape, ch: ClientHello, sslv2: boolean): boolean {
    const known = shape.hello;
    return (
      shape.sslv2 === sslv2 &&
      known.legacyVersion === ch.legacyVersion &&
      sameList(known.cipherSuites, ch.cipherSuites) &&
      sameList(known.supportedVersions, ch.supportedVersions) &&
      sameList(known.groups, ch.groups) &&
      sameList(known.signatureAlgorithms, ch.signatureAlgorithms) &&
      sameList(known.keyShareGroups, ch.keyShareGroups) &&
      sameSet(known.extensions, ch.extensions) &&
      sameStrings(known.alpn, ch.alpn)
    );
  }
}
