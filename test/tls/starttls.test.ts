import { describe, expect, it } from 'vitest';
import { describePlaintext, identifyUpgrade } from '../../src/tls/starttls.js';

// Real SMTP, IMAP, POP3, FTP, LDAP, PostgreSQL, MySQL, RDP and SOCKS upgrades are identified from public captures in
// stream.test.ts (the parser's plaintext output fed to identifyUpgrade). The transcripts here are for protocols the
// capture corpus lacks, and for the edges of the matching.

const text = (s: string) => Buffer.from(s, 'latin1');

describe('identifyUpgrade', () => {
  it.each([
    ['xmpp', "<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<stream:stream from='example.com'><proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"],
    ['irc', 'CAP LS 302\r\nSTARTTLS\r\n', ':irc.example.net 670 * :STARTTLS successful, proceed with TLS handshake\r\n'],
    ['nntp', 'CAPABILITIES\r\nSTARTTLS\r\n', '200 news.example.com InterNetNews server ready\r\n382 Continue with TLS negotiation\r\n'],
    ['sieve', 'STARTTLS\r\n', '"IMPLEMENTATION" "Dovecot Pigeonhole"\r\n"SIEVE" "fileinto reject"\r\n"STARTTLS"\r\nOK "ready"\r\n'],
    ['http-connect', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 'HTTP/1.1 200 Connection established\r\n\r\n'],
    ['smtp', 'EHLO client.example.org\r\nSTARTTLS\r\n', '220 mx.example.org ESMTP\r\n250-STARTTLS\r\n250 OK\r\n220 Go ahead\r\n'],
    ['ftp', 'AUTH TLS\r\n', '220 FTP server ready\r\n234 AUTH TLS successful\r\n'],
  ])('names %s from its transcript', (protocol, client, server) => {
    expect(identifyUpgrade(text(client), text(server))).toBe(protocol);
  });

  it('names a SOCKS4 connect request and its granted reply', () => {
    const request = Buffer.from([4, 1, 0x01, 0xbb, 192, 0, 2, 1, 0x75, 0x73, 0x65, 0x72, 0]);
    expect(identifyUpgrade(request, Buffer.from([0, 90, 0, 0, 0, 0, 0, 0]))).toBe('socks');
  });

  it('names a PostgreSQL GSSENCRequest as well as an SSLRequest', () => {
    expect(identifyUpgrade(Buffer.from('0000000804d21630', 'hex'), text('N'))).toBe('postgres');
    expect(identifyUpgrade(Buffer.from('0000000804d2162f', 'hex'), Buffer.alloc(0))).toBe('postgres');
  });

  it('tells plaintext that matches nothing from no plaintext at all', () => {
    expect(identifyUpgrade(Buffer.alloc(0), Buffer.alloc(0))).toBeNull();
    expect(identifyUpgrade(text('hello there\n'), Buffer.alloc(0))).toBe('unknown-plaintext');
  });

  it('looks at the first KiB of each side only', () => {
    const late = Buffer.concat([Buffer.alloc(2000, 0x2e), text('\r\nSTLS\r\n')]);
    expect(identifyUpgrade(late, Buffer.alloc(0))).toBe('unknown-plaintext');
  });
});

describe('describePlaintext', () => {
  it('shows an HTTP answer to a ClientHello with its line ends escaped', () => {
    expect(describePlaintext(text('HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n'))).toBe(
      'HTTP/1.1 400 Bad Request\\x0d\\x0aServer: nginx\\x0d\\x0a',
    );
  });

  it('escapes binary bytes and the backslash itself', () => {
    expect(describePlaintext(Buffer.from([0x00, 0x41, 0x5c, 0xff]))).toBe('\\x00A\\x5c\\xff');
  });

  it('cuts at 80 characters, never inside an escape', () => {
    const exactly80 = 'x'.repeat(80);
    expect(describePlaintext(text(exactly80))).toBe(exactly80);
    const long = describePlaintext(Buffer.concat([text('y'.repeat(76)), Buffer.alloc(10)]));
    expect(long).toBe(`${'y'.repeat(76)}...`);
    expect(long.length).toBeLessThanOrEqual(80);
  });
});
