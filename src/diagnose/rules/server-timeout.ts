import type { Finding, RuleContext } from '../context.js';
import { quoted, seconds } from '../describe.js';
import { when } from '../evidence.js';

/** The ClientHello went unanswered for longer than the handshake timeout (`--handshake-timeout`, default 10 s). */
export function serverTimeout(facts: RuleContext): Finding | null {
  if (!facts.helloTimedOut || facts.helloWait === null || !facts.clientHello) return null;
  const end = facts.firstEnd;
  const sni = facts.clientHello.sni;
  const evidence = [
    `the client sent a ClientHello ${sni === null ? 'without SNI' : `for ${quoted(sni)}`} and the server sent nothing back for ${seconds(facts.helloWait)}`,
    `the handshake timeout is ${seconds(facts.options.handshakeTimeout)}`,
  ];
  if (end && facts.helloWait <= facts.options.handshakeTimeout) {
    evidence[1] =
      end.from === 'client'
        ? `the client gave up after ${seconds(facts.helloWait)}: a timeout of its own (tlsdiag's handshake timeout is ${seconds(facts.options.handshakeTimeout)})`
        : `the server closed after ${seconds(facts.helloWait)} of silence: a timer of its own, not a refusal, which would come at once`;
  }
  if (end) evidence.push(`the ${end.from} then ${end.kind === 'RST' ? 'reset' : 'closed'} the connection (${end.kind}) ${when(facts, end.ts)}`);
  else if (facts.record.end === 'handshake-timeout') evidence.push('decided live, when the handshake timeout ran out');
  else evidence.push(`the connection was still open when tracking ended (${facts.record.end})`);
  if (facts.record.tcp.synAckTs !== null) evidence.push('the TCP connection itself was accepted (SYN-ACK seen)');
  return {
    code: 'server-timeout',
    title: 'The server never answered the ClientHello',
    basis: 'verified',
    consistent: true,
    evidence,
    fix: 'The port accepts TCP but nothing answers TLS on it: check that the service behind it is healthy and really speaks TLS there, and that no middlebox swallows the ClientHello (a large ClientHello and an MTU problem on the path can look the same).',
  };
}
