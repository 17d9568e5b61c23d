// node scripts/bench-per-connection.mjs [capture=captures/healthy-tls12.pcap] [times=20000]
// The cost of one connection through the whole analysis: one capture's frames replayed many times, each time with
// another client port (so each replay is a new connection), through one Analyzer. Needs `npm run build`.
// Profile it with: node --cpu-prof scripts/bench-per-connection.mjs
import { readFileSync } from 'node:fs';
import { createParser } from '../dist/capture/parser.js';
import { Analyzer } from '../dist/pipeline/analyzer.js';

const file = process.argv[2] ?? 'captures/healthy-tls12.pcap';
const times = Number(process.argv[3] ?? 20000);
const frames = [];
const bytes = readFileSync(file);
const parser = createParser(bytes, { frame: (data, ts, linkType, origLen) => frames.push({ data: Buffer.from(data), ts, linkType, origLen }) });
parser.feed(bytes, 0, bytes.length);

// Ethernet + IPv4 without options: the TCP ports are at 34 (source) and 36 (destination).
const SRC_PORT = 34;
const DST_PORT = 36;
const clientPort = frames[0].data.readUInt16BE(SRC_PORT);
let records = 0;
const analyzer = new Analyzer('replay', {}, () => records++);
const start = process.hrtime.bigint();
for (let i = 0; i < times; i++) {
  const port = 10000 + (i % 50000);
  for (const f of frames) {
    const at = f.data.readUInt16BE(SRC_PORT) === clientPort ? SRC_PORT : DST_PORT;
    f.data.writeUInt16BE(port, at);
    analyzer.frame(f.data, f.ts + i * 0.01, f.linkType, f.origLen);
    f.data.writeUInt16BE(clientPort, at);
  }
}
analyzer.finish();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(
  `${records} connections of ${frames.length} frames: ${((seconds * 1e6) / times).toFixed(1)} µs per connection, ` +
    `${((seconds * 1e9) / (times * frames.length)).toFixed(0)} ns per frame`,
);
