import type { Finding, RuleContext } from '../context.js';
import { seconds } from '../describe.js';
import { when } from '../evidence.js';

/**
 * Both hellos were exchanged, then the handshake made no progress — no further message, alert, FIN or RST — for
 * longer than the handshake timeout while the connection's own packets kept coming (retransmissions, ACKs). Who was to speak next says where to look; bytes of that side's flight that never
 * arrived point at the path (a path-MTU black hole drops exactly the full-size segments of a certificate flight).
 */
export function handshakeStalled(facts: RuleContext): Finding | null {
  if (facts.stallWait === null || facts.lastStep === null) return null;
  const last = facts.lastStep;
  const waiting = last.from === 'server' ? 'client' : 'server';
  const { gapBytes } = facts.record.tcp;
  const lostFlight = gapBytes[last.from] > 0;
  const evidence = [
    `the handshake got as far as the ${last.from}'s ${last.name} ${when(facts, last.ts)}`,
    `then no progress for ${seconds(facts.stallWait)} while the connection's packets kept coming (retransmissions, ACKs, keep-alives) — no message, alert, FIN or RST — longer than the handshake timeout of ${seconds(facts.options.handshakeTimeout)}`,
    `the ${waiting} was to answer next`,
  ];
  if (lostFlight) {
    evidence.push(
      `${gapBytes[last.from]} bytes of the ${last.from}'s stream never reached the capture: a flight lost on the path, as a path-MTU black hole loses a large certificate flight`,
    );
  }
  if (facts.record.end !== 'capture-end' && facts.record.end !== 'handshake-timeout') {
    evidence.push(`the connection was given up as ${facts.record.end} when tracking ended`);
  }
  return {
    code: 'handshake-stalled',
    title: `The handshake stalled after the ${last.from}'s ${last.name}`,
    evidence,
    fix: lostFlight
      ? 'Check the path MTU between the two: a firewall that drops ICMP "fragmentation needed" makes full-size segments vanish (lower the MTU/MSS, or allow the ICMP), and look for loss on the path.'
      : `Look at the ${waiting}: it received the ${last.from}'s ${last.name} and never answered — overloaded, stuck on something it waits for (a client checking revocation over OCSP/CRL through a firewall that blocks it), or a middlebox holding the connection.`,
    basis: 'verified',
    consistent: true,
  };
}
