import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { availablePublicCaptures, requirePublicCapture } from '../helpers/shared.js';
import { readTruth, type Truth } from '../helpers/truth.js';
import type { AlertEvent, TlsDirectionListener, TlsStreamParserOptions } from '../../src/tls/events.js';
import { identifyUpgrade } from '../../src/tls/starttls.js';
import { TlsStreamParser } from '../../src/tls/stream.js';

// ---------------------------------------------------------------------------------------------------------------
// Event recording: every event as a plain array; consecutive plaintext views merged (their split is the caller's)

type Event = (string | number | null | boolean)[];

class Recorder implements TlsDirectionListener {
  readonly events: Event[] = [];
  readonly stamps: number[] = [];
  private add(ts: number, ...event: Event): void {
    this.events.push(event);
    this.stamps.push(ts);
  }
  tlsStart(kind: 'tls' | 'sslv2', streamOffset: number, ts: number): void {
    this.add(ts, 'tlsStart', kind, streamOffset);
  }
  record(contentType: number, version: number, length: number, ts: number): void {
    this.add(ts, 'record', contentType, version, length);
  }
  handshake(msgType: number, body: Buffer, ts: number): void {
    this.add(ts, 'handshake', msgType, body.toString('hex'));
  }
  encryptedHandshake(length: number, ts: number): void {
    this.add(ts, 'encryptedHandshake', length);
  }
  alert(a: AlertEvent, ts: number): void {
    this.add(ts, 'alert', a.level, a.description, a.length, a.afterChangeCipherSpec);
  }
  changeCipherSpec(ts: number): void {
    this.add(ts, 'ccs');
  }
  applicationData(length: number, ts: number): void {
    this.add(ts, 'appData', length);
  }
  sslv2(msgType: number, body: Buffer, ts: number): void {
    this.add(ts, 'sslv2', msgType, body.toString('hex'));
  }
  plaintext(data: Buffer, ts: number): void {
    const last = this.events[this.events.length - 1];
    if (last !== undefined && last[0] === 'plaintext') last[1] = `${last[1]}${data.toString('hex')}`;
    else this.add(ts, 'plaintext', data.toString('hex'));
  }
  malformed(reason: string, ts: number): void {
    this.add(ts, 'malformed', reason);
  }
  kinds(): string[] {
    return this.events.map((e) => e[0] as string);
  }
}

