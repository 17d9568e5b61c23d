/**
 * One budget, in bytes, for all the connection state of an analysis: every flow is charged what its state costs by
 * the cost model below, and so is every buffer that grows with the input — out-of-order segments (tcp/reassembly.ts)
 * and handshake messages under reassembly (tls/stream.ts). When a charge does not fit, the least valuable state is
 * let go first (the flow table's reclaim; order in docs/robustness.md), and a buffer that still does not fit gives
 * way (its hole becomes a gap, its message is dropped with a note).
 *
 * The cost model's figures are heap bytes measured with V8 on Node 20 (test/tcp/memory-budget.test.ts measures them
 * again over thousands of flows and fails if a flow costs more than it is charged).
 */

/**
 * A flow that has seen nothing but its first side's SYNs: the Flow alone (with the times of up to 8 retransmissions),
 * no reassembler, no TLS tracker. Measured: 490 bytes with one retransmission.
 */
export const SYN_ONLY_FLOW_BYTES = 640;
/** A flow with its two reassemblers and its TLS tracker, before any event. Measured with SYN and SYN-ACK: 2,814. */
export const TRACKED_FLOW_BYTES = 2800;
/** The facts kept of a ClientHello or ServerHello (its lists are shared by look-alike hellos). Measured: ~1,000. */
export const HELLO_FACTS_BYTES = 1200;
/** A TLS stream parser of one direction, made when that direction's first byte arrives. */
export const STREAM_PARSER_BYTES = 600;
/** One timeline event, TLS message or note kept for the connection record. */
export const EVENT_BYTES = 160;
/** A finished 4-tuple remembered to swallow stragglers: the Flow (its reassemblers are let go; a timed-out SYN keeps them). */
export const TOMBSTONE_BYTES = 600;
/** Per out-of-order piece, on top of its bytes: the piece and its Buffer object. */
export const PIECE_OVERHEAD_BYTES = 160;

/** The default budget: with Node's own ~60 MB it keeps a flood's peak RSS under 300 MB. */
export const DEFAULT_MEMORY_BUDGET = 96 << 20;

export class MemoryBudget {
  /** bytes charged right now */
  used = 0;
  /** of those, out-of-order segment bytes (without their overhead) */
  outOfOrderBytes = 0;
  /** buffers that gave way because the budget was spent (holes made gaps, handshake messages dropped) */
  buffersRefused = 0;
  /**
   * Frees cheap state until `used` fits the limit or nothing cheap is left. Set by the flow table, which knows the
   * flows; a budget alone has nothing to reclaim.
   */
  reclaim: () => void = () => undefined;

  constructor(readonly limit: number = DEFAULT_MEMORY_BUDGET) {}

  /** Whether `bytes` more fit, after reclaiming cheap state when they do not fit at once. Charges nothing. */
  fits(bytes: number): boolean {
    if (this.used + bytes <= this.limit) return true;
    this.reclaim();
    return this.used + bytes <= this.limit;
  }

  charge(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }
}
