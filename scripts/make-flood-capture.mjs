// Usage: node scripts/make-flood-capture.mjs syn|hello [flows=1000000] [out=/tmp/tlsdiag-flood-<kind>.pcap]
//
// Writes a flood capture for the memory benchmark: classic pcap (pcap-savefile(5), little-endian, µs,
// LINKTYPE_ETHERNET), TCP over IPv4, one server 192.0.2.1:443 and a million clients with distinct addresses
// (10.0.0.0/8, as a spoofed flood has them), 10,000 new flows per second of capture time:
//   syn    a SYN that nothing answers, retransmitted once 1 s later (RFC 6298 §5.7 initial RTO): 2 frames a flow;
//   hello  the TCP handshake completes, the client sends a TLS 1.2 ClientHello (RFC 5246 §7.4.1.2, SNI
//          flood-<n>.example) that the server acknowledges and never answers: 5 frames a flow.
// No real stack is asked to open a million connections: the frames are written here, a chunk at a time. IP and TCP
// checksums are left zero (tlsdiag does not verify them; captures taken with offloading hold wrong ones anyway).
import { closeSync, openSync, writeSync } from 'node:fs';

const [kind = 'syn', flowsArg = '1000000', outArg] = process.argv.slice(2);
if (kind !== 'syn' && kind !== 'hello') {
  console.error('usage: make-flood-capture.mjs syn|hello [flows] [out]');
  process.exit(2);
}
const flows = Number(flowsArg);
if (!Number.isInteger(flows) || flows <= 0 || flows > 16_000_000) {
  console.error('make-flood-capture: flows must be a whole number from 1 to 16,000,000');
  process.exit(2);
}
const out = outArg ?? `/tmp/tlsdiag-flood-${kind}.pcap`;

const FLOWS_PER_SECOND = 10_000;
const START = 1_764_000_000; // 2025-11-24, any fixed instant will do
const SERVER = (192 << 24) | (0 << 16) | (2 << 8) | 1;
const SERVER_PORT = 443;
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const ETHERNET = 14;
const IPV4 = 20;
const TCP = 20;
const RECORD_HEADER = 16;

const chunk = Buffer.alloc(8 << 20);
let used = 0;
const fd = openSync(out, 'w');

function flush() {
  let written = 0;
  while (written < used) written += writeSync(fd, chunk, written, used - written);
  used = 0;
}

function fileHeader() {
  chunk.writeUInt32LE(0xa1b2c3d4, 0);
  chunk.writeUInt16LE(2, 4);
  chunk.writeUInt16LE(4, 6);
  chunk.writeUInt32LE(0, 8);
  chunk.writeUInt32LE(0, 12);
  chunk.writeUInt32LE(65535, 16);
  chunk.writeUInt32LE(1, 20);
  used = 24;
}

/** One frame: Ethernet (RFC 894), IPv4 (RFC 791, no options), TCP (RFC 9293 §3.1, no options), payload. */
function tcp(ts, src, srcPort, dst, dstPort, seq, ack, flags, payload) {
  const payloadLength = payload?.length ?? 0;
  const frameLength = ETHERNET + IPV4 + TCP + payloadLength;
  if (used + RECORD_HEADER + frameLength > chunk.length) flush();
  const b = chunk;
  let at = used;
  const seconds = Math.floor(ts);
  b.writeUInt32LE(seconds, at);
  b.writeUInt32LE(Math.round((ts - seconds) * 1e6) % 1_000_000, at + 4);
  b.writeUInt32LE(frameLength, at + 8);
  b.writeUInt32LE(frameLength, at + 12);
  at += RECORD_HEADER;
  b.fill(0, at, at + frameLength);
  b[at + 12] = 0x08; // EtherType IPv4
  at += ETHERNET;
  b[at] = 0x45;
  b.writeUInt16BE(IPV4 + TCP + payloadLength, at + 2);
  b[at + 8] = 64;
  b[at + 9] = 6;
  b.writeUInt32BE(src >>> 0, at + 12);
  b.writeUInt32BE(dst >>> 0, at + 16);
  at += IPV4;
  b.writeUInt16BE(srcPort, at);
  b.writeUInt16BE(dstPort, at + 2);
  b.writeUInt32BE(seq >>> 0, at + 4);
  b.writeUInt32BE(ack >>> 0, at + 8);
  b[at + 12] = (TCP / 4) << 4;
  b[at + 13] = flags;
  b.writeUInt16BE(65535, at + 14);
  if (payload) payload.copy(b, at + TCP);
  used += RECORD_HEADER + frameLength;
}

