/**
 * A capture as a list of frames that know where their IP and TCP headers are, so mutations can speak TCP and TLS:
 * shift a direction's sequence numbers to just below 2^31 or 2^32, split, duplicate, reverse and coalesce segments,
 * re-frame TLS records, splice flows and payloads from another capture, set IP/TCP/TLS length fields to boundary
 * values and timestamps to every extreme; then write the frames out again as classic pcap or as pcapng with
 * timestamp-resolution, offset and section tricks. Test-only: frames it cannot place (tunnels, fragments, other
 * protocols) are carried along untouched.
 */
import { createParser } from '../../src/capture/parser.js';
import type { FrameSink } from '../../src/capture/types.js';
import { decodeFrame } from '../../src/decode/frame.js';
import { newTcpSegment } from '../../src/decode/segment.js';
import type { Prng } from './prng.js';

export interface Frame {
  ts: number;
  linkType: number;
  data: Buffer;
  /** where the headers are; null for a frame the mutators leave alone */
  at: TcpPlace | null;
}

export interface TcpPlace {
  ipVersion: 4 | 6;
  ip: number;
  tcp: number;
  payload: number;
  /** end of the TCP payload inside `data` (a link trailer may follow) */
  end: number;
  /** 'src:port>dst:port' of this direction, and of the other */
  dir: string;
  back: string;
}

const segment = newTcpSegment();

function endpointText(buf: Buffer, offset: number, length: number, port: number): string {
  return `${buf.subarray(offset, offset + length).toString('hex')}:${port}`;
}

/** Finds the IP and TCP headers of a plain (untunnelled, unfragmented) TCP frame, or null. */
export function place(linkType: number, data: Buffer): TcpPlace | null {
  if (decodeFrame(linkType, data, segment) !== 'tcp' || segment.tunnel !== '' || segment.fragment || segment.buf !== data) return null;
  const payload = segment.payloadStart;
  for (let tcp = payload - 20; tcp >= Math.max(0, payload - 60); tcp -= 4) {
    if (tcp + 20 > data.length) continue;
    if (data.readUInt16BE(tcp) !== segment.srcPort || data.readUInt16BE(tcp + 2) !== segment.dstPort) continue;
    if (data.readUInt32BE(tcp + 4) !== segment.seq || (data[tcp + 12] >> 4) * 4 !== payload - tcp) continue;
    let ip = -1;
    let ipVersion: 4 | 6 = 4;
    for (let at = tcp - 20; at >= Math.max(0, tcp - 60); at -= 4) {
      if (data[at] >> 4 === 4 && (data[at] & 15) * 4 === tcp - at && data[at + 9] === 6) {
        ip = at;
        break;
      }
    }
    if (ip < 0 && tcp >= 40 && data[tcp - 40] >> 4 === 6 && data[tcp - 40 + 6] === 6) {
      ip = tcp - 40;
      ipVersion = 6;
    }
    if (ip < 0) return null;
    const src = endpointText(data, segment.srcAddrOffset, segment.addrLength, segment.srcPort);
    const dst = endpointText(data, segment.dstAddrOffset, segment.addrLength, segment.dstPort);
    return { ipVersion, ip, tcp, payload, end: segment.payloadEnd, dir: `${src}>${dst}`, back: `${dst}>${src}` };
  }
  return null;
}

/** The frames of a capture (as the project's parser reads them), each placed. */
export function framesOf(capture: Buffer): Frame[] {
  const frames: Frame[] = [];
  const sink: FrameSink = {
    frame(data, ts, linkType) {
      const copy = Buffer.from(data);
      frames.push({ ts, linkType, data: copy, at: place(linkType, copy) });
    },
  };
  const parser = createParser(capture, sink);
  if (parser === null) return frames;
  const used = parser.feed(capture, 0, capture.length);
  parser.finish(capture.length - used, used);
  return frames;
}

const seqOf = (f: Frame) => f.data.readUInt32BE(f.at!.tcp + 4);
const flagsOf = (f: Frame) => f.data[f.at!.tcp + 13];
const payloadOf = (f: Frame) => f.data.subarray(f.at!.payload, f.at!.end);
const ACK = 0x10;

function setSeq(f: Frame, seq: number): void {
  f.data.writeUInt32BE(seq >>> 0, f.at!.tcp + 4);
}

