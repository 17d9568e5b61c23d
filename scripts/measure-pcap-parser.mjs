#!/usr/bin/env node
// Compares the npm package pcap-parser 0.2.1 with our capture reader (src/capture) on one big classic pcap, to decide
// which to keep. pcap-parser is NOT a dependency of the project: install it outside the repo and point at it:
//
//   npm install --prefix /tmp/pp pcap-parser@0.2.1
//   PCAP_PARSER_DIR=/tmp/pp node scripts/measure-pcap-parser.mjs [big.pcap]
//
// Without a path, a ~256 MB Ethernet pcap (MEASURE_MB to change) is built in the temp dir by repeating the frames of
// the classic Ethernet pcaps of ../shared/captures/public. Each reader runs 3 times, alternating, on a warm page
// cache; the best run of each is printed.
import { createRequire } from 'node:module';
import { existsSync, openSync, writeSync, closeSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../shared/captures/public');
const { readCaptureFile } = await tsImport('../src/capture/file.ts', import.meta.url);

const pcapParserDir = process.env.PCAP_PARSER_DIR;
if (!pcapParserDir || !existsSync(path.join(pcapParserDir, 'node_modules/pcap-parser'))) {
  console.error('pcap-parser not found. Install it outside the repo, then pass its prefix:');
  console.error('  npm install --prefix /tmp/pp pcap-parser@0.2.1');
  console.error('  PCAP_PARSER_DIR=/tmp/pp node scripts/measure-pcap-parser.mjs [big.pcap]');
  process.exit(2);
}
const pcapParser = createRequire(path.join(pcapParserDir, 'package.json'))('pcap-parser');

const target = process.argv[2] ?? (await buildBigPcap());
const size = statSync(target).size;
console.log(`file: ${target} (${(size / 1e6).toFixed(1)} MB)`);
readFileSync(target); // warm the page cache so both readers measure parsing, not the disk

const results = { ours: [], 'pcap-parser': [] };
for (let round = 0; round < 3; round++) {
  results.ours.push(await timeIt(runOurs));
  results['pcap-parser'].push(await timeIt(runPcapParser));
}
for (const [name, runs] of Object.entries(results)) {
  const best = runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
  console.log(
    `${name.padEnd(12)} ${(size / 1e6 / best.seconds).toFixed(0).padStart(6)} MB/s  ` +
      `${(best.packets / best.seconds / 1e6).toFixed(2)} M packets/s  (${best.packets} packets, best of ${runs.length})`,
  );
}
await tryPcapParserOnPcapng();

async function timeIt(run) {
  const t0 = process.hrtime.bigint();
  const packets = await run();
  return { packets, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function runOurs() {
  let packets = 0;
  let bytes = 0;
  await readCaptureFile(target, {
    frame(data) {
      packets++;
      bytes += data.length;
    },
  });
  return packets;
}

function runPcapParser() {
  return new Promise((resolve, reject) => {
    let packets = 0;
    let bytes = 0;
    const parser = pcapParser.parse(target);
    parser.on('packet', (packet) => {
      packets++;
      bytes += packet.data.length;
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(packets));
  });
}

async function tryPcapParserOnPcapng() {
  const sample = existsSync(corpus) && readdirSync(corpus).find((f) => f.endsWith('.pcapng'));
  if (!sample) return;
  const outcome = await new Promise((resolve) => {
    const parser = pcapParser.parse(path.join(corpus, sample));
    parser.on('error', (err) => resolve(`error: ${err.message}`));
    parser.on('end', () => resolve('no error'));
  });
  console.log(`pcap-parser on ${sample}: ${outcome}`);
}

/** Repeats every frame of the corpus' classic µs Ethernet pcaps until the file reaches MEASURE_MB megabytes. */
async function buildBigPcap() {
  if (!existsSync(corpus)) {
    console.error(`no corpus at ${corpus}: pass a big classic pcap as argument`);
    process.exit(2);
  }
  const frames = [];
  for (const name of readdirSync(corpus).sort()) {
    if (name.endsWith('.json') || name.endsWith('.md')) continue;
    const file = path.join(corpus, name);
    const batch = [];
    const summary = await readCaptureFile(file, {
      frame(data, ts, linkType, origLen) {
        if (linkType === 1) batch.push({ data: Buffer.from(data), ts, origLen });
      },
    });
    if (summary.format === 'pcap') frames.push(...batch);
  }
  const targetBytes = Number(process.env.MEASURE_MB ?? 256) * 1e6;
  const out = path.join(tmpdir(), `tlsdiag-measure-${targetBytes / 1e6}MB.pcap`);
  if (existsSync(out)) return out;

  const fd = openSync(out, 'w');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  writeSync(fd, header);
  let written = 24;
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  let used = 0;
  for (let i = 0; written < targetBytes; i = (i + 1) % frames.length) {
    const { data, ts, origLen } = frames[i];
    if (used + 16 + data.length > chunk.length) {
      writeSync(fd, chunk, 0, used);
      used = 0;
    }
    chunk.writeUInt32LE(Math.floor(ts), used);
    chunk.writeUInt32LE(Math.round((ts % 1) * 1e6) % 1e6, used + 4);
    chunk.writeUInt32LE(data.length, used + 8);
    chunk.writeUInt32LE(origLen, used + 12);
    data.copy(chunk, used + 16);
    used += 16 + data.length;
    written += 16 + data.length;
  }
  writeSync(fd, chunk, 0, used);
  closeSync(fd);
  return out;
}
