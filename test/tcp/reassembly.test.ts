import { describe, expect, it } from 'vitest';
import { ACK, Conversation, FIN, PSH, RST, SYN, makeSegment, recordingTable } from './helpers.js';

describe('reassembly of one direction', () => {
  it('delivers in-order bytes as views of the segment, without copying', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'hello ', 2);
    talk.c(6, 'world', 3);
    talk.s(0, 'hi', 4);
    const [h] = handlers;
    expect(h.text(0)).toBe('hello world');
    expect(h.text(1)).toBe('hi');
    expect(h.events).toEqual([
      '0 syn ttl=64 @1',
      '1 syn-ack ttl=64 @1.01',
      '0 data hello  @2',
      '0 data world @3',
      '1 data hi @4',
    ]);
    // views share the frame's memory: the decoder's chunk, not a copy
    expect(h.views.every((view) => view.byteOffset > 0 && view.buffer.byteLength > view.length)).toBe(true);
    expect(h.packets.map((p) => p.length)).toEqual([0, 0, 0, 6, 5, 2]);
  });

  it('holds reordered bytes until the hole fills, then delivers them at the filling packet', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(10, 'KLMNO', 2);
    talk.c(5, 'FGHIJ', 3);
    talk.c(0, 'ABCDE', 4);
    expect(handlers[0].text(0)).toBe('ABCDEFGHIJKLMNO');
    // the two waiting pieces touch: they were joined into one while they waited
    expect(handlers[0].events.slice(2)).toEqual(['0 data ABCDE @4', '0 data FGHIJKLMNO @4']);
  });

  it('does not deliver retransmitted bytes twice', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'ABCDE', 2);
    talk.c(0, 'ABCDE', 3);
    talk.c(0, 'ABCDEFGH', 4); // repacketized retransmission carrying new bytes too
    talk.c(5, 'FGH', 5);
    expect(handlers[0].text(0)).toBe('ABCDEFGH');
    expect(handlers[0].events.slice(2)).toEqual(['0 data ABCDE @2', '0 data FGH @4']);
  });

  it('keeps the first copy of overlapping bytes and says so only when the copies differ', () => {
    const same = recordingTable();
    const a = new Conversation(same.table);
    a.handshake(1);
    a.c(4, 'EFGH', 2);
    a.c(6, 'GHIJ', 3);
    a.c(0, 'ABCDEF', 4);
    expect(same.handlers[0].text(0)).toBe('ABCDEFGHIJ');
    expect(same.handlers[0].events.some((e) => e.includes('note'))).toBe(false);

    const note = '0 note overlapping segments with different content: the first copy seen was kept';
    // a buffered piece meets a later out-of-order copy that disagrees
    const buffered = recordingTable();
    const b = new Conversation(buffered.table);
    b.handshake(1);
    b.c(4, 'EFGH', 2);
    b.c(6, 'xyIJ', 3);
    b.c(0, 'ABCD', 4);
    expect(buffered.handlers[0].text(0)).toBe('ABCDEFGHIJ');
    expect(buffered.handlers[0].events.filter((e) => e.includes('note'))).toEqual([note]);

    // an in-order segment runs into a buffered piece that disagrees
    const inOrder = recordingTable();
    const c = new Conversation(inOrder.table);
    c.handshake(1);
    c.c(4, 'EFGH', 2);
    c.c(0, 'ABCDez', 3);
    expect(inOrder.handlers[0].text(0)).toBe('ABCDEFGH');
    expect(inOrder.handlers[0].events.filter((e) => e.includes('note'))).toEqual([note]);
  });

  it('follows sequence numbers across 2^32', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.clientIsn = 0xfffffff8;
    talk.handshake(1);
    talk.c(0, 'ABCDEF', 2); // 0xfffffff9 .. 0xfffffffe
    talk.c(10, 'KLMNOP', 3); // after the wrap, out of order
    talk.c(6, 'GHIJ', 4); // straddles 2^32
    talk.c(16, 'Q', 5);
    expect(handlers[0].text(0)).toBe('ABCDEFGHIJKLMNOPQ');
  });

  it('declares the earliest hole a gap once the buffer bound is passed', () => {
    const { table, handlers } = recordingTable({ maxBufferedBytes: 8 });
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'AB', 2);
    talk.c(5, 'FGHI', 3); // hole of 3 bytes (CDE)
    talk.c(9, 'JKLMN', 4); // 9 bytes buffered > 8
    talk.c(2, 'CDE', 5); // arrives too late: already given up
    talk.c(14, 'OP', 6);
    expect(handlers[0].text(0)).toBe('AB<gap 3>FGHIJKLMNOP');
    // touching pieces are joined while they wait (FGHI + JKLMN), and the connection says a bound cost it bytes
    expect(handlers[0].events.slice(2)).toEqual([
      '0 data AB @2',
      '0 note more than 8 out-of-order bytes held behind a hole: the hole was given up as a gap',
      '0 gap 3 @4',
      '0 data FGHIJKLMN @4',
      '0 data OP @6',
    ]);
  });

  it('turns holes before a FIN into gaps and still delivers what was buffered', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'AB', 2);
    talk.c(4, 'EF', 3);
    talk.c(8, '', 4, FIN | ACK); // CD and GH never seen
    expect(handlers[0].events.slice(-1)).toEqual(['0 fin ttl=64 @4']);
    table.flush(9); // the flow ends: the holes the FIN left are gaps
    expect(handlers[0].text(0)).toBe('AB<gap 2>EF<gap 2>');
  });

  it('takes bytes a FIN overtook (captured after it, before it in sequence), and nothing past the FIN', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.s(6, '', 2, FIN | ACK); // the FIN first, at sequence 6
    talk.s(0, 'HTTP/1', 3); // then the text it follows
    talk.s(6, 'late', 4); // past the FIN: ignored
    table.flush(9);
    expect(handlers[0].text(1)).toBe('HTTP/1');
  });

  it('settles a hole the peer has acknowledged: the capture missed it, nothing will come', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.s(0, 'AB', 2);
    talk.s(4, 'EF', 3);
    talk.c(0, 'ok', 4, ACK | PSH, { ack: talk.serverIsn + 1 + 6 });
    expect(handlers[0].events.slice(2)).toEqual([
      '1 data AB @2',
      '1 gap 2 @4',
      '1 data EF @4',
      '0 data ok @4',
    ]);
  });

  it('reports acknowledged bytes the capture never saw as a gap, but not an acknowledged FIN', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.s(0, 'AB', 2);
    talk.c(0, '', 3, ACK, { ack: talk.serverIsn + 1 + 5 }); // CDE went by uncaptured
    talk.s(5, 'FG', 4);
    talk.c(0, '', 5, ACK, { ack: talk.serverIsn + 1 + 8 }); // acknowledges a FIN after FG that was not captured
    expect(handlers[0].text(1)).toBe('AB<gap 3>FG');
  });

  it('ignores a mirrored copy in another sequence space: its far-off ACKs and segments, alternating with the real ones', () => {
    // mercury's capture2: a NAT rewrote sequence numbers and the capture holds both copies of each packet.
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    const foreign = 0x7000_0000;
    talk.c(0, 'hello', 2, ACK | PSH, { ack: talk.serverIsn + 1 + foreign }); // acknowledges nothing of this stream
    talk.s(0, 'AB', 3);
    talk.s(foreign, 'xx', 4);
    talk.s(2, 'CD', 5);
    talk.s(foreign + 2, 'yy', 6);
    talk.s(4, 'EF', 7);
    expect(handlers[0].text(0)).toBe('hello');
    expect(handlers[0].text(1)).toBe('ABCDEF');
    talk.s(foreign + 4, 'zz', 8, ACK | FIN); // the mirrored copy's FIN must not end the real stream
    talk.s(6, 'GH', 9, ACK | FIN);
    expect(handlers[0].text(1)).toBe('ABCDEFGH');
  });

  it('believes a loss of more than 16 MiB once the stream goes on from beyond it (the first segment past it is lost too)', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.s(0, 'AB', 2);
    const lost = 20 * 1024 * 1024;
    talk.s(2 + lost, 'CD', 3);
    talk.s(4 + lost, 'EF', 4);
    expect(handlers[0].text(1)).toBe(`AB<gap ${lost + 2}>EF`);
  });

  it('starts mid-stream from the first segment of each direction', () => {
    const { table, handlers } = recordingTable();
    const seg = (src: string, dst: string, sport: number, dport: number, seq: number, payload: string) =>
      makeSegment({ src, dst, sport, dport, seq, ack: 1, flags: ACK | PSH, payload });
    table.segment(seg('10.0.0.2', '10.0.0.1', 443, 40000, 777_000, 'server first'), 1);
    table.segment(seg('10.0.0.1', '10.0.0.2', 40000, 443, 123, 'client'), 2);
    table.segment(seg('10.0.0.2', '10.0.0.1', 443, 40000, 777_012, ' more'), 3);
    const [h] = handlers;
    expect(handlers).toHaveLength(1);
    expect(h.endpoints).toEqual({
      addr: ['10.0.0.2', '10.0.0.1'],
      port: [443, 40000],
      ipVersion: 4,
      tunnel: '',
    });
    expect(h.text(0)).toBe('server first more');
    expect(h.text(1)).toBe('client');
  });

  it('delivers data carried on a SYN (TCP Fast Open) and on no later retransmission of it', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.c(-1, 'early', 1, SYN, { ack: 0 });
    talk.c(-1, 'early', 1.5, SYN, { ack: 0 });
    talk.s(-1, '', 2, SYN | ACK);
    talk.c(5, ' bird', 3);
    expect(handlers).toHaveLength(1);
    expect(handlers[0].text(0)).toBe('early bird');
    expect(handlers[0].events.filter((e) => e.includes('syn'))).toEqual([
      '0 syn ttl=64 @1',
      '0 syn ttl=64 @1.5',
      '1 syn-ack ttl=64 @2',
    ]);
  });

  it('ignores keep-alives and delivers a zero-window probe byte once', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'ABC', 2);
    talk.c(2, 'C', 3, ACK); // keep-alive: one old byte
    talk.c(3, '', 4, ACK); // keep-alive without a byte
    talk.c(3, 'D', 5, ACK); // zero-window probe: the next byte
    talk.c(3, 'DEF', 6); // window opened: retransmitted with more
    expect(handlers[0].text(0)).toBe('ABCDEF');
    expect(handlers[0].events.slice(2)).toEqual(['0 data ABC @2', '0 data D @5', '0 data EF @6']);
  });

  it('reports the uncaptured tail of a truncated frame as a gap', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'ABCD', 2, ACK | PSH, { sentLength: 10 });
    talk.c(10, 'KL', 3);
    expect(handlers[0].text(0)).toBe('ABCD<gap 6>KL');
    expect(handlers[0].events).toContain(
      "0 note frame cut by the capture's snaplen: 4 of 10 payload bytes captured",
    );
    expect(handlers[0].packets[3].length).toBe(10);
  });

  it('after lighten() buffers nothing: a hole is a gap at once', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'AB', 2);
    talk.c(4, 'EF', 3); // buffered: not light yet
    handlers[0].flow.lighten();
    talk.c(8, 'IJ', 4); // flushes the held bytes, then jumps the new hole
    talk.c(2, 'CD', 5); // too late
    expect(handlers[0].text(0)).toBe('AB<gap 2>EF<gap 2>IJ');
  });

  it('delivers buffered bytes after their gap when a RST ends the flow', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'AB', 2);
    talk.c(4, 'EF', 3);
    talk.s(0, '', 4, RST | ACK, { ttl: 250 });
    const [h] = handlers;
    expect(h.events.slice(2)).toEqual(['0 data AB @2', '0 gap 2 @4', '0 data EF @4', '1 rst ttl=250 @4']);
    expect(h.ended).toBe('reset');
    expect(h.endTs).toBe(4);
  });
});