/** A copy of `f` carrying `payload` at sequence number `seq`, its IP length fields fixed, any link trailer dropped. */
export function withPayload(f: Frame, payload: Buffer, seq = seqOf(f)): Frame {
  const at = f.at!;
  const data = Buffer.concat([f.data.subarray(0, at.payload), payload]);
  if (at.ipVersion === 4) data.writeUInt16BE(Math.min(0xffff, at.payload - at.ip + payload.length), at.ip + 2);
  else data.writeUInt16BE(Math.min(0xffff, at.payload - at.ip - 40 + payload.length), at.ip + 4);
  data.writeUInt32BE(seq >>> 0, at.tcp + 4);
  return { ...f, data, at: { ...at, end: data.length } };
}

function copyFrame(f: Frame): Frame {
  return { ...f, data: Buffer.from(f.data), at: f.at === null ? null : { ...f.at } };
}

export interface Structured {
  frames: Frame[];
  what: string;
}

type StructuredMutator = (rng: Prng, frames: Frame[], donors: readonly Frame[][]) => Structured | null;

const dataFrames = (frames: Frame[]) => frames.map((f, i) => [f, i] as const).filter(([f]) => f.at !== null && f.at.end > f.at.payload);
const placed = (frames: Frame[]) => frames.filter((f) => f.at !== null);

/** One direction's sequence numbers moved so that its first one sits just below 2^32 or 2^31 (the peer's ACKs follow). */
const seqNearWrap: StructuredMutator = (rng, frames) => {
  const tcp = placed(frames);
  if (tcp.length === 0) return null;
  const dir = rng.pick(tcp).at!.dir;
  const first = tcp.find((f) => f.at!.dir === dir)!;
  const target = rng.pick([2 ** 32 - 1, 2 ** 32 - 1 - rng.below(3000), 2 ** 31 - 1 - rng.below(3000), 2 ** 31, 2 ** 31 + 1, 0]);
  const delta = (target - seqOf(first)) >>> 0;
  const out = frames.map(copyFrame);
  for (const f of out) {
    if (f.at === null) continue;
    if (f.at.dir === dir) setSeq(f, seqOf(f) + delta);
    else if (f.at.back === dir && flagsOf(f) & ACK) f.data.writeUInt32BE((f.data.readUInt32BE(f.at.tcp + 8) + delta) >>> 0, f.at.tcp + 8);
  }
  return { frames: out, what: `sequence numbers of one direction moved to start at ${target}` };
};

/**
 * A copy of a data segment half the sequence circle (2^31, or one off, or 2^32 - 1) away from where the stream expects
 * its next byte: placed just before the segment (so the copy starts exactly that far from the next byte), and now and
 * then with the following segment of its direction moved ahead of both, so bytes wait in the buffer meanwhile.
 */
const halfCircleCopy: StructuredMutator = (rng, frames) => {
  const data = dataFrames(frames);
  if (data.length === 0) return null;
  const [f, i] = rng.pick(data);
  const away = rng.pick([2 ** 31, 2 ** 31, 2 ** 31 - 1, 2 ** 31 + 1, 2 ** 32 - 1]);
  const copy = withPayload(f, Buffer.from(payloadOf(f)), seqOf(f) + away);
  const out = [...frames];
  const later = data.find(([g, j]) => j > i && g.at!.dir === f.at!.dir);
  if (later !== undefined && rng.below(2) === 0) {
    const [g, j] = later;
    out.splice(j, 1);
    out.splice(i, 0, g, copy);
    return { frames: out, what: `segment ${i} copied ${away} away, after its follower ${j} (buffered)` };
  }
  out.splice(i, 0, copy);
  return { frames: out, what: `segment ${i} copied ${away} sequence numbers away, just before it` };
};

/** A data segment cut into 2..64 segments, sent in order, reversed or shuffled. */
const split: StructuredMutator = (rng, frames) => {
  const data = dataFrames(frames).filter(([f]) => f.at!.end - f.at!.payload >= 2);
  if (data.length === 0) return null;
  const [f, i] = rng.pick(data);
  const payload = payloadOf(f);
  const count = Math.min(payload.length, 2 + rng.below(rng.below(4) === 0 ? 63 : 7));
  const size = Math.ceil(payload.length / count);
  const pieces: Frame[] = [];
  for (let from = 0; from < payload.length; from += size) pieces.push(withPayload(f, Buffer.from(payload.subarray(from, from + size)), seqOf(f) + from));
  const order = rng.pick(['in order', 'reversed', 'shuffled']);
  if (order === 'reversed') pieces.reverse();
  if (order === 'shuffled') rng.shuffle(pieces);
  const out = [...frames];
  out.splice(i, 1, ...pieces);
  return { frames: out, what: `segment ${i} split in ${pieces.length}, ${order}` };
};