/** Feeds `stream` cut at `cuts` (ascending offsets), each piece a fresh copy so that no view outlives its push. */
function feed(stream: Buffer, cuts: number[], options?: TlsStreamParserOptions): { rec: Recorder; parser: TlsStreamParser } {
  const rec = new Recorder();
  const parser = new TlsStreamParser(rec, options);
  let from = 0;
  for (const [i, cut] of [...cuts, stream.length].entries()) {
    if (cut > from) parser.push(Buffer.from(stream.subarray(from, cut)), i);
    from = cut;
  }
  parser.end(999);
  return { rec, parser };
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-built bytes (edge cases): records and handshake messages

function tlsRecord(type: number, body: Buffer | number[], version = 0x0303): Buffer {
  const payload = Buffer.from(body);
  const header = Buffer.from([type, version >> 8, version & 0xff, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

function handshakeMessage(type: number, body: Buffer | number[]): Buffer {
  const payload = Buffer.from(body);
  const n = payload.length;
  return Buffer.concat([Buffer.from([type, n >> 16, (n >> 8) & 0xff, n & 0xff]), payload]);
}

function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const clientHello = handshakeMessage(1, bytes(200, 1));
const serverHello = handshakeMessage(2, bytes(70, 2));
const certificate = handshakeMessage(11, bytes(1500, 3));
const serverHelloDone = handshakeMessage(14, []);
const encryptedFinished = bytes(40, 4);

/** a TLS 1.2 server flight: hellos in one record, CCS, encrypted Finished, application data, a 2-alert record */
const serverFlight = Buffer.concat([
  tlsRecord(22, Buffer.concat([serverHello, certificate, serverHelloDone])),
  tlsRecord(20, [1]),
  tlsRecord(22, encryptedFinished),
  tlsRecord(23, bytes(300, 5)),
  tlsRecord(21, bytes(26, 6)),
]);

function randomCuts(length: number, seed: number, count: number): number[] {
  const noise = bytes(count * 4, seed);
  const cuts = new Set<number>();
  for (let i = 0; i < count; i++) cuts.add(1 + (noise.readUInt32BE(i * 4) % Math.max(1, length - 1)));
  return [...cuts].sort((a, b) => a - b);
}

describe('TLS record framing', () => {
  it('reports a server flight record by record, with the handshake messages of a shared record each', () => {
    const { rec, parser } = feed(serverFlight, []);
    expect(parser.mode).toBe('tls');
    expect(rec.events).toEqual([
      ['tlsStart', 'tls', 0],
      ['record', 22, 0x0303, serverHello.length + certificate.length + serverHelloDone.length],
      ['handshake', 2, serverHello.subarray(4).toString('hex')],
      ['handshake', 11, certificate.subarray(4).toString('hex')],
      ['handshake', 14, ''],
      ['record', 20, 0x0303, 1],
      ['ccs'],
      ['record', 22, 0x0303, 40],
      ['encryptedHandshake', 40],
      ['record', 23, 0x0303, 300],
      ['appData', 300],
      ['record', 21, 0x0303, 26],
      ['alert', null, null, 26, true],
    ]);
  });

  it('gives the same events whatever single byte the stream is split at', () => {
    const whole = feed(serverFlight, []).rec.events;
    for (let cut = 1; cut < serverFlight.length; cut++) {
      expect(feed(serverFlight, [cut]).rec.events, `split at ${cut}`).toEqual(whole);
    }
  });

  it('gives the same events fed one byte per push', () => {
    const everyByte = Array.from({ length: serverFlight.length - 1 }, (_, i) => i + 1);
    expect(feed(serverFlight, everyByte).rec.events).toEqual(feed(serverFlight, []).rec.events);
  });

  it('reassembles a handshake message split across three records, stamped with the push that completed it', () => {
    const message = handshakeMessage(11, bytes(5000, 7));
    const stream = Buffer.concat([
      tlsRecord(22, message.subarray(0, 3)),
      tlsRecord(22, message.subarray(3, 2000)),
      tlsRecord(22, message.subarray(2000)),
    ]);
    const firstRecordEnd = 5 + 3;
    const { rec } = feed(stream, [firstRecordEnd, firstRecordEnd + 5 + 1997]);
    const handshakes = rec.events.filter((e) => e[0] === 'handshake');
    expect(handshakes).toEqual([['handshake', 11, message.subarray(4).toString('hex')]]);
    expect(rec.stamps[rec.events.findIndex((e) => e[0] === 'handshake')]).toBe(2);
  });

  it('reads every alert of a plaintext record holding several, and none of an encrypted one', () => {
    const stream = Buffer.concat([
      tlsRecord(21, [1, 0]),
      tlsRecord(21, [1, 112, 2, 40]),
      tlsRecord(21, [1, 0, 1, 0, 2, 80]),
      tlsRecord(20, [1]),
      tlsRecord(21, [2, 40]),
    ]);
    const alerts = feed(stream, []).rec.events.filter((e) => e[0] === 'alert');
    expect(alerts).toEqual([
      ['alert', 1, 0, 2, false],
      ['alert', 1, 112, 4, false],
      ['alert', 2, 40, 4, false],
      ['alert', 1, 0, 6, false],
      ['alert', 1, 0, 6, false],
      ['alert', 2, 80, 6, false],
      ['alert', null, null, 2, true],
    ]);
  });

  it('reads a TLS 1.3 compatibility-mode second ClientHello sent after ChangeCipherSpec as plaintext', () => {
    const secondHello = handshakeMessage(1, bytes(300, 8));
    const stream = Buffer.concat([
      tlsRecord(22, clientHello, 0x0301),
      tlsRecord(20, [1]),
      tlsRecord(22, secondHello),
      tlsRecord(23, bytes(60, 9)),
    ]);
    const { rec } = feed(stream, []);
    expect(rec.events.filter((e) => e[0] === 'handshake' || e[0] === 'encryptedHandshake')).toEqual([
      ['handshake', 1, clientHello.subarray(4).toString('hex')],
      ['handshake', 1, secondHello.subarray(4).toString('hex')],
    ]);
  });

  it('reads the server ServerHello that follows its HelloRetryRequest and ChangeCipherSpec', () => {
    const retry = handshakeMessage(2, bytes(50, 10));
    const stream = Buffer.concat([tlsRecord(22, retry), tlsRecord(20, [1]), tlsRecord(22, serverHello)]);
    const handshakes = feed(stream, []).rec.events.filter((e) => e[0] === 'handshake');
    expect(handshakes.map((e) => e[1])).toEqual([2, 2]);
  });

  it('keeps a post-ChangeCipherSpec record encrypted when it only starts like a ClientHello', () => {
    const lookalike = Buffer.concat([Buffer.from([1, 0, 0, 30]), bytes(36, 11)]);
    const stream = Buffer.concat([tlsRecord(20, [1]), tlsRecord(22, lookalike)]);
    expect(feed(stream, []).rec.events.slice(-1)).toEqual([['encryptedHandshake', 40]]);
  });

  it('skips application data from the header alone', () => {
    const stream = Buffer.concat([tlsRecord(23, bytes(16000, 12)), tlsRecord(23, bytes(100, 13))]);
    const cuts = [1448, 2896, 4344, 16005, 16007];
    expect(feed(stream, cuts).rec.events).toEqual([
      ['tlsStart', 'tls', 0],
      ['record', 23, 0x0303, 16000],
      ['appData', 16000],
      ['record', 23, 0x0303, 100],
      ['appData', 100],
    ]);
  });
});

describe('hostile and broken input', () => {
  it('notes an oversized record header and resyncs on the next push that starts with a record', () => {
    const bad = Buffer.from([23, 3, 3, 0xff, 0xff, 1, 2, 3]);
    const good = tlsRecord(21, [2, 40]);
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    parser.push(tlsRecord(23, [1, 2, 3]), 0);
    parser.push(bad, 1);
    parser.push(bytes(50, 14), 2);
    parser.push(good, 3);
    expect(rec.kinds()).toEqual(['tlsStart', 'record', 'appData', 'malformed', 'record', 'alert']);
    expect(rec.events[3]).toEqual(['malformed', 'invalid record header 170303ffff (type 23, length 65535); resyncing']);
    expect(rec.events[5]).toEqual(['alert', 2, 40, 2, false]);
  });

  it('skips a handshake message longer than the limit and reads the next one, without allocating its length', () => {
    const huge = Buffer.from([11, 0xff, 0xff, 0xff]);
    const stream = Buffer.concat([tlsRecord(22, Buffer.concat([huge, bytes(100, 15)]))]);
    const { rec } = feed(stream, [20, 60]);
    expect(rec.kinds()).toEqual(['tlsStart', 'record', 'malformed']);
    expect(rec.events[2][1]).toMatch(/type 11 of 16777215 bytes exceeds the 1048576-byte limit/);
    const small = feed(
      Buffer.concat([tlsRecord(22, Buffer.concat([handshakeMessage(11, bytes(3000, 16)), serverHelloDone]))]),
      [100],
      { maxHandshakeMessage: 2000 },
    ).rec;
    expect(small.events.filter((e) => e[0] === 'handshake')).toEqual([['handshake', 14, '']]);
  });

  it('notes a handshake message left incomplete when the stream ends', () => {
    const message = handshakeMessage(11, bytes(3000, 17));
    const { rec } = feed(tlsRecord(22, message).subarray(0, 1000), []);
    expect(rec.events.slice(-1)).toEqual([
      ['malformed', 'stream ended inside handshake message type 11 (991 of 3000 bytes)'],
    ]);
  });
});

describe('gaps', () => {
  it('keeps framing across missing bytes inside an application-data record', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    const first = tlsRecord(23, bytes(1000, 18));
    parser.push(first.subarray(0, 400), 0);
    parser.gap(500, 1);
    parser.push(first.subarray(900), 2);
    parser.push(tlsRecord(21, [1, 0]), 3);
    expect(rec.kinds()).toEqual(['tlsStart', 'record', 'appData', 'record', 'alert']);
  });

  it('drops a handshake message cut by missing bytes and reads the next message', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    const flight = tlsRecord(22, Buffer.concat([certificate, serverHelloDone]));
    parser.push(flight.subarray(0, 500), 0);
    parser.gap(400, 1);
    parser.push(flight.subarray(900), 2);
    expect(rec.events.slice(2)).toEqual([
      ['malformed', 'handshake message type 11 (1500 bytes) cut by 400 missing bytes; dropped'],
      ['handshake', 14, ''],
    ]);
  });

  it('loses framing on missing bytes beyond the record and resyncs inside a later push', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    const app = tlsRecord(23, bytes(200, 19));
    parser.push(app.subarray(0, 100), 0);
    parser.gap(300, 1);
    // the push starts mid-record: only a header confirmed by the record after it is trusted
    parser.push(Buffer.concat([bytes(77, 20), tlsRecord(23, bytes(30, 21)), tlsRecord(21, [1, 0])]), 2);
    expect(rec.events.slice(3)).toEqual([
      ['malformed', '300 bytes missing beyond the current record; resyncing'],
      ['record', 23, 0x0303, 30],
      ['appData', 30],
      ['record', 21, 0x0303, 2],
      ['alert', 1, 0, 2, false],
    ]);
  });
});

describe('stream start: plaintext, STARTTLS, SSLv2, mid-stream', () => {
  it('switches from a STARTTLS preamble to TLS at the push that starts with a handshake record', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    parser.push(Buffer.from('220 mx.example.org ESMTP\r\n'), 0);
    parser.push(Buffer.from('220 2.0.0 Ready to start TLS\r\n'), 1);
    expect(parser.mode).toBe('plaintext');
    parser.push(tlsRecord(22, serverHello), 2);
    expect(rec.kinds()).toEqual(['plaintext', 'tlsStart', 'record', 'handshake']);
    expect(rec.events[1]).toEqual(['tlsStart', 'tls', 56]);
  });

  it('finds the ClientHello behind a PROXY protocol v1 line in the same segment (HAProxy in front of a server)', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    const line = Buffer.from('PROXY TCP4 192.0.2.1 198.51.100.7 52176 443\r\n');
    parser.push(Buffer.concat([line, tlsRecord(22, clientHello)]), 0);
    expect(rec.kinds()).toEqual(['plaintext', 'tlsStart', 'record', 'handshake']);
    expect(rec.events[1]).toEqual(['tlsStart', 'tls', line.length]);
  });

  it('finds the ClientHello behind a binary PROXY protocol v2 header', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    const addresses = [192, 0, 2, 1, 198, 51, 100, 7, 0xcb, 0xd0, 0x01, 0xbb];
    const v2 = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, addresses.length, ...addresses]);
    parser.push(Buffer.concat([v2, tlsRecord(22, clientHello)]), 0);
    expect(rec.kinds()).toEqual(['plaintext', 'tlsStart', 'record', 'handshake']);
    expect(rec.events[1]).toEqual(['tlsStart', 'tls', v2.length]);
  });

  it('does not take a line feed followed by 0x16 for TLS unless the record framing confirms it', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    parser.push(Buffer.from('HELLO\n\x16\x03\x01\x40\x00garbage', 'latin1'), 0);
    expect(parser.mode).toBe('plaintext');
  });

  it('holds a one-byte first push (PostgreSQL "S") without mistaking the next push for its continuation', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    parser.push(Buffer.from('S'), 0);
    parser.push(tlsRecord(22, serverHello), 1);
    expect(rec.kinds()).toEqual(['plaintext', 'tlsStart', 'record', 'handshake']);
    expect(rec.events[1]).toEqual(['tlsStart', 'tls', 1]);
  });

  it('gives up after maxPlaintext bytes, after which TLS is not looked for', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec, { maxPlaintext: 1000 });
    for (let i = 0; i < 3; i++) parser.push(Buffer.from('x'.repeat(400)), i);
    expect(parser.mode).toBe('given-up');
    parser.push(tlsRecord(22, clientHello), 4);
    expect(rec.kinds()).toEqual(['plaintext']);
  });

  it('starts TLS on any record type when the stream begins with one (capture started mid-connection)', () => {
    const { rec, parser } = feed(Buffer.concat([tlsRecord(23, bytes(100, 22)), tlsRecord(21, bytes(26, 23))]), []);
    expect(parser.mode).toBe('tls');
    expect(rec.kinds()).toEqual(['tlsStart', 'record', 'appData', 'record', 'alert']);
  });

  it('finds a confirmed application-data record at a later push when the capture began mid-record', () => {
    const rec = new Recorder();
    const parser = new TlsStreamParser(rec);
    parser.push(bytes(700, 24).fill(0x41, 0, 1), 0);
    parser.push(Buffer.concat([tlsRecord(23, bytes(50, 25)), tlsRecord(23, bytes(20, 26))]), 1);
    expect(rec.kinds()).toEqual(['plaintext', 'tlsStart', 'record', 'appData', 'record', 'appData']);
  });

  it('reads an SSLv2-compatible ClientHello followed by TLS records (RFC 5246 E.2)', () => {
    const v2Hello = Buffer.concat([
      Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10]),
      bytes(21 + 16, 27),
    ]);
    const stream = Buffer.concat([v2Hello, tlsRecord(22, clientHello, 0x0301), tlsRecord(21, [2, 40])]);
    const whole = feed(stream, []);
    expect(whole.parser.mode).toBe('tls');
    expect(whole.rec.events).toEqual([
      ['tlsStart', 'sslv2', 0],
      ['sslv2', 1, v2Hello.subarray(2).toString('hex')],
      ['record', 22, 0x0301, clientHello.length],
      ['handshake', 1, clientHello.subarray(4).toString('hex')],
      ['record', 21, 0x0303, 2],
      ['alert', 2, 40, 2, false],
    ]);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(feed(stream, [cut]).rec.events, `split at ${cut}`).toEqual(whole.rec.events);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real captures: each direction's in-order TCP payload, one push per segment, as the TCP stage would deliver it


