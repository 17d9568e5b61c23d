/**
 * The handshake as an ordered list of steps rebuilt from the record's facts, so that a rule can say what an alert or
 * a reset answered ("right after the server's Certificate").
 */
import type { ConnectionRecord, Role } from '../model/record.js';

export interface HandshakeStep {
  /** what was sent, in the RFC's words: 'ClientHello', 'Certificate', 'encrypted record (53 bytes)' */
  name: string;
  from: Role;
  ts: number;
}

/**
 * Every step the record can date, in capture order. Steps of one packet share a timestamp; they keep protocol order
 * because the list is built in that order and the sort is stable.
 */
export function handshakeSteps(record: ConnectionRecord): HandshakeStep[] {
  const { tcp, tls } = record;
  const steps: HandshakeStep[] = [];
  if (tcp.synTs !== null) steps.push({ name: 'SYN', from: 'client', ts: tcp.synTs });
  if (tcp.synAckTs !== null) steps.push({ name: 'SYN-ACK', from: 'server', ts: tcp.synAckTs });
  if (tls.clientHello) steps.push({ name: 'ClientHello', from: 'client', ts: tls.clientHello.ts });
  if (tls.serverHello) {
    const name = tls.serverHello.helloRetryRequest ? 'ServerHello (after a HelloRetryRequest)' : 'ServerHello';
    steps.push({ name, from: 'server', ts: tls.serverHello.ts });
  }
  if (tls.certificatesTs !== null) steps.push({ name: 'Certificate', from: 'server', ts: tls.certificatesTs });
  if (tls.changeCipherSpec.server !== null) {
    steps.push({ name: 'ChangeCipherSpec', from: 'server', ts: tls.changeCipherSpec.server });
  }
  if (tls.changeCipherSpec.client !== null) {
    steps.push({ name: 'ChangeCipherSpec', from: 'client', ts: tls.changeCipherSpec.client });
  }
  for (const encrypted of tls.encryptedRecords) {
    // alerts are what steps are measured against, not steps themselves
    if (encrypted.contentType === CHANGE_CIPHER_SPEC || encrypted.contentType === ALERT) continue;
    // TLS ≤ 1.2 keeps the outer type: a handshake record after ChangeCipherSpec is the sender's Finished
    const name =
      encrypted.contentType === HANDSHAKE ? 'encrypted Finished' : `encrypted record (${encrypted.length} bytes)`;
    steps.push({ name, from: encrypted.from, ts: encrypted.ts });
  }
  if (tls.nonTlsResponse) steps.push({ name: 'non-TLS data', from: tls.nonTlsResponse.from, ts: tls.nonTlsResponse.ts });
  // the facts keep one ClientHello and the real ServerHello; a retried handshake is dated by the timeline only
  for (const event of record.timeline) {
    if (TIMELINE_ONLY_STEPS.has(event.event)) steps.push({ name: event.event, from: event.from, ts: event.ts });
  }
  steps.sort((a, b) => a.ts - b.ts);
  return steps;
}

/** Timeline events that are handshake steps the record's facts do not date. */
const TIMELINE_ONLY_STEPS: ReadonlySet<string> = new Set(['HelloRetryRequest', 'ClientHello (again)']);

/** ChangeCipherSpec content type (RFC 8446 §5.1): sent in clear, even among the encrypted records in TLS 1.3. */
export const CHANGE_CIPHER_SPEC = 20;
/** Handshake content type (RFC 8446 §5.1). */
export const HANDSHAKE = 22;
/** Alert content type (RFC 8446 §5.1). */
export const ALERT = 21;

/** The last step at or before `ts` (ties go to the step listed last), optionally only one side's. */
export function stepAtOrBefore(steps: readonly HandshakeStep[], ts: number, from?: Role): HandshakeStep | null {
  let found: HandshakeStep | null = null;
  for (const step of steps) {
    if (step.ts > ts) break;
    if (from === undefined || step.from === from) found = step;
  }
  return found;
}

/** "the server's Certificate", "the client's ClientHello". */
export function stepPhrase(step: HandshakeStep): string {
  return `the ${step.from}'s ${step.name}`;
}
