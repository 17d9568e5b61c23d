import type { Finding, RuleContext } from '../context.js';
import { quoted } from '../describe.js';
import { when } from '../evidence.js';

/** The server answered the ClientHello with bytes that do not frame as TLS records (RFC 8446 §5.1). */
export function notTls(facts: RuleContext): Finding | null {
  const answer = facts.record.tls.nonTlsResponse;
  if (!answer || answer.from !== 'server' || !facts.clientHello) return null;
  // bytes that do not frame as TLS, then valid TLS from the same side: a capture that missed the start, not plaintext
  if (facts.serverHello !== null || Object.values(facts.record.tls.recordCounts.server).some((n) => n > 0)) return null;
  const looksHttp = /^HTTP\/\d/.test(answer.preview);
  return {
    code: 'not-tls',
    title: 'The server does not speak TLS on this port',
    basis: 'verified',
    consistent: true,
    evidence: [
      `the client sent a ClientHello to port ${facts.record.server.port}`,
      `the server answered ${when(facts, answer.ts)} with bytes that are not TLS: ${quoted(answer.preview, 80)}`,
      ...(looksHttp ? ['the answer is plaintext HTTP'] : []),
    ],
    fix: looksHttp
      ? 'The port serves plain HTTP: use http:// for it, or point the client at the HTTPS port; or enable TLS on the server for this port.'
      : 'Point the client at the port where the server speaks TLS, or use the protocol\'s STARTTLS command if it upgrades in-band; or enable TLS on the server.',
  };
}
