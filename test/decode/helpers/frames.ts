// Hand-built headers for edge cases no capture at hand holds. Each returns its header followed by `payload`.

export const CLIENT_V4 = [192, 0, 2, 1];
export const SERVER_V4 = [198, 51, 100, 2];
export const CLIENT_V6 = Buffer.from('20010db8000000000000000000000001', 'hex');
export const SERVER_V6 = Buffer.from('20010db8000000010000000000000002', 'hex');
export const PAYLOAD = Buffer.from('hello TLS');

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

export interface TcpOptions {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  options?: number[];
  /** overrides the data offset computed from `options` */
  dataOffset?: number;
}

export function tcp(payload: Buffer = PAYLOAD, o: TcpOptions = {}): Buffer {
  const options = o.options ?? [];
  const dataOffset = o.dataOffset ?? 5 + Math.ceil(options.length / 4);
  const padded = [...options, ...new Array((4 - (options.length % 4)) % 4).fill(0)];
  const header = [
    ...u16(o.srcPort ?? 50000),
    ...u16(o.dstPort ?? 443),
    ...u32(o.seq ?? 0xfffffff0),
    ...u32(o.ack ?? 0x80000001),
    dataOffset << 4,
    o.flags ?? 0x18,
    ...u16(o.window ?? 65535),
    0, 0, 0, 0,
    ...padded,
  ];
  return Buffer.concat([Buffer.from(header), payload]);
}

export interface Ipv4Options {
  protocol?: number;
  src?: number[];
  dst?: number[];
  ttl?: number;
  options?: number[];
  /** header length in 32-bit words, overriding the one computed from `options` */
  ihl?: number;
  totalLength?: number;
  /** flags (MF 0x2000) and fragment offset (8-byte units) */
  fragment?: number;
  version?: number;
}

export function ipv4(payload: Buffer, o: Ipv4Options = {}): Buffer {
  const options = o.options ?? [];
  const ihl = o.ihl ?? 5 + options.length / 4;
  const totalLength = o.totalLength ?? 20 + options.length + payload.length;
  const header = [
    ((o.version ?? 4) << 4) | ihl, 0,
    ...u16(totalLength),
    0x12, 0x34,
    ...u16(o.fragment ?? 0),
    o.ttl ?? 64, o.protocol ?? 6,
    0, 0,
    ...(o.src ?? CLIENT_V4),
    ...(o.dst ?? SERVER_V4),
    ...options,
  ];
  return Buffer.concat([Buffer.from(header), payload]);
}

export interface Ipv6Options {
  nextHeader?: number;
  src?: Buffer;
  dst?: Buffer;
  hopLimit?: number;
  payloadLength?: number;
}

export function ipv6(payload: Buffer, o: Ipv6Options = {}): Buffer {
  const header = Buffer.from([0x60, 0, 0, 0, ...u16(o.payloadLength ?? payload.length), o.nextHeader ?? 6, o.hopLimit ?? 64]);
  return Buffer.concat([header, o.src ?? CLIENT_V6, o.dst ?? SERVER_V6, payload]);
}

/** An IPv6 extension header measured in 8-octet units (hop-by-hop, routing, destination options), padded to 8 bytes. */
export function ipv6Extension(nextHeader: number, payload: Buffer, bodyBytes = 6): Buffer {
  const total = Math.ceil((bodyBytes + 2) / 8) * 8;
  const header = Buffer.alloc(total);
  header[0] = nextHeader;
  header[1] = total / 8 - 1;
  return Buffer.concat([header, payload]);
}

export function ethernet(etherType: number, payload: Buffer): Buffer {
  const macs = [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa];
  return Buffer.concat([Buffer.from([...macs, ...u16(etherType)]), payload]);
}

export function vlanTag(tci: number, innerType: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([...u16(tci), ...u16(innerType)]), payload]);
}

export function udp(dstPort: number, payload: Buffer, srcPort = 40000, length = 8 + payload.length): Buffer {
  return Buffer.concat([Buffer.from([...u16(srcPort), ...u16(dstPort), ...u16(length), 0, 0]), payload]);
}

export function bytes(...parts: Array<number[] | Buffer>): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
}

export { u16, u32 };
