/**
 * Item 8 of the hostile-input issue: a segment exactly 2^31 from the next expected byte made reassembly throw a
 * RangeError from Buffer.compare. On the 2^32 circle (RFC 9293 §3.4) such a segment is as far ahead as behind, and
 * the signed distance said "behind" from both ends, so the segment was read as old data starting 2 GiB before the
 * frame. Such a segment is now old data from either end (dropped), and reassembly never needs the last-resort net.
 */
import { describe, expect, it } from 'vitest';
import { seqDelta } from '../../src/tcp/sequence.js';
import { Conversation, recordingTable } from './helpers.js';

const HALF = 2 ** 31;

describe('segments exactly half the sequence circle apart', () => {
  it('is behind from both ends: neither delivered nor thrown', () => {
    for (const [hole, text] of [[0, 'without'], [6, 'with']] as const) {
      const { table, handlers } = recordingTable();
      const talk = new Conversation(table);
      talk.handshake(1);
      talk.c(0, 'AB', 2);
      if (hole > 0) talk.c(hole, 'GHI', 3); // buffered behind a hole: the path that compared copies
      expect(() => talk.c(2 + HALF, 'XYZ', 4), `${text} bytes buffered`).not.toThrow();
      expect(() => talk.c(2 - HALF, 'XYZ', 5), `${text} bytes buffered`).not.toThrow();
      talk.c(2, 'CDEF', 6);
      expect(handlers[0].text(0)).toBe(hole > 0 ? 'ABCDEFGHI' : 'ABCDEF');
    }
  });

  it('a whole stream around the wrap and the half point keeps its bytes in order', () => {
    for (const isn of [HALF - 3, 2 ** 32 - 3, HALF * 1.5]) {
      const { table, handlers } = recordingTable();
      const talk = new Conversation(table);
      talk.clientIsn = isn;
      talk.handshake(1);
      talk.c(4, 'EFGH', 2);
      talk.c(0, 'ABCD', 3);
      talk.c(8 + HALF, 'junk', 4);
      talk.c(8, 'IJ', 5);
      expect(handlers[0].text(0)).toBe('ABCDEFGHIJ');
    }
  });

  it('the signed distance is -2^31 from both ends (the one asymmetric point of the circle)', () => {
    expect(seqDelta(HALF, 0)).toBe(-HALF);
    expect(seqDelta(0, HALF)).toBe(-HALF);
  });
});
