// One measurement of the bench, in a process of its own so that its peak RSS is its own.
// Usage: node scripts/bench-run.mjs floor|analyze FILE  → prints one JSON line.
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';

const [mode, file] = process.argv.slice(2);

/**
 * The raw-walk floor: read the file in 1 MiB chunks into one buffer and step from packet header to packet header
 * (pcap record headers or pcapng block headers), touching nothing else. No analysis can beat it.
 */
function walkFloor(path) {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(1 << 20);
  let filled = readSync(fd, buf, 0, buf.length, 0);
  let fileOffset = filled;
  const magic = buf.readUInt32LE(0);
  const pcapng = magic === 0x0a0d0d0a;
  const le = pcapng ? buf.readUInt32LE(8) === 0x1a2b3c4d : magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  let pos = pcapng ? 0 : 24;
  let packets = 0;
  for (;;) {
    const headerLength = pcapng ? 8 : 16;
    if (filled - pos < headerLength) {
      if (!refill()) break;
      continue;
    }
    const length = pcapng
      ? le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4)
      : 16 + (le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8));
    if (filled - pos < length) {
      if (!refill()) break;
      continue;
    }
    if (!pcapng || (le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos)) === 6) packets++;
    pos += length;
  }
  closeSync(fd);
  return { bytes: size, packets };

  function refill() {
    buf.copy(buf, 0, pos, filled);
    filled -= pos;
    pos = 0;
    const n = readSync(fd, buf, filled, buf.length - filled, fileOffset);
    fileOffset += n;
    filled += n;
    return n > 0;
  }
}

// Module loading is not part of the throughput measured.
const pipeline = mode === 'analyze' ? await import('../dist/pipeline/analyze-file.js') : null;
const start = process.hrtime.bigint();
let result;
if (mode === 'floor') {
  result = walkFloor(file);
} else if (mode === 'analyze') {
  const { analyzeFile } = pipeline;
  let failed = 0;
  const summary = await analyzeFile(file, {}, (r) => {
    if (r.outcome === 'failed') failed++;
  });
  result = { bytes: summary.bytes, packets: summary.frames, connections: summary.connections, failed };
} else {
  console.error('usage: bench-run.mjs floor|analyze FILE');
  process.exit(2);
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ mode, seconds, ...result, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
