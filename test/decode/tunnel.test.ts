import { describe, expect, it } from 'vitest';
import { decode } from './helpers/decode.js';
import { bytes, ethernet, ipv4, ipv6, tcp, u16, udp, vlanTag } from './helpers/frames.js';

const INNER_V4 = { src: [10, 1, 1, 1], dst: [10, 2, 2, 2] };
const innerV4 = ipv4(tcp(), INNER_V4);
const innerV6 = ipv6(tcp(), { src: Buffer.from('fd000000000000000000000000000001', 'hex'), dst: Buffer.from('fd000000000000000000000000000002', 'hex') });
const outerV4 = (protocol: number, payload: Buffer) => ipv4(payload, { protocol, ttl: 200 });

describe('IP in IP', () => {
  it('IPv4 in IPv4, IPv6 in IPv4 (6in4), IPv4 and IPv6 in IPv6', () => {
    const v4in4 = decode(1, ethernet(0x0800, outerV4(4, innerV4)));
    expect([v4in4.result, v4in4.src, v4in4.dst, v4in4.segment.tunnel]).toEqual(['tcp', '10.1.1.1', '10.2.2.2', 'ip-in-ip']);
    expect(v4in4.segment.ttl).toBe(64); // the inner header's
    const v6in4 = decode(1, ethernet(0x0800, outerV4(41, innerV6)));
    expect([v6in4.src, v6in4.segment.ipVersion, v6in4.segment.tunnel]).toEqual(['fd00::1', 6, 'ip-in-ip']);
    expect(decode(101, ipv6(innerV4, { nextHeader: 4 })).src).toBe('10.1.1.1');
    expect(decode(101, ipv6(innerV6, { nextHeader: 41 })).dst).toBe('fd00::2');
  });

  it('a nesting bomb stops at the nesting limit as malformed', () => {
    let packet = innerV4;
    for (let i = 0; i < 8; i++) packet = outerV4(4, packet);
    expect(decode(101, packet).result).toBe('tcp');
    packet = outerV4(4, packet);
    expect(decode(101, packet).result).toBe('malformed');
    let bomb = innerV4;
    for (let i = 0; i < 2000; i++) bomb = outerV4(4, bomb.length > 60000 ? bomb.subarray(0, 60000) : bomb);
    expect(decode(101, bomb).result).toBe('malformed');
  });
});

