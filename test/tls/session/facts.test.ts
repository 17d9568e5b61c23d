import { describe, expect, it } from 'vitest';
import { parseServerHello, type ServerHello } from '../../../src/tls/messages/server-hello.js';
import { serverHelloFacts } from '../../../src/tls/session/facts.js';

/** A ServerHello body (RFC 8446 §4.1.3) echoing `sessionId`, with a supported_versions extension when `tls13`. */
function serverHello(sessionId: Buffer, tls13: boolean, psk = false): ServerHello {
  const extensions: number[] = [];
  if (tls13) extensions.push(0x00, 0x2b, 0x00, 0x02, 0x03, 0x04);
  if (psk) extensions.push(0x00, 0x29, 0x00, 0x02, 0x00, 0x00);
  const body = Buffer.from([
    0x03, 0x03, ...Buffer.alloc(32, 7), sessionId.length, ...sessionId,
    0x13, 0x01, 0x00, extensions.length >> 8, extensions.length & 0xff, ...extensions,
  ]);
  const parsed = parseServerHello(body);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

describe('sessionResumed', () => {
  const id = Buffer.alloc(32, 0xab);
  it('TLS 1.2: the server echoing the client\'s session id resumes the session', () => {
    expect(serverHelloFacts(serverHello(id, false), 1, null, id).sessionResumed).toBe(true);
    expect(serverHelloFacts(serverHello(Buffer.alloc(32, 1), false), 1, null, id).sessionResumed).toBe(false);
    expect(serverHelloFacts(serverHello(Buffer.alloc(0), false), 1, null, null).sessionResumed).toBe(false);
  });
  it('TLS 1.3: the echo is compatibility mode, only an accepted pre-shared key resumes', () => {
    expect(serverHelloFacts(serverHello(id, true), 1, null, id).sessionResumed).toBe(false);
    expect(serverHelloFacts(serverHello(id, true, true), 1, null, id).sessionResumed).toBe(true);
  });
});
