/**
 * The project's captures (classic pcap, made by real TLS stacks) laid end to end as one capture stream, each one
 * shifted in time to start `gapSeconds` after the one before, so a sensor reading it from standard input decides
 * the connections of one capture while the next is still coming — the way `tcpdump -w - | tlsdiag analyze -` does.
 */
import { readFileSync } from 'node:fs';

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export interface PcapStream {
  header: Buffer;
  /** each capture's packets, re-timed, ready to write after the header */
  parts: Buffer[];
}

export function pcapStream(files: readonly string[], gapSeconds: number, startSeconds = 1_800_000_000): PcapStream {
  let header: Buffer | null = null;
  const parts: Buffer[] = [];
  files.forEach((file, index) => {
    const bytes = readFileSync(file);
    if (bytes.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${file}: not a little-endian microsecond pcap`);
    header ??= Buffer.from(bytes.subarray(0, GLOBAL_HEADER));
    const out = Buffer.from(bytes.subarray(GLOBAL_HEADER));
    const firstSeconds = out.length >= RECORD_HEADER ? out.readUInt32LE(0) : 0;
    const shift = startSeconds + index * gapSeconds - firstSeconds;
    for (let at = 0; at + RECORD_HEADER <= out.length; ) {
      out.writeUInt32LE(out.readUInt32LE(at) + shift, at);
      at += RECORD_HEADER + out.readUInt32LE(at + 8);
    }
    parts.push(out);
  });
  if (header === null) throw new Error('no capture');
  return { header, parts };
}
