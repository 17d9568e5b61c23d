/**
 * Handshake messages (RFC 8446 §4: msg_type(1) | length(3) | body) out of decrypted record contents, which may split
 * a message across records or hold several. Bounded: a message announcing more than `maxMessage` bytes ends reading.
 */
const HEADER = 4;

export class DecryptedHandshakeReader {
  private held: Buffer = Buffer.alloc(0);
  private broken = false;

  constructor(private readonly maxMessage = 1 << 20) {}

  /** Adds one record's content; returns the messages it completed, in order. */
  push(content: Buffer): { type: number; body: Buffer }[] {
    if (this.broken) return [];
    const data = this.held.length === 0 ? content : Buffer.concat([this.held, content]);
    const messages: { type: number; body: Buffer }[] = [];
    let pos = 0;
    while (data.length - pos >= HEADER) {
      const length = data.readUIntBE(pos + 1, 3);
      if (length > this.maxMessage) {
        this.broken = true;
        this.held = Buffer.alloc(0);
        return messages;
      }
      if (data.length - pos - HEADER < length) break;
      messages.push({ type: data[pos], body: Buffer.from(data.subarray(pos + HEADER, pos + HEADER + length)) });
      pos += HEADER + length;
    }
    this.held = Buffer.from(data.subarray(pos));
    return messages;
  }

  /** Bytes of a message begun but not finished. */
  get pending(): number {
    return this.held.length;
  }
}
