/**
 * Whether a TCP reset came from the endpoint it claims or was forged on the path. Two tells, both measured on the
 * record: the RST's TTL / hop limit against that side's first packet (a box nearer the capture point sits fewer hops
 * away, or starts from a different initial TTL), and a "server" RST that arrives sooner than the server could have
 * answered, given the SYN → SYN-ACK round trip seen from the same capture point.
 */
import type { ConnectionRecord, Role } from '../model/record.js';

/**
 * Hops fewer a genuine reset may have come (a route that changed). None more: a stack sends its resets with the
 * same initial TTL as its other packets, so a RST with more TTL left than the endpoint's packets came from nearer.
 */
export const TTL_TOLERANCE = 2;
/** Below this round trip the capture sits next to the server and timing tells nothing. */
export const MIN_ROUND_TRIP = 0.002;
/** A reset sooner than this share of the round trip cannot have come from the server. */
export const ROUND_TRIP_SHARE = 0.5;

export interface ResetAnalysis {
  from: Role;
  ts: number;
  ttl: number;
  /** TTL of that side's first packet */
  usualTtl: number | null;
  /** SYN → SYN-ACK, seconds */
  roundTrip: number | null;
  /** seconds from the peer's last packet the record dates to the reset */
  afterPeer: number | null;
  /** what the peer sent last before the reset, e.g. 'ClientHello' */
  afterPeerStep: string | null;
  /** the tells that mark the reset as forged; empty when it looks genuine */
  forgedBecause: string[];
}

/** The record's first RST judged, or null when there was none. */
export function analyzeReset(
  record: ConnectionRecord,
  peerLastStep: { name: string; ts: number } | null,
): ResetAnalysis | null {
  const rst = record.tcp.rst;
  if (!rst) return null;
  const usualTtl = record.tcp.ttl[rst.from];
  const { synTs, synAckTs } = record.tcp;
  const roundTrip = synTs !== null && synAckTs !== null && synAckTs >= synTs ? synAckTs - synTs : null;
  const afterPeer = peerLastStep ? rst.ts - peerLastStep.ts : null;
  const forgedBecause: string[] = [];
  if (usualTtl !== null && rst.ttl > usualTtl) {
    // more TTL left than the endpoint's own packets: it was sent from fewer hops away than the endpoint sits
    forgedBecause.push(
      `the RST arrived with TTL ${rst.ttl}, higher than the ${rst.from}'s own packets (TTL ${usualTtl}): ` +
        `it was sent from fewer hops away than the ${rst.from}`,
    );
  } else if (usualTtl !== null && usualTtl - rst.ttl > TTL_TOLERANCE) {
    forgedBecause.push(`the RST arrived with TTL ${rst.ttl} while the ${rst.from}'s packets had TTL ${usualTtl}`);
  }
  if (
    rst.from === 'server' &&
    roundTrip !== null &&
    roundTrip >= MIN_ROUND_TRIP &&
    afterPeer !== null &&
    afterPeer >= 0 &&
    afterPeer < roundTrip * ROUND_TRIP_SHARE
  ) {
    forgedBecause.push(
      `the RST came ${(afterPeer * 1000).toFixed(1)} ms after the client's ${peerLastStep?.name}, ` +
        `sooner than the server's measured round trip of ${(roundTrip * 1000).toFixed(1)} ms allows`,
    );
  }
  return {
    from: rst.from,
    ts: rst.ts,
    ttl: rst.ttl,
    usualTtl,
    roundTrip,
    afterPeer,
    afterPeerStep: peerLastStep?.name ?? null,
    forgedBecause,
  };
}
