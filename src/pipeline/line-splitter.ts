/**
 * NDJSON lines from a byte stream, each at most a set number of bytes. readline keeps a line however long it grows
 * (a 200 MB line held 706 MB); here a line past the limit is dropped as it streams by and only counted, so memory is
 * bounded by the limit whatever the file holds. Lines end at LF; a CR before it is dropped (CRLF files).
 */
export interface LineSink {
  line(text: string, lineNumber: number): void;
  /** line `lineNumber` was longer than the limit (`bytes` long): it was skipped */
  tooLong(lineNumber: number, bytes: number): void;
}

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  /** bytes of the current line seen while skipping it (past the limit) */
  private skipped = 0;
  private lineNumber = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sink: LineSink,
  ) {}

  /** bytes of the unfinished line held now (never more than the limit) */
  get heldBytes(): number {
    return this.held;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(LF, start);
      if (end < 0) {
        this.hold(chunk.subarray(start));
        return;
      }
      this.hold(chunk.subarray(start, end));
      this.finishLine();
      start = end + 1;
    }
  }

  /** The stream ended: a last line without LF is a line too. */
  end(): void {
    if (this.held > 0 || this.skipped > 0) this.finishLine();
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipped > 0 || this.held + piece.length > this.maxBytes) {
      this.skipped += this.held + piece.length;
      this.parts = [];
      this.held = 0;
      return;
    }
    // the chunk is reused by the reader: keep a copy
    this.parts.push(Buffer.from(piece));
    this.held += piece.length;
  }

  private finishLine(): void {
    this.lineNumber++;
    if (this.skipped > 0) {
      this.sink.tooLong(this.lineNumber, this.skipped);
      this.skipped = 0;
      return;
    }
    let bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.held);
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
    this.parts = [];
    this.held = 0;
    this.sink.line(bytes.toString('utf8'), this.lineNumber);
  }
}