/** new in-order bytes of one side, or `gap` bytes that were never captured */
interface Segment { data: Buffer; ts: number; gap: number }

/** Test-only walker: pcap/pcapng, Ethernet or BSD loopback, IPv4/IPv6, TCP; per connection each side's segments. */
function tcpConversations(file: string): Segment[][][] {
  const buf = readFileSync(file);
  const frames: { ts: number; f: Buffer }[] = [];
  let linkType = 1;
  if (buf.readUInt32LE(0) === 0x0a0d0d0a) {
    for (let p = 0, n = 0; p + 12 <= buf.length; p += buf.readUInt32LE(p + 4)) {
      if (buf.readUInt32LE(p) === 1 && n++ === 0) linkType = buf.readUInt16LE(p + 8); // first interface
      if (buf.readUInt32LE(p) !== 6) continue; // enhanced packet block, microsecond timestamps
      frames.push({ ts: (buf.readUInt32LE(p + 12) * 2 ** 32 + buf.readUInt32LE(p + 16)) / 1e6, f: buf.subarray(p + 28, p + 28 + buf.readUInt32LE(p + 20)) });
    }
  } else {
    const ticks = buf.readUInt32LE(0) === 0xa1b23c4d ? 1e9 : 1e6;
    linkType = buf.readUInt32LE(20);
    for (let p = 24; p + 16 <= buf.length; p += 16 + buf.readUInt32LE(p + 8)) {
      frames.push({ ts: buf.readUInt32LE(p) + buf.readUInt32LE(p + 4) / ticks, f: buf.subarray(p + 16, p + 16 + buf.readUInt32LE(p + 8)) });
    }
  }
  const flows = new Map<string, { first: string; next: (number | undefined)[]; sides: Segment[][] }>();
  for (const { ts, f } of frames) {
    let ip = linkType === 0 ? 4 : 14;
    while (linkType === 1 && f.readUInt16BE(ip - 2) === 0x8100) ip += 4;
    const v6 = f[ip] >> 4 === 6;
    if ((v6 ? f[ip + 6] : f[ip + 9]) !== 6) continue;
    const tcp = v6 ? ip + 40 : ip + (f[ip] & 15) * 4;
    const ipEnd = v6 ? tcp + f.readUInt16BE(ip + 4) : ip + f.readUInt16BE(ip + 2);
    const [a, n] = v6 ? [ip + 8, 16] : [ip + 12, 4];
    const [src, dst] = [`${f.toString('hex', a, a + n)}:${f.readUInt16BE(tcp)}`, `${f.toString('hex', a + n, a + 2 * n)}:${f.readUInt16BE(tcp + 2)}`];
    const key = [src, dst].sort().join('-');
    const flow = flows.get(key) ?? flows.set(key, { first: src, next: [undefined, undefined], sides: [[], []] }).get(key)!;
    const side = src === flow.first ? 0 : 1;
    const seq = f.readUInt32BE(tcp + 4);
    const payload = f.subarray(tcp + (f[tcp + 12] >> 4) * 4, ipEnd);
    if (f[tcp + 13] & 2) flow.next[side] = (seq + 1) >>> 0;
    const skip = flow.next[side] === undefined ? 0 : (flow.next[side]! - seq) | 0;
    if (payload.length === 0 || skip >= payload.length) continue; // no payload, or a retransmission
    if (skip < 0) flow.sides[side].push({ ts, data: Buffer.alloc(0), gap: -skip });
    flow.sides[side].push({ ts, data: payload.subarray(Math.max(0, skip)), gap: 0 });
    flow.next[side] = (seq + payload.length) >>> 0;
  }
  return [...flows.values()].map((flow) => flow.sides);
}

