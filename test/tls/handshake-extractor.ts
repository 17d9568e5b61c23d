/**
 * Test-only: pulls plaintext handshake messages out of small, in-order, lossless captures (classic pcap or pcapng;
 * Ethernet/VLAN, BSD loopback, raw IP; IPv4/IPv6; TCP), so decoders are tested on bytes real stacks sent.
 * Not the product's pipeline: no reassembly beyond appending in-sequence segments.
 */
import { readFileSync } from 'node:fs';

export interface ExtractedMessage {
  /** 'ip:port' of the sender and the receiver */
  from: string;
  to: string;
  /** handshake type; SSLv2 messages are reported as 'sslv2' with `type` = their first body byte */
  kind: 'tls' | 'sslv2';
  type: number;
  /** TLS: body without the 4-byte header; SSLv2: record body from the msg_type byte */
  body: Buffer;
  ts: number;
}

interface Direction { from: string; to: string; chunks: Buffer[]; next: number; ts: number[]; ends: number[] }

function* frames(file: Buffer): Generator<[Buffer, number, number]> {
  const magic = file.readUInt32LE(0);
  if (magic === 0x0a0d0d0a) {
    let link = 1;
    for (let at = 0; at + 12 <= file.length; at += file.readUInt32LE(at + 4)) {
      const type = file.readUInt32LE(at);
      if (type === 1) link = file.readUInt16LE(at + 8);
      if (type === 6) {
        const ts = (file.readUInt32LE(at + 12) * 2 ** 32 + file.readUInt32LE(at + 16)) / 1e6;
        yield [file.subarray(at + 28, at + 28 + file.readUInt32LE(at + 20)), link, ts];
      }
    }
    return;
  }
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const fraction = magic === 0xa1b23c4d || magic === 0x4d3cb2a1 ? 1e9 : 1e6;
  const link = u32(20);
  for (let at = 24; at + 16 <= file.length; at += 16 + u32(at + 8)) {
    yield [file.subarray(at + 16, at + 16 + u32(at + 8)), link, u32(at) + u32(at + 4) / fraction];
  }
}

function ipStart(frame: Buffer, link: number): number {
  if (link === 0) return 4;
  if (link === 101 || link === 12) return 0;
  let at = 12;
  while (frame.readUInt16BE(at) === 0x8100 || frame.readUInt16BE(at) === 0x88a8) at += 4;
  return at + 2;
}

export function extractHandshakes(path: string): ExtractedMessage[] {
  const directions = new Map<string, Direction>();
  for (const [frame, link, ts] of frames(readFileSync(path))) {
    const ip = ipStart(frame, link);
    const v6 = frame[ip] >> 4 === 6;
    if (v6 ? frame[ip + 6] !== 6 : frame[ip + 9] !== 6) continue;
    const tcp = v6 ? ip + 40 : ip + (frame[ip] & 15) * 4;
    const ipEnd = v6 ? tcp + frame.readUInt16BE(ip + 4) : ip + frame.readUInt16BE(ip + 2);
    const addr = (at: number) => (v6 ? frame.subarray(at, at + 16).toString('hex') : frame.subarray(at, at + 4).join('.'));
    const from = `${addr(v6 ? ip + 8 : ip + 12)}:${frame.readUInt16BE(tcp)}`;
    const to = `${addr(v6 ? ip + 24 : ip + 16)}:${frame.readUInt16BE(tcp + 2)}`;
    const seq = frame.readUInt32BE(tcp + 4);
    const payload = frame.subarray(tcp + (frame[tcp + 12] >> 4) * 4, ipEnd);
    let dir = directions.get(from + '>' + to);
    if (!dir) directions.set(from + '>' + to, (dir = { from, to, chunks: [], next: seq + ((frame[tcp + 13] & 2) >> 1), ts: [], ends: [] }));
    if (frame[tcp + 13] & 2) dir.next = seq + 1;
    const skip = (dir.next - seq) >>> 0;
    if (payload.length === 0 || skip >= payload.length) continue;
    dir.chunks.push(payload.subarray(skip));
    dir.next = (dir.next + payload.length - skip) >>> 0;
    dir.ends.push((dir.ends.at(-1) ?? 0) + payload.length - skip);
    dir.ts.push(ts);
  }
  const out: ExtractedMessage[] = [];
  for (const dir of directions.values()) {
    const stream = Buffer.concat(dir.chunks);
    const tsAt = (offset: number) => dir.ts[dir.ends.findIndex((end) => end >= offset)] ?? 0;
    const base = { from: dir.from, to: dir.to };
    if (stream.length > 2 && stream[0] & 0x80 && (stream[2] === 1 || stream[2] === 4)) {
      for (let at = 0; at + 2 < stream.length && stream[at] & 0x80 && out.length < 1e4; ) {
        const end = at + 2 + (((stream[at] & 0x7f) << 8) | stream[at + 1]);
        if (end > stream.length || ![1, 2, 4].includes(stream[at + 2])) break;
        out.push({ ...base, kind: 'sslv2', type: stream[at + 2], body: stream.subarray(at + 2, end), ts: tsAt(end) });
        at = end;
      }
      continue;
    }
    const handshake: Buffer[] = [];
    const recordEnds: [handshakeEnd: number, streamEnd: number][] = [];
    for (let at = 0; at + 5 <= stream.length && stream[at + 1] === 3; ) {
      const end = at + 5 + stream.readUInt16BE(at + 3);
      if (stream[at] === 20 || end > stream.length) break;
      if (stream[at] === 22) {
        handshake.push(stream.subarray(at + 5, end));
        recordEnds.push([(recordEnds.at(-1)?.[0] ?? 0) + end - at - 5, end]);
      }
      at = end;
    }
    const messages = Buffer.concat(handshake);
    for (let at = 0; at + 4 <= messages.length; ) {
      const end = at + 4 + messages.readUIntBE(at + 1, 3);
      if (end > messages.length) break;
      out.push({ ...base, kind: 'tls', type: messages[at], body: Buffer.from(messages.subarray(at + 4, end)),
        ts: tsAt(recordEnds.find(([handshakeEnd]) => handshakeEnd >= end)?.[1] ?? 0) });
      at = end;
    }
  }
  return out;
}
