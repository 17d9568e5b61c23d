import { describe, expect, it } from 'vitest';
import { ACK, Conversation, FIN, PSH, RST, SYN, makeSegment, recordingTable } from './helpers.js';

describe('flow table: connection life', () => {
  it('maps both directions to one flow, direction 0 being the first sender', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    expect(handlers).toHaveLength(1);
    expect(table.size).toBe(1);
    expect(handlers[0].firstTs).toBe(1);
    expect(handlers[0].packets.map((p) => p.dir)).toEqual([0, 1, 0]);
  });

  it('closes on FIN from both sides, lingers to swallow the last ACKs, then ends closed', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'bye', 2, FIN | ACK | PSH);
    talk.s(0, '', 3, FIN | ACK);
    talk.s(0, '', 3.5, FIN | ACK); // retransmitted FIN
    talk.c(4, '', 3.6, ACK); // last ACK
    const [h] = handlers;
    expect(handlers).toHaveLength(1);
    expect(h.events.filter((e) => e.includes('fin'))).toEqual(['0 fin ttl=64 @2', '1 fin ttl=64 @3']);
    expect(h.packets).toHaveLength(7);
    expect(h.ended).toBeNull();
    table.expire(10);
    expect(h.ended).toBe('closed');
    expect(h.endTs).toBe(3.6);
    expect(table.size).toBe(0);
  });

  it('ends a connection at once when both FINs are acknowledged; a later straggler is swallowed', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    // the client's FIN occupies stream offset 3 (after 'bye'), the server's offset 0: an ACK past each completes it
    talk.c(0, 'bye', 2, FIN | ACK | PSH);
    talk.s(0, '', 3, FIN | ACK, { ack: talk.clientIsn + 1 + 4 });
    expect(handlers[0].ended).toBeNull();
    talk.c(4, '', 3.1, ACK, { ack: talk.serverIsn + 1 + 1 });
    const [h] = handlers;
    expect(h.ended).toBe('closed');
    expect(h.endTs).toBe(3.1);
    expect(h.packets).toHaveLength(6);
    expect(table.size).toBe(0);
    talk.c(4, '', 3.2, RST, { ack: 0 });
    expect(handlers).toHaveLength(1);
    expect(h.events.some((e) => e.includes('rst'))).toBe(false);
  });

  it('waits for the linger when the ACK does not reach past the FIN, or bytes before a FIN are missing', () => {
    const { table, handlers } = recordingTable();
    const first = new Conversation(table);
    first.handshake(1);
    first.c(0, 'bye', 2, FIN | ACK | PSH);
    first.s(0, '', 3, FIN | ACK, { ack: first.clientIsn + 1 + 4 });
    first.c(4, '', 3.1, ACK, { ack: first.serverIsn + 1 }); // acknowledges up to the FIN, not the FIN
    const hole = new Conversation(table, { addr: '10.0.0.3', port: 40001 });
    hole.handshake(1);
    hole.c(5, 'later', 2, FIN | ACK | PSH); // stream bytes 0-4 never captured
    hole.s(0, '', 3, FIN | ACK, { ack: hole.clientIsn + 1 + 11 });
    hole.c(11, '', 3.1, ACK, { ack: hole.serverIsn + 1 + 1 });
    expect(handlers.map((h) => h.ended)).toEqual([null, null]);
    table.expire(10);
    expect(handlers.map((h) => h.ended)).toEqual(['closed', 'closed']);
  });

  it('keeps a completely closed connection for its linger when lingerAfterClose says so (live with a key log)', () => {
    const { table, handlers } = recordingTable({ lingerSeconds: 1, lingerAfterClose: true });
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'bye', 2, FIN | ACK | PSH);
    talk.s(0, '', 3, FIN | ACK, { ack: talk.clientIsn + 1 + 4 });
    talk.c(4, '', 3.1, ACK, { ack: talk.serverIsn + 1 + 1 });
    expect(handlers[0].ended).toBeNull();
    table.expire(4.2);
    expect(handlers[0].ended).toBe('closed');
  });

  it('infers a FIN the capture missed from an ACK one past the last byte, told as the connection ends', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'hello', 2);
    talk.s(0, '', 2.5, ACK, { ack: talk.clientIsn + 1 + 5 }); // acknowledges the 5 bytes: nothing unseen
    talk.s(0, '', 3, ACK, { ack: talk.clientIsn + 1 + 6 }); // one more: the client's FIN, not captured
    const [h] = handlers;
    expect(h.events.filter((e) => e.includes('fin'))).toEqual([]);
    table.flush(10);
    expect(h.events.filter((e) => e.includes('fin'))).toEqual(['0 fin-unseen ttl=0 @3']);
    expect(h.ended).toBe('capture-end');
  });

  it('drops the inference when the stream goes on past that point, or the FIN itself comes', () => {
    const { table, handlers } = recordingTable();
    const lost = new Conversation(table);
    lost.handshake(1);
    lost.c(0, 'hello', 2);
    lost.s(0, '', 3, ACK, { ack: lost.clientIsn + 1 + 6 });
    lost.c(5, 'x', 3.1); // a one-byte segment at that point, retransmitted: it was data, not a FIN
    const late = new Conversation(table, { addr: '10.0.0.3', port: 40001 });
    late.handshake(1);
    late.c(0, 'hello', 2);
    late.s(0, '', 3, ACK, { ack: late.clientIsn + 1 + 6 });
    late.c(5, '', 3.2, FIN | ACK); // captured after the ACK that acknowledged it
    table.flush(10);
    expect(handlers[0].events.filter((e) => e.includes('fin'))).toEqual([]);
    expect(handlers[1].events.filter((e) => e.includes('fin'))).toEqual(['0 fin ttl=64 @3.2']);
  });

  it('lingers as long as lingerSeconds says (live mode reports a closed connection sooner)', () => {
    const { table, handlers } = recordingTable({ lingerSeconds: 1 });
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'bye', 2, FIN | ACK | PSH);
    talk.s(0, '', 3, FIN | ACK);
    table.expire(3.5);
    expect(handlers[0].ended).toBeNull();
    table.expire(4.1);
    expect(handlers[0].ended).toBe('closed');
  });

  it('swallows a FIN retransmitted after the linger instead of opening a phantom connection', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, '', 2, FIN | ACK);
    talk.s(0, '', 2.1, FIN | ACK);
    talk.s(0, '', 9, FIN | ACK); // backoff: long after the 4 s linger
    talk.s(0, '', 23, FIN | ACK);
    expect(handlers).toHaveLength(1);
    expect(handlers[0].ended).toBe('closed');
    expect(handlers[0].endTs).toBe(2.1);
    table.expire(200); // the 4-tuple is forgotten at last: a straggler now starts a flow of its own
    talk.s(0, '', 201, FIN | ACK);
    expect(handlers).toHaveLength(2);
  });

  it('does not end every flow as idle on one frame stamped far in the future', () => {
    const { table, handlers } = recordingTable({ idleTimeout: 30 });
    const talk = new Conversation(table);
    talk.c(-1, '', 1000, SYN, { ack: 0 });
    talk.s(-1, '', 2_900_000_000, SYN | ACK); // a damaged timestamp
    talk.c(0, 'hello', 1000.2);
    talk.s(0, 'hi', 1001.5);
    expect(handlers).toHaveLength(1);
    expect(handlers[0].ended).toBeNull();
    expect(handlers[0].text(0)).toBe('hello');
    expect(handlers[0].text(1)).toBe('hi');
  });

  it('treats a new SYN on a closed 4-tuple as port reuse: the old flow ends, a fresh one starts', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'one', 2);
    talk.c(3, '', 3, FIN | ACK);
    talk.s(0, '', 3.1, FIN | ACK);
    talk.clientIsn = 90_000;
    talk.serverIsn = 70_000;
    talk.handshake(3.5);
    talk.c(0, 'two', 4);
    expect(handlers).toHaveLength(2);
    expect(handlers[0].ended).toBe('closed');
    expect(handlers[0].endTs).toBe(3.1);
    expect(handlers[0].text(0)).toBe('one');
    expect(handlers[1].text(0)).toBe('two');
    expect(handlers[1].events[0]).toBe('0 syn ttl=64 @3.5');
    expect(table.size).toBe(1);
  });

  it('treats a SYN with another ISN on an open flow as a new connection, a repeated one as a retransmission', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.c(-1, '', 1, SYN, { ack: 0 });
    talk.c(-1, '', 2, SYN, { ack: 0 });
    // a SYN-only flow has no handler yet: it is made when the flow ends or sees another packet
    expect(handlers).toHaveLength(0);
    expect(table.size).toBe(1);
    talk.clientIsn = 4242;
    talk.c(-1, '', 3, SYN, { ack: 0 });
    expect(handlers).toHaveLength(1);
    expect(handlers[0].ended).toBe('closed');
    expect(handlers[0].events).toEqual(['0 syn ttl=64 @1', '0 syn ttl=64 @2']);
    expect(table.size).toBe(1);
    table.flush(4);
    expect(handlers).toHaveLength(2);
    expect(handlers[1].events).toEqual(['0 syn ttl=64 @3']);
  });

  it('swallows late packets after a RST instead of opening a phantom connection, but not a new SYN', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, 'GET', 2);
    talk.s(0, '', 2.1, RST | ACK);
    talk.c(3, 'more', 2.2); // in flight when the reset was sent
    talk.c(7, '', 2.3, FIN | ACK);
    expect(handlers).toHaveLength(1);
    expect(handlers[0].ended).toBe('reset');
    expect(table.size).toBe(0);
    talk.clientIsn = 31_337;
    talk.c(-1, '', 2.5, SYN, { ack: 0 });
    expect(table.size).toBe(1);
    table.flush(3);
    expect(handlers).toHaveLength(2);
    expect(handlers[1].events).toEqual(['0 syn ttl=64 @2.5']);
  });

  it('reports only the first RST of a direction and ends a closing flow on it', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.handshake(1);
    talk.c(0, '', 2, FIN | ACK);
    talk.s(0, '', 2.1, FIN | ACK);
    talk.c(1, '', 2.2, RST);
    talk.c(1, '', 2.3, RST);
    expect(handlers).toHaveLength(1);
    expect(handlers[0].events.filter((e) => e.includes('rst'))).toEqual(['0 rst ttl=64 @2.2']);
    expect(handlers[0].ended).toBe('closed');
  });

  it('keeps the SYN-ACK the client acknowledged when several carry different ISNs', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.c(-1, '', 1, SYN, { ack: 0 });
    talk.serverIsn = 5000;
    talk.s(-1, '', 1.1, SYN | ACK);
    talk.serverIsn = 9_000_000;
    talk.s(-1, '', 1.2, SYN | ACK);
    talk.serverIsn = 5000;
    talk.c(0, '', 1.3, ACK); // acknowledges 5001: the first SYN-ACK
    talk.s(0, 'welcome', 1.4);
    expect(handlers[0].text(1)).toBe('welcome');
    expect(handlers[0].events.filter((e) => e.includes('syn-ack'))).toHaveLength(2);
  });

  it('takes no sequence number from a SYN-ACK that does not acknowledge the SYN', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.c(-1, '', 1, SYN, { ack: 0 });
    talk.serverIsn = 5000;
    talk.s(-1, '', 1.1, SYN | ACK);
    talk.serverIsn = 9_000_000;
    talk.s(-1, '', 1.2, SYN | ACK, { ack: 12345 }); // answers some other SYN
    talk.serverIsn = 5000;
    talk.s(0, 'welcome', 1.4);
    expect(handlers[0].text(1)).toBe('welcome');
    expect(handlers[0].events.filter((e) => e.includes('syn-ack'))).toHaveLength(2);
  });

  it('keeps the last SYN-ACK when no ACK tells', () => {
    const { table, handlers } = recordingTable();
    const talk = new Conversation(table);
    talk.c(-1, '', 1, SYN, { ack: 0 });
    talk.serverIsn = 5000;
    talk.s(-1, '', 1.1, SYN | ACK);
    talk.serverIsn = 9_000_000;
    talk.s(-1, '', 1.2, SYN | ACK);
    talk.s(0, 'welcome', 1.4);
    expect(handlers[0].text(1)).toBe('welcome');
  });

  it('ends flows idle for the idle timeout, from segment() on capture time as well as from expire()', () => {
    const { table, handlers } = recordingTable({ idleTimeout: 30 });
    const first = new Conversation(table);
    first.handshake(100);
    first.c(0, 'AB', 101);
    first.c(4, 'EF', 102); // a hole nobody fills
    const second = new Conversation(table, { addr: '10.0.0.3', port: 50000 }, { addr: '10.0.0.2', port: 443 });
    second.handshake(120);
    second.c(0, 'x', 125);
    expect(handlers[0].ended).toBeNull();
    second.c(1, 'y', 140); // 38 s after the first flow's last packet: the sweep in segment() ends it
    expect(handlers[0].ended).toBe('idle');
    expect(handlers[0].endTs).toBe(140);
    expect(handlers[0].text(0)).toBe('AB<gap 2>EF');
    expect(handlers[1].ended).toBeNull();
    expect(handlers[1].text(0)).toBe('xy');
    table.expire(500);
    expect(handlers.map((h) => [h.ended, h.endTs])).toEqual([
      ['idle', 140],
      ['idle', 500],
    ]);
    expect(table.size).toBe(0);
  });

  it('evicts the least recently active flow past maxFlows', () => {
    const { table, handlers } = recordingTable({ maxFlows: 2 });
    const a = new Conversation(table, { addr: '10.0.0.1', port: 1001 });
    const b = new Conversation(table, { addr: '10.0.0.1', port: 1002 });
    const c = new Conversation(table, { addr: '10.0.0.1', port: 1003 });
    a.handshake(1);
    b.handshake(2);
    a.c(0, 'a', 3); // a is now more recent than b
    c.handshake(4);
    expect(handlers.map((h) => h.ended)).toEqual([null, 'evicted', null]);
    expect(handlers[1].endTs).toBe(4);
    expect(table.size).toBe(2);
  });

  it('ends every flow at flush: closing ones closed, the rest capture-end with buffered bytes after their gap', () => {
    const { table, handlers } = recordingTable();
    const a = new Conversation(table, { addr: '10.0.0.1', port: 1001 });
    const b = new Conversation(table, { addr: '10.0.0.1', port: 1002 });
    a.handshake(1);
    a.c(0, '', 1.5, FIN | ACK);
    a.s(0, '', 1.6, FIN | ACK);
    b.handshake(2);
    b.s(0, 'AB', 3);
    b.s(5, 'FG', 4);
    table.flush(9);
    expect(handlers.map((h) => [h.ended, h.endTs])).toEqual([
      ['closed', 1.6],
      ['capture-end', 9],
    ]);
    expect(handlers[1].text(1)).toBe('AB<gap 3>FG');
    expect(table.size).toBe(0);
  });

  it('keys IPv6 flows by their address bytes and formats them once', () => {
    const { table, handlers } = recordingTable();
    const client = { addr: '2001:db8::1', port: 50000 };
    const talk = new Conversation(table, client, { addr: '2001:db8:0:0:1::2', port: 443 });
    talk.handshake(1, 57);
    talk.c(0, 'v6', 2);
    talk.s(0, 'ok', 3);
    expect(handlers).toHaveLength(1);
    expect(handlers[0].endpoints.addr).toEqual(['2001:db8::1', '2001:db8::1:0:0:2']);
    expect(handlers[0].endpoints.ipVersion).toBe(6);
    expect(handlers[0].text(0)).toBe('v6');
    expect(handlers[0].text(1)).toBe('ok');
    expect(handlers[0].packets[0].ttl).toBe(57);
  });

  it('tells apart flows that share one endpoint', () => {
    const { table, handlers } = recordingTable();
    const a = new Conversation(table, { addr: '10.0.0.1', port: 1001 });
    const b = new Conversation(table, { addr: '10.0.0.5', port: 1001 });
    a.handshake(1);
    b.handshake(1);
    a.c(0, 'from a', 2);
    b.c(0, 'from b', 2);
    expect(handlers.map((h) => h.text(0))).toEqual(['from a', 'from b']);
  });
});
