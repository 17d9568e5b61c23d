/**
 * Frames of small TLS conversations, written by the test, for the hostile-input regressions: a timestamp, sequence
 * number or segmentation no real stack would produce is laid on top of an otherwise ordinary handshake. Frames are
 * Ethernet/IPv4/TCP as test/fuzz/synthetic-capture.ts writes them; they can be written out as classic pcap or pcapng
 * with any timestamp resolution.
 */
import { enhancedPacket, interfaceBlock, option, sectionHeader } from '../capture/build.js';
import { ACK, ccsAndFinished, clientHelloRecord, FIN, PcapWriter, PSH, serverHelloRecord, SYN } from '../fuzz/synthetic-capture.js';

export interface Frame {
  ts: number;
  data: Buffer;
}

export const CLIENT = 0x0a000001; // 10.0.0.1
export const SERVER = 0xc0000201; // 192.0.2.1

/** The frames of a classic pcap written by PcapWriter (little-endian, µs, Ethernet). */
export function framesOf(pcap: Buffer): Frame[] {
  const frames: Frame[] = [];
  for (let pos = 24; pos + 16 <= pcap.length; ) {
    const length = pcap.readUInt32LE(pos + 8);
    frames.push({ ts: pcap.readUInt32LE(pos) + pcap.readUInt32LE(pos + 4) / 1e6, data: Buffer.from(pcap.subarray(pos + 16, pos + 16 + length)) });
    pos += 16 + length;
  }
  return frames;
}

export interface HandshakeOptions {
  start?: number;
  clientPort?: number;
  clientIsn?: number;
  serverIsn?: number;
  sni?: string;
  /** the ClientHello record to send instead of the default one */
  hello?: Buffer;
}

/** A complete TLS 1.2 handshake, both Finished, then both FINs: established, with the SNI given. */
export function handshakeFrames(options: HandshakeOptions = {}): Frame[] {
  const writer = new PcapWriter(1 << 16);
  writer.fileHeader();
  const t = options.start ?? 1_700_000_000;
  const port = options.clientPort ?? 40000;
  const hello = options.hello ?? clientHelloRecord(options.sni ?? 'www.example.test');
  const serverHello = serverHelloRecord();
  const finished = ccsAndFinished();
  let c = (options.clientIsn ?? 1000) >>> 0;
  let s = (options.serverIsn ?? 5000) >>> 0;
  writer.tcp(t, CLIENT, port, SERVER, 443, c, 0, SYN);
  writer.tcp(t + 0.001, SERVER, 443, CLIENT, port, s, c + 1, SYN | ACK);
  c = (c + 1) >>> 0;
  s = (s + 1) >>> 0;
  writer.tcp(t + 0.002, CLIENT, port, SERVER, 443, c, s, ACK | PSH, hello);
  c = (c + hello.length) >>> 0;
  writer.tcp(t + 0.003, SERVER, 443, CLIENT, port, s, c, ACK | PSH, serverHello);
  s = (s + serverHello.length) >>> 0;
  writer.tcp(t + 0.004, CLIENT, port, SERVER, 443, c, s, ACK | PSH, finished);
  c = (c + finished.length) >>> 0;
  writer.tcp(t + 0.005, SERVER, 443, CLIENT, port, s, c, ACK | PSH, finished);
  s = (s + finished.length) >>> 0;
  writer.tcp(t + 0.006, CLIENT, port, SERVER, 443, c, s, ACK | FIN);
  writer.tcp(t + 0.007, SERVER, 443, CLIENT, port, s, (c + 1) >>> 0, ACK | FIN);
  return framesOf(writer.take());
}