/** 1..3 data segments sent again later (retransmissions), some with other bytes in them. */
const duplicateSegments: StructuredMutator = (rng, frames) => {
  const data = dataFrames(frames);
  if (data.length === 0) return null;
  const out = [...frames];
  const count = 1 + rng.below(3);
  for (let n = 0; n < count; n++) {
    const [f, i] = rng.pick(data);
    let copy = copyFrame(f);
    if (rng.below(3) === 0) {
      const changed = Buffer.from(payloadOf(f));
      changed[rng.below(changed.length)] ^= 0xff;
      copy = withPayload(f, changed);
    }
    out.splice(Math.min(out.length, i + 1 + rng.below(6)), 0, copy);
  }
  return { frames: out, what: `${count} segment(s) duplicated` };
};

/** A run of 2..12 consecutive frames put in reverse order. */
const reverseRun: StructuredMutator = (rng, frames) => {
  if (frames.length < 2) return null;
  const size = 2 + rng.below(Math.min(11, frames.length - 1));
  const start = rng.below(frames.length - size + 1);
  const out = [...frames];
  const run = out.slice(start, start + size).reverse();
  out.splice(start, size, ...run);
  return { frames: out, what: `${size} frames from ${start} reversed` };
};

/** Two back-to-back data segments of one direction merged into one. */
const coalesce: StructuredMutator = (rng, frames) => {
  const pairs: number[] = [];
  for (let i = 0; i + 1 < frames.length; i++) {
    const a = frames[i];
    const b = frames[i + 1];
    if (a.at && b.at && a.at.dir === b.at.dir && a.at.end > a.at.payload && ((seqOf(a) + a.at.end - a.at.payload) >>> 0) === seqOf(b)) pairs.push(i);
  }
  if (pairs.length === 0) return null;
  const i = rng.pick(pairs);
  const merged = withPayload(frames[i], Buffer.concat([payloadOf(frames[i]), payloadOf(frames[i + 1])]));
  const out = [...frames];
  out.splice(i, 2, merged);
  return { frames: out, what: `segments ${i} and ${i + 1} coalesced` };
};

/** Offsets of TLS record headers at the start of and inside a payload (type 20..24, version 3.x). */
function recordStarts(payload: Buffer): number[] {
  const starts: number[] = [];
  let at = 0;
  while (at + 5 <= payload.length && payload[at] >= 20 && payload[at] <= 24 && payload[at + 1] === 3) {
    starts.push(at);
    at += 5 + payload.readUInt16BE(at + 3);
  }
  return starts;
}

/** A segment cut at a TLS record boundary, or inside a record header (the 5 bytes split across segments). */
const reframeRecords: StructuredMutator = (rng, frames) => {
  const candidates = dataFrames(frames).filter(([f]) => recordStarts(payloadOf(f)).length > 0);
  if (candidates.length === 0) return null;
  const [f, i] = rng.pick(candidates);
  const payload = payloadOf(f);
  const starts = recordStarts(payload);
  const boundary = rng.pick(starts) + rng.pick([0, 1, 2, 3, 4, 5]);
  if (boundary <= 0 || boundary >= payload.length) return null;
  const a = withPayload(f, Buffer.from(payload.subarray(0, boundary)));
  const b = withPayload(f, Buffer.from(payload.subarray(boundary)), seqOf(f) + boundary);
  const out = [...frames];
  out.splice(i, 1, ...(rng.below(2) === 0 ? [a, b] : [b, a]));
  return { frames: out, what: `segment ${i} re-framed at byte ${boundary} of its records` };
};

