/**
 * Format detection from a file's first bytes. File extensions are never trusted: real captures named `.pcap` hold
 * pcapng and the reverse, and gzip may or may not end in `.gz`.
 */

/** What a file's magic number says it is. */
export type SniffedKind =
  | { container: 'pcap'; littleEndian: boolean; nanoseconds: boolean; modified: boolean }
  | { container: 'pcapng' }
  | { container: 'gzip' }
  | { container: 'other-compression'; name: string };

interface MagicEntry {
  /** the first bytes of the file, as they appear on disk */
  bytes: readonly number[];
  kind: SniffedKind;
}

/**
 * Classic pcap magics (https://www.tcpdump.org/manpages/pcap-savefile.5.html and draft-ietf-opsawg-pcap §4): the
 * 0xa1b2c3d4 magic written in the writer's byte order, 0xa1b23c4d for nanosecond timestamps, 0xa1b2cd34 for the
 * "modified" pcap of Alexey Kuznetsov's patched libpcap (24-byte record headers).
 * pcapng (draft-ietf-opsawg-pcapng §4.1): a Section Header Block, type 0x0A0D0D0A, a palindrome in both byte orders.
 */
const MAGICS: readonly MagicEntry[] = [
  { bytes: [0xd4, 0xc3, 0xb2, 0xa1], kind: { container: 'pcap', littleEndian: true, nanoseconds: false, modified: false } },
  { bytes: [0xa1, 0xb2, 0xc3, 0xd4], kind: { container: 'pcap', littleEndian: false, nanoseconds: false, modified: false } },
  { bytes: [0x4d, 0x3c, 0xb2, 0xa1], kind: { container: 'pcap', littleEndian: true, nanoseconds: true, modified: false } },
  { bytes: [0xa1, 0xb2, 0x3c, 0x4d], kind: { container: 'pcap', littleEndian: false, nanoseconds: true, modified: false } },
  { bytes: [0x34, 0xcd, 0xb2, 0xa1], kind: { container: 'pcap', littleEndian: true, nanoseconds: false, modified: true } },
  { bytes: [0xa1, 0xb2, 0xcd, 0x34], kind: { container: 'pcap', littleEndian: false, nanoseconds: false, modified: true } },
  { bytes: [0x0a, 0x0d, 0x0d, 0x0a], kind: { container: 'pcapng' } },
  { bytes: [0x1f, 0x8b], kind: { container: 'gzip' } },
  // Recognised only to give a useful error: decompress these first.
  { bytes: [0x42, 0x5a, 0x68], kind: { container: 'other-compression', name: 'bzip2' } },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], kind: { container: 'other-compression', name: 'xz' } },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], kind: { container: 'other-compression', name: 'zstd' } },
  { bytes: [0x04, 0x22, 0x4d, 0x18], kind: { container: 'other-compression', name: 'lz4' } },
];

/** Bytes needed to recognise every format above. */
export const SNIFF_BYTES = 6;

/** Names the format that `head` (the first bytes of a file, ideally SNIFF_BYTES of them) starts with, or null. */
export function sniffCapture(head: Buffer): SniffedKind | null {
  for (const entry of MAGICS) {
    if (startsWith(head, entry.bytes)) return entry.kind;
  }
  return null;
}

function startsWith(head: Buffer, bytes: readonly number[]): boolean {
  if (head.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    if (head[i] !== bytes[i]) return false;
  }
  return true;
}

/** The first bytes as hex, for error messages about files that are not captures. */
export function describeHead(head: Buffer): string {
  return head.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}
