/**
 * The acts a connection's record shows, as the diagnosis names them: what ended the handshake, the first close or
 * reset, the client's rejection of what it was sent, a hang-up right after a completed handshake. Read off the record
 * by record-acts.ts, gathered by buildContext (context.ts). Types only.
 */
import type { AlertFacts, RecordFacts, Role } from '../model/record.js';
import type { HandshakeStep } from './steps.js';

/** The first thing that ended the handshake: an alert, a reset, a FIN, or bytes that are not TLS. */
export interface FailureAct {
  kind: 'alert' | 'RST' | 'FIN' | 'non-TLS';
  from: Role;
  ts: number;
  /** a FIN the capture missed: `ts` is that of the peer's ACK that acknowledged it, which it came before */
  unseen?: true;
  alert: AlertFacts | null;
  /** the last handshake step at or before it, either side's */
  after: HandshakeStep | null;
}

/** The first FIN or RST of the connection, whichever side sent it. */
export interface ConnectionEnd {
  kind: 'RST' | 'FIN';
  from: Role;
  ts: number;
  /** see FailureAct.unseen */
  unseen?: true;
}

export interface ClientRejection {
  act: FailureAct;
  /** seconds from the server's last message before the act */
  delay: number;
  /** within a round trip and a little processing of that message (timing.ts) */
  prompt: boolean;
  /** the server's message the act answered */
  answered: HandshakeStep | null;
}

export interface HangUp {
  kind: 'FIN' | 'RST' | 'alert';
  ts: number;
  /** see FailureAct.unseen */
  unseen?: true;
  /** seconds after the handshake completed (TLS ≤ 1.2) or after the client's own Finished (TLS 1.3) */
  delay: number;
  /** TLS 1.3: the alert-sized record the client sent before closing, if any */
  alertRecord: RecordFacts | null;
  /** within a reaction of the handshake's end: a verdict on it, not a timer's or an operator's */
  prompt: boolean;
}

/** A HelloRetryRequest the record kept (RFC 8446 §4.1.4): when, and the group it asked for. */
export interface HelloRetryFacts {
  ts: number | null;
  group: string | null;
}
