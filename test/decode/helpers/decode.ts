// Runs the decoder on one frame and reads back what a test wants to check.
import { decodeFrame, formatAddress, newTcpSegment } from '../../../src/decode/frame.js';
import type { DecodeResult, TcpSegment } from '../../../src/decode/types.js';

export interface Decoded {
  result: DecodeResult;
  segment: TcpSegment;
  src: string;
  dst: string;
  payload: string;
}

export function decode(linkType: number, frame: Buffer): Decoded {
  const segment = newTcpSegment();
  const result = decodeFrame(linkType, frame, segment);
  if (result !== 'tcp') return { result, segment, src: '', dst: '', payload: '' };
  return {
    result,
    segment,
    src: formatAddress(segment.buf, segment.srcAddrOffset, segment.addrLength),
    dst: formatAddress(segment.buf, segment.dstAddrOffset, segment.addrLength),
    payload: segment.buf.subarray(segment.payloadStart, segment.payloadEnd).toString('latin1'),
  };
}
