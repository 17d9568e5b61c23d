import type { ConnectionRecord } from '../model/record.js';

/**
 * Live capture that lost packets — the kernel dropped them (its buffer was full), or the analysis skipped them while
 * its output was blocked — cannot tell a connection's missing packets from the network's: a gap the peer acknowledged
 * was received by the peer and only missed by the capture, and a connection whose answer was dropped after its
 * ClientHello shows no gap at all, only a silence. So a failure diagnosed on a connection that was open while packets
 * were being lost is withheld: the record keeps every fact, says which cause the packets seen would have meant, and is
 * reported as incomplete. Connections outside the loss are judged as usual.
 */
export class CaptureLoss {
  /** [from, to, packets] of each stretch of wall-clock time in which packets were lost, oldest first */
  private readonly stretches: number[] = [];
  private lost = 0;

  /** `lostSoFar` packets have been lost since the capture began, as counted at `now` (the previous look was at `since`). */
  observe(lostSoFar: number, since: number, now: number): void {
    if (lostSoFar <= this.lost) return;
    this.stretches.push(since, now, lostSoFar - this.lost);
    this.lost = lostSoFar;
    // a connection decided now began at most the idle timeout ago: older stretches will never be asked about
    while (this.stretches.length > 3 * MAX_STRETCHES) this.stretches.splice(0, 3);
  }

  /** Packets lost while the connection was watched (from its first packet to the end of its watch). */
  lostDuring(record: ConnectionRecord): number {
    let packets = 0;
    for (let i = 0; i < this.stretches.length; i += 3) {
      if (this.stretches[i + 1] >= record.firstTs && this.stretches[i] <= record.observedUntil) packets += this.stretches[i + 2];
    }
    return packets;
  }

  /** Withholds the record's failure diagnosis when packets were lost while it was open (see the class comment). */
  qualify(record: ConnectionRecord): void {
    if (record.outcome !== 'failed' || record.diagnosis === null || this.lost === 0) return;
    const lost = this.lostDuring(record);
    if (lost === 0) return;
    const gaps = record.tcp.gapBytes.client + record.tcp.gapBytes.server;
    const missing = gaps > 0 ? `; ${gaps} byte(s) of this connection were not captured` : '';
    record.notes = [
      ...record.notes,
      `diagnosis withheld: the capture lost ${lost} packet(s) while this connection was open${missing}, so the ` +
        `packets seen (which would mean ${record.diagnosis.code}) may be the capture's loss, not the network's`,
    ];
    record.outcome = 'incomplete';
    record.diagnosis = null;
  }
}

/** Loss stretches remembered: at two looks a second, well over the idle timeout's worth of lossy looks. */
const MAX_STRETCHES = 4096;
