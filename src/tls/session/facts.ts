import type { ClientHelloFacts, ServerHelloFacts } from '../../model/record.js';
import { cipherSuiteName, groupName, hex16, isTls13, versionName } from '../registry/index.js';
import { emptyClientHello, type ClientHello } from '../messages/client-hello.js';
import type { ServerHello } from '../messages/server-hello.js';
import { computeHelloShapeFacts, type HelloShapes } from './hello-shapes.js';

/**
 * The record's view of a decoded ClientHello: IANA numbers as hex, names beside, GREASE left out of the lists (the
 * extension types stay as sent). `shapes` shares the lists among connections whose ClientHellos look alike.
 */
export function clientHelloFacts(ch: ClientHello, ts: number, sslv2: boolean, shapes?: HelloShapes): ClientHelloFacts {
  const shared = shapes === undefined ? computeHelloShapeFacts(ch, sslv2) : shapes.facts(ch, sslv2);
  return {
    ts,
    sslv2,
    legacyVersion: shared.legacyVersion,
    legacyVersionName: shared.legacyVersionName,
    supportedVersions: shared.supportedVersions,
    supportedVersionNames: shared.supportedVersionNames,
    cipherSuites: shared.cipherSuites,
    cipherSuiteNames: shared.cipherSuiteNames,
    sni: ch.sni,
    alpn: shared.alpn,
    groups: shared.groups,
    groupNames: shared.groupNames,
    signatureAlgorithms: shared.signatureAlgorithms,
    signatureAlgorithmNames: shared.signatureAlgorithmNames,
    keyShareGroups: shared.keyShareGroups,
    extensions: ch.extensions,
    sessionId: ch.sessionIdLength > 0,
    sessionTicket: ch.sessionTicket,
    pskOffered: ch.pskOffered,
    earlyData: ch.earlyData,
    fallbackScsv: shared.fallbackScsv,
    ech: shared.ech,
    ja4: shared.ja4,
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
