/**
 * Ways to damage a real capture, each aimed at a layer: the file framing (record and block lengths, timestamps,
 * order), the frame headers (link, IP, TCP), the payload, and TLS framing inside the payload (record and handshake
 * lengths). Every mutator works on a copy and says what it did, so a failing case can be read and replayed.
 */
import type { CaptureLayout, CaptureUnit } from './capture-layout.js';
import type { Prng } from './prng.js';

export interface Mutant {
  bytes: Buffer;
  what: string;
}

type Mutator = (rng: Prng, base: Buffer, layout: CaptureLayout) => Mutant;

/** 32-bit values that break length arithmetic: empty, tiny, all ones, sign bit, a random one. */
const HOSTILE_U32 = [0, 1, 3, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffc, 0x10000];
/** 16-bit TLS record lengths around the limits of RFC 8446 §5.1 / RFC 5246 §6.2.3 */
const HOSTILE_RECORD_LENGTH = [0, 1, 2, 4, 0x4000, 0x4001, 0x4800, 0x4801, 0xffff];
/** 24-bit handshake lengths (RFC 8446 §4) */
const HOSTILE_HANDSHAKE_LENGTH = [0, 1, 0xffff, 0x10000, 0xfffffe, 0xffffff];

function packetUnits(layout: CaptureLayout): CaptureUnit[] {
  return layout.units.filter((u) => u.dataLength > 0);
}

function flip(rng: Prng, bytes: Buffer, at: number): void {
  bytes[at] ^= 1 + rng.below(255);
}

function writeU32(bytes: Buffer, at: number, value: number, littleEndian: boolean): void {
  if (at + 4 > bytes.length) return;
  if (littleEndian) bytes.writeUInt32LE(value >>> 0, at);
  else bytes.writeUInt32BE(value >>> 0, at);
}

/** a few bytes of one frame's first 64 (link, IP and TCP headers), flipped */
const flipHeaders: Mutator = (rng, base, layout) => {
  const bytes = Buffer.from(base);
  const units = packetUnits(layout);
  if (units.length === 0) return flipAnywhere(rng, base, layout);
  const unit = rng.pick(units);
  const span = Math.min(64, unit.dataLength);
  const count = 1 + rng.below(4);
  for (let i = 0; i < count; i++) flip(rng, bytes, unit.dataOffset + rng.below(span));
  return { bytes, what: `flip ${count} header byte(s) of the frame at ${unit.offset}` };
};

/** bytes anywhere after the file header flipped: mostly payload */
const flipPayload: Mutator = (rng, base, layout) => {
  const bytes = Buffer.from(base);
  const from = Math.min(base.length, Math.max(layout.headerLength, layout.units[1]?.offset ?? 0));
  const count = 1 + rng.below(16);
  for (let i = 0; i < count && from < base.length; i++) flip(rng, bytes, from + rng.below(base.length - from));
  return { bytes, what: `flip ${count} byte(s) after the headers` };
};

/** any byte, the file's magic included (such a mutant may no longer be a capture at all) */
const flipAnywhere: Mutator = (rng, base) => {
  const bytes = Buffer.from(base);
  const count = 1 + rng.below(8);
  for (let i = 0; i < count; i++) flip(rng, bytes, rng.below(base.length));
  return { bytes, what: `flip ${count} byte(s) anywhere` };
};

const truncate: Mutator = (rng, base) => {
  const at = rng.below(base.length);
  return { bytes: Buffer.from(base.subarray(0, at)), what: `truncate at ${at}` };
};

/** a record / block length, or a captured / original length, set to a hostile value */
const absurdLength: Mutator = (rng, base, layout) => {
  const bytes = Buffer.from(base);
  if (layout.units.length === 0) return truncate(rng, base, layout);
  const unit = rng.pick(layout.units);
  const field = rng.pick(unit.lengthFields);
  const pastEnd = base.length - unit.offset + 1;
  const value = rng.pick([...HOSTILE_U32, pastEnd, unit.length + 1, unit.length - 4, unit.dataLength + 1, rng.nextU32()]);
  writeU32(bytes, field, value, layout.littleEndian);
  return { bytes, what: `length field at ${field} set to ${value >>> 0}` };
};

/** a timestamp set to zero, the far future, or back in time */
const absurdTimestamp: Mutator = (rng, base, layout) => {
  const bytes = Buffer.from(base);
  const units = layout.units.filter((u) => u.tsField >= 0);
  if (units.length === 0) return flipPayload(rng, base, layout);
  const count = 1 + rng.below(3);
  for (let i = 0; i < count; i++) {
    const unit = rng.pick(units);
    writeU32(bytes, unit.tsField, rng.pick([0, 1, 0xffffffff, 0x7fffffff, rng.nextU32()]), layout.littleEndian);
  }
  return { bytes, what: `${count} timestamp(s) made absurd` };
};

