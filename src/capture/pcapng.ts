import { readI32, readU16, readU32 } from './bytes.js';
import { addNote } from './notes.js';
import type { FileParser } from './parser.js';
import { clampCaptureTime, isCaptureTime } from '../model/time.js';
import { ticksToSeconds, unitsPerSecond } from './pcapng-time.js';
import type { CaptureFormat, CaptureNote, FrameSink } from './types.js';

/**
 * Largest block we accept. Wireshark caps pcapng blocks near 16 MiB; beyond that the length field is garbage, and the
 * reader must never size a buffer from it.
 */
export const PCAPNG_MAX_BLOCK = 16 * 1024 * 1024 + 4096;

const SECTION_HEADER = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION = 0x00000001;
const OBSOLETE_PACKET = 0x00000002;
const SIMPLE_PACKET = 0x00000003;
const ENHANCED_PACKET = 0x00000006;
const DECRYPTION_SECRETS = 0x0000000a;
/** Decryption Secrets Block secrets type for TLS: NSS key log text ('TLSK') */
const SECRETS_TLS_KEYLOG = 0x544c534b;

/** The byte-order magic of a Section Header Block, read big-endian. */
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Blocks that carry no frames, by type (IANA-style registry in draft-ietf-opsawg-pcapng §11.1). */
interface SkippedBlockKind {
  name: string;
  /** worth a note: something the user may expect us to use */
  noteworthy: boolean;
}

const SKIPPED_BLOCKS: ReadonlyMap<number, SkippedBlockKind> = new Map([
  [0x00000004, { name: 'Name Resolution Block', noteworthy: false }],
  [0x00000005, { name: 'Interface Statistics Block', noteworthy: false }],
  [0x00000009, { name: 'systemd Journal Export Block', noteworthy: true }],
  [0x0000000a, { name: 'Decryption Secrets Block of a kind other than TLS key log', noteworthy: true }],
  [0x00000bad, { name: 'Custom Block', noteworthy: false }],
  [0x40000bad, { name: 'Custom Block', noteworthy: false }],
]);

/**
 * pcapng reader (draft-ietf-opsawg-pcapng). Every block has the same frame, in its section's byte order:
 * ```
 *  0 block type   4 block total length   8 body ...   (total - 4) block total length again
 * ```
 * Section Header Block (type 0x0A0D0D0A, the same in both orders):
 * ```
 *  8 byte-order magic 0x1A2B3C4D   12 major(2) minor(2)   16 section length (8)   24 options
 * ```
 * Each section starts its own list of interfaces (and may switch byte order). Interface Description Block (type 1):
 * ```
 *  8 link type(2) reserved(2)   12 snaplen   16 options: if_tsresol (9), if_tsoffset (14), ...
 * ```
 * Enhanced Packet Block (type 6) and the obsolete Packet Block (type 2, interface id 16 bits + drops count 16 bits):
 * ```
 *  8 interface id   12 timestamp high   16 timestamp low   20 captured length   24 original length   28 data, padded
 * ```
 * Simple Packet Block (type 3): `8 original length  12 data` — interface 0, no timestamp, captured length =
 * min(original length, snaplen, room in the block).
 *
 * A length that is too small, not a multiple of 4, absurd (> PCAPNG_MAX_BLOCK) or different from its trailing copy
 * is corrupt: noted, and reading stops (the next block cannot be located). A packet block that contradicts itself
 * inside sane framing (captured length past the block, unknown interface) is noted and skipped.
 */
export class PcapngParser implements FileParser {
  readonly format: CaptureFormat = 'pcapng';
  readonly notes: CaptureNote[] = [];
  frames = 0;
  stopped = false;

  private littleEndian = true;
  private inSection = false;

