import type { ClientHelloFacts } from '../../model/record.js';
import type { Finding, RuleContext } from '../context.js';
import { isModernSuite } from '../suites.js';
import { certificateReaction, checkedAt, clientCertificateAlert, sanPhrase } from '../certificate.js';
import { quoted } from '../describe.js';
import { actSentence, realSuites } from '../evidence.js';

/** unrecognized_name (112, RFC 6066 §3). */
const UNRECOGNIZED_NAME = 112;
/** unknown_ca (48) names a trust problem, not a name problem. */
const UNKNOWN_CA = 48;

/**
 * The ClientHello carried no server_name (RFC 6066 §3), and either the server failed it with an alert (a server that
 * hosts many names cannot choose one), or the client turned down a certificate tlsdiag finds trusted and in date —
 * the default certificate of a server that did not know which site was meant.
 */
export function sniMissing(facts: RuleContext): Finding | null {
  const hello = facts.clientHello;
  const act = facts.failureAct;
  if (!hello || hello.sni !== null || !act) return null;
  const serverRefused = facts.serverFailedClientHello && act.kind === 'alert';
  const check = facts.record.tls.certificateCheck;
  const reaction = certificateReaction(facts);
  const rejection = reaction !== null && reaction.prompt ? reaction.line : null;
  const defaultCertificateRejected =
    rejection !== null &&
    check !== null &&
    check.expiredFor === null &&
    check.notYetValidFor === null &&
    clientCertificateAlert(facts) !== UNKNOWN_CA;
  if (!serverRefused && !defaultCertificateRejected) return null;
  const evidence = ['the ClientHello carried no server name (no SNI extension)'];
  if (defaultCertificateRejected && check) {
    const leaf = facts.record.tls.certificates[0];
    evidence.push(
      leaf && !leaf.error
        ? `the server sent its default certificate ${quoted(leaf.subject)} with ${sanPhrase(leaf)}, trusted and in date`
        : 'the server sent its default certificate, trusted and in date',
      checkedAt(check),
      rejection,
      'without SNI the server could only send its default certificate, which the client did not accept',
    );
  } else {
    evidence.push(actSentence(facts, act), 'the server sent no ServerHello');
  }
  return {
    code: 'sni-missing',
    title: 'The client did not say which server name it wanted',
    evidence,
    fix: 'Make the client send SNI: connect by host name rather than IP address, or set the server name explicitly (openssl s_client -servername, curl --resolve, the TLS library\'s server-name option). Alternatively give the server a default certificate that covers the name clients use.',
    // nginx's ssl_reject_handshake says unrecognized_name to a ClientHello with no name at all: stated
    basis: serverRefused && act.alert?.description === UNRECOGNIZED_NAME ? 'stated' : 'inferred',
    consistent: true,
    // a current offer refused for want of a name: the missing name explains it better than the suites do
    weight: serverRefused && offersCurrentSuites(hello) ? 1 : 0,
  };
}

function offersCurrentSuites(hello: ClientHelloFacts): boolean {
  const { names, codes } = realSuites(hello);
  return codes.some((code, i) => isModernSuite(code, names[i]));
}
