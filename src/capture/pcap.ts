import { readU16, readU32 } from './bytes.js';
import { addNote } from './notes.js';
import type { FileParser } from './parser.js';
import type { CaptureFormat, CaptureNote, FrameSink } from './types.js';

/**
 * Largest record a classic pcap may hold before we call its header corrupt. libpcap and Wireshark use the same
 * 256 KiB bound; a length beyond it means the record header is garbage, so nothing is ever sized from it.
 */
export const PCAP_MAX_RECORD = 262_144;

export const PCAP_FILE_HEADER_LENGTH = 24;

/** The byte order and timestamp unit that the file's magic announced (see sniff.ts). */
export interface PcapVariant {
  littleEndian: boolean;
  nanoseconds: boolean;
  /** Kuznetsov's "modified" pcap: 8 more bytes per record header (ifindex, protocol, pkt_type, pad) */
  modified: boolean;
}

/**
 * Classic libpcap savefile reader (https://www.tcpdump.org/manpages/pcap-savefile.5.html, draft-ietf-opsawg-pcap).
 *
 * File header, 24 bytes, in the writer's byte order:
 * ```
 *  0 magic (a1b2c3d4 µs | a1b23c4d ns | a1b2cd34 modified)   4 version major(2) minor(2)
 *  8 thiszone (always 0 in practice; ignored, as libpcap does) 12 sigfigs
 * 16 snaplen                                                  20 link type (low 16 bits; FCS flags above)
 * ```
 * Record header, 16 bytes (24 in the modified format), then incl_len bytes of frame:
 * ```
 *  0 ts_sec   4 ts_usec (ts_nsec in ns files)   8 incl_len   12 orig_len   [16 ifindex 20 protocol(2) pkt_type pad]
 * ```
 * A record longer than PCAP_MAX_RECORD is a corrupt header: it is noted and reading stops, because nothing in the
 * format lets a reader find the next record boundary again with certainty (tshark stops there too).
 */
export class PcapParser implements FileParser {
  readonly format: CaptureFormat;
  readonly notes: CaptureNote[] = [];
  frames = 0;
  stopped = false;

  private readonly littleEndian: boolean;
  private readonly recordHeaderLength: number;
  private readonly secondsPerTick: number;
  private headerRead = false;

  get headerComplete(): boolean {
    return this.headerRead;
  }
  private linkType = 0;
  /** absolute offset of the next byte feed() will be offered */
  private position = 0;

  constructor(
    variant: PcapVariant,
    private readonly sink: FrameSink,
  ) {
    this.littleEndian = variant.littleEndian;
    this.format = variant.nanoseconds ? 'pcap-ns' : 'pcap';
    this.recordHeaderLength = variant.modified ? 24 : 16;
    this.secondsPerTick = variant.nanoseconds ? 1e-9 : 1e-6;
  }

  feed(buf: Buffer, start: number, end: number): number {
    if (this.stopped) return 0;
    let pos = start;
    if (!this.headerRead) {
      if (end - pos < PCAP_FILE_HEADER_LENGTH) return 0;
      this.readFileHeader(buf, pos);
      pos += PCAP_FILE_HEADER_LENGTH;
    }

    const le = this.littleEndian;
    const headerLength = this.recordHeaderLength;
    const secondsPerTick = this.secondsPerTick;
    const linkType = this.linkType;
    const sink = this.sink;
    let frames = this.frames;

    while (end - pos >= headerLength) {
      const capturedLength = readU32(buf, pos + 8, le);
      if (capturedLength > PCAP_MAX_RECORD) {
        this.stopAtCorruptRecord(pos - start, capturedLength);
        break;
      }
      const dataStart = pos + headerLength;
      const next = dataStart + capturedLength;
      if (next > end) break;
      const ts = readU32(buf, pos, le) + readU32(buf, pos + 4, le) * secondsPerTick;
      if (sink.frameAt !== undefined) sink.frameAt(buf, dataStart, next, ts, linkType, readU32(buf, pos + 12, le));
      else sink.frame(buf.subarray(dataStart, next), ts, linkType, readU32(buf, pos + 12, le));
      frames++;
      pos = next;
      if (sink.paused === true) break;
    }

    this.frames = frames;
    this.position += pos - start;
    return pos - start;
  }

  finish(leftover: number, offset: number): void {
    if (this.stopped || leftover <= 0) return;
    const what = this.headerRead ? 'a packet record' : 'the file header';
    addNote(this.notes, 'truncated', `file ends ${leftover} bytes into ${what} that starts at byte ${offset}`, offset);
  }

  private readFileHeader(buf: Buffer, pos: number): void {
    const le = this.littleEndian;
    const major = readU16(buf, pos + 4, le);
    const minor = readU16(buf, pos + 6, le);
    // 2.4 is the only version written since 1998; older ones share the layout, so read on and say so.
    if (major !== 2 || minor !== 4) {
      addNote(this.notes, 'format', `pcap version ${major}.${minor} (expected 2.4); read as 2.4`, this.position + 4);
    }
    this.linkType = readU32(buf, pos + 20, le) & 0xffff;
    this.headerRead = true;
  }

  private stopAtCorruptRecord(relativeOffset: number, capturedLength: number): void {
    const offset = this.position + relativeOffset;
    addNote(
      this.notes,
      'corrupt',
      `record header at byte ${offset} claims a ${capturedLength}-byte packet (more than ${PCAP_MAX_RECORD}); ` +
        `the rest of the file is unreadable`,
      offset,
    );
    this.stopped = true;
  }
}
