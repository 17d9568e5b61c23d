/**
 * Writes classic pcap bytes (pcap-savefile(5), little-endian, µs, LINKTYPE_ETHERNET) of synthetic TCP/IPv4 traffic,
 * a chunk at a time, so a test can stream millions of frames through the parser without holding the capture.
 * Hand-built on purpose: no real stack opens hundreds of thousands of connections for a test. Checksums are left
 * zero (the pipeline does not verify them, as captures with offloading hold wrong ones anyway).
 */
const LINKTYPE_ETHERNET = 1;
const ETHERNET = 14;
const IPV4 = 20;
const TCP = 20;
const RECORD_HEADER = 16;

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export class PcapWriter {
  private buf: Buffer;
  private length = 0;

  constructor(capacity: number) {
    this.buf = Buffer.alloc(capacity);
  }

  /** The 24-byte file header: magic, version 2.4, snaplen 65535, Ethernet. */
  fileHeader(): void {
    const b = this.room(24);
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeUInt32LE(65535, 16);
    b.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.length += 24;
  }

  /** One TCP segment from `src:srcPort` to `dst:dstPort` (IPv4 addresses as 32-bit numbers). */
  tcp(ts: number, src: number, srcPort: number, dst: number, dstPort: number, seq: number, ack: number, flags: number, payload?: Buffer): void {
    const payloadLength = payload?.length ?? 0;
    const frameLength = ETHERNET + IPV4 + TCP + payloadLength;
    const b = this.room(RECORD_HEADER + frameLength);
    const seconds = Math.floor(ts);
    b.writeUInt32LE(seconds, 0);
    b.writeUInt32LE(Math.round((ts - seconds) * 1e6) % 1_000_000, 4);
    b.writeUInt32LE(frameLength, 8);
    b.writeUInt32LE(frameLength, 12);
    let at = RECORD_HEADER;
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
    this.length += RECORD_HEADER + frameLength;
  }

  /** The bytes written since the last take(); the writer then starts over in the same memory. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.length = 0;
    return out;
  }

  private room(bytes: number): Buffer {
    if (this.length + bytes > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.length + bytes));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    return this.buf.subarray(this.length);
  }
}

/** A TLS record (RFC 8446 §5.1): type, legacy version 0x0303, length, fragment. */
export function tlsRecord(contentType: number, fragment: Buffer): Buffer {
  const header = Buffer.from([contentType, 3, 3, 0, 0]);
  header.writeUInt16BE(fragment.length, 3);
  return Buffer.concat([header, fragment]);
}

function handshake(type: number, body: Buffer): Buffer {
  const header = Buffer.from([type, 0, 0, 0]);
  header.writeUIntBE(body.length, 1, 3);
  return Buffer.concat([header, body]);
}

function u16Prefixed(body: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length);
  return Buffer.concat([length, body]);
}

/**
 * A TLS 1.2 ClientHello record (RFC 5246 §7.4.1.2) offering two ECDHE suites, with server_name (RFC 6066 §3),
 * supported_groups and signature_algorithms.
 */
export function clientHelloRecord(sni: string): Buffer {
  const name = Buffer.from(sni, 'ascii');
  const serverName = u16Prefixed(Buffer.concat([Buffer.from([0]), u16Prefixed(name)]));
  const extension = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type >> 8, type & 0xff]), u16Prefixed(data)]);
  const extensions = Buffer.concat([
    extension(0x0000, serverName),
    extension(0x000a, u16Prefixed(Buffer.from([0x00, 0x1d, 0x00, 0x17]))),
    extension(0x000d, u16Prefixed(Buffer.from([0x04, 0x03, 0x08, 0x04]))),
  ]);
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 0x42),
    Buffer.from([0]),
    u16Prefixed(Buffer.from([0xc0, 0x2f, 0xc0, 0x2b])),
    Buffer.from([1, 0]),
    u16Prefixed(extensions),
  ]);
  return tlsRecord(22, handshake(1, body));
}

/** A TLS 1.2 ServerHello record choosing TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, no extensions. */
export function serverHelloRecord(): Buffer {
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 0x24), Buffer.from([0, 0xc0, 0x2f, 0])]);
  return tlsRecord(22, handshake(2, body));
}

/** ChangeCipherSpec then an encrypted Finished (a handshake record of opaque bytes), as each side sends them. */
export function ccsAndFinished(): Buffer {
  return Buffer.concat([tlsRecord(20, Buffer.from([1])), tlsRecord(22, Buffer.alloc(40, 0x5a))]);
}
