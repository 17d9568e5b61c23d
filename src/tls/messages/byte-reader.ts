/**
 * A bounds-checked cursor over `buf[start, end)` for the TLS presentation language (RFC 8446 §3): big-endian
 * integers and length-prefixed vectors. Reading past the end never throws: it yields 0 (or the bytes that remain),
 * moves the cursor to the end and sets `overrun`, so a decoder can finish with whatever it has read and report the
 * damage once, at the end.
 */
export class ByteReader {
  /** a read went past `end` (or a vector claimed more bytes than there were) */
  overrun = false;
  private pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos + 1 > this.end) return this.fail();
    return this.buf[this.pos++];
  }

  u16(): number {
    if (this.pos + 2 > this.end) return this.fail();
    const value = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return value;
  }

  u24(): number {
    if (this.pos + 3 > this.end) return this.fail();
    const value = (this.buf[this.pos] << 16) | (this.buf[this.pos + 1] << 8) | this.buf[this.pos + 2];
    this.pos += 3;
    return value;
  }

  /** The next `length` bytes as a view; fewer (all that remain) and `overrun` set when they are not all there. */
  bytes(length: number): Buffer {
    const available = Math.min(length, this.remaining);
    const view = this.buf.subarray(this.pos, this.pos + available);
    this.pos += available;
    if (available < length) this.overrun = true;
    return view;
  }

  skip(length: number): void {
    this.bytes(length);
  }

  /**
   * A reader over the next vector `<length prefix of lengthBytes bytes> <body>`; the cursor moves past it. When the
   * prefix claims more than remains, the sub-reader covers what is there and both readers are marked `overrun`.
   */
  vector(lengthBytes: 1 | 2 | 3): ByteReader {
    const length = lengthBytes === 1 ? this.u8() : lengthBytes === 2 ? this.u16() : this.u24();
    const start = this.pos;
    const available = Math.min(length, this.remaining);
    this.pos += available;
    const inner = new ByteReader(this.buf, start, start + available);
    if (available < length) {
      this.overrun = true;
      inner.overrun = true;
    }
    return inner;
  }

  /** Appends every u16 up to the end; an odd byte left over marks `overrun`. */
  u16List(into: number[]): number[] {
    while (this.remaining >= 2) into.push(this.u16());
    if (this.remaining === 1) this.fail();
    return into;
  }

  /** Appends every u8 up to the end. */
  u8List(into: number[]): number[] {
    while (this.pos < this.end) into.push(this.buf[this.pos++]);
    return into;
  }

  private fail(): number {
    this.pos = this.end;
    this.overrun = true;
    return 0;
  }
}