/** units copied again (retransmission-like duplicates, or far from the original) */
const duplicate: Mutator = (rng, base, layout) => {
  const units = layout.units.slice(layout.kind === 'pcapng' ? 1 : 0);
  if (units.length === 0) return truncate(rng, base, layout);
  const chosen = rng.pick(units);
  const times = 1 + rng.below(3);
  const insertAt = rng.below(2) === 0 ? chosen.offset + chosen.length : rng.pick(units).offset;
  const copy = base.subarray(chosen.offset, chosen.offset + chosen.length);
  const parts = [base.subarray(0, insertAt), ...Array.from({ length: times }, () => copy), base.subarray(insertAt)];
  return { bytes: Buffer.concat(parts), what: `unit at ${chosen.offset} copied ${times}× at ${insertAt}` };
};

/** a window of up to 8 consecutive units put in a random order: reordering, as a capture on a busy link shows */
const shuffle: Mutator = (rng, base, layout) => {
  const skip = layout.kind === 'pcapng' ? 1 : 0;
  const units = layout.units;
  if (units.length - skip < 2) return duplicate(rng, base, layout);
  const size = 2 + rng.below(Math.min(7, units.length - skip - 1));
  const start = skip + rng.below(units.length - skip - size + 1);
  const window = units.slice(start, start + size);
  for (let i = window.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [window[i], window[j]] = [window[j], window[i]];
  }
  const from = units[start].offset;
  const last = units[start + size - 1];
  const to = last.offset + last.length;
  const parts = [base.subarray(0, from), ...window.map((u) => base.subarray(u.offset, u.offset + u.length)), base.subarray(to)];
  return { bytes: Buffer.concat(parts), what: `${size} units from ${from} shuffled` };
};

/** Offsets of what looks like a TLS record header: content type 20..23, version 3.0..3.4 (RFC 8446 §5.1). */
function tlsHeaderOffsets(buf: Buffer): number[] {
  const found: number[] = [];
  for (let at = buf.indexOf(0x03); at !== -1 && at + 4 < buf.length; at = buf.indexOf(0x03, at + 1)) {
    const type = at > 0 ? buf[at - 1] : 0;
    if (type >= 20 && type <= 23 && buf[at + 1] <= 4) found.push(at - 1);
  }
  return found;
}

/** TLS record length, handshake length or a length inside a hello (bytes after the header) made hostile */
const hostileTlsLengths: Mutator = (rng, base, layout) => {
  const headers = tlsHeaderOffsets(base);
  if (headers.length === 0) return flipPayload(rng, base, layout);
  const bytes = Buffer.from(base);
  const count = 1 + rng.below(3);
  const done: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = rng.pick(headers);
    const kind = rng.below(3);
    if (kind === 0) {
      const actual = base.readUInt16BE(at + 3);
      const value = rng.pick([...HOSTILE_RECORD_LENGTH, actual + 1, Math.max(0, actual - 1)]) & 0xffff;
      bytes.writeUInt16BE(value, at + 3);
      done.push(`record length at ${at} = ${value}`);
    } else if (kind === 1 && at + 9 <= bytes.length) {
      const recordLength = base.readUInt16BE(at + 3);
      const value = rng.pick([...HOSTILE_HANDSHAKE_LENGTH, recordLength - 3, recordLength - 5]) & 0xffffff;
      bytes.writeUIntBE(value, at + 6, 3);
      done.push(`handshake length at ${at} = ${value}`);
    } else {
      // session id, cipher suite, compression, extension and certificate lengths all sit in the next bytes
      const inner = at + 9 + rng.below(120);
      if (inner < bytes.length) bytes[inner] = rng.pick([0x00, 0xff, 0x80, 0x7f, 0x01]);
      done.push(`byte ${inner} inside the record at ${at}`);
    }
  }
  return { bytes, what: `TLS: ${done.join(', ')}` };
};

const MUTATORS: readonly { name: string; mutate: Mutator }[] = [
  { name: 'flip-headers', mutate: flipHeaders },
  { name: 'flip-payload', mutate: flipPayload },
  { name: 'flip-anywhere', mutate: flipAnywhere },
  { name: 'truncate', mutate: truncate },
  { name: 'absurd-length', mutate: absurdLength },
  { name: 'absurd-timestamp', mutate: absurdTimestamp },
  { name: 'duplicate', mutate: duplicate },
  { name: 'shuffle', mutate: shuffle },
  { name: 'tls-lengths', mutate: hostileTlsLengths },
  { name: 'tls-lengths', mutate: hostileTlsLengths },
];

/**
 * One mutant of `base`: usually one mutation, sometimes two or three stacked (damage rarely comes alone).
 * The layout is the base's; after the first mutation a stacked one may aim slightly off, which is fine for a fuzzer.
 */
export function mutate(rng: Prng, base: Buffer, layout: CaptureLayout): Mutant {
  const rounds = rng.below(4) === 0 ? 2 + rng.below(2) : 1;
  let bytes = base;
  const what: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const mutator = rng.pick(MUTATORS);
    const mutant = mutator.mutate(rng, bytes, bytes === base ? layout : relaxed(layout, bytes));
    bytes = mutant.bytes;
    what.push(`${mutator.name}: ${mutant.what}`);
  }
  return { bytes, what: what.join('; ') };
}

/** The base layout with units that no longer fit the mutated bytes left out. */
function relaxed(layout: CaptureLayout, bytes: Buffer): CaptureLayout {
  return { ...layout, units: layout.units.filter((u) => u.offset + u.length <= bytes.length) };
}