function u16(n) {
  return Buffer.from([n >> 8, n & 0xff]);
}
function withLength16(body) {
  return Buffer.concat([u16(body.length), body]);
}

/** A TLS 1.2 ClientHello record offering two ECDHE suites, with server_name (RFC 6066 §3) and supported_groups. */
function clientHello(sni) {
  const name = Buffer.from(sni, 'ascii');
  const serverName = withLength16(Buffer.concat([Buffer.from([0]), withLength16(name)]));
  const extension = (type, data) => Buffer.concat([u16(type), withLength16(data)]);
  const extensions = Buffer.concat([
    extension(0x0000, serverName),
    extension(0x000a, withLength16(Buffer.from([0x00, 0x1d, 0x00, 0x17]))),
    extension(0x000d, withLength16(Buffer.from([0x04, 0x03, 0x08, 0x04]))),
  ]);
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 0x42),
    Buffer.from([0]),
    withLength16(Buffer.from([0xc0, 0x2f, 0xc0, 0x2b])),
    Buffer.from([1, 0]),
    withLength16(extensions),
  ]);
  const handshake = Buffer.concat([Buffer.from([1, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), withLength16(handshake)]);
}

fileHeader();
// Frames are written in capture-time order: flow i starts at START + i / rate, and the SYN retransmissions of the
// flows begun a second earlier are interleaved as their time comes.
const retransmitLag = FLOWS_PER_SECOND; // flows begun in one second
for (let i = 0; i < flows + (kind === 'syn' ? retransmitLag : 0); i++) {
  const ts = START + i / FLOWS_PER_SECOND;
  if (kind === 'syn') {
    const late = i - retransmitLag;
    if (late >= 0) {
      const client = (10 << 24) | (late + 1);
      tcp(START + late / FLOWS_PER_SECOND + 1, client, 1024 + (late % 60000), SERVER, SERVER_PORT, late * 7919, 0, SYN);
    }
    if (i < flows) {
      const client = (10 << 24) | (i + 1);
      tcp(ts, client, 1024 + (i % 60000), SERVER, SERVER_PORT, i * 7919, 0, SYN);
    }
    continue;
  }
  const client = (10 << 24) | (i + 1);
  const port = 1024 + (i % 60000);
  const cisn = i * 7919;
  const sisn = i * 104729;
  const hello = clientHello(`flood-${i}.example`);
  tcp(ts, client, port, SERVER, SERVER_PORT, cisn, 0, SYN);
  tcp(ts + 0.00001, SERVER, SERVER_PORT, client, port, sisn, cisn + 1, SYN | ACK);
  tcp(ts + 0.00002, client, port, SERVER, SERVER_PORT, cisn + 1, sisn + 1, ACK);
  tcp(ts + 0.00003, client, port, SERVER, SERVER_PORT, cisn + 1, sisn + 1, PSH | ACK, hello);
  tcp(ts + 0.00004, SERVER, SERVER_PORT, client, port, sisn + 1, cisn + 1 + hello.length, ACK);
}
flush();
closeSync(fd);
console.log(`make-flood-capture: ${flows} ${kind === 'syn' ? 'SYN-only' : 'unanswered ClientHello'} flows in ${out}`);
