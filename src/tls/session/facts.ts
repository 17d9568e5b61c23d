import type { ClientHelloFacts, ServerHelloFacts } from '../../model/record.js';
import {
  cipherSuiteName,
  groupName,
  hex16,
  isGrease,
  isTls13,
  signatureSchemeName,
  versionName,
} from '../registry/index.js';
import { emptyClientHello, type ClientHello } from '../messages/client-hello.js';
import type { ServerHello } from '../messages/server-hello.js';
import { ja4 } from '../ja4.js';

const TLS_FALLBACK_SCSV = 0x5600;
const EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;

function codes(values: readonly number[]): string[] {
  return values.map(hex16);
}

/** The record's view of a decoded ClientHello: IANA numbers as hex, names beside, GREASE left out of the lists. */
export function clientHelloFacts(ch: ClientHello, ts: number, sslv2: boolean): ClientHelloFacts {
  const suites = ch.cipherSuites.filter((s) => !isGrease(s));
  const versions = ch.supportedVersions.filter((v) => !isGrease(v));
  const groups = ch.groups.filter((g) => !isGrease(g));
  return {
    ts,
    sslv2,
    legacyVersion: hex16(ch.legacyVersion),
    legacyVersionName: versionName(ch.legacyVersion),
    supportedVersions: codes(versions),
    supportedVersionNames: versions.map(versionName),
    cipherSuites: codes(suites),
    cipherSuiteNames: suites.map(cipherSuiteName),
    sni: ch.sni,
    alpn: ch.alpn,
    groups: codes(groups),
    groupNames: groups.map(groupName),
    signatureAlgorithms: codes(ch.signatureAlgorithms),
    signatureAlgorithmNames: ch.signatureAlgorithms.map(signatureSchemeName),
    keyShareGroups: codes(ch.keyShareGroups.filter((g) => !isGrease(g))),
    extensions: ch.extensions,
    sessionId: ch.sessionIdLength > 0,
    sessionTicket: ch.sessionTicket,
    pskOffered: ch.pskOffered,
    earlyData: ch.earlyData,
    fallbackScsv: ch.cipherSuites.includes(TLS_FALLBACK_SCSV),
    ech: ch.extensions.includes(EXT_ENCRYPTED_CLIENT_HELLO),
    ja4: sslv2 ? '' : ja4(ch),
  };
}

/** The record's view of the ServerHello that settled the session (not a HelloRetryRequest). */
export function serverHelloFacts(
  sh: ServerHello,
  ts: number,
  retry: ServerHello | null,
  clientSessionId: Buffer | null,
): ServerHelloFacts {
  const version = sh.selectedVersion ?? sh.legacyVersion;
  return {
    ts,
    version: hex16(version),
    versionName: versionName(version),
    legacyVersion: hex16(sh.legacyVersion),
    cipherSuite: hex16(sh.cipherSuite),
    cipherSuiteName: cipherSuiteName(sh.cipherSuite),
    alpn: sh.alpn,
    group: sh.keyShareGroup === null ? null : hex16(sh.keyShareGroup),
    groupName: sh.keyShareGroup === null ? null : groupName(sh.keyShareGroup),
    extensions: sh.extensions,
    helloRetryRequest: retry !== null,
    retryGroup: retry?.keyShareGroup == null ? null : hex16(retry.keyShareGroup),
    // TLS 1.3: the server accepted a pre-shared key (RFC 8446 §4.2.11) — its echo of the session id means nothing
    // (compatibility mode, appendix D.4). Before: it echoed the client's session id (RFC 5246 §7.4.1.3); a ticket-based
    // TLS 1.2 resumption echoes an id the client made up, so it counts too.
    sessionResumed: isTls13(version)
      ? sh.pskSelected
      : sh.sessionIdLength > 0 && clientSessionId !== null && sh.sessionId.equals(clientSessionId),
  };
}

/**
 * A ClientHello whose fixed fields could not all be read (a hostile or corrupt vector length): its legacy_version,
 * the first two bytes of the body (RFC 8446 §4.1.2), is still a fact worth keeping; the rest stays empty.
 */
export function damagedClientHelloFacts(body: Buffer, ts: number, sslv2: boolean): ClientHelloFacts | null {
  const versionOffset = sslv2 ? 1 : 0;
  if (body.length < versionOffset + 2) return null;
  const legacyVersion = body.readUInt16BE(versionOffset);
  const facts = clientHelloFacts({ ...emptyClientHello(), legacyVersion }, ts, sslv2);
  facts.ja4 = ''; // a fingerprint of fields that could not be read would be a fingerprint of nothing
  return facts;
}
