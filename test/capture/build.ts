// Hand-built capture bytes for edge cases that no capture in the corpus holds, and a sink that keeps what it gets.
import { createParser, type FileParser } from '../../src/capture/parser.js';
import type { FrameSink } from '../../src/capture/types.js';

export interface KeptFrame {
  data: Buffer;
  ts: number;
  linkType: number;
  origLen: number;
}

export function keepingSink(): { sink: FrameSink; frames: KeptFrame[] } {
  const frames: KeptFrame[] = [];
  const sink: FrameSink = {
    frame(data, ts, linkType, origLen) {
      frames.push({ data: Buffer.from(data), ts, linkType, origLen });
    },
  };
  return { sink, frames };
}

/** Feeds `bytes` as a reader would, `step` new bytes at a time, offering the unconsumed rest again each time. */
export function parseBytes(bytes: Buffer, step = bytes.length): { parser: FileParser; frames: KeptFrame[] } {
  const { sink, frames } = keepingSink();
  const parser = createParser(bytes, sink);
  if (parser === null) throw new Error('not a capture');
  let consumed = 0;
  let available = 0;
  while (available < bytes.length && !parser.stopped) {
    available = Math.min(bytes.length, available + step);
    consumed += parser.feed(bytes, consumed, available);
  }
  parser.finish(available - consumed, consumed);
  return { parser, frames };
}

function u16(value: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(value);
  else b.writeUInt16BE(value);
  return b;
}

function u32(value: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(value >>> 0);
  else b.writeUInt32BE(value >>> 0);
  return b;
}

function padded(body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  return Buffer.concat([body, Buffer.alloc(pad)]);
}

/** A pcapng block: type, total length, body padded to 4 bytes, total length again. */
export function block(type: number, body: Buffer, le: boolean): Buffer {
  const inner = padded(body);
  const total = inner.length + 12;
  return Buffer.concat([u32(type, le), u32(total, le), inner, u32(total, le)]);
}

export function sectionHeader(le: boolean, major = 1): Buffer {
  const body = Buffer.concat([u32(0x1a2b3c4d, le), u16(major, le), u16(0, le), Buffer.alloc(8, 0xff)]);
  return block(0x0a0d0d0a, body, le);
}

export function option(code: number, value: Buffer, le: boolean): Buffer {
  return Buffer.concat([u16(code, le), u16(value.length, le), padded(value)]);
}

export function interfaceBlock(linkType: number, snapLen: number, le: boolean, options: Buffer[] = []): Buffer {
  const end = options.length > 0 ? [u32(0, le)] : [];
  return block(1, Buffer.concat([u16(linkType, le), u16(0, le), u32(snapLen, le), ...options, ...end]), le);
}

export function enhancedPacket(interfaceId: number, ticks: bigint, data: Buffer, le: boolean, origLen = data.length): Buffer {
  const high = Number(ticks >> 32n);
  const low = Number(ticks & 0xffffffffn);
  return block(
    6,
    Buffer.concat([u32(interfaceId, le), u32(high, le), u32(low, le), u32(data.length, le), u32(origLen, le), data]),
    le,
  );
}

export function obsoletePacket(interfaceId: number, ticks: bigint, data: Buffer, le: boolean): Buffer {
  const high = Number(ticks >> 32n);
  const low = Number(ticks & 0xffffffffn);
  const body = Buffer.concat([
    u16(interfaceId, le),
    u16(0, le),
    u32(high, le),
    u32(low, le),
    u32(data.length, le),
    u32(data.length, le),
    data,
  ]);
  return block(2, body, le);
}

export function simplePacket(origLen: number, data: Buffer, le: boolean): Buffer {
  return block(3, Buffer.concat([u32(origLen, le), data]), le);
}

export function pcapFileHeader(magic: number, le: boolean, linkType: number, snapLen = 65535): Buffer {
  return Buffer.concat([u32(magic, le), u16(2, le), u16(4, le), u32(0, le), u32(0, le), u32(snapLen, le), u32(linkType, le)]);
}

export function pcapRecord(sec: number, frac: number, data: Buffer, le: boolean, modified = false): Buffer {
  const extra = modified ? [Buffer.alloc(8, 0xaa)] : [];
  return Buffer.concat([u32(sec, le), u32(frac, le), u32(data.length, le), u32(data.length + 10, le), ...extra, data]);
}

/** `n` distinguishable bytes: the frame's number, then a count. */
export function payload(tag: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (tag + i) & 0xff;
  return b;
}
