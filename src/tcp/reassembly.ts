/**
 * One direction of a TCP connection turned back into its byte stream (RFC 9293 §3.4 sequence space, §3.10.7.4
 * segment text). In-order bytes go straight to the handler as views of the segment; only out-of-order bytes are
 * copied, into a bounded buffer, and a hole that cannot be waited for any longer becomes a gap.
 *
 *            delivered                 next        buffered (copies)
 *   ─────────────────────────────────────┤   hole   [=====]  hole  [====]
 *   retransmissions of this are dropped  │
 *                                        ◀── a segment starting here is delivered as a view, then the buffer drains
 *
 * Overlaps are settled first-wins: bytes already delivered or buffered are kept, because which copy the receiving
 * OS would have taken cannot be known from the wire; a differing copy is noted.
 */
import type { Direction, TcpConnectionHandler } from './types.js';
import { seqAdd, seqDelta } from './sequence.js';
import { PIECE_OVERHEAD_BYTES, type MemoryBudget } from './memory-budget.js';

/** A copied out-of-order piece of the stream, starting at sequence number `seq`. */
class PendingSegment {
  constructor(
    readonly seq: number,
    readonly data: Buffer,
  ) {}
}

/** Pieces buffered per direction before the earliest hole gives way: keeps insertion linear scans short. */
export const MAX_PENDING_SEGMENTS = 1024;
/**
 * A piece that touches a buffered neighbour is joined to it while the joined piece stays this small: a message sent
 * in many small segments that arrive in reverse order (each one just before the last) then fills a few pieces, not
 * one per segment, and joining costs at most this many bytes copied per segment.
 */
const JOIN_LIMIT = 4096;
/**
 * A jump this far from the expected sequence number before any byte was delivered means the starting point was
 * wrong (a SYN-ACK that was not the one used, a stray first segment), not that a gigabyte went missing.
 */
const MAX_PLAUSIBLE_JUMP = 0x40000000;

/**
 * The most bytes one ACK may declare lost. Bytes in flight are bounded by the receive window, in practice a few MiB;
 * an ACK from another sequence space (a mirrored copy of the flow behind a NAT that rewrites sequence numbers, as in
 * mercury's capture2) claims hundreds of MB and is not believed. Data is never dropped for it: a real loss that large
 * still becomes a gap when the bytes after it arrive and the buffer bound or a FIN settles the hole.
 */
const MAX_ACKED_UNSEEN = 16 * 1024 * 1024;

export class StreamReassembler {
  /** sequence number of the next byte to deliver; meaningful once `started` */
  next = 0;
  started = false;
  /** the starting point came from this direction's SYN (or SYN-ACK), whose sequence number is `isn` */
  isnFromSyn = false;
  isn = 0;
  /** a FIN was seen: the stream is over, later payload is ignored */
  finished = false;
  /**
   * the FIN's sequence number while bytes before it are still missing: a FIN can overtake the segment text it follows
   * (captured out of order), so bytes below it are still taken until the flow ends and the hole becomes a gap
   */
  finSeq: number | null = null;
  /** the peer acknowledged the FIN, with no stream bytes before it missing: this direction's close is complete */
  finAcknowledged = false;
  /**
   * An unseen FIN: the peer acknowledged one sequence number past this direction's last byte while no FIN was
   * captured (`next` then, and the ACK's time). It stands while the stream does not move past that point.
   */
  private unseenFinNext = 0;
  private unseenFinTs = -1;
  /** stream bytes handed to the handler so far */
  delivered = 0;
  /** bytes reported as gaps so far */
  gapBytes = 0;
  /** no buffering: a hole is a gap at once (set by FlowControl.lighten) */
  lightened = false;
  /** buffered pieces in sequence order, none overlapping, all starting after `next`; null when none */
  private pending: PendingSegment[] | null = null;
  private pendingBytes = 0;
  private notedOverlap = false;
  private notedGiveUp = false;
  /** end of the last segment set aside for starting far ahead; -1 when none is pending confirmation */
  private farJumpEnd = -1;
  private notedFarJump = false;

