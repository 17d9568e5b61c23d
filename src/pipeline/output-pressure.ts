/**
 * Backpressure from whoever takes the records. The analysis is synchronous per frame, so a reader slower than the
 * analysis (a pipe into `less`, a stalled consumer) would otherwise make every record wait in memory. While
 * `congested` is true the Analyzer tells its capture reader to stop handing frames; the reader waits for `drained()`.
 */
export interface OutputPressure {
  /** the consumer holds more than it wants: stop producing */
  readonly congested: boolean;
  /** settles once the consumer has taken what it held (at once when not congested) */
  drained(): Promise<void>;
}