describe('GRE', () => {
  const gre = (flags: number, protocol: number, extra: number[], payload: Buffer) => bytes([...u16(flags), ...u16(protocol), ...extra], payload);

  it('plain GRE carrying IPv4 and IPv6', () => {
    const d = decode(101, outerV4(47, gre(0, 0x0800, [], innerV4)));
    expect([d.result, d.src, d.segment.tunnel]).toEqual(['tcp', '10.1.1.1', 'gre']);
    expect(decode(101, outerV4(47, gre(0, 0x86dd, [], innerV6))).src).toBe('fd00::1');
  });

  it('checksum, key and sequence fields are skipped', () => {
    const d = decode(101, outerV4(47, gre(0xb000, 0x0800, [0xab, 0xcd, 0, 0, 0, 0, 0, 42, 0, 0, 0, 7], innerV4)));
    expect([d.result, d.src]).toEqual(['tcp', '10.1.1.1']);
  });

  it('transparent Ethernet bridging (0x6558), over IPv6', () => {
    const d = decode(101, ipv6(gre(0x2000, 0x6558, [0, 0, 1, 0], ethernet(0x0800, innerV4)), { nextHeader: 47 }));
    expect([d.result, d.dst, d.segment.tunnel]).toEqual(['tcp', '10.2.2.2', 'gre']);
  });

  it('ERSPAN type I, II and III', () => {
    const mirrored = ethernet(0x8100, vlanTag(7, 0x0800, innerV4));
    const typeI = decode(101, outerV4(47, gre(0, 0x88be, [], mirrored)));
    expect([typeI.result, typeI.segment.tunnel]).toEqual(['tcp', 'gre/erspan/vlan']);
    const erspan2Header = [0x10, 0x07, 0x00, 0x01, 0, 0, 0, 0];
    const typeII = decode(101, outerV4(47, gre(0x1000, 0x88be, [0, 0, 0, 1], bytes(erspan2Header, mirrored))));
    expect([typeII.result, typeII.src, typeII.segment.tunnel]).toEqual(['tcp', '10.1.1.1', 'gre/erspan/vlan']);
    const erspan3Header = [0x20, 0x07, 0x00, 0x01, 1, 2, 3, 4, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
    const typeIII = decode(101, outerV4(47, gre(0x1000, 0x22eb, [0, 0, 0, 1], bytes(erspan3Header, mirrored))));
    expect([typeIII.result, typeIII.src]).toEqual(['tcp', '10.1.1.1']);
  });

  it("PPTP's enhanced GRE (version 1) carrying PPP", () => {
    const ppp = bytes([0xff, 0x03, 0x00, 0x21], innerV4);
    const d = decode(101, outerV4(47, gre(0x3081, 0x880b, [...u16(ppp.length), 0, 1, 0, 0, 0, 5, 0, 0, 0, 4], ppp)));
    expect([d.result, d.src, d.segment.tunnel]).toEqual(['tcp', '10.1.1.1', 'gre']);
  });

  it('source routing, unknown versions and protocols are other; fields past the end are malformed', () => {
    expect(decode(101, outerV4(47, gre(0x4000, 0x0800, [0, 0, 0, 0], innerV4))).result).toBe('other');
    expect(decode(101, outerV4(47, gre(0x0002, 0x0800, [], innerV4))).result).toBe('other');
    expect(decode(101, outerV4(47, gre(0, 0x0806, [], Buffer.alloc(28)))).result).toBe('other');
    expect(decode(101, outerV4(47, gre(0xb000, 0x0800, [0, 0], Buffer.alloc(0)))).result).toBe('malformed');
  });
});

describe('UDP tunnels', () => {
  it('VXLAN carrying Ethernet, inside a VLAN', () => {
    const vxlan = bytes([0x08, 0, 0, 0, 0, 0, 100, 0], ethernet(0x0800, innerV4));
    const d = decode(1, ethernet(0x8100, vlanTag(3, 0x0800, outerV4(17, udp(4789, vxlan)))));
    expect([d.result, d.src, d.dst, d.segment.tunnel]).toEqual(['tcp', '10.1.1.1', '10.2.2.2', 'vlan/vxlan']);
  });

  it('Geneve with options, carrying Ethernet or IP by its protocol type', () => {
    const options = [0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef];
    const overEthernet = bytes([0x02, 0, ...u16(0x6558), 0, 0, 5, 0, ...options], ethernet(0x86dd, innerV6));
    const e = decode(101, outerV4(17, udp(6081, overEthernet)));
    expect([e.result, e.src, e.segment.tunnel]).toEqual(['tcp', 'fd00::1', 'geneve']);
    const overIp = bytes([0x00, 0, ...u16(0x0800), 0, 0, 5, 0], innerV4);
    expect(decode(101, outerV4(17, udp(6081, overIp))).src).toBe('10.1.1.1');
    const version1 = bytes([0x40, 0, ...u16(0x0800), 0, 0, 5, 0], innerV4);
    expect(decode(101, outerV4(17, udp(6081, version1))).result).toBe('other');
    const optionsPastEnd = bytes([0x3f, 0, ...u16(0x0800), 0, 0, 5, 0], innerV4.subarray(0, 20));
    expect(decode(101, outerV4(17, udp(6081, optionsPastEnd))).result).toBe('malformed');
  });

  it('GTP-U: plain, with sequence number, with extension headers (over IPv6)', () => {
    const gtp = (flags: number, extra: number[], payload: Buffer) =>
      bytes([flags, 0xff, ...u16(extra.length + payload.length), 0, 0, 0, 9, ...extra], payload);
    const plain = decode(101, outerV4(17, udp(2152, gtp(0x30, [], innerV4), 2152)));
    expect([plain.result, plain.src, plain.segment.tunnel]).toEqual(['tcp', '10.1.1.1', 'gtp-u']);
    const sequenced = decode(101, outerV4(17, udp(2152, gtp(0x32, [0, 1, 0, 0], innerV6))));
    expect(sequenced.src).toBe('fd00::1');
    // PDU session container (0x85), 4 bytes, then a 8-byte extension of type 0x40, then none
    const extensions = [0, 1, 0, 0x85, 1, 0x10, 0x09, 0x40, 2, 0, 0, 0, 0, 0, 0, 0];
    const extended = decode(101, ipv6(udp(2152, gtp(0x36, extensions, innerV4)), { nextHeader: 17 }));
    expect([extended.result, extended.src, extended.segment.tunnel]).toEqual(['tcp', '10.1.1.1', 'gtp-u']);
    const zeroLengthExtension = [0, 1, 0, 0x85, 0, 0, 0, 0];
    expect(decode(101, outerV4(17, udp(2152, gtp(0x34, zeroLengthExtension, innerV4)))).result).toBe('malformed');
    expect(decode(101, outerV4(17, udp(2152, bytes([0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0])))).result).toBe('other'); // echo request
  });

  it('the UDP length trims what the tunnel sees', () => {
    const vxlan = bytes([0x08, 0, 0, 0, 0, 0, 100, 0], ethernet(0x0800, innerV4));
    const d = decode(101, outerV4(17, udp(4789, bytes(vxlan, Buffer.alloc(30, 0xee)), 40000, 8 + vxlan.length)));
    expect(d.payload).toBe('hello TLS');
    expect(decode(101, outerV4(17, udp(4789, vxlan, 40000, 4))).result).toBe('malformed');
  });

  it('nested tunnels are named outermost first; past the nesting limit the frame is malformed', () => {
    const gre = (payload: Buffer) => outerV4(47, bytes([0, 0, ...u16(0x6558)], ethernet(0x0800, payload)));
    const vxlan = (payload: Buffer) => outerV4(17, udp(4789, bytes([0x08, 0, 0, 0, 0, 0, 1, 0], ethernet(0x0800, payload))));
    const d = decode(1, ethernet(0x8100, vlanTag(1, 0x0800, vxlan(gre(outerV4(4, innerV4))))));
    expect([d.result, d.src, d.segment.tunnel]).toEqual(['tcp', '10.1.1.1', 'vlan/vxlan/gre/ip-in-ip']);
    let bomb = innerV4;
    for (let i = 0; i < 12; i++) bomb = i % 2 === 0 ? vxlan(bomb) : gre(bomb);
    expect(decode(101, bomb).result).toBe('malformed');
  });
});