  get headerComplete(): boolean {
    return this.inSection;
  }
  /** interfaces of the current section, by id: parallel arrays so a packet costs no object lookup */
  private readonly ifLinkType: number[] = [];
  private readonly ifSnapLength: number[] = [];
  private readonly ifUnitsPerSecond: number[] = [];
  private readonly ifOffsetSeconds: number[] = [];
  /** Simple Packet Blocks have no timestamp: they get the previous packet's */
  private lastTs = 0;
  private readonly notedBlockTypes = new Set<number>();
  private notedTimelessPackets = false;
  /** packets whose time was outside the capture-time range and was clamped into it */
  private clampedTimes = 0;
  private position = 0;

  constructor(private readonly sink: FrameSink) {}

  /** Hands one frame to the sink, as offsets when the sink takes them (no view per frame). */
  private emit(buf: Buffer, start: number, end: number, ts: number, linkType: number, origLen: number): void {
    if (this.sink.frameAt !== undefined) this.sink.frameAt(buf, start, end, ts, linkType, origLen);
    else this.sink.frame(buf.subarray(start, end), ts, linkType, origLen);
  }

  feed(buf: Buffer, start: number, end: number): number {
    if (this.stopped) return 0;
    let pos = start;
    while (end - pos >= 12) {
      const type = readU32(buf, pos, this.littleEndian);
      if (type === SECTION_HEADER) {
        if (!this.takeByteOrder(buf, pos, start)) break;
      } else if (!this.inSection) {
        this.stopCorrupt(pos, start, `block of type 0x${type.toString(16)} before any Section Header Block`);
        break;
      }
      const le = this.littleEndian;
      const totalLength = readU32(buf, pos + 4, le);
      if (totalLength < 12 || totalLength % 4 !== 0 || totalLength > PCAPNG_MAX_BLOCK) {
        this.stopCorrupt(pos, start, `block at byte ${this.position + pos - start} has an impossible length ${totalLength}`);
        break;
      }
      if (end - pos < totalLength) break;
      if (readU32(buf, pos + totalLength - 4, le) !== totalLength) {
        this.stopCorrupt(
          pos,
          start,
          `block at byte ${this.position + pos - start}: trailing length ${readU32(buf, pos + totalLength - 4, le)} ` +
            `differs from leading length ${totalLength}`,
        );
        break;
      }

      if (type === ENHANCED_PACKET) this.readPacket(buf, pos, totalLength, readU32(buf, pos + 8, le), start);
      else if (type === SIMPLE_PACKET) this.readSimplePacket(buf, pos, totalLength, start);
      else if (type === INTERFACE_DESCRIPTION) this.readInterface(buf, pos, totalLength, start);
      else if (type === SECTION_HEADER) this.readSectionHeader(buf, pos, totalLength, start);
      else if (type === OBSOLETE_PACKET) this.readPacket(buf, pos, totalLength, readU16(buf, pos + 8, le), start);
      else if (type === DECRYPTION_SECRETS) this.readSecrets(buf, pos, totalLength, start);
      else this.skipBlock(type, pos, start);
      if (this.stopped) break;
      pos += totalLength;
      if (this.sink.paused === true) break;
    }
    this.position += pos - start;
    return pos - start;
  }

  /**
   * 64 bits of ticks at a coarse if_tsresol (or a large if_tsoffset) reach far past any calendar (2^64 s at
   * resolution 0): such a time is moved to the nearest end of the capture-time range (src/model/time.ts), so the
   * packet and its connection are kept, and the first one is noted with what the file said.
   */
  private clampTime(ts: number, pos: number, start: number): number {
    this.clampedTimes++;
    if (this.clampedTimes === 1) {
      addNote(
        this.notes,
        'format',
        `packet ${this.frames + 1} is stamped ${ts} s since 1970, outside 1970–9999: such times are clamped to that range`,
        this.offsetOf(pos, start),
      );
    }
    return clampCaptureTime(ts);
  }

  finish(leftover: number, offset: number): void {
    if (this.clampedTimes > 1) {
      addNote(this.notes, 'format', `${this.clampedTimes} packets had times outside 1970–9999 and were clamped`, this.position);
    }
    if (this.stopped || leftover <= 0) return;
    addNote(this.notes, 'truncated', `file ends ${leftover} bytes into a block that starts at byte ${offset}`, offset);
  }

