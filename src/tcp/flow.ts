/**
 * One tracked TCP connection: its handler, the two directions' reassemblers, and where it stands in its life.
 * Passed to the handler's factory as its FlowControl.
 */
import type { FlowControl, FlowEndpoints, TcpConnectionHandler } from './types.js';
import type { FlowList, ListedFlow } from './flow-list.js';
import type { StreamReassembler } from './reassembly.js';

/** Packets flow both ways and the handler hears them. */
export const FLOW_OPEN = 0;
/** Both sides sent FIN: packets are still told to the handler during a short linger, then the flow ends 'closed'. */
export const FLOW_CLOSING = 1;
/** The handler was ended (RST, or a closed flow's linger is over): the 4-tuple is remembered to swallow stragglers. */
export const FLOW_DEAD = 2;

// Bits of Flow.noted, shifted left by the direction: each fact about the packets is noted once per direction.
export const NOTED_TRUNCATED = 1;
export const NOTED_FRAGMENT = 4;

/** The most SYN retransmissions a SYN-only flow remembers to replay to its handler; later ones are only counted. */
export const MAX_REPLAYED_SYNS = 8;

/**
 * A flow starts SYN-only: it has seen nothing but SYNs from the side that opened it, and costs only this object — no
 * reassemblers, no handler (a SYN flood opens millions of them). The first other packet, or its end, makes it tracked:
 * the handler is made then and told the SYNs it missed, in order, with their times and TTLs.
 */
export class Flow implements FlowControl, ListedFlow {
  // IPv4: the 4-tuple as direction 0 sends it, the hash it is filed under and the next flow with the same hash
  address0 = 0;
  port0 = 0;
  address1 = 0;
  port1 = 0;
  v4Hash = 0;
  sameHash: Flow | null = null;
  // IPv6: low/high endpoint strings and direction 0's sender
  v6Low = '';
  v6High = '';
  v6Origin = '';
  ipv6 = false;

  /** the connection's handler; null while the flow is SYN-only */
  handler: TcpConnectionHandler | null = null;
  stream0!: StreamReassembler;
  stream1!: StreamReassembler;
  state = FLOW_OPEN;
  readonly firstTs: number;
  /** see FlowControl.firstFrame */
  firstFrame = 0;
  lastTs: number;
  /** bytes this flow is charged in the memory budget right now (cost model: memory-budget.ts) */
  charged = 0;
  /** the handshake is over (FlowControl.lighten): among the cheapest flows to let go */
  settled = false;
  // SYN-only: the first SYN's sequence number and TTL, and [ts, ttl] of its retransmissions (replayed later)
  synSeen = false;
  synIsn = 0;
  synTtl = 0;
  laterSyns: number[] | null = null;
  ipVersion: 4 | 6 = 4;
  tunnel = '';
  /** IPv6 flows: endpoints printed when the flow opened (IPv4 prints them from the numbers when tracked) */
  v6Endpoints: FlowEndpoints | null = null;
  /** capture time when a closing or dead flow leaves the table */
  lingerUntil = 0;
  /** a direction already sent its RST (bit per direction) */
  rstSent = 0;
  noted = 0;
  /** initial sequence numbers of differing SYN-ACKs, until the client's ACK says which one it took */
  synAckCandidates: number[] | null = null;
  /** the direction that sent those SYN-ACKs */
  synAckDir = 0;

  prev: ListedFlow | null = null;
  next: ListedFlow | null = null;
  list: FlowList<ListedFlow> | null = null;

  constructor(firstTs: number) {
    this.firstTs = firstTs;
    this.lastTs = firstTs;
  }

  lighten(): void {
    this.stream0.lightened = true;
    this.stream1.lightened = true;
    this.settled = true;
  }
}
