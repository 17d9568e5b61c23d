import { describe, expect, it } from 'vitest';
import { decode } from './helpers/decode.js';
import { bytes, ethernet, ipv4, ipv6, ipv6Extension, tcp } from './helpers/frames.js';
import { decodeFrameAt, newTcpSegment } from '../../src/decode/frame.js';

describe('TCP header fields', () => {
  it('ports, unsigned sequence numbers, flags, window, TTL and payload bounds', () => {
    const d = decode(1, ethernet(0x0800, ipv4(tcp(undefined, { srcPort: 50123, dstPort: 443, flags: 0x12, window: 29200 }), { ttl: 57 })));
    const s = d.segment;
    expect([s.srcPort, s.dstPort, s.seq, s.ack, s.flags, s.window, s.ttl]).toEqual([50123, 443, 0xfffffff0, 0x80000001, 0x12, 29200, 57]);
    expect([s.ipVersion, s.addrLength, s.payloadLength, s.truncated, s.fragment]).toEqual([4, 4, 9, false, false]);
    expect(s.payloadEnd - s.payloadStart).toBe(9);
  });

  it('TCP options are skipped by the data offset', () => {
    const options = [2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0];
    const d = decode(101, ipv4(tcp(undefined, { options })));
    expect([d.result, d.payload, d.segment.payloadLength]).toEqual(['tcp', 'hello TLS', 9]);
  });

  it('a segment without payload', () => {
    const d = decode(101, ipv4(tcp(Buffer.alloc(0), { flags: 0x02 })));
    expect([d.result, d.segment.payloadLength, d.segment.payloadStart === d.segment.payloadEnd]).toEqual(['tcp', 0, true]);
  });
});

describe('IPv4', () => {
  it('header options are skipped by the IHL', () => {
    const d = decode(101, ipv4(tcp(), { options: [0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00] }));
    expect([d.result, d.src, d.payload]).toEqual(['tcp', '192.0.2.1', 'hello TLS']);
  });

  it('the total length trims Ethernet padding', () => {
    const d = decode(1, bytes(ethernet(0x0800, ipv4(tcp(Buffer.from('ab')))), Buffer.alloc(10, 0xee)));
    expect([d.payload, d.segment.payloadLength, d.segment.truncated]).toEqual(['ab', 2, false]);
  });

  it('a frame cut by the snaplen is decoded and marked truncated', () => {
    const whole = ethernet(0x0800, ipv4(tcp(Buffer.alloc(1000, 0x41))));
    const d = decode(1, whole.subarray(0, 14 + 20 + 20 + 100));
    expect([d.result, d.segment.truncated, d.segment.payloadLength, d.payload.length]).toEqual(['tcp', true, 1000, 100]);
  });

  it('a whole frame (original length = captured length) whose IP total length is larger has a bogus length: clamped, not truncated', () => {
    const whole = ethernet(0x0800, ipv4(tcp(Buffer.alloc(1000, 0x41))));
    const kept = whole.subarray(0, 14 + 20 + 20 + 100);
    const segment = newTcpSegment();
    expect(decodeFrameAt(1, kept, 0, kept.length, segment, kept.length)).toBe('tcp');
    expect([segment.truncated, segment.payloadEnd - segment.payloadStart]).toEqual([false, 100]);
    const six = ipv6(tcp(Buffer.alloc(500))).subarray(0, 40 + 20 + 10);
    expect(decodeFrameAt(101, six, 0, six.length, segment, six.length)).toBe('tcp');
    expect([segment.truncated, segment.payloadEnd - segment.payloadStart]).toEqual([false, 10]);
  });

  it('a total length of 0 (capture below segmentation offload) means the captured bytes', () => {
    const d = decode(101, ipv4(tcp(Buffer.alloc(3000, 0x42)), { totalLength: 0 }));
    expect([d.result, d.segment.payloadLength, d.payload.length, d.segment.truncated]).toEqual(['tcp', 3000, 3000, false]);
  });

  it('the first fragment is decoded and flagged, later ones are fragment', () => {
    const first = decode(101, ipv4(tcp(), { fragment: 0x2000 }));
    expect([first.result, first.segment.fragment]).toEqual(['tcp', true]);
    expect(decode(101, ipv4(Buffer.alloc(40), { fragment: 0x2000 | 3 })).result).toBe('fragment');
    expect(decode(101, ipv4(Buffer.alloc(40), { fragment: 185 })).result).toBe('fragment'); // last fragment
    const dontFragment = decode(101, ipv4(tcp(), { fragment: 0x4000 }));
    expect([dontFragment.result, dontFragment.segment.fragment]).toEqual(['tcp', false]);
  });

  it('non-TCP protocols are other', () => {
    expect(decode(101, ipv4(Buffer.alloc(8), { protocol: 1 })).result).toBe('other');
    expect(decode(101, ipv4(Buffer.alloc(8), { protocol: 17 })).result).toBe('other'); // UDP, no tunnel port
    expect(decode(101, ipv4(Buffer.alloc(8), { protocol: 50 })).result).toBe('other'); // ESP
  });
});

describe('IPv6', () => {
  it('hop-by-hop, routing, destination options and AH are skipped by their lengths', () => {
    const ah = bytes([6, 4, 0, 0], Buffer.alloc(20)); // 24 bytes: (4 + 2) * 4
    const chain = ipv6Extension(43, ipv6Extension(60, ipv6Extension(51, bytes(ah, tcp()), 22)));
    const d = decode(101, ipv6(chain, { nextHeader: 0, hopLimit: 3 }));
    expect([d.result, d.src, d.payload, d.segment.ttl, d.segment.payloadLength]).toEqual(['tcp', '2001:db8::1', 'hello TLS', 3, 9]);
  });

  it('the first fragment is decoded and flagged, later ones are fragment', () => {
    const fragmentHeader = (offsetAndFlags: number, payload: Buffer) =>
      bytes([6, 0, offsetAndFlags >> 8, offsetAndFlags & 0xff, 0, 0, 0, 1], payload);
    const first = decode(101, ipv6(fragmentHeader(0x0001, tcp()), { nextHeader: 44 }));
    expect([first.result, first.segment.fragment]).toEqual(['tcp', true]);
    expect(decode(101, ipv6(fragmentHeader(0x00a8, Buffer.alloc(32)), { nextHeader: 44 })).result).toBe('fragment');
    const atomic = decode(101, ipv6(fragmentHeader(0, tcp()), { nextHeader: 44 }));
    expect([atomic.result, atomic.segment.fragment]).toEqual(['tcp', false]);
  });

  it('no next header (59) and ESP are other', () => {
    expect(decode(101, ipv6(Buffer.alloc(0), { nextHeader: 59 })).result).toBe('other');
    expect(decode(101, ipv6(ipv6Extension(59, Buffer.alloc(0)), { nextHeader: 60 })).result).toBe('other');
    expect(decode(101, ipv6(Buffer.alloc(16), { nextHeader: 50 })).result).toBe('other');
  });

  it('the payload length trims padding, and beyond the capture marks it truncated', () => {
    const padded = decode(1, bytes(ethernet(0x86dd, ipv6(tcp(Buffer.from('xy')))), Buffer.alloc(6)));
    expect([padded.payload, padded.segment.truncated]).toEqual(['xy', false]);
    const cut = decode(101, ipv6(tcp(Buffer.alloc(500))).subarray(0, 40 + 20 + 10));
    expect([cut.result, cut.segment.truncated, cut.segment.payloadLength, cut.payload.length]).toEqual(['tcp', true, 500, 10]);
  });
});