/** A classic pcap (LE, µs, Ethernet) of `frames`; times are written as whole seconds and microseconds. */
export function toPcap(frames: readonly Frame[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = frames.map((f) => {
    const r = Buffer.alloc(16 + f.data.length);
    const seconds = Math.floor(f.ts);
    r.writeUInt32LE(seconds >>> 0, 0);
    r.writeUInt32LE(Math.round((f.ts - seconds) * 1e6) % 1_000_000, 4);
    r.writeUInt32LE(f.data.length, 8);
    r.writeUInt32LE(f.data.length, 12);
    f.data.copy(r, 16);
    return r;
  });
  return Buffer.concat([header, ...records]);
}

export interface PcapngTime {
  /** the if_tsresol byte (draft-ietf-opsawg-pcapng §4.2); 6 (µs) when absent */
  tsresol?: number;
  /** the if_tsoffset in seconds */
  tsoffset?: bigint;
  /** the 64-bit tick count of frame `index` */
  ticks: (frame: Frame, index: number) => bigint;
}

/** A little-endian pcapng of `frames` on one Ethernet interface whose timestamps `time` decides. */
export function toPcapng(frames: readonly Frame[], time: PcapngTime): Buffer {
  const options: Buffer[] = [];
  if (time.tsresol !== undefined) options.push(option(9, Buffer.from([time.tsresol]), true));
  if (time.tsoffset !== undefined) {
    const offset = Buffer.alloc(8);
    offset.writeBigInt64LE(time.tsoffset);
    options.push(option(14, offset, true));
  }
  return Buffer.concat([
    sectionHeader(true),
    interfaceBlock(1, 65535, true, options),
    ...frames.map((f, i) => enhancedPacket(0, BigInt.asUintN(64, time.ticks(f, i)), f.data, true)),
  ]);
}

/** A TLS 1.2 ClientHello record like clientHelloRecord's, grown to about `size` bytes by a padding extension (RFC 7685). */
export function paddedHelloRecord(sni: string, size: number): Buffer {
  const base = clientHelloRecord(sni);
  // record header 5, handshake header 4; the extensions block length sits at the end of the fixed part
  const padding = Math.max(0, size - base.length - 4);
  const pad = Buffer.alloc(4 + padding);
  pad.writeUInt16BE(21, 0);
  pad.writeUInt16BE(padding, 2);
  const out = Buffer.concat([base, pad]);
  out.writeUInt16BE(out.length - 5, 3); // record length
  out.writeUIntBE(out.length - 9, 6, 3); // handshake length
  // the extensions block: its length field is the 2 bytes before the first extension (server_name, type 0)
  const extensionsStart = 9 + 2 + 32 + 1 + 2 + 4 + 2;
  out.writeUInt16BE(out.length - extensionsStart - 2, extensionsStart);
  return out;
}

/**
 * The frames of handshakeFrames with the ClientHello cut into `pieces` segments sent in the order `order` gives
 * (indexes of the pieces), all before the server answers.
 */
export function scatteredHelloFrames(hello: Buffer, pieces: number, order: (count: number) => number[], options: HandshakeOptions = {}): Frame[] {
  const whole = handshakeFrames({ ...options, hello });
  const writer = new PcapWriter(hello.length * 2 + pieces * 80);
  writer.fileHeader();
  const t = (options.start ?? 1_700_000_000) + 0.002;
  const port = options.clientPort ?? 40000;
  const c = ((options.clientIsn ?? 1000) + 1) >>> 0;
  const s = ((options.serverIsn ?? 5000) + 1) >>> 0;
  const size = Math.ceil(hello.length / pieces);
  for (const [n, i] of order(pieces).entries()) {
    const from = i * size;
    if (from >= hello.length) continue;
    writer.tcp(t + n * 1e-6, CLIENT, port, SERVER, 443, (c + from) >>> 0, s, ACK | PSH, hello.subarray(from, Math.min(hello.length, from + size)));
  }
  const scattered = framesOf(writer.take());
  // SYN, SYN-ACK, then the scattered hello instead of the one segment, then the rest a little later
  return [...whole.slice(0, 2), ...scattered, ...whole.slice(3).map((f) => ({ ...f, ts: f.ts + 0.01 }))];
}