  constructor(
    private handler: TcpConnectionHandler,
    private readonly dir: Direction,
    private readonly maxBufferedBytes: number,
    private readonly budget: MemoryBudget,
  ) {}

  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Nothing has been delivered or buffered yet, so the starting point may still be moved. */
  get untouched(): boolean {
    return this.delivered === 0 && this.gapBytes === 0 && this.pending === null;
  }

  /**
   * A SYN (or SYN-ACK) with initial sequence number `isn`: the stream starts at isn + 1 (the SYN occupies one
   * sequence number, RFC 9293 §3.4.1). Ignored once bytes of another starting point were delivered.
   */
  synchronize(isn: number): void {
    if (!this.started || this.untouched) {
      this.started = true;
      this.isnFromSyn = true;
      this.isn = isn;
      this.next = seqAdd(isn, 1);
    }
  }

  /**
   * Segment text: `sentLength` stream bytes starting at sequence number `seq`, of which the first `end - start` were
   * captured in `buf[start, end)` (fewer when the snaplen cut the frame: the uncaptured rest becomes a gap).
   */
  accept(seq: number, buf: Buffer, start: number, end: number, sentLength: number, ts: number): void {
    if (this.finished) {
      const finSeq = this.finSeq;
      if (finSeq === null || seqDelta(seq, finSeq) >= 0) return;
      // bytes the FIN overtook: take what lies before it
      const room = seqDelta(finSeq, seq);
      if (sentLength > room) {
        sentLength = room;
        if (end - start > room) end = start + room;
      }
      this.acceptBeforeFin(seq, buf, start, end, sentLength, ts);
      return;
    }
    const captured = end - start;
    if (!this.started) {
      this.started = true;
      this.next = seq;
    } else if (this.untouched) {
      const jump = seqDelta(seq, this.next);
      if (jump > MAX_PLAUSIBLE_JUMP || jump < -MAX_PLAUSIBLE_JUMP) {
        this.handler.note(this.dir, ts, `stream started ${jump} bytes from where its SYN said; following the data`);
        this.next = seq;
      }
    }
    if (seqDelta(seq, this.next) > MAX_ACKED_UNSEEN && !this.confirmFarJump(seq, sentLength, ts)) return;
    this.farJumpEnd = -1;
    const ahead = seqDelta(seq, this.next);
    if (this.pending !== null && this.lightened) this.flushHoles(ts);
    if (ahead > 0) {
      if (!this.lightened) {
        if (captured > 0) this.buffer(seq, buf, start, end, ts);
        return;
      }
      this.advanceTo(seq, ts);
    }
    if (captured > 0) this.deliverFrom(seq, buf, start, end, ts);
    if (sentLength > captured) {
      // the snaplen cut this segment: its uncaptured tail will never be seen
      const lostEnd = seqAdd(seq, sentLength);
      if (seqDelta(lostEnd, this.next) > 0) this.advanceTo(lostEnd, ts);
    }
  }

  /**
   * A segment starting more than MAX_ACKED_UNSEEN bytes ahead is believed only when the next segment of this direction
   * continues it: a real loss that large is followed by more of the same stream, while a stray packet of another
   * sequence space (a mirrored copy behind a sequence-rewriting NAT) alternates with the real ones.
   */
  private confirmFarJump(seq: number, sentLength: number, ts: number): boolean {
    if (this.farJumpEnd >= 0 && seq === this.farJumpEnd) {
      // confirmed: the loss is certain, and the segment set aside is part of it
      this.advanceTo(seq, ts);
      return true;
    }
    this.farJumpEnd = seqAdd(seq, sentLength);
    if (!this.notedFarJump) {
      this.notedFarJump = true;
      this.handler.note(this.dir, ts, 'a segment far ahead of the stream was set aside until more of it followed (another sequence space?)');
    }
    return false;
  }

