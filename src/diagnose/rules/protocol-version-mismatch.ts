import type { ClientHelloFacts, ServerHelloFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { isTls13Version } from '../record-acts.js';
import { versionLabel } from '../describe.js';
import { actSentence, alertSentence, highestOffered, offeredVersions, offeredVersionsSentence } from '../evidence.js';
import { reactionWindow } from '../timing.js';

/** protocol_version (70, RFC 8446 §6.2 / RFC 5246 §7.2.2). */
const PROTOCOL_VERSION = 70;
/** TLS 1.2: a client offering nothing newer is refused by most current servers, whatever alert they choose. */
const TLS_1_2 = 0x0303;
/** handshake_failure (40, RFC 8446 §6.2): a refusal that names no reason. */
const HANDSHAKE_FAILURE = 40;
/** TLS 1.1: a record version a server writes only once it has chosen that version (see alertBelowOffer). */
const TLS_1_1 = 0x0302;

/**
 * No version both sides accept (RFC 8446 §4.2.1, RFC 5246 appendix E). Told by a protocol_version alert, by a server
 * failing right after a ClientHello that offers nothing newer than TLS 1.1 (servers often say internal_error or
 * handshake_failure instead), or by a ServerHello choosing a version the client never offered.
 */
export function protocolVersionMismatch(facts: RuleContext): Finding | null {
  const hello = facts.clientHello;
  const alert = facts.decisiveAlert;
  const act = facts.failureAct;
  // A client's alert sent after the server answered in bytes that are not TLS reacts to those bytes: BoringSSL reads
  // 'HTTP/1.1 400' as a record of version 0x5454 and says protocol_version, NSS says record_overflow. It names no
  // version gap (the not-tls rule has the verified cause).
  const plaintextAnswer = facts.record.tls.nonTlsResponse;
  const answersPlaintext = alert !== null && alert.from === 'client' && plaintextAnswer?.from === 'server' && alert.ts >= plaintextAnswer.ts;
  const byAlert = alert !== null && alert.description === PROTOCOL_VERSION && !answersPlaintext;
  const highest = hello !== null ? highestOffered(hello) : 0;
  const oldOffer = hello !== null && highest < TLS_1_2;
  const byOldOffer =
    oldOffer && facts.serverFailedClientHello && act !== null && !(act.kind === 'RST' && isForgedReset(facts));
  const unofferedChoice =
    hello !== null && facts.serverHello !== null && act !== null && act.from === 'client'
      ? !serverChoiceOffered(hello, facts.serverHello)
      : false;
  // the server picked TLS 1.0/1.1 from a client that offers TLS 1.2 or newer, and the client gave up at once: its
  // policy refuses the old version (OpenSSL 3 clients say internal_error — their security level rejects the old
  // signature algorithm — others protocol_version or just close: docs/alerts.md)
  const oldChoiceRefused =
    hello !== null &&
    facts.serverHello !== null &&
    act !== null &&
    act.from === 'client' &&
    !oldOffer &&
    parseInt(facts.serverHello.version, 16) < TLS_1_2 &&
    act.ts >= facts.serverHello.ts &&
    act.ts - facts.serverHello.ts <= reactionWindow(facts.rtt) + (facts.record.tls.certificatesTs !== null ? 0.05 : 0);
  // a client that offers TLS 1.3 only, refused at once: a server without TLS 1.3 does that, whatever alert it sends
  const tls13OnlyRefused =
    hello !== null && offersOnlyTls13(hello) && facts.serverFailedClientHello && act !== null && !(act.kind === 'RST' && isForgedReset(facts));
  // a client capped at TLS 1.2, refused at once with handshake_failure before any ServerHello: most servers that
  // require TLS 1.3 say protocol_version, but gnutls-serv 3.7 says handshake_failure to a ClientHello without
  // supported_versions (measured, captures/servers). A missing suite gets the same alert from every stack, so that
  // stays the likelier reading and this one its alternative.
  const tls12CapRefused =
    hello !== null &&
    !oldOffer &&
    highest === TLS_1_2 &&
    facts.serverHello === null &&
    facts.serverFailedClientHello &&
    alert !== null &&
    alert.from === 'server' &&
    alert.description === HANDSHAKE_FAILURE;
  // the server's alert, before any ServerHello, came in a TLS 1.1 record while the client listed nothing older than
  // TLS 1.2 in supported_versions: a server without TLS 1.3 ignores that extension and negotiates from
  // legacy_version (RFC 8446 §4.2.1), so it had chosen TLS 1.1, then refused for want of a suite usable in it
  // (gnutls-serv 3.7 limited to TLS 1.0/1.1, measured: handshake_failure in a TLS 1.1 record). A TLS 1.0 or SSL 3.0
  // record proves nothing: it is also what a record written before any version was chosen may carry (RFC 8446 §5.1,
  // RFC 5246 appendix E.1).
  const alertVersion = alert !== null && alert.from === 'server' && alert.recordVersion !== undefined ? parseInt(alert.recordVersion, 16) : 0;
  const alertBelowOffer =
    hello !== null && facts.serverHello === null && alertVersion === TLS_1_1 && hello.supportedVersions.length > 0 && lowestListed(hello) > TLS_1_1;
  if (!byAlert && !byOldOffer && !unofferedChoice && !oldChoiceRefused && !tls13OnlyRefused && !tls12CapRefused && !alertBelowOffer) {
    return null;
  }

  const evidence: string[] = [];
  if (hello) {
    if (hello.sslv2) evidence.push('the ClientHello came in the old SSLv2-compatible format');
    evidence.push(offeredVersionsSentence(hello, oldOffer));
  }
  if (facts.serverHello) {
    evidence.push(
      `the server chose ${versionLabel(facts.serverHello.version)}` +
        (unofferedChoice ? ', which the client did not offer' : ''),
    );
  } else if (hello) {
    evidence.push('the server sent no ServerHello');
  }
  if (byAlert && alert) evidence.push(alertSentence(facts, alert));
  else if (act) evidence.push(actSentence(facts, act));
  if (alertBelowOffer && alert) {
    const version = versionLabel(alert.recordVersion!);
    evidence.push(
      `the server's alert came in a ${version} record, older than every version the client offered: inferred, the server had chosen ${version} (a server without TLS 1.3 ignores supported_versions and picks from legacy_version, RFC 8446 §4.2.1)`,
    );
  }
  if (!byAlert && byOldOffer) {
    evidence.push('inferred from the client offering nothing newer than TLS 1.1: servers refuse such clients, whatever alert they send');
  }
  if (!byAlert && tls13OnlyRefused && !byOldOffer) {
    evidence.push('inferred: the client offered TLS 1.3 only, and a server without TLS 1.3 refuses it at once (many servers still stop at TLS 1.2)');
  }
  if (!byAlert && tls12CapRefused) {
    evidence.push(
      'inferred: the client offered nothing newer than TLS 1.2, and a server that requires TLS 1.3 may refuse that with handshake_failure instead of protocol_version (GnuTLS does when the ClientHello has no supported_versions extension); a missing cipher suite gets the same alert',
    );
  }
  if (!byAlert && oldChoiceRefused && !unofferedChoice) {
    evidence.push(`inferred: the server chose a deprecated version (RFC 8996) and the client gave up right after its ServerHello; current clients refuse TLS 1.0/1.1 by policy`);
  }

  // a client offering TLS 1.2 at most, refused by the server: a server that requires TLS 1.3, or one older than the
  // client's minimum (a client offering TLS 1.2 alone) — the packets do not say which
  const cappedAt12 = hello !== null && !oldOffer && highest === TLS_1_2 && !unofferedChoice && !oldChoiceRefused;
  const serverTooOld =
    (!oldOffer && !cappedAt12 && !unofferedChoice && alert?.from === 'server') || (oldChoiceRefused && !unofferedChoice) || alertBelowOffer;
  const only13 = hello !== null && offersOnlyTls13(hello);
  // a refusal with handshake_failure is read as a version gap only as the weaker reading (see tls13OnlyRefused, tls12CapRefused)
  const weaker = (tls13OnlyRefused || tls12CapRefused) && !byAlert && !byOldOffer && !oldChoiceRefused && !unofferedChoice && !alertBelowOffer;
  return {
    code: 'protocol-version-mismatch',
    title: oldOffer
      ? 'The server does not accept the TLS versions the client offered'
      : serverTooOld
        ? 'The server does not support the TLS versions the client requires'
        : 'Client and server have no TLS version in common',
    evidence,
    fix: oldOffer
      ? 'Enable TLS 1.2 (and 1.3) on the client: update its TLS library or remove a setting that caps it at an old version. Re-enabling TLS 1.0/1.1 on the server is a last resort: they are deprecated (RFC 8996).'
      : serverTooOld && only13
        ? 'Enable the versions the client offers on the server (TLS 1.2 and TLS 1.3), or, if the server cannot be upgraded, allow TLS 1.2 on the client.'
        : serverTooOld
          ? 'Enable TLS 1.2 (and TLS 1.3) on the server. Allowing TLS 1.0/1.1 on the client instead is a last resort: they are deprecated (RFC 8996).'
          : cappedAt12
          ? 'The client offered TLS 1.2 at most. If the server requires TLS 1.3, allow TLS 1.3 on the client (update its TLS library or remove the setting that caps it) or enable TLS 1.2 on the server; if the server is older than TLS 1.2, enable TLS 1.2 on it.'
          : 'Align the version settings: the server picked a version outside the client\'s allowed range. Raise the server\'s version (TLS 1.2 or 1.3) or widen the client\'s minimum/maximum.',
    basis: byAlert ? 'stated' : unofferedChoice ? 'verified' : 'inferred',
    consistent: true,
    // a TLS 1.3 server refusing a TLS 1.3-only offer says handshake_failure for a group it lacks, protocol_version for
    // a version (docs/alerts.md): with handshake_failure the version is the weaker reading
    // the version an alert's record shows outweighs the suite and group readings of the same handshake_failure
    weight: weaker ? -1 : alertBelowOffer && !byAlert ? 2 : 0,
  };
}

/** The server's chosen version is one the ClientHello allowed. Without supported_versions a client allows anything up to its legacy_version. */
function serverChoiceOffered(hello: ClientHelloFacts, serverHello: ServerHelloFacts): boolean {
  const { versions, fromExtension } = offeredVersions(hello);
  if (fromExtension) return versions.includes(serverHello.version);
  return parseInt(serverHello.version, 16) <= parseInt(hello.legacyVersion, 16);
}

/** The lowest version a ClientHello lists in supported_versions (GREASE values are all higher). */
function lowestListed(hello: ClientHelloFacts): number {
  let lowest = Infinity;
  for (const v of hello.supportedVersions) lowest = Math.min(lowest, parseInt(v, 16));
  return lowest;
}

function isForgedReset(facts: RuleContext): boolean {
  return facts.reset !== null && facts.reset.forgedBecause.length > 0;
}

function offersOnlyTls13(hello: ClientHelloFacts): boolean {
  const { versions, fromExtension } = offeredVersions(hello);
  return fromExtension && versions.length > 0 && versions.every(isTls13Version);
}