  /** Reads the byte-order magic of a Section Header Block; false (and stopped) when it is neither order. */
  private takeByteOrder(buf: Buffer, pos: number, start: number): boolean {
    const magic = buf.readUInt32BE(pos + 8);
    if (magic === BYTE_ORDER_MAGIC) this.littleEndian = false;
    else if (magic === BYTE_ORDER_MAGIC_SWAPPED) this.littleEndian = true;
    else {
      this.stopCorrupt(pos, start, `Section Header Block with a bad byte-order magic 0x${magic.toString(16)}`);
      return false;
    }
    return true;
  }

  private readSectionHeader(buf: Buffer, pos: number, totalLength: number, start: number): void {
    if (totalLength < 28) {
      this.stopCorrupt(pos, start, `Section Header Block of ${totalLength} bytes (at least 28 expected)`);
      return;
    }
    const major = readU16(buf, pos + 12, this.littleEndian);
    if (major !== 1) {
      // A new major version may change any block's layout: reading on would produce garbage frames.
      addNote(this.notes, 'format', `pcapng section version ${major} is not supported; stopped there`, this.offsetOf(pos, start));
      this.stopped = true;
      return;
    }
    this.inSection = true;
    this.ifLinkType.length = 0;
    this.ifSnapLength.length = 0;
    this.ifUnitsPerSecond.length = 0;
    this.ifOffsetSeconds.length = 0;
  }

  private readInterface(buf: Buffer, pos: number, totalLength: number, start: number): void {
    const le = this.littleEndian;
    if (totalLength < 20) {
      this.stopCorrupt(pos, start, `Interface Description Block of ${totalLength} bytes (at least 20 expected)`);
      return;
    }
    let resolutionCode = 6;
    let offsetSeconds = 0;
    const optionsEnd = pos + totalLength - 4;
    let opt = pos + 16;
    while (optionsEnd - opt >= 4) {
      const code = readU16(buf, opt, le);
      const length = readU16(buf, opt + 2, le);
      if (code === OPT_END) break;
      const value = opt + 4;
      if (length > optionsEnd - value) {
        addNote(this.notes, 'format', `interface options run past their block; the rest are ignored`, this.offsetOf(opt, start));
        break;
      }
      if (code === OPT_IF_TSRESOL && length >= 1) resolutionCode = buf[value];
      else if (code === OPT_IF_TSOFFSET && length >= 8) {
        const high = readI32(buf, le ? value + 4 : value, le);
        const low = readU32(buf, le ? value : value + 4, le);
        offsetSeconds = high * 4294967296 + low;
      }
      opt = value + ((length + 3) & ~3);
    }

    let units = unitsPerSecond(resolutionCode);
    if (units === 0) {
      addNote(
        this.notes,
        'format',
        `interface ${this.ifLinkType.length}: unusable if_tsresol 0x${resolutionCode.toString(16)}; microseconds assumed`,
        this.offsetOf(pos, start),
      );
      units = 1e6;
    }
    this.ifLinkType.push(readU16(buf, pos + 8, le));
    this.ifSnapLength.push(readU32(buf, pos + 12, le));
    this.ifUnitsPerSecond.push(units);
    this.ifOffsetSeconds.push(offsetSeconds);
  }

  /** Enhanced Packet Block or obsolete Packet Block: same layout from offset 12 on. */
  private readPacket(buf: Buffer, pos: number, totalLength: number, interfaceId: number, start: number): void {
    const le = this.littleEndian;
    if (totalLength < 32) {
      this.noteBadPacket(pos, start, `packet block of ${totalLength} bytes (at least 32 expected)`);
      return;
    }
    const capturedLength = readU32(buf, pos + 20, le);
    if (capturedLength > totalLength - 32) {
      this.noteBadPacket(pos, start, `packet block claims ${capturedLength} captured bytes in a ${totalLength}-byte block`);
      return;
    }
    if (interfaceId >= this.ifLinkType.length) {
      this.noteBadPacket(pos, start, `packet on interface ${interfaceId}, which the section never described`);
      return;
    }
    let ts =
      ticksToSeconds(readU32(buf, pos + 12, le), readU32(buf, pos + 16, le), this.ifUnitsPerSecond[interfaceId]) +
      this.ifOffsetSeconds[interfaceId];
    if (!isCaptureTime(ts)) ts = this.clampTime(ts, pos, start);
    this.lastTs = ts;
    const data = pos + 28;
    this.emit(buf, data, data + capturedLength, ts, this.ifLinkType[interfaceId], readU32(buf, pos + 24, le));
    this.frames++;
  }

