import { describe, expect, it } from 'vitest';
import { decode } from './helpers/decode.js';
import { bytes, ethernet, ipv4, ipv6, tcp, u16, vlanTag } from './helpers/frames.js';

const v4Packet = ipv4(tcp());
const v6Packet = ipv6(tcp());

/** one MPLS label stack entry */
const label = (value: number, bottom: boolean) => [(value >> 12) & 0xff, (value >> 4) & 0xff, ((value & 0xf) << 4) | (bottom ? 1 : 0), 64];

describe('VLAN tags', () => {
  it('802.1Q', () => {
    const d = decode(1, ethernet(0x8100, vlanTag(100, 0x0800, v4Packet)));
    expect([d.result, d.src, d.segment.tunnel]).toEqual(['tcp', '192.0.2.1', 'vlan']);
  });

  it('QinQ with 0x88a8 and 0x9100 outer tags, named once', () => {
    for (const outer of [0x88a8, 0x9100]) {
      const d = decode(1, ethernet(outer, vlanTag(10, 0x8100, vlanTag(20, 0x86dd, v6Packet))));
      expect([d.result, d.dst, d.segment.tunnel]).toEqual(['tcp', '2001:db8:0:1::2', 'vlan']);
    }
  });

  it('any depth of tags', () => {
    let inner = vlanTag(1, 0x0800, v4Packet);
    for (let i = 0; i < 50; i++) inner = vlanTag(i, 0x8100, inner);
    const d = decode(1, ethernet(0x8100, inner));
    expect([d.result, d.segment.tunnel]).toEqual(['tcp', 'vlan']);
  });

  it('a tag stack that runs off the end is malformed', () => {
    expect(decode(1, ethernet(0x8100, Buffer.from([0, 1, 0x81, 0x00, 0, 2]))).result).toBe('malformed');
  });
});

describe('MPLS', () => {
  it('a label stack over IPv4 and over IPv6', () => {
    const v4 = decode(1, ethernet(0x8847, bytes(label(16, false), label(17, false), label(18, true), v4Packet)));
    expect([v4.result, v4.src, v4.segment.tunnel]).toEqual(['tcp', '192.0.2.1', 'mpls']);
    const v6 = decode(1, ethernet(0x8847, bytes(label(16, true), v6Packet)));
    expect([v6.result, v6.src]).toEqual(['tcp', '2001:db8::1']);
  });

  it('an Ethernet pseudowire with control word', () => {
    const inner = ethernet(0x0800, v4Packet);
    const d = decode(1, ethernet(0x8847, bytes(label(100, true), [0, 0, 0, 0], inner)));
    expect([d.result, d.src, d.segment.tunnel]).toEqual(['tcp', '192.0.2.1', 'mpls']);
  });

  it('a stack without bottom-of-stack bit is malformed', () => {
    expect(decode(1, ethernet(0x8847, bytes(label(1, false), label(2, false)))).result).toBe('malformed');
  });
});

describe('PPPoE', () => {
  const session = (payload: Buffer, length = 2 + payload.length) => bytes([0x11, 0x00, 0x00, 0x07, ...u16(length), ...u16(0x0021)], payload);

  it('session data carrying IPv4, with VLAN outside', () => {
    const d = decode(1, ethernet(0x8100, vlanTag(5, 0x8864, session(v4Packet))));
    expect([d.result, d.src, d.segment.tunnel]).toEqual(['tcp', '192.0.2.1', 'vlan/pppoe']);
  });

  it('carrying IPv6', () => {
    const frame = ethernet(0x8864, bytes([0x11, 0x00, 0x00, 0x07, ...u16(2 + v6Packet.length), ...u16(0x0057)], v6Packet));
    expect(decode(1, frame).src).toBe('2001:db8::1');
  });

  it('the PPPoE length trims Ethernet padding', () => {
    const d = decode(1, bytes(ethernet(0x8864, session(v4Packet)), Buffer.alloc(20, 0xee)));
    expect(d.payload).toBe('hello TLS');
  });

  it('an IP total length that counts link padding is cut to the PPPoE length, not taken for a snaplen cut', () => {
    // Seen in zeek's pppoe-over-qinq trace: IP says 46 bytes, PPPoE carries 40; tshark takes the PPPoE length too.
    const ipWithPadding = Buffer.from(v4Packet);
    ipWithPadding.writeUInt16BE(v4Packet.length + 6, 2);
    const d = decode(1, bytes(ethernet(0x8864, session(ipWithPadding, 2 + v4Packet.length)), Buffer.alloc(6)));
    expect([d.result, d.payload, d.segment.truncated]).toEqual(['tcp', 'hello TLS', false]);
  });

  it('non-session codes (PADI etc.) are other', () => {
    expect(decode(1, ethernet(0x8864, bytes([0x11, 0x09, 0, 0, 0, 0]))).result).toBe('other');
  });
});