  /**
   * The peer acknowledged up to `ack` (RFC 9293 §3.4: the next sequence number it expects). Bytes below that point
   * were received by the peer and only missed by the capture, so there is nothing to wait for: the holes become gaps
   * and what was buffered beyond them is delivered. An ACK one past `next` acknowledges a FIN: one the capture missed
   * while the stream is open (unseenFin()), its FIN's arrival once it has finished (`finAcknowledged`).
   */
  acknowledged(ack: number, ts: number): void {
    if (!this.started) return;
    if (this.finished) {
      // with no bytes missing before it the FIN occupies `next`, one sequence number: an ACK past it acknowledges it
      // (RFC 9293 §3.6)
      const past = seqDelta(ack, this.next);
      if (this.finSeq === null && past >= 1 && past <= MAX_ACKED_UNSEEN) this.finAcknowledged = true;
      return;
    }
    const missing = seqDelta(ack, this.next);
    if (missing > 1 && missing <= MAX_ACKED_UNSEEN) this.advanceTo(ack, ts);
    else if (missing === 1 && this.pending !== null) this.advanceTo(ack, ts);
    else if (missing === 1 && this.unseenFinTs < 0) {
      // one past everything this direction sent, all of it delivered, and no FIN seen: a FIN takes one sequence
      // number (RFC 9293 §3.4), so the peer acknowledged a FIN the capture missed. Remembered, not acted on: the
      // stream stays open, and bytes arriving later at that point prove it was not one (unseenFin())
      this.unseenFinNext = this.next;
      this.unseenFinTs = ts;
    }
  }

  /** The time of the ACK that acknowledged a FIN the capture missed, or -1: none, or the stream went on after it. */
  unseenFin(): number {
    return this.unseenFinTs >= 0 && !this.finished && this.next === this.unseenFinNext ? this.unseenFinTs : -1;
  }

  /**
   * A FIN at sequence number `finSeq` (RFC 9293 §3.10.7.4: the FIN follows the segment text). Holes before it become
   * gaps and buffered bytes before it are delivered; anything buffered past it is dropped. Returns false when this
   * direction had already finished (a retransmitted FIN).
   */
  finish(finSeq: number, ts: number): boolean {
    if (this.finished) return false;
    // a FIN from another sequence space (see MAX_ACKED_UNSEEN) would end the stream before its real last bytes
    if (this.started && seqDelta(finSeq, this.next) > MAX_ACKED_UNSEEN) return false;
    if (!this.started) {
      this.started = true;
      this.next = finSeq;
    } else if (seqDelta(finSeq, this.next) > 0 && !this.lightened) {
      // bytes before the FIN are missing: they may still arrive (captured after the FIN); the flow's end settles them
      this.finSeq = finSeq;
      this.dropPendingFrom(finSeq);
      this.finished = true;
      return true;
    } else if (seqDelta(finSeq, this.next) > 0) {
      this.advanceTo(finSeq, ts);
    }
    this.discardPending();
    this.finished = true;
    return true;
  }

  /** Bytes below a FIN that overtook them, handled as before the FIN; the FIN settles once they close the hole. */
  private acceptBeforeFin(seq: number, buf: Buffer, start: number, end: number, sentLength: number, ts: number): void {
    this.finished = false;
    try {
      this.accept(seq, buf, start, end, sentLength, ts);
    } finally {
      this.finished = true;
    }
    if (this.finSeq !== null && seqDelta(this.finSeq, this.next) <= 0) {
      this.finSeq = null;
      this.discardPending();
    }
  }

  /** Drops buffered bytes at or past `seq` (beyond a FIN), keeping what lies before it. */
  private dropPendingFrom(seq: number): void {
    const pending = this.pending;
    if (pending === null) return;
    const kept = pending.filter((p) => seqDelta(seq, p.seq) > 0);
    if (kept.length === pending.length) return;
    let freed = 0;
    for (const p of pending) if (seqDelta(seq, p.seq) <= 0) freed += p.data.length;
    this.budget.used -= freed;
    this.pendingBytes -= freed;
    this.pending = kept.length === 0 ? null : kept;
  }

  /**
   * The flow is over: let go of its handler (and all the connection state it holds) so that a dead flow remembered to
   * swallow stragglers costs a few numbers, not a whole connection's analysis.
   */
  detach(silent: TcpConnectionHandler): void {
    this.handler = silent;
    this.discardPending();
  }

  /** Delivers everything buffered, each hole before it reported as a gap (RST, idle, eviction, end of capture). */
  flushHoles(ts: number): void {
    const finSeq = this.finSeq;
    if (finSeq !== null) {
      // the FIN's hole was never filled: it is a gap now
      this.finSeq = null;
      this.finished = false;
      this.advanceTo(finSeq, ts);
      this.discardPending();
      this.finished = true;
      return;
    }
    const pending = this.pending;
    if (pending === null) return;
    const last = pending[pending.length - 1];
    this.advanceTo(seqAdd(last.seq, last.data.length), ts);
  }