function parseSegments(segments: Segment[]): { rec: Recorder; parser: TlsStreamParser } {
  const rec = new Recorder();
  const parser = new TlsStreamParser(rec);
  for (const s of segments) {
    if (s.gap > 0) parser.gap(s.gap, s.ts);
    else parser.push(s.data, s.ts);
  }
  parser.end(Infinity);
  return { rec, parser };
}

function plaintextOf(rec: Recorder): Buffer {
  const first = rec.events.find((e) => e[0] === 'plaintext');
  return first === undefined ? Buffer.alloc(0) : Buffer.from(first[1] as string, 'hex');
}


describe('real captures', () => {
  const capture = requirePublicCapture;
  const truth = (name: string): Truth => readTruth(name);

  it('zeek tls-1.2-handshake-failure: a ClientHello answered by a fatal handshake_failure alert', () => {
    const [[client, server]] = tcpConversations(capture('zeek__tls-1.2-handshake-failure.pcap'));
    const c = parseSegments(client).rec;
    const s = parseSegments(server).rec;
    expect(c.kinds()).toEqual(['tlsStart', 'record', 'handshake']);
    expect(c.events[2][1]).toBe(1);
    const [expected] = truth('zeek__tls-1.2-handshake-failure.pcap').connections[0].alerts;
    expect(s.events.filter((e) => e[0] === 'alert')).toEqual([
      ['alert', expected.level, expected.description, 2, false],
    ]);
  });

  it.each([
    ['arkime__curl-enabled-tls13.pcap'],
    ['zeek__tls-1.2-handshake-failure.pcap'],
    ['ndpi__smtp-starttls.pcap'],
    ['zeek__tls-fragmented-handshake.pcap'],
    ['ndpi__tls_with_huge_ch.pcapng'],
    ['flowtest__ssl-v2.pcap'],
  ])('%s: counts as many records per side as tshark; malformed notes only where bytes are missing', (name) => {
    const byNumber = (a: number, b: number) => a - b;
    const expected = truth(name).connections.map((c) => [c.tls_records.client, c.tls_records.server].sort(byNumber));
    const seen = tcpConversations(capture(name))
      .map((sides) => sides.map((side) => ({ rec: parseSegments(side).rec, lossy: side.some((s) => s.gap > 0) })))
      .filter((both) => both.some(({ rec }) => rec.kinds().includes('tlsStart')));
    const counts = seen.map((both) =>
      both.map(({ rec }) => rec.kinds().filter((k) => k === 'record' || k === 'sslv2').length).sort(byNumber),
    );
    expect(counts.map(String).sort()).toEqual(expected.map(String).sort());
    for (const { rec, lossy } of seen.flat()) {
      const notes = rec.events.filter((e) => e[0] === 'malformed').map((e) => e[1]);
      for (const note of notes) expect(lossy && /missing/.test(String(note)), String(note)).toBe(true);
    }
  });

  it('ndpi dnscrypt-v2-doh: the HelloRetryRequest connection reads both hellos of each side, the second after CCS', () => {
    const retried = tcpConversations(capture('ndpi__dnscrypt-v2-doh.pcap'))
      .map((sides) => sides.map((side) => parseSegments(side).rec))
      .filter((recs) => recs.every((r) => r.events.filter((e) => e[0] === 'handshake' && (e[1] === 1 || e[1] === 2)).length === 2));
    expect(retried).toHaveLength(1);
    for (const rec of retried[0]) {
      const sequence = rec.events
        .filter((e) => e[0] === 'ccs' || (e[0] === 'handshake' && (e[1] === 1 || e[1] === 2)))
        .map((e) => e[0]);
      expect(sequence).toEqual(['handshake', 'ccs', 'handshake']);
    }
  });

  it('flowtest ssl-v2: plaintext SSLv2 hellos and master key, then encrypted records', () => {
    const [[client, server]] = tcpConversations(capture('flowtest__ssl-v2.pcap'));
    expect(parseSegments(client).rec.events.map((e) => e.slice(0, 2))).toEqual([
      ['tlsStart', 'sslv2'], ['sslv2', 1], ['sslv2', 2], ['sslv2', -1], ['sslv2', -1], ['sslv2', -1], ['sslv2', -1],
    ]);
    expect(parseSegments(server).rec.events.map((e) => e.slice(0, 2))).toEqual([
      ['tlsStart', 'sslv2'], ['sslv2', 4], ['sslv2', -1], ['sslv2', -1], ['sslv2', -1],
    ]);
  });

  // the LDAP and MySQL captures have no stated licence: read from ../shared where it exists
  const upgrades: [string, string][] = [
    ['ndpi__smtp-starttls.pcap', 'smtp'],
    ['suricata__smtp-startssl-input.pcap', 'smtp'],
    ['ndpi__imap-starttls.pcap', 'imap'],
    ['ndpi__pop3_stls.pcap', 'pop3'],
    ['zeek__pop3-starttls.pcap', 'pop3'],
    ['zeek__ftp-auth-tls.pcap', 'ftp'],
    ['wireshark-notes__ldap-ssl.pcapng', 'ldap'],
    ['wireshark-notes__pgsql-ssl.pcapng', 'postgres'],
    ['suricata__pgsql-upgrade-tls-input.pcap', 'postgres'],
    ['wireshark-notes__mysql-ssl.pcapng', 'mysql'],
    ['zeek__rdp-to-ssl.pcap', 'rdp'],
    ['zeek__socks-with-ssl.pcap', 'socks'],
  ];
  const upgradesHere = new Set(availablePublicCaptures('STARTTLS upgrades', upgrades.map(([name]) => name)));
  it.each(upgrades.filter(([name]) => upgradesHere.has(name)))('%s: plaintext then TLS on both sides, identified as %s', (name, protocol) => {
    const upgraded = tcpConversations(capture(name))
      .map((sides) => sides.map((side) => parseSegments(side)))
      .filter((both) => both.every(({ rec }) => rec.kinds()[0] === 'plaintext' && rec.kinds()[1] === 'tlsStart'));
    expect(upgraded.length).toBeGreaterThan(0);
    for (const [a, b] of upgraded) {
      expect(a.parser.mode).toBe('tls');
      expect(b.parser.mode).toBe('tls');
      // the identification must not depend on which side is which
      const found = [identifyUpgrade(plaintextOf(a.rec), plaintextOf(b.rec)), identifyUpgrade(plaintextOf(b.rec), plaintextOf(a.rec))];
      expect(found).toContain(protocol);
    }
  });

  it.each([['arkime__curl-enabled-tls13.pcap'], ['zeek__tls-fragmented-handshake.pcap'], ['flowtest__ssl-v2.pcap'], ['scapy__tls_nss_example.pcap']])(
    '%s: the same events whatever the stream is split at (seeded property)',
    (name) => {
      for (const sides of tcpConversations(capture(name)).slice(0, 2)) {
        for (const side of sides) {
          if (side.length === 0 || side.some((s) => s.gap > 0)) continue;
          const stream = Buffer.concat(side.map((s) => s.data));
          const whole = feed(stream, []).rec.events;
          expect(whole[0][0]).toBe('tlsStart');
          const step = Math.max(1, Math.floor(stream.length / 400));
          for (let cut = 1; cut < stream.length; cut += step) {
            expect(feed(stream, [cut]).rec.events, `split at ${cut}`).toEqual(whole);
          }
          for (let seed = 1; seed <= 20; seed++) {
            const cuts = randomCuts(stream.length, seed, 1 + (seed * 7) % 60);
            expect(feed(stream, cuts).rec.events, `seed ${seed}`).toEqual(whole);
          }
        }
      }
    },
  );
});
