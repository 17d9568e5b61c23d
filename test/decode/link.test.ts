import { describe, expect, it } from 'vitest';
import { linkTypeName } from '../../src/decode/frame.js';
import { decode } from './helpers/decode.js';
import { bytes, ethernet, ipv4, ipv6, tcp, u16 } from './helpers/frames.js';

const v4Packet = ipv4(tcp());
const v6Packet = ipv6(tcp());

describe('link layers', () => {
  it('Ethernet II carrying IPv4 and IPv6', () => {
    const v4 = decode(1, ethernet(0x0800, v4Packet));
    expect(v4.result).toBe('tcp');
    expect([v4.src, v4.dst, v4.payload]).toEqual(['192.0.2.1', '198.51.100.2', 'hello TLS']);
    expect(v4.segment.tunnel).toBe('');
    const v6 = decode(1, ethernet(0x86dd, v6Packet));
    expect([v6.result, v6.src, v6.dst]).toEqual(['tcp', '2001:db8::1', '2001:db8:0:1::2']);
  });

  it('Ethernet frames with a non-IP EtherType are other', () => {
    expect(decode(1, ethernet(0x0806, Buffer.alloc(28))).result).toBe('other');
    expect(decode(1, ethernet(0x8863, Buffer.alloc(28))).result).toBe('other'); // PPPoE discovery
  });

  it('IEEE 802.3 length with LLC/SNAP carrying IPv4; the length trims the padding', () => {
    const llcSnap = [0xaa, 0xaa, 0x03, 0, 0, 0, ...u16(0x0800)];
    const body = bytes(llcSnap, v4Packet);
    const frame = bytes(ethernet(body.length, body), Buffer.alloc(12, 0xee));
    const d = decode(1, frame);
    expect([d.result, d.src, d.payload]).toEqual(['tcp', '192.0.2.1', 'hello TLS']);
  });

  it('IEEE 802.3 with plain LLC (spanning tree) is other', () => {
    const body = Buffer.from([0x42, 0x42, 0x03, 0, 0, 0, 0]);
    expect(decode(1, ethernet(body.length, body)).result).toBe('other');
  });

  it('Linux cooked SLL (113) and SLL2 (276)', () => {
    const sll = bytes([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...u16(0x0800)], v4Packet);
    expect(decode(113, sll).src).toBe('192.0.2.1');
    const sll2 = bytes([...u16(0x86dd), 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0], v6Packet);
    expect(decode(276, sll2).dst).toBe('2001:db8:0:1::2');
    const netlink = bytes([...u16(0x0000), 0, 0, 0, 0, 0, 2, 3, 0x38, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0], Buffer.alloc(16));
    expect(decode(276, netlink).result).toBe('other');
  });

  it('BSD loopback NULL (0) in either byte order and LOOP (108)', () => {
    expect(decode(0, bytes([2, 0, 0, 0], v4Packet)).result).toBe('tcp'); // little-endian writer
    expect(decode(0, bytes([0, 0, 0, 2], v4Packet)).result).toBe('tcp'); // big-endian writer
    for (const family of [24, 28, 30]) {
      expect(decode(0, bytes([family, 0, 0, 0], v6Packet)).src).toBe('2001:db8::1');
      expect(decode(108, bytes([0, 0, 0, family], v6Packet)).src).toBe('2001:db8::1');
    }
    expect(decode(0, bytes([7, 0, 0, 0], v4Packet)).result).toBe('other');
  });

  it('raw IP link types: the version nibble decides', () => {
    for (const linkType of [12, 14, 101, 228, 229]) {
      expect(decode(linkType, v4Packet).src).toBe('192.0.2.1');
      expect(decode(linkType, v6Packet).src).toBe('2001:db8::1');
    }
    expect(decode(101, Buffer.from([0x50, 0, 0, 0])).result).toBe('other');
  });

  it('PPP (9, 50) with and without HDLC framing, with a compressed protocol field', () => {
    expect(decode(9, bytes([0xff, 0x03, 0x00, 0x21], v4Packet)).src).toBe('192.0.2.1');
    expect(decode(9, bytes([0x00, 0x57], v6Packet)).src).toBe('2001:db8::1');
    expect(decode(50, bytes([0xff, 0x03, 0x21], v4Packet)).src).toBe('192.0.2.1');
    expect(decode(9, bytes([0xc0, 0x21], Buffer.alloc(8))).result).toBe('other'); // LCP
  });

  it('PPP_ETHER (51) and Cisco HDLC (104)', () => {
    const pppoe = bytes([0x11, 0x00, 0x12, 0x34, ...u16(2 + v4Packet.length), 0x00, 0x21], v4Packet);
    const d = decode(51, pppoe);
    expect([d.result, d.segment.tunnel]).toEqual(['tcp', 'pppoe']);
    expect(decode(104, bytes([0x0f, 0x00, ...u16(0x0800)], v4Packet)).src).toBe('192.0.2.1');
  });

  it('an unknown link type is unsupported-link, and named for the message', () => {
    expect(decode(147, v4Packet).result).toBe('unsupported-link'); // USER0: private, meaning unknown
    expect(decode(-1, v4Packet).result).toBe('unsupported-link');
    expect(decode(100000, v4Packet).result).toBe('unsupported-link');
    expect(decode(1.5, v4Packet).result).toBe('unsupported-link');
    expect(decode(Number.NaN, v4Packet).result).toBe('unsupported-link');
    expect(linkTypeName(105)).toBe('IEEE802_11');
    expect(linkTypeName(276)).toBe('LINUX_SLL2');
    expect(linkTypeName(1)).toBe('ETHERNET');
    expect(linkTypeName(4242)).toBe('LINKTYPE 4242');
  });
});