  /**
   * Delivers `buf[start, end)` holding the bytes from `seq`, which is at or before `next`. How far behind is the
   * negated distance from `next`, not the distance from `seq`: the two differ at exactly 2^31, where both signed
   * distances are -2^31: such a segment is then old data from either end (dropped), never bytes read from 2 GiB before
   * the start of the frame.
   */
  private deliverFrom(seq: number, buf: Buffer, start: number, end: number, ts: number): void {
    for (;;) {
      const pos = start - seqDelta(seq, this.next);
      if (pos >= end) break;
      const pending = this.pending;
      if (pending !== null) {
        const first = pending[0];
        const ahead = seqDelta(first.seq, this.next);
        if (ahead < end - pos) {
          this.emit(buf.subarray(pos, pos + ahead), ts);
          // the buffered copy came first and wins over this segment's copy of the same bytes
          const overlap = Math.min(first.data.length, end - pos - ahead);
          if (buf.compare(first.data, 0, overlap, pos + ahead, pos + ahead + overlap) !== 0) this.noteOverlap(ts);
          this.drain(ts);
          continue;
        }
      }
      this.emit(buf.subarray(pos, end), ts);
      break;
    }
    this.drain(ts);
  }

  /** Copies the out-of-order bytes `buf[start, end)` from `seq` into the buffer, keeping what is already there. */
  private buffer(seq: number, buf: Buffer, start: number, end: number, ts: number): void {
    let pending = this.pending;
    if (pending === null) pending = this.pending = [];
    const from = seqDelta(seq, this.next);
    const to = from + (end - start);
    const last = pending[pending.length - 1];
    if (last === undefined || seqDelta(last.seq, this.next) + last.data.length <= from) {
      this.keep(pending.length, seq, buf, start, end);
    } else {
      let cursor = from;
      let index = 0;
      while (cursor < to) {
        while (index < pending.length) {
          const passed = pending[index];
          if (seqDelta(passed.seq, this.next) + passed.data.length > cursor) break;
          index++;
        }
        const piece = pending[index];
        const pieceFrom = piece === undefined ? to : seqDelta(piece.seq, this.next);
        if (pieceFrom >= to) {
          this.keep(index, seqAdd(seq, cursor - from), buf, start + cursor - from, end);
          break;
        }
        if (pieceFrom > cursor) {
          // not joined: the loop goes on counting pieces by index
          this.keep(index, seqAdd(seq, cursor - from), buf, start + cursor - from, start + pieceFrom - from, false);
          index++;
          cursor = pieceFrom;
        }
        const overlapEnd = Math.min(pieceFrom + piece.data.length, to);
        const differs = buf.compare(
          piece.data,
          cursor - pieceFrom,
          overlapEnd - pieceFrom,
          start + cursor - from,
          start + overlapEnd - from,
        );
        if (differs !== 0) this.noteOverlap(ts);
        cursor = overlapEnd;
        index++;
      }
    }
    while (this.pending !== null) {
      let bound: string;
      if (this.pendingBytes > this.maxBufferedBytes) bound = `${this.maxBufferedBytes} out-of-order bytes`;
      else if (this.pending.length > MAX_PENDING_SEGMENTS) bound = `${MAX_PENDING_SEGMENTS} out-of-order pieces`;
      else if (this.overBudget()) bound = `the memory budget of the analysis`;
      else break;
      this.noteGiveUp(bound, ts);
      this.advanceTo(this.pending[0].seq, ts);
    }
  }

  /** The analysis's memory budget is spent even after cheaper state was let go: the earliest hole gives way. */
  private overBudget(): boolean {
    if (this.budget.fits(0)) return false;
    this.budget.buffersRefused++;
    return true;
  }

