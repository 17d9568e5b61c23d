import { describe, expect, it } from 'vitest';
import { decodeFrame, newTcpSegment } from '../../src/decode/frame.js';
import { decode } from './helpers/decode.js';
import { bytes, ethernet, ipv4, ipv6, ipv6Extension, tcp } from './helpers/frames.js';

describe('malformed and hostile headers', () => {
  it('frames shorter than their link header', () => {
    expect(decode(1, Buffer.alloc(0)).result).toBe('malformed');
    expect(decode(1, Buffer.alloc(13)).result).toBe('malformed');
    expect(decode(113, Buffer.alloc(15)).result).toBe('malformed');
    expect(decode(276, Buffer.alloc(19)).result).toBe('malformed');
    expect(decode(0, Buffer.alloc(3)).result).toBe('malformed');
    expect(decode(101, Buffer.alloc(0)).result).toBe('malformed');
    expect(decode(9, Buffer.from([0xff, 0x03])).result).toBe('malformed');
  });

  it('IPv4: zero or short IHL, IHL past the end, total length below the header, wrong version', () => {
    expect(decode(101, ipv4(tcp(), { ihl: 0 })).result).toBe('malformed');
    expect(decode(101, ipv4(tcp(), { ihl: 4 })).result).toBe('malformed');
    expect(decode(101, ipv4(Buffer.alloc(0), { ihl: 15 })).result).toBe('malformed');
    expect(decode(101, ipv4(tcp(), { totalLength: 19 })).result).toBe('malformed');
    expect(decode(1, ethernet(0x0800, ipv4(tcp(), { version: 6 }))).result).toBe('malformed');
    expect(decode(101, ipv4(tcp()).subarray(0, 19)).result).toBe('malformed');
  });

  it('IPv6: short header, wrong version, an extension header longer than the packet', () => {
    expect(decode(101, ipv6(tcp()).subarray(0, 39)).result).toBe('malformed');
    expect(decode(1, ethernet(0x86dd, ipv4(tcp()))).result).toBe('malformed');
    const longHopByHop = bytes([6, 255, 0, 0, 0, 0, 0, 0], tcp());
    expect(decode(101, ipv6(longHopByHop, { nextHeader: 0 })).result).toBe('malformed');
    expect(decode(101, ipv6(Buffer.from([6, 0, 0]), { nextHeader: 60 })).result).toBe('malformed');
  });

  it('IPv6: a long chain of extension headers ends at the packet end', () => {
    let chain = tcp();
    for (let i = 0; i < 1000; i++) chain = ipv6Extension(i === 0 ? 6 : 60, chain);
    expect(decode(101, ipv6(chain, { nextHeader: 60 })).result).toBe('tcp');
    expect(decode(101, ipv6(chain, { nextHeader: 60 }).subarray(0, 4000)).result).toBe('malformed');
  });

  it('TCP: data offset below 5, data offset past the capture or past the datagram, header cut', () => {
    for (const dataOffset of [0, 1, 4]) expect(decode(101, ipv4(tcp(undefined, { dataOffset }))).result).toBe('malformed');
    expect(decode(101, ipv4(tcp(Buffer.alloc(0), { dataOffset: 15 }))).result).toBe('malformed');
    const cutInside = ipv4(tcp(Buffer.alloc(40), { dataOffset: 15 }), { totalLength: 50 });
    expect(decode(101, cutInside).result).toBe('malformed');
    expect(decode(101, ipv4(tcp()).subarray(0, 30)).result).toBe('malformed');
  });

  it('never throws on random bytes under any link type, and leaves a well-formed segment when it says tcp', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const out = newTcpSegment();
    const linkTypes = [0, 1, 9, 12, 50, 51, 101, 104, 108, 113, 228, 229, 276];
    const prefix = ethernet(0x0800, ipv4(tcp()));
    for (let i = 0; i < 20000; i++) {
      const frame = Buffer.alloc(random() % 120);
      for (let j = 0; j < frame.length; j++) frame[j] = random();
      // Half the frames keep a valid start so the fuzzing reaches the deeper layers.
      if (i % 2 === 0) prefix.copy(frame, 0, 0, Math.min(frame.length, 14 + (random() % 40)));
      const result = decodeFrame(linkTypes[i % linkTypes.length], frame, out);
      if (result === 'tcp') {
        expect(out.payloadStart).toBeLessThanOrEqual(out.payloadEnd);
        expect(out.payloadEnd).toBeLessThanOrEqual(frame.length);
        expect(out.payloadLength).toBeGreaterThanOrEqual(0);
        expect(out.srcAddrOffset + out.addrLength).toBeLessThanOrEqual(frame.length);
      }
    }
  });
});
