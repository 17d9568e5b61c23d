import type { Finding, RuleContext } from '../context.js';
import { seconds } from '../describe.js';

/** The SYN went unanswered past the handshake timeout: the server is down, unreachable, or a firewall drops. */
export function tcpConnectTimeout(facts: RuleContext): Finding | null {
  if (!facts.connectTimedOut || facts.connectWait === null) return null;
  const { record } = facts;
  return {
    code: 'tcp-connect-timeout',
    title: 'The server never answered the TCP connection request',
    evidence: [
      `the client sent a SYN to ${record.server.ip} port ${record.server.port}` +
        (record.tcp.packets.client > 1 ? ` (${record.tcp.packets.client} packets in all, retransmissions included)` : ''),
      facts.connectWait > facts.options.handshakeTimeout
        ? `no SYN-ACK and no RST came back in ${seconds(facts.connectWait)} (timeout ${seconds(facts.options.handshakeTimeout)})`
        : facts.clientGaveUpAfter !== null
          ? `no SYN-ACK and no RST came back; the client gave up after ${seconds(facts.clientGaveUpAfter)} (a timeout of its own)`
          : `no SYN-ACK and no RST came back to ${record.tcp.packets.client} SYNs sent over ${seconds(facts.connectWait)} with back-off: the client was being ignored (the capture ends before tlsdiag's timeout of ${seconds(facts.options.handshakeTimeout)})`,
      'no TLS was exchanged: the failure is below TLS',
    ],
    fix:
      'Check that the server is up and reachable from the client (routing, DNS answer, security groups) and that ' +
      'no firewall silently drops traffic to that port.',
    basis: 'verified',
    consistent: true,
    // retried SYNs seen for less than the timeout: a capture that stopped early looks the same, so not high
    ceiling: facts.connectWait > facts.options.handshakeTimeout || facts.clientGaveUpAfter !== null ? undefined : 'medium',
  };
}
