/**
 * The stream parser's side of decryption: bodies of the records decryption asks for arrive whole and in order,
 * wherever TCP cut the stream, after the record's own events; without a key log nothing is asked or copied.
 * Hand-built records: the edge of every possible split point is not something a stack can be made to produce.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, TlsDirectionListener } from '../../../src/tls/events.js';
import { TlsStreamParser } from '../../../src/tls/stream.js';

function record(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), body]);
}

class Log implements TlsDirectionListener {
  readonly events: string[] = [];
  readonly bodies: Buffer[] = [];
  asked = 0;
  constructor(private readonly want: boolean) {}
  tlsStart(): void {}
  record(): void {}
  handshake(type: number): void {
    this.events.push(`handshake ${type}`);
  }
  encryptedHandshake(length: number): void {
    this.events.push(`encrypted handshake ${length}`);
  }
  alert(alert: AlertEvent): void {
    this.events.push(`alert ${alert.length} ${alert.body === undefined ? 'no body' : 'body'}`);
  }
  changeCipherSpec(): void {
    this.events.push('ccs');
  }
  applicationData(length: number): void {
    this.events.push(`application data ${length}`);
  }
  sslv2(): void {}
  plaintext(): void {}
  malformed(reason: string): void {
    this.events.push(`malformed ${reason}`);
  }
  wantsBody(type: number): boolean {
    this.asked++;
    return this.want && type !== 20;
  }
  protectedRecord(type: number, _version: number, body: Buffer | null): void {
    this.events.push(`protected ${type}`);
    this.bodies.push(body ?? Buffer.alloc(0));
  }
}

const bodies = [randomBytes(40), randomBytes(90), randomBytes(50), randomBytes(19)];
const stream = Buffer.concat([
  record(23, bodies[0]),
  record(20, Buffer.from([1])),
  record(21, bodies[1]),
  record(22, bodies[2]),
  record(23, bodies[3]),
]);

describe('protected records handed to decryption', () => {
  it('arrive whole, in order, after their own events, at every split point', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const log = new Log(true);
      const parser = new TlsStreamParser(log);
      parser.watchProtectedRecords(true);
      parser.push(stream.subarray(0, cut), 1);
      parser.push(stream.subarray(cut), 2);
      expect(log.bodies).toEqual(bodies);
      expect(log.events).toEqual([
        'application data 40',
        'protected 23',
        'ccs',
        // an alert record longer than 64 bytes keeps no body of its own: decryption gets it
        'alert 90 no body',
        'protected 21',
        'encrypted handshake 50',
        'protected 22',
        'application data 19',
        'protected 23',
      ]);
    }
  });

  it('a record cut by missing bytes is handed over as null', () => {
    const log = new Log(true);
    const parser = new TlsStreamParser(log);
    parser.watchProtectedRecords(true);
    const first = record(23, bodies[0]);
    parser.push(first.subarray(0, 20), 1);
    parser.gap(10, 1);
    parser.push(first.subarray(30), 1);
    expect(log.events).toEqual(['application data 40', 'protected 23']);
    expect(log.bodies).toEqual([Buffer.alloc(0)]);
  });

  it('without watching, decryption is never asked and nothing extra is emitted', () => {
    const log = new Log(true);
    const parser = new TlsStreamParser(log);
    parser.push(stream, 1);
    expect(log.asked).toBe(0);
    expect(log.bodies).toEqual([]);
    expect(log.events).toEqual(['application data 40', 'ccs', 'alert 90 no body', 'encrypted handshake 50', 'application data 19']);
  });
});
