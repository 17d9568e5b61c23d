/**
 * The record uids a reader has counted, so a record sent twice (a batch retried after Redis failed mid-reply, a
 * capture analysed again) counts once. Each uid is kept as its first 64 bits in an open-addressing hash table of two
 * Uint32Arrays: 16 bytes per record at the lowest fill (8 at the highest), a million records in 8–16 MB, where a JS
 * Set of the hex strings would take about 80. Two different records collide on 64 bits with probability n²/2⁶⁵:
 * about 3·10⁻⁸ for a billion.
 */
export class UidSet {
  private high: Uint32Array;
  private low: Uint32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity <<= 1;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Adds a uid (hex, at least 16 digits); false when it was already there. */
  add(uid: string): boolean {
    let high = Number.parseInt(uid.slice(0, 8), 16) >>> 0;
    const low = Number.parseInt(uid.slice(8, 16), 16) >>> 0;
    // (0, 0) marks an empty slot; the uid that hashes to it shares a slot with (0, 1): one in 2⁶⁴
    if (high === 0 && low === 0) high = 1;
    if (!this.insert(high, low)) return false;
    this.size++;
    if (this.size * 2 > this.high.length) this.grow();
    return true;
  }

  private insert(high: number, low: number): boolean {
    let at = (low ^ high) & this.mask;
    for (;;) {
      const h = this.high[at];
      if (h === 0 && this.low[at] === 0) {
        this.high[at] = high;
        this.low[at] = low;
        return true;
      }
      if (h === high && this.low[at] === low) return false;
      at = (at + 1) & this.mask;
    }
  }

  private grow(): void {
    const { high, low } = this;
    this.high = new Uint32Array(high.length * 2);
    this.low = new Uint32Array(low.length * 2);
    this.mask = this.high.length - 1;
    for (let i = 0; i < high.length; i++) if (high[i] !== 0 || low[i] !== 0) this.insert(high[i], low[i]);
  }
}