  /**
   * Keeps a copy of `buf[start, end)` (it outlives the frame) as the piece at `index`, joined to a neighbour it
   * touches when `mayJoin` and the result stays within JOIN_LIMIT.
   */
  private keep(index: number, seq: number, buf: Buffer, start: number, end: number, mayJoin = true): void {
    const length = end - start;
    const pending = this.pending!;
    this.pendingBytes += length;
    this.budget.outOfOrderBytes += length;
    if (mayJoin) {
      const before = index > 0 ? pending[index - 1] : undefined;
      const after = pending[index];
      const joinsBefore = before !== undefined && seqAdd(before.seq, before.data.length) === seq && before.data.length + length <= JOIN_LIMIT;
      const joined = length + (joinsBefore ? before.data.length : 0);
      const joinsAfter = after !== undefined && seqAdd(seq, length) === after.seq && joined + after.data.length <= JOIN_LIMIT;
      if (joinsBefore || joinsAfter) {
        const parts: Buffer[] = [];
        if (joinsBefore) parts.push(before.data);
        parts.push(buf.subarray(start, end));
        if (joinsAfter) parts.push(after.data);
        const piece = new PendingSegment(joinsBefore ? before.seq : seq, Buffer.concat(parts));
        if (joinsBefore && joinsAfter) pending.splice(index - 1, 2, piece);
        else pending[joinsBefore ? index - 1 : index] = piece;
        // the bytes are charged; the pieces joined are one piece now, with one piece's overhead
        this.budget.charge(length);
        if (joinsBefore && joinsAfter) this.budget.release(PIECE_OVERHEAD_BYTES);
        return;
      }
    }
    this.budget.charge(length + PIECE_OVERHEAD_BYTES);
    const data = Buffer.allocUnsafe(length);
    buf.copy(data, 0, start, end);
    if (index === pending.length) pending.push(new PendingSegment(seq, data));
    else pending.splice(index, 0, new PendingSegment(seq, data));
  }

  /** A bound made the earliest hole a gap: the connection says so once per direction (its bytes are lost to us). */
  private noteGiveUp(bound: string, ts: number): void {
    if (this.notedGiveUp) return;
    this.notedGiveUp = true;
    this.handler.note(this.dir, ts, `more than ${bound} held behind a hole: the hole was given up as a gap`);
    this.handler.gaveUpHole?.(this.dir, ts);
  }

  /** Moves `next` up to `target`: buffered pieces on the way are delivered, the holes between them become gaps. */
  private advanceTo(target: number, ts: number): void {
    for (;;) {
      const missing = seqDelta(target, this.next);
      if (missing <= 0) break;
      const pending = this.pending;
      if (pending !== null) {
        const ahead = seqDelta(pending[0].seq, this.next);
        if (ahead < missing) {
          this.gap(ahead, ts);
          this.drain(ts);
          continue;
        }
      }
      this.gap(missing, ts);
      break;
    }
    this.drain(ts);
  }

  /** Delivers the buffered pieces that `next` has reached, dropping the parts of them already delivered. */
  private drain(ts: number): void {
    const pending = this.pending;
    if (pending === null) return;
    let taken = 0;
    while (taken < pending.length) {
      const piece = pending[taken];
      const ahead = seqDelta(piece.seq, this.next);
      if (ahead > 0) break;
      const length = piece.data.length;
      if (length + ahead > 0) this.emit(ahead === 0 ? piece.data : piece.data.subarray(-ahead), ts);
      this.pendingBytes -= length;
      this.budget.outOfOrderBytes -= length;
      this.budget.release(length + PIECE_OVERHEAD_BYTES);
      taken++;
    }
    if (taken === pending.length) this.pending = null;
    else if (taken > 0) pending.splice(0, taken);
  }

  private discardPending(): void {
    if (this.pending === null) return;
    this.budget.outOfOrderBytes -= this.pendingBytes;
    this.budget.release(this.pendingBytes + this.pending.length * PIECE_OVERHEAD_BYTES);
    this.pendingBytes = 0;
    this.pending = null;
  }

  private emit(data: Buffer, ts: number): void {
    this.next = seqAdd(this.next, data.length);
    this.delivered += data.length;
    this.handler.data(this.dir, data, ts);
  }

  private gap(bytes: number, ts: number): void {
    this.next = seqAdd(this.next, bytes);
    this.gapBytes += bytes;
    this.handler.gap(this.dir, bytes, ts);
  }

  private noteOverlap(ts: number): void {
    if (this.notedOverlap) return;
    this.notedOverlap = true;
    this.handler.note(this.dir, ts, 'overlapping segments with different content: the first copy seen was kept');
  }
}
