import type { Finding, RuleContext } from '../context.js';
import { when } from '../evidence.js';

/** The SYN was answered by a RST (RFC 9293 §3.10.7.1): nothing listens on the port, or a firewall rejects. */
export function tcpConnectRefused(facts: RuleContext): Finding | null {
  const { record } = facts;
  if (!facts.connectRefused || !record.tcp.rst) return null;
  return {
    code: 'tcp-connect-refused',
    title: 'The server refused the TCP connection',
    evidence: [
      `the client sent a SYN to port ${record.server.port}`,
      `the server answered with a RST ${when(facts, record.tcp.rst.ts)} and never sent a SYN-ACK`,
      'no TLS was exchanged: the failure is below TLS',
    ],
    fix:
      `Check that the service is running and listening on ${record.server.ip} port ${record.server.port}, ` +
      'and that no firewall on the server rejects the connection; or point the client at the right port.',
    basis: 'verified',
    consistent: true,
  };
}
