import type { Finding, RuleContext } from '../context.js';
import { actSentence } from '../evidence.js';

/** One side closed the connection (FIN) during the handshake without a TLS alert. */
export function peerClosed(facts: RuleContext): Finding | null {
  const act = facts.failureAct;
  if (!act || act.kind !== 'FIN') return null;
  const afterCertificate = act.from === 'client' && facts.record.tls.certificatesTs !== null && act.ts >= facts.record.tls.certificatesTs;
  return {
    code: 'peer-closed',
    title: `The ${act.from} closed the connection during the handshake without saying why`,
    evidence: [
      actSentence(facts, act),
      'no TLS alert was sent before it',
      ...(afterCertificate ? ['it came after the server\'s certificate: the client may have rejected it'] : []),
    ],
    fix:
      act.from === 'server'
        ? 'Check the server\'s logs at that time: it dropped the handshake (a TLS configuration it could not satisfy, a missing certificate for this name, a crash or a connection limit).'
        : 'Check the client\'s error output: it abandoned the handshake (often a certificate it did not accept, or a timeout of its own).',
    // a FIN the capture missed is known only from the peer's ACK
    basis: act.unseen === true ? 'inferred' : 'verified',
    consistent: true,
  };
}
