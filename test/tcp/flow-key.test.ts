import { describe, expect, it } from 'vitest';
import { ipv4FlowHash } from '../../src/tcp/flow-key.js';
import { ACK, Conversation, FIN, recordingTable } from './helpers.js';

const SERVER = { addr: '10.0.0.2', port: 443 };
const toInt = (addr: string) => addr.split('.').reduce((n, byte) => ((n << 8) | Number(byte)) | 0, 0);

/** Finds two clients whose flows to SERVER share one hash. */
function collidingClients(): Array<{ addr: string; port: number }> {
  const seen = new Map<number, { addr: string; port: number }>();
  for (const addr of ['10.0.0.1', '10.0.0.7', '10.0.0.9', '10.1.2.3']) {
    for (let port = 1024; port < 65536; port++) {
      const hash = ipv4FlowHash(toInt(addr), port, toInt(SERVER.addr), SERVER.port);
      const other = seen.get(hash);
      if (other !== undefined) return [other, { addr, port }];
      seen.set(hash, { addr, port });
    }
  }
  throw new Error('no collision found');
}

describe('IPv4 flow hash', () => {
  it('is the same both ways', () => {
    const a = toInt('192.0.2.1');
    const b = toInt('198.51.100.7');
    expect(ipv4FlowHash(a, 40000, b, 443)).toBe(ipv4FlowHash(b, 443, a, 40000));
    expect(ipv4FlowHash(a, 40000, b, 443)).not.toBe(ipv4FlowHash(a, 40001, b, 443));
  });

  const clients = collidingClients();
  for (const leaving of [0, 1]) {
    const which = leaving === 0 ? 'older' : 'newer';
    it(`keeps flows that share a hash apart, and finds one after the ${which} leaves`, () => {
      const { table, handlers } = recordingTable();
      const talks = clients.map((client) => new Conversation(table, client, SERVER));
      talks.forEach((talk, i) => talk.handshake(1 + i));
      talks.forEach((talk, i) => talk.c(0, `flow ${i}`, 5));
      talks.forEach((talk, i) => talk.s(0, `back ${i}`, 5));
      expect(handlers).toHaveLength(2);
      expect(handlers.map((h) => [h.text(0), h.text(1)])).toEqual([
        ['flow 0', 'back 0'],
        ['flow 1', 'back 1'],
      ]);
      const staying = 1 - leaving;
      talks[leaving].c(6, '', 6, FIN | ACK);
      talks[leaving].s(6, '', 6, FIN | ACK);
      table.expire(20);
      expect(handlers[leaving].ended).toBe('closed');
      talks[staying].c(6, '!', 21);
      talks[staying].s(6, '?', 21);
      expect(handlers).toHaveLength(2);
      expect(handlers[staying].text(0)).toBe(`flow ${staying}!`);
      expect(handlers[staying].text(1)).toBe(`back ${staying}?`);
      expect(table.size).toBe(1);
      // the one that left comes back as a new connection on the same hash
      talks[leaving].clientIsn = 77_777;
      talks[leaving].handshake(22);
      talks[leaving].c(0, 'again', 23);
      talks[staying].c(7, '.', 23);
      expect(handlers).toHaveLength(3);
      expect(handlers[2].text(0)).toBe('again');
      expect(handlers[staying].text(0)).toBe(`flow ${staying}!.`);
    });
  }
});
