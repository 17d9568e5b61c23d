import { PcapParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';
import { sniffCapture } from './sniff.js';
import type { CaptureParser, FrameSink } from './types.js';

/** A file-format parser, with what a reader needs beyond the CaptureParser contract. */
export interface FileParser extends CaptureParser {
  /** frames delivered to the sink so far */
  readonly frames: number;
  /** the parser met damage it cannot read past: feeding it more bytes is pointless */
  readonly stopped: boolean;
  /** the file header (pcap) or a whole first Section Header Block (pcapng) was read */
  readonly headerComplete: boolean;
}

/**
 * The parser for the capture format that `firstBytes` (at least the first 4 bytes of the stream) start with, or null
 * when they are no uncompressed pcap / pcapng. Feed it the stream from its very first byte: it reads the file header.
 */
export function createParser(firstBytes: Buffer, sink: FrameSink): FileParser | null {
  const kind = sniffCapture(firstBytes);
  if (kind?.container === 'pcap') return new PcapParser(kind, sink);
  if (kind?.container === 'pcapng') return new PcapngParser(sink);
  return null;
}
