// Micro-benchmark of the frame decoder alone: decodeFrame over every frame of classic-pcap captures, repeated.
// Run: npx tsx scripts/bench-decode.mjs [capture.pcap ...]   (default: the biggest files of the shared corpus)
// It measures, it asserts nothing; the numbers are for reports, not for tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFrame, newTcpSegment } from '../src/decode/frame.ts';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/captures/public');
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : ['mercury__capture2.pcap', 'ndpi__teams.pcap', 'ndpi__vxlan.pcap', 'mercury__geneve.pcap', 'zeek__pppoe-over-qinq.pcap'].map((f) => path.join(corpus, f));

/** every frame of a classic pcap file, as views of one buffer */
function framesOf(file) {
  const buf = readFileSync(file);
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (at) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linkType = u32(20) & 0x0fffffff;
  const frames = [];
  for (let at = 24; at + 16 <= buf.length; at += 16 + u32(at + 8)) {
    if (at + 16 + u32(at + 8) > buf.length) break;
    frames.push(buf.subarray(at + 16, at + 16 + u32(at + 8)));
  }
  return { linkType, frames, bytes: buf.length };
}

function run({ linkType, frames }, rounds, out) {
  let tcp = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < frames.length; i++) if (decodeFrame(linkType, frames[i], out) === 'tcp') tcp++;
  }
  return tcp;
}

const out = newTcpSegment();
for (const file of files) {
  const capture = framesOf(file);
  const rounds = Math.max(1, Math.ceil(2_000_000 / capture.frames.length));
  run(capture, Math.ceil(rounds / 4), out); // warm up the JIT
  const start = process.hrtime.bigint();
  const tcp = run(capture, rounds, out);
  const ns = Number(process.hrtime.bigint() - start);
  const frames = capture.frames.length * rounds;
  const mbps = (capture.bytes * rounds) / (ns / 1e9) / 1e6;
  console.log(
    `${path.basename(file).padEnd(32)} ${String(capture.frames.length).padStart(6)} frames x ${rounds}: ` +
      `${(ns / frames).toFixed(1)} ns/frame, ${(tcp / rounds) | 0} tcp/round, ${mbps.toFixed(0)} MB/s of capture`,
  );
}
