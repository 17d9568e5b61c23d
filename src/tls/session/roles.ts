import type { Direction } from '../../tcp/types.js';

/** What the tracker saw that tells which side is the client. Each is the direction that did it, or -1. */
export interface RoleClues {
  synFrom: number;
  synAckFrom: number;
  clientHelloFrom: number;
  serverHelloFrom: number;
  ports: [number, number];
}

export interface RoleDecision {
  client: Direction;
  by: 'syn' | 'client-hello' | 'syn-ack' | 'server-hello' | 'port';
}

/**
 * The client is the sender of the first pure SYN; else of the first ClientHello; else the receiver of a SYN-ACK;
 * else the peer of the ServerHello sender; else the side on the higher port (the same order as Wireshark-based truth).
 */
export function decideRoles(clues: RoleClues): RoleDecision {
  if (clues.synFrom >= 0) return { client: clues.synFrom as Direction, by: 'syn' };
  if (clues.clientHelloFrom >= 0) return { client: clues.clientHelloFrom as Direction, by: 'client-hello' };
  if (clues.synAckFrom >= 0) return { client: (1 - clues.synAckFrom) as Direction, by: 'syn-ack' };
  if (clues.serverHelloFrom >= 0) return { client: (1 - clues.serverHelloFrom) as Direction, by: 'server-hello' };
  return { client: clues.ports[0] >= clues.ports[1] ? 0 : 1, by: 'port' };
}