  private readSimplePacket(buf: Buffer, pos: number, totalLength: number, start: number): void {
    if (totalLength < 16) {
      this.noteBadPacket(pos, start, `Simple Packet Block of ${totalLength} bytes (at least 16 expected)`);
      return;
    }
    if (this.ifLinkType.length === 0) {
      this.noteBadPacket(pos, start, `Simple Packet Block in a section that describes no interface`);
      return;
    }
    if (!this.notedTimelessPackets) {
      this.notedTimelessPackets = true;
      addNote(
        this.notes,
        'format',
        'Simple Packet Blocks carry no timestamp: each gets the time of the packet before it',
        this.offsetOf(pos, start),
      );
    }
    const originalLength = readU32(buf, pos + 8, this.littleEndian);
    const snapLength = this.ifSnapLength[0];
    let capturedLength = Math.min(originalLength, totalLength - 16);
    if (snapLength > 0 && snapLength < capturedLength) capturedLength = snapLength;
    const data = pos + 12;
    this.emit(buf, data, data + capturedLength, this.lastTs, this.ifLinkType[0], originalLength);
    this.frames++;
  }

  /**
   * Decryption Secrets Block (draft-ietf-opsawg-pcapng §4.7): `8 secrets type  12 secrets length  16 secrets data`,
   * padded to 32 bits, then options. TLS key logs ('TLSK', what `editcap --inject-secrets tls,FILE` writes) are
   * handed to the sink as data; the parser itself reads nothing else and prints nothing of them.
   */
  private readSecrets(buf: Buffer, pos: number, totalLength: number, start: number): void {
    const le = this.littleEndian;
    if (totalLength < 20) {
      addNote(this.notes, 'corrupt', `Decryption Secrets Block of ${totalLength} bytes (at least 20 expected); skipped`, this.offsetOf(pos, start));
      return;
    }
    const secretsType = readU32(buf, pos + 8, le);
    const length = readU32(buf, pos + 12, le);
    if (secretsType !== SECRETS_TLS_KEYLOG || this.sink.secretsBlock === undefined) {
      this.skipBlock(DECRYPTION_SECRETS, pos, start);
      return;
    }
    if (length > totalLength - 20) {
      addNote(this.notes, 'corrupt', `Decryption Secrets Block claims ${length} bytes of secrets in a ${totalLength}-byte block; skipped`, this.offsetOf(pos, start));
      return;
    }
    this.sink.secretsBlock('tls-keylog', Buffer.from(buf.subarray(pos + 16, pos + 16 + length)));
  }

  private skipBlock(type: number, pos: number, start: number): void {
    if (this.notedBlockTypes.has(type)) return;
    this.notedBlockTypes.add(type);
    const known = SKIPPED_BLOCKS.get(type);
    if (known && !known.noteworthy) return;
    const what = known ? known.name : `unknown block type 0x${type.toString(16)}`;
    addNote(this.notes, 'skipped-block', `skipped ${what} (first at byte ${this.offsetOf(pos, start)})`, this.offsetOf(pos, start));
  }

  private noteBadPacket(pos: number, start: number, why: string): void {
    addNote(this.notes, 'corrupt', `${why}; block skipped`, this.offsetOf(pos, start));
  }

  private stopCorrupt(pos: number, start: number, why: string): void {
    addNote(this.notes, 'corrupt', `${why}; the rest of the file is unreadable`, this.offsetOf(pos, start));
    this.stopped = true;
  }

  private offsetOf(pos: number, start: number): number {
    return this.position + pos - start;
  }
}
