/**
 * TLS 1.3 hides the server's CertificateRequest, the client's Certificate and the server's certificate_required (116)
 * or bad_certificate (42) alert: all are encrypted (RFC 8446 §4.3.2, §4.4.2, §6). What the capture still shows:
 * right after the client's flight the server sends one small record instead of session tickets or data — an alert is
 * 2 bytes + the inner content type + the AEAD tag, 19 bytes with AES-GCM or ChaCha20-Poly1305 (11 with AES-CCM-8) —
 * and closes. By TLS-level rules (and tshark's) that handshake completed; for the client it failed.
 */
import type { ConnectionRecord, RecordFacts } from '../model/record.js';
import type { Finding } from './context.js';
import { isTls13Version } from './record-acts.js';
import { isAlertSized } from '../tls/encrypted-sizes.js';
import { reactionWindow, roundTrip } from './timing.js';

const APPLICATION_DATA = 23;
/** An empty client Certificate message (RFC 8446 §4.4.2: type, length, empty context, empty list) + type + 16-byte tag. */
const EMPTY_CERTIFICATE_RECORD = 4 + 1 + 3 + 1 + 16;

export interface ClientFlightRejection {
  /** the client's encrypted records after the ServerHello, in order */
  clientFlight: RecordFacts[];
  /** the server's alert-sized record(s) after that flight */
  serverRecords: RecordFacts[];
  close: { kind: 'FIN' | 'RST'; ts: number };
}

/**
 * The server answered the client's TLS 1.3 flight with alert-sized records only and closed the connection before the
 * client did: the pattern, or null.
 */
export function tls13ClientFlightRejected(record: ConnectionRecord): ClientFlightRejection | null {
  const { tls, tcp } = record;
  if (!tls.established || tls.serverHello === null || !isTls13Version(tls.serverHello.version)) return null;
  const clientFlight = tls.encryptedRecords.filter(
    (r) => r.from === 'client' && r.contentType === APPLICATION_DATA && r.ts >= tls.serverHello!.ts,
  );
  if (clientFlight.length === 0) return null;
  const flightTs = clientFlight[0].ts;
  const serverRecords = tls.encryptedRecords.filter((r) => r.from === 'server' && r.contentType === APPLICATION_DATA && r.ts > flightTs);
  if (serverRecords.length === 0) return null;
  if (!serverRecords.every((r) => isAlertSized(r.length, tls.serverHello!.cipherSuite))) return null;
  // nothing more from the server than those records (the list keeps only the first records of each side)
  const serverCounted = tls.recordCounts.server.application_data ?? 0;
  const serverBeforeFlight = tls.encryptedRecords.filter((r) => r.from === 'server' && r.contentType === APPLICATION_DATA && r.ts <= flightTs).length;
  if (serverCounted !== serverBeforeFlight + serverRecords.length) return null;
  // The server closes right after its alert-sized record. Which FIN leaves first does not matter: a client that sent
  // its request right behind its Finished may close as soon as the alert arrives, before the server's FIN.
  const answerTs = serverRecords[serverRecords.length - 1].ts;
  let close: ClientFlightRejection['close'] | null = null;
  if (tcp.rst !== null && tcp.rst.from === 'server' && tcp.rst.ts >= answerTs) close = { kind: 'RST', ts: tcp.rst.ts };
  for (const fin of tcp.fin) {
    if (fin.from === 'server' && fin.ts >= answerTs && (close === null || fin.ts < close.ts)) close = { kind: 'FIN', ts: fin.ts };
  }
  if (close === null || close.ts - answerTs > reactionWindow(roundTrip(record))) return null;
  // the client closing before the server's alert-sized answer means the client ended it: not this pattern
  const clientFirst = tcp.fin.some((f) => f.from === 'client' && f.ts < answerTs) || (tcp.rst?.from === 'client' && tcp.rst.ts < answerTs);
  if (clientFirst) return null;
  return { clientFlight, serverRecords, close };
}

/** The diagnosis of that pattern: most often the server wanted a client certificate and got none, or refused it. */
export function clientFlightRejectedDiagnosis(rejection: ClientFlightRejection): Finding {
  const [first] = rejection.clientFlight;
  const emptyCertificate = rejection.clientFlight.length >= 2 && first.length === EMPTY_CERTIFICATE_RECORD;
  const sizes = rejection.clientFlight.map((r) => `${r.length}`).join(', ');
  const answer = rejection.serverRecords[0];
  const evidence = [
    `TLS 1.3: after the client's encrypted flight (records of ${sizes} bytes) the server sent only ${rejection.serverRecords.length === 1 ? `one ${answer.length}-byte record` : `${rejection.serverRecords.length} records of at most ${Math.max(...rejection.serverRecords.map((r) => r.length))} bytes`} — the size of an encrypted alert — and no session ticket or data`,
    `the server then closed the connection (${rejection.close.kind}) ${Math.max(0, (rejection.close.ts - answer.ts) * 1000).toFixed(1)} ms later`,
    emptyCertificate
      ? `the client's first record after the ServerHello is ${first.length} bytes, the size of an empty Certificate message: it had no certificate to offer`
      : 'the alert itself is encrypted: this is inferred from record sizes and who closed, as TLS 1.3 hides the messages',
  ];
  if (emptyCertificate) evidence.push('the alert itself is encrypted: this is inferred from record sizes and who closed, as TLS 1.3 hides the messages');
  return {
    code: 'client-certificate-required',
    title: emptyCertificate
      ? 'The server requires a client certificate and the client sent none (TLS 1.3, inferred)'
      : 'The server rejected the client\'s flight after the handshake (TLS 1.3, inferred): most often its client certificate',
    evidence,
    fix: emptyCertificate
      ? 'Configure the client with its certificate and private key (for example curl --cert/--key, or the keystore of a Java client); or, if client authentication is not wanted, make it optional on the server.'
      : 'Check the server\'s log for the alert it sent: most often the client\'s certificate is not issued by a CA the server trusts for client authentication, or it has expired.',
    basis: 'inferred',
    consistent: true,
  };
}
