/**
 * When an act answers what came before it. A peer that rejects a certificate, refuses a ClientHello or hangs up on a
 * finished handshake does so as soon as the bytes arrive: within a round trip (the capture may sit at either end)
 * and a little processing. An act much later than that answers something else — a timer of the client's own, an
 * operator, a harness — and must not be read as a reaction to the last message.
 */
import type { ConnectionRecord } from '../model/record.js';

/** Processing time a stack may take to react, on top of the round trip (a slow client verifying a long chain). */
export const REACTION_ALLOWANCE = 0.2;
/** A silence this long at least (plus round trips) is somebody's timer, not a reaction. */
export const TIMER_FLOOR = 1;

/**
 * The round trip seen from the capture point, in seconds: SYN → SYN-ACK, else ClientHello → ServerHello (which
 * includes the server's processing, so it only overstates); null when the capture shows neither pair.
 */
export function roundTrip(record: ConnectionRecord): number | null {
  const { tcp, tls } = record;
  if (tcp.synTs !== null && tcp.synAckTs !== null && tcp.synAckTs >= tcp.synTs) return tcp.synAckTs - tcp.synTs;
  if (tls.clientHello && tls.serverHello && tls.serverHello.ts >= tls.clientHello.ts) {
    return tls.serverHello.ts - tls.clientHello.ts;
  }
  return null;
}

/** The longest delay, in seconds, after which an act still counts as a reaction to what preceded it. */
export function reactionWindow(rtt: number | null): number {
  return 2 * (rtt ?? 0) + REACTION_ALLOWANCE;
}

/**
 * A client that checks the certificate only after the handshake hangs up on its own verdict: local work of a few
 * milliseconds once the server's Finished arrives, seen from the capture point within one round trip of it. A client
 * that lets a connection go tens of milliseconds later (a browser's spare connection) is not judging the certificate.
 */
export const VERDICT_ALLOWANCE = 0.02;

export function verdictWindow(rtt: number | null): number {
  return (rtt ?? 0) + VERDICT_ALLOWANCE;
}

/** The shortest silence, in seconds, that is a timer running out rather than a refusal. */
export function timerThreshold(rtt: number | null): number {
  return TIMER_FLOOR + 4 * (rtt ?? 0);
}

/** '0.4 ms', '1.30 s' */
export function delayWords(seconds: number): string {
  const value = Math.max(0, seconds);
  return value < 1 ? `${(value * 1000).toFixed(1)} ms` : `${value.toFixed(2)} s`;
}
