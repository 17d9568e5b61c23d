/**
 * The one reused output object of the decoder.
 */
import type { TcpSegment } from './types.js';

const EMPTY = Buffer.alloc(0);

/** A TcpSegment with every field present, so every segment object has the same shape for the JIT. */
export function newTcpSegment(): TcpSegment {
  return {
    buf: EMPTY,
    ipVersion: 4,
    srcAddrOffset: 0,
    dstAddrOffset: 0,
    addrLength: 4,
    ttl: 0,
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    payloadStart: 0,
    payloadEnd: 0,
    payloadLength: 0,
    truncated: false,
    fragment: false,
    tunnel: '',
  };
}
