import type { Finding, RuleContext } from '../context.js';
import { when } from '../evidence.js';

/**
 * The smallest and largest body of an encrypted TLS 1.3 alert record (RFC 8446 §5.2): 2 bytes of alert, 1 byte of
 * inner content type and a 16-byte AEAD tag make 19; a little padding is allowed for.
 */
export const ENCRYPTED_ALERT_MIN = 19;
export const ENCRYPTED_ALERT_MAX = 24;

const TITLE = 'The client rejected the server\'s certificate (TLS 1.3)';
const FIX =
  'Check the server\'s certificate as this client sees it: expiry, the host name it connects to, and whether the ' +
  'issuing CA is in the client\'s trust store (openssl s_client -connect host:port -servername name). Client-side ' +
  'logs name the exact reason.';

/**
 * TLS 1.3 encrypts the server's certificate and the client's alert, but not their sizes. When the server has sent its
 * encrypted flight and the client's first encrypted record is alert-sized instead of a Finished (53 bytes or more), or
 * the client sends nothing at all and closes, the client rejected what the server sent — almost always its
 * certificate. (A client whose alert goes out in plaintext, before its keys switch, names its reason: the
 * certificate rules take those.)
 */
export function clientRejectedCertificate(facts: RuleContext): Finding | null {
  if (!facts.tls13) return null;
  return byRecordSizes(facts);
}

function byRecordSizes(facts: RuleContext): Finding | null {
  if (!facts.firstEnd) return null;
  const { client, server } = facts.postHelloRecords;
  if (client.length === 0) return bySilentClose(facts);
  if (server.length === 0 || client.length !== 1) return null;
  const record = client[0];
  if (record.length < ENCRYPTED_ALERT_MIN || record.length > ENCRYPTED_ALERT_MAX) return null;
  if (facts.record.tls.alerts.some((a) => a.from === 'server' && a.ts <= record.ts)) return null;
  const end = facts.firstEnd;
  const serverSizes = server.filter((r) => r.ts <= record.ts).map((r) => r.length);
  return {
    code: 'client-rejected-certificate',
    title: TITLE,
    evidence: [
      `after the ServerHello the server sent ${serverSizes.length} encrypted record${serverSizes.length === 1 ? '' : 's'} (${serverSizes.join(', ')} bytes): its encrypted certificate and Finished`,
      `the client's first encrypted record, ${when(facts, record.ts)}, was ${record.length} bytes: the size of an encrypted alert (19 bytes + padding), not of a Finished`,
      `then the ${end.from} ${end.kind === 'RST' ? 'reset' : 'closed'} the connection (${end.kind}) ${when(facts, end.ts)}, and no application data followed`,
      'inferred from record sizes: TLS 1.3 encrypts the certificate and the alert, so the reason itself is not visible',
    ],
    fix: FIX,
  };
}

/**
 * The client answered the server's whole encrypted flight with no record at all — no Finished, no alert — and an
 * orderly close (FIN). Some stacks (Node.js) reject a certificate that way. A RST instead is left to reset-by-client:
 * clients abort for many reasons.
 */
function bySilentClose(facts: RuleContext): Finding | null {
  const end = facts.firstEnd;
  const serverHello = facts.serverHello;
  const flight = facts.postHelloRecords.server.filter((r) => end !== null && r.ts <= end.ts);
  if (!end || end.kind !== 'FIN' || end.from !== 'client' || !serverHello || flight.length === 0) return null;
  if (facts.record.tls.alerts.some((a) => a.ts <= end.ts)) return null;
  return {
    code: 'client-rejected-certificate',
    title: TITLE,
    evidence: [
      `after the ServerHello the server sent ${flight.length} encrypted record${flight.length === 1 ? '' : 's'} (${flight.map((r) => r.length).join(', ')} bytes): its encrypted certificate and Finished`,
      `the client sent no encrypted record in answer — neither its Finished nor an alert — and closed the connection (FIN) ${when(facts, end.ts)}`,
      'inferred from record sizes and order: TLS 1.3 encrypts the certificate, so the reason itself is not visible; some clients (Node.js) drop the connection without an alert when their certificate check fails',
    ],
    fix: FIX,
  };
}