/** A record length, handshake length or hello-internal length at the start of a payload set to a boundary value. */
const tlsLengthBoundary: StructuredMutator = (rng, frames) => {
  const candidates = dataFrames(frames).filter(([f]) => recordStarts(payloadOf(f)).length > 0);
  if (candidates.length === 0) return null;
  const [f, i] = rng.pick(candidates);
  const payload = Buffer.from(payloadOf(f));
  const at = rng.pick(recordStarts(payload));
  const actual = payload.readUInt16BE(at + 3);
  const kind = rng.below(3);
  let what: string;
  if (kind === 0 || at + 9 > payload.length) {
    const value = rng.pick([0, 1, 4, 0x4000, 0x4001, 0x4800, 0x4801, 0xffff, actual + 1, Math.max(0, actual - 1)]) & 0xffff;
    payload.writeUInt16BE(value, at + 3);
    what = `record length ${value}`;
  } else if (kind === 1) {
    const hs = payload.readUIntBE(at + 6, 3);
    const value = rng.pick([0, 1, 0xffffff, 0xfffffe, 0x10000, hs + 1, Math.max(0, hs - 1), actual - 4, actual - 3]) & 0xffffff;
    payload.writeUIntBE(value, at + 6, 3);
    what = `handshake length ${value}`;
  } else {
    // inside a hello: version, random, session id length, suite / extension list lengths
    const inner = at + 9 + rng.pick([2 + 32, 2 + 32 + 1, 2 + 32 + 2, rng.below(160)]);
    if (inner + 1 < payload.length) payload.writeUInt16BE(rng.pick([0, 1, 0xffff, 0x8000, 0x00ff]), inner);
    what = `two bytes at ${inner} inside a record`;
  }
  const out = [...frames];
  out[i] = withPayload(f, payload);
  return { frames: out, what: `segment ${i}: ${what}` };
};

/** The IPv4 total length / IPv6 payload length or the TCP data offset set to a boundary value. */
const ipTcpLengths: StructuredMutator = (rng, frames) => {
  const tcp = frames.map((f, i) => [f, i] as const).filter(([f]) => f.at !== null);
  if (tcp.length === 0) return null;
  const [f, i] = rng.pick(tcp);
  const copy = copyFrame(f);
  const at = copy.at!;
  let what: string;
  if (rng.below(2) === 0) {
    const field = at.ipVersion === 4 ? at.ip + 2 : at.ip + 4;
    const actual = copy.data.readUInt16BE(field);
    const value = rng.pick([0, 1, 19, 20, 40, 0xffff, actual + 1, Math.max(0, actual - 1)]);
    copy.data.writeUInt16BE(value, field);
    what = `IP length ${value}`;
  } else {
    const value = rng.pick([0, 1, 4, 5, 15]);
    copy.data[at.tcp + 12] = (value << 4) | (copy.data[at.tcp + 12] & 0x0f);
    what = `TCP data offset ${value}`;
  }
  const out = [...frames];
  out[i] = copy;
  return { frames: out, what: `frame ${i}: ${what}` };
};

/** Timestamps at the extremes: all zero, one or many far in the future or past, running backwards, all equal. */
const timestamps: StructuredMutator = (rng, frames) => {
  if (frames.length === 0) return null;
  const extremes = [0, 1e-9, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + 0.5, 2 ** 53, 1e17, 253_402_300_799, 253_402_300_800, 8.64e12 + 1, -1, -1e10];
  const out = frames.map((f) => ({ ...f }));
  const mode = rng.below(5);
  if (mode === 0) {
    const value = rng.pick(extremes);
    for (const f of out) f.ts = value;
    return { frames: out, what: `every timestamp ${value}` };
  }
  if (mode === 1) {
    const count = 1 + rng.below(3);
    for (let n = 0; n < count; n++) out[rng.below(out.length)].ts = rng.pick(extremes);
    return { frames: out, what: `${count} timestamp(s) at an extreme` };
  }
  if (mode === 2) {
    const times = out.map((f) => f.ts).reverse();
    out.forEach((f, i) => (f.ts = times[i]));
    return { frames: out, what: 'time running backwards' };
  }
  if (mode === 3) {
    const step = rng.pick([-3600, -1, -1e-6, 1e6, 1e9]);
    out.forEach((f, i) => (f.ts = f.ts + step * i));
    return { frames: out, what: `times spread by ${step} s per frame` };
  }
  const jump = rng.below(out.length);
  const by = rng.pick([-1e9, -86400, 86400 * 365 * 100, 1e12]);
  for (let i = jump; i < out.length; i++) out[i].ts += by;
  return { frames: out, what: `time jumps by ${by} s at frame ${jump}` };
};

