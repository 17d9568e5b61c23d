/**
 * What a capture source hands to the next stage.
 *
 * Frames are pushed synchronously. `data` is a view into a buffer the source reuses: it is valid only during the
 * call, so a stage that keeps bytes beyond it copies them (DESIGN: views, not copies).
 */
export interface FrameSink {
  /**
   * One captured frame.
   * @param data     the captured bytes (possibly fewer than `origLen` when the capture's snaplen cut it)
   * @param ts       capture timestamp, epoch seconds (fractional)
   * @param linkType LINKTYPE_* number of the frame (https://www.tcpdump.org/linktypes.html)
   * @param origLen  the frame's length on the wire
   */
  frame(data: Buffer, ts: number, linkType: number, origLen: number): void;
  /**
   * The same frame as `buf[start, end)`, when the sink can work on offsets: a file holds hundreds of thousands of
   * frames, and a view object for each is garbage the collector then has to sweep. Readers call this instead of
   * `frame` when the sink has it; the same validity rule holds (the bytes are valid only during the call).
   */
  frameAt?(buf: Buffer, start: number, end: number, ts: number, linkType: number, origLen: number): void;
  /**
   * Secrets the capture carries for decrypting what follows (a pcapng Decryption Secrets Block): 'tls-keylog' is
   * NSS key log text. `data` is a copy. Sinks without this method ignore such blocks.
   */
  secretsBlock?(kind: 'tls-keylog', data: Buffer): void;
  /**
   * True while the sink cannot take more frames (what it emits is waiting for a slow consumer). Parsers stop after
   * the frame that made it true and return what they consumed; readers wait for `resumed()` before offering more.
   */
  readonly paused?: boolean;
  /** Settles when `paused` is false again. */
  resumed?(): Promise<void>;
}

/** Something about the capture file itself (not about one connection): damage, truncation, odd blocks. */
export interface CaptureNote {
  kind: 'truncated' | 'corrupt' | 'unsupported-link-type' | 'skipped-block' | 'format';
  message: string;
  /** byte offset in the (decompressed) capture where it was found */
  offset: number;
}

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

/** A pure, push-driven capture parser: bytes in, frames out; it never reads a file itself. */
export interface CaptureParser {
  readonly format: CaptureFormat;
  /**
   * Walks `buf[start, end)` and emits every complete frame. Returns how many bytes were consumed (whole blocks
   * only); the caller keeps the rest and offers it again, followed by more bytes.
   */
  feed(buf: Buffer, start: number, end: number): number;
  /** Called once when no more bytes will come; `leftover` is how many unconsumed bytes remained (a cut file). */
  finish(leftover: number, offset: number): void;
  readonly notes: CaptureNote[];
}

export class CaptureError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'unreadable' | 'not-a-capture' | 'unsupported' | 'corrupt',
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}