/** The frames of one flow of another capture, moved into this capture's time span and interleaved. */
const spliceFlow: StructuredMutator = (rng, frames, donors) => {
  const donor = rng.pick(donors);
  const flows = [...new Set(donor.filter((f) => f.at !== null).map((f) => [f.at!.dir, f.at!.back].sort().join('|')))];
  if (flows.length === 0 || frames.length === 0) return null;
  const flow = rng.pick(flows);
  const taken = donor.filter((f) => f.at !== null && [f.at.dir, f.at.back].sort().join('|') === flow).map(copyFrame);
  const shift = frames[rng.below(frames.length)].ts - taken[0].ts;
  const out = [...frames];
  for (const f of taken) {
    f.ts += shift;
    out.splice(rng.below(out.length + 1), 0, f);
  }
  return { frames: out, what: `a flow of ${taken.length} frames from another capture spliced in` };
};

/** A data segment's payload replaced by a payload (TLS records) from another capture. */
const splicePayload: StructuredMutator = (rng, frames, donors) => {
  const data = dataFrames(frames);
  const donorData = dataFrames(rng.pick(donors));
  if (data.length === 0 || donorData.length === 0) return null;
  const [f, i] = rng.pick(data);
  const [g] = rng.pick(donorData);
  const out = [...frames];
  out[i] = withPayload(f, Buffer.from(payloadOf(g)));
  return { frames: out, what: `segment ${i} carries a payload of another capture` };
};

export const STRUCTURED_MUTATORS: readonly { name: string; mutate: StructuredMutator }[] = [
  { name: 'seq-near-wrap', mutate: seqNearWrap },
  { name: 'seq-half-circle', mutate: halfCircleCopy },
  { name: 'split', mutate: split },
  { name: 'duplicate-segments', mutate: duplicateSegments },
  { name: 'reverse-run', mutate: reverseRun },
  { name: 'coalesce', mutate: coalesce },
  { name: 'reframe-records', mutate: reframeRecords },
  { name: 'tls-length-boundary', mutate: tlsLengthBoundary },
  { name: 'ip-tcp-lengths', mutate: ipTcpLengths },
  { name: 'timestamps', mutate: timestamps },
  { name: 'splice-flow', mutate: spliceFlow },
  { name: 'splice-payload', mutate: splicePayload },
];

// ---- writing frames out ---------------------------------------------------------------------------------------

function u16(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v & 0xffff);
  else b.writeUInt16BE(v & 0xffff);
  return b;
}

function u32(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
}

function block(type: number, body: Buffer, le: boolean): Buffer {
  const inner = pad4(body);
  return Buffer.concat([u32(type, le), u32(inner.length + 12, le), inner, u32(inner.length + 12, le)]);
}

/** Classic pcap (pcap-savefile(5)): µs or ns, either byte order; seconds wrap to 32 bits, as the format does. */
function writePcap(frames: readonly Frame[], linkType: number, le: boolean, nano: boolean): Buffer {
  const parts = [u32(nano ? 0xa1b23c4d : 0xa1b2c3d4, le), u16(2, le), u16(4, le), u32(0, le), u32(0, le), u32(65535, le), u32(linkType, le)];
  for (const f of frames) {
    const ts = Number.isFinite(f.ts) ? f.ts : 0;
    const seconds = Math.floor(ts);
    const frac = Math.min(nano ? 999_999_999 : 999_999, Math.max(0, Math.round((ts - seconds) * (nano ? 1e9 : 1e6))));
    parts.push(u32(seconds, le), u32(frac, le), u32(f.data.length, le), u32(f.data.length, le), f.data);
  }
  return Buffer.concat(parts);
}

/** pcapng ticks for `ts` at `units` per second after `offset` seconds: 64-bit, wrapping (a negative time wraps too). */
function ticksOf(ts: number, units: number, offset: number): bigint {
  const value = (ts - offset) * units;
  if (!Number.isFinite(value)) return 0n;
  return BigInt.asUintN(64, BigInt(Math.trunc(Math.max(-1.8e19, Math.min(1.8e19, value)))));
}

const RESOLUTIONS: readonly [code: number, units: number][] = [
  [6, 1e6],
  [9, 1e9],
  [3, 1e3],
  [0, 1],
  [0x80 | 20, 2 ** 20],
  [0x80 | 0, 1],
  [0x80 | 63, 2 ** 63],
  [19, 1e6], // unusable (finer than a double counts): the reader assumes µs
  [0x80 | 64, 1e6], // unusable too
];

/**
 * pcapng (draft-ietf-opsawg-pcapng): frames spread over 1..3 sections, each in either byte order with its own
 * interfaces (one per link type) at a random if_tsresol and if_tsoffset; now and then a Simple Packet Block, an
 * unknown block, a packet on an interface the section never described, or a last section of major version 2.
 */
function writePcapng(rng: Prng, frames: readonly Frame[]): { bytes: Buffer; what: string } {
  const parts: Buffer[] = [];
  const tricks: string[] = [];
  const sections = 1 + (rng.below(3) === 0 ? 1 + rng.below(2) : 0);
  const perSection = Math.ceil(frames.length / sections) || 1;
  for (let s = 0; s < sections; s++) {
    const le = rng.below(3) !== 0;
    parts.push(block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), Buffer.alloc(8, 0xff)]), le));
    const chunk = frames.slice(s * perSection, (s + 1) * perSection);
    const interfaces = new Map<number, { id: number; units: number; offset: number }>();
    for (const f of chunk) {
      if (interfaces.has(f.linkType)) continue;
      const [code, units] = rng.below(2) === 0 ? RESOLUTIONS[0] : rng.pick(RESOLUTIONS);
      const offset = rng.below(4) === 0 ? rng.pick([2 ** 31, -(2 ** 31), 2 ** 40, -(2 ** 40), 1_700_000_000]) : 0;
      const options: Buffer[] = [u16(9, le), u16(1, le), Buffer.from([code, 0, 0, 0])];
      if (offset !== 0) {
        const value = Buffer.alloc(8);
        if (le) value.writeBigInt64LE(BigInt(offset));
        else value.writeBigInt64BE(BigInt(offset));
        options.push(u16(14, le), u16(8, le), value);
      }
      options.push(u32(0, le));
      parts.push(block(1, Buffer.concat([u16(f.linkType, le), u16(0, le), u32(0, le), ...options]), le));
      interfaces.set(f.linkType, { id: interfaces.size, units, offset });
      if (code !== 6 || offset !== 0) tricks.push(`if_tsresol 0x${code.toString(16)}${offset ? ` offset ${offset}` : ''}`);
    }
    for (const f of chunk) {
      const iface = interfaces.get(f.linkType)!;
      const roll = rng.below(40);
      if (roll === 0) {
        parts.push(block(3, Buffer.concat([u32(f.data.length, le), f.data]), le));
        tricks.push('simple packet block');
        continue;
      }
      if (roll === 1) {
        parts.push(block(0x0badcafe, Buffer.alloc(8, 7), le));
        tricks.push('unknown block');
      }
      const id = roll === 2 ? interfaces.size + 3 : iface.id;
      if (roll === 2) tricks.push('packet on an undescribed interface');
      const ticks = ticksOf(f.ts, iface.units, iface.offset);
      const high = Number(ticks >> 32n);
      const low = Number(ticks & 0xffffffffn);
      parts.push(block(6, Buffer.concat([u32(id, le), u32(high, le), u32(low, le), u32(f.data.length, le), u32(f.data.length, le), f.data]), le));
    }
  }
  if (rng.below(20) === 0) {
    parts.push(block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d, true), u16(2, true), u16(0, true), Buffer.alloc(8, 0xff)]), true));
    tricks.push('a last section of major version 2');
  }
  return { bytes: Buffer.concat(parts), what: `pcapng, ${sections} section(s)${tricks.length ? `: ${[...new Set(tricks)].join(', ')}` : ''}` };
}

/** The frames as a capture file: classic pcap when they share one link type (half of the time), else pcapng. */
export function writeFrames(rng: Prng, frames: readonly Frame[]): { bytes: Buffer; what: string } {
  const linkTypes = new Set(frames.map((f) => f.linkType));
  if (linkTypes.size === 1 && rng.below(2) === 0) {
    const le = rng.below(3) !== 0;
    const nano = rng.below(4) === 0;
    return { bytes: writePcap(frames, [...linkTypes][0], le, nano), what: `pcap ${le ? 'LE' : 'BE'} ${nano ? 'ns' : 'µs'}` };
  }
  return writePcapng(rng, frames);
}
