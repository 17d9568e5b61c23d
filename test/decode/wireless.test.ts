import { describe, expect, it } from 'vitest';
import { decode } from './helpers/decode.js';
import { bytes, ethernet, ipv4, ipv6, tcp, udp, vlanTag } from './helpers/frames.js';
import { amsduSubframe, avs, capwap, llcSnap, ppi, prism, radiotap, wlan } from './helpers/wireless.js';

const v4Packet = ipv4(tcp());
const v6Packet = ipv6(tcp());
const msdu = llcSnap(0x0800, v4Packet);
/** an IPv4 packet that declares 50 bytes more than it holds, as if cut by the snaplen: its payload runs to the frame's end */
const cutPacket = ipv4(tcp(), { totalLength: 20 + 20 + 9 + 50 });
const FCS = Buffer.from('FCS!');

describe('IEEE 802.11 data frames (LINKTYPE_IEEE802_11 105)', () => {
  it('a data frame to the AP carrying IPv4, and one from it carrying IPv6', () => {
    const up = decode(105, wlan(msdu, { flags: 0x01 }));
    expect([up.result, up.src, up.dst, up.payload, up.segment.tunnel]).toEqual(['tcp', '192.0.2.1', '198.51.100.2', 'hello TLS', '']);
    const down = decode(105, wlan(llcSnap(0x86dd, v6Packet), { flags: 0x02 }));
    expect([down.result, down.src]).toEqual(['tcp', '2001:db8::1']);
  });

  it('QoS data: the 2-byte QoS control, plus 4 bytes of HT control when the order flag is set', () => {
    expect(decode(105, wlan(msdu, { frameControl: 0x88, flags: 0x01 })).payload).toBe('hello TLS');
    const withHtControl = decode(105, wlan(msdu, { frameControl: 0x88, flags: 0x81 }));
    expect([withHtControl.result, withHtControl.src, withHtControl.payload]).toEqual(['tcp', '192.0.2.1', 'hello TLS']);
    // on a non-QoS data frame the order flag means "strictly ordered": there is no HT control field
    expect(decode(105, wlan(msdu, { frameControl: 0x08, flags: 0x81 })).payload).toBe('hello TLS');
  });

  it('four addresses when both ToDS and FromDS are set (mesh / WDS), with and without QoS', () => {
    expect(decode(105, wlan(msdu, { flags: 0x03 })).src).toBe('192.0.2.1');
    const qos = decode(105, wlan(msdu, { frameControl: 0x88, flags: 0x83 }));
    expect([qos.result, qos.dst, qos.payload]).toEqual(['tcp', '198.51.100.2', 'hello TLS']);
  });

  it('protected, management, control, no-data and non-zero-version frames are other', () => {
    expect(decode(105, wlan(Buffer.alloc(60, 0x5a), { flags: 0x41 })).result).toBe('other'); // encrypted body
    expect(decode(105, wlan(Buffer.alloc(40), { frameControl: 0x80, flags: 0 })).result).toBe('other'); // beacon
    expect(decode(105, Buffer.from([0xd4, 0x00, 0x00, 0x00, ...new Array(6).fill(1)])).result).toBe('other'); // ACK
    expect(decode(105, wlan(Buffer.alloc(0), { frameControl: 0x48 })).result).toBe('other'); // Null
    expect(decode(105, wlan(Buffer.alloc(0), { frameControl: 0xc8 })).result).toBe('other'); // QoS Null
    expect(decode(105, wlan(msdu, { frameControl: 0x09 })).result).toBe('other'); // protocol version 1
  });

  it('LLC/SNAP: the 802.1H OUI is read like RFC 1042; other OUIs, plain LLC and unknown EtherTypes are other', () => {
    expect(decode(105, wlan(llcSnap(0x0800, v4Packet, [0, 0, 0xf8]))).src).toBe('192.0.2.1');
    expect(decode(105, wlan(llcSnap(0x0800, v4Packet, [0, 0x0b, 0x85]))).result).toBe('other');
    expect(decode(105, wlan(bytes([0x42, 0x42, 0x03], Buffer.alloc(40)))).result).toBe('other');
    expect(decode(105, wlan(llcSnap(0x888e, Buffer.alloc(40)))).result).toBe('other'); // EAPOL
  });

  it('a first fragment is decoded (its datagram cut short), a later one is fragment', () => {
    const first = decode(105, wlan(llcSnap(0x0800, cutPacket), { flags: 0x05, sequenceControl: 0x3070 }));
    expect([first.result, first.segment.truncated]).toEqual(['tcp', true]);
    expect(decode(105, wlan(Buffer.alloc(60, 0x5a), { flags: 0x01, sequenceControl: 0x3071 })).result).toBe('fragment');
  });

  it('an A-MSDU of one subframe is decoded; of several, other (one segment per frame)', () => {
    const single = decode(105, wlan(amsduSubframe(msdu, false), { frameControl: 0x88, qosControl: 0x80 }));
    expect([single.result, single.src, single.payload]).toEqual(['tcp', '192.0.2.1', 'hello TLS']);
    const two = bytes(amsduSubframe(msdu), amsduSubframe(msdu, false));
    expect(decode(105, wlan(two, { frameControl: 0x88, qosControl: 0x80 })).result).toBe('other');
    expect(decode(105, wlan(Buffer.from([1, 2, 3]), { frameControl: 0x88, qosControl: 0x80 })).result).toBe('malformed');
  });

  it('headers cut short are malformed', () => {
    const frame = wlan(msdu, { frameControl: 0x88, flags: 0x83 });
    for (const length of [1, 10, 23, 29, 31, 35, 40]) expect(decode(105, frame.subarray(0, length)).result).toBe('malformed');
  });
});

describe('radio headers before 802.11 frames', () => {
  it('radiotap (127) without fields, with TSFT and flags, with extended presence words', () => {
    expect(decode(127, radiotap(wlan(msdu))).src).toBe('192.0.2.1');
    expect(decode(127, radiotap(wlan(msdu), { tsft: true, flags: 0x02 })).payload).toBe('hello TLS');
    expect(decode(127, radiotap(wlan(msdu), { tsft: true, flags: 0x00, extendedWords: 2 })).payload).toBe('hello TLS');
    expect(decode(127, radiotap(wlan(msdu), { flags: 0x00, extendedWords: 1 })).result).toBe('tcp');
  });

  it("radiotap's FCS-at-end flag trims the last 4 bytes off the frame", () => {
    const withFcs = decode(127, bytes(radiotap(wlan(llcSnap(0x0800, cutPacket)), { tsft: true, flags: 0x10 }), FCS));
    expect([withFcs.result, withFcs.payload]).toEqual(['tcp', 'hello TLS']);
    const withoutFlag = decode(127, bytes(radiotap(wlan(llcSnap(0x0800, cutPacket)), { tsft: true, flags: 0x00 }), FCS));
    expect(withoutFlag.payload).toBe('hello TLSFCS!');
    expect(decode(127, bytes(radiotap(wlan(msdu), { flags: 0x10 }), FCS)).payload).toBe('hello TLS');
  });

  it("radiotap's data-pad flag: the 802.11 header is padded to a multiple of 4 bytes", () => {
    const padded = decode(127, radiotap(wlan(msdu, { frameControl: 0x88, pad: 2 }), { flags: 0x20 }));
    expect([padded.result, padded.src, padded.payload]).toEqual(['tcp', '192.0.2.1', 'hello TLS']);
    expect(decode(127, radiotap(wlan(msdu, { frameControl: 0x88 }), { flags: 0x20 })).result).not.toBe('tcp');
  });

  it('radiotap: a failed FCS is malformed, an unknown version other, lengths past the frame malformed', () => {
    expect(decode(127, radiotap(wlan(msdu), { flags: 0x40 })).result).toBe('malformed');
    expect(decode(127, radiotap(wlan(msdu), { version: 1 })).result).toBe('other');
    expect(decode(127, radiotap(wlan(msdu), { length: 4 })).result).toBe('malformed');
    expect(decode(127, radiotap(Buffer.alloc(0), { length: 200 })).result).toBe('malformed');
    expect(decode(127, radiotap(wlan(msdu), { extendedWords: 2, length: 12 })).result).toBe('malformed');
    expect(decode(127, radiotap(wlan(msdu), { tsft: true, flags: 0, length: 16 })).result).toBe('malformed');
    expect(decode(127, radiotap(Buffer.alloc(2), { flags: 0x10 })).result).toBe('malformed');
  });

  it('PPI (192) carrying 802.11, with the 802.11-Common FCS flags; aligned fields; other link types', () => {
    expect(decode(192, ppi(wlan(msdu))).src).toBe('192.0.2.1');
    expect(decode(192, ppi(wlan(msdu), { aligned: true, commonFlags: 0 })).payload).toBe('hello TLS');
    const fcs = decode(192, bytes(ppi(wlan(llcSnap(0x0800, cutPacket)), { commonFlags: 0x0001 }), FCS));
    expect([fcs.result, fcs.payload]).toEqual(['tcp', 'hello TLS']);
    expect(decode(192, ppi(wlan(msdu), { commonFlags: 0x0005 })).result).toBe('malformed');
    expect(decode(192, ppi(ethernet(0x0800, v4Packet), { linkType: 1 })).src).toBe('192.0.2.1');
    expect(decode(192, ppi(wlan(msdu), { linkType: 147 })).result).toBe('other');
    expect(decode(192, ppi(ppi(wlan(msdu)), { linkType: 192 })).result).toBe('other');
    expect(decode(192, ppi(wlan(msdu), { length: 6 })).result).toBe('malformed');
    expect(decode(192, ppi(Buffer.alloc(0), { commonFlags: 0, length: 20 })).result).toBe('malformed');
  });

  it('Prism (119), AVS (163), and AVS written under the Prism link type', () => {
    expect(decode(119, prism(wlan(msdu))).src).toBe('192.0.2.1');
    expect(decode(163, avs(wlan(msdu))).payload).toBe('hello TLS');
    expect(decode(119, avs(wlan(msdu))).payload).toBe('hello TLS');
    expect(decode(119, prism(wlan(msdu)).subarray(0, 100)).result).toBe('malformed');
    expect(decode(163, avs(wlan(msdu), 4)).result).toBe('malformed');
    expect(decode(163, avs(Buffer.alloc(0), 500)).result).toBe('malformed');
    expect(decode(163, Buffer.alloc(80)).result).toBe('other');
  });
});

describe('CAPWAP data channel (UDP 5247)', () => {
  const overUdp = (payload: Buffer, dstPort = 5247, srcPort = 41264) =>
    ethernet(0x0800, ipv4(udp(dstPort, payload, srcPort), { protocol: 17, src: [172, 16, 100, 87], dst: [172, 50, 100, 155] }));

  it('T=1, 802.11 binding, with wireless specific information, towards the controller', () => {
    const d = decode(1, overUdp(capwap(wlan(msdu), { wireless: [0xbf, 0x23, 0, 0] })));
    expect([d.result, d.src, d.dst, d.payload, d.segment.tunnel]).toEqual(['tcp', '192.0.2.1', '198.51.100.2', 'hello TLS', 'capwap']);
  });

  it('from the controller: source port 5247 to any port; a byte-swapped frame control is recognised', () => {
    const down = decode(1, overUdp(capwap(wlan(msdu, { flags: 0x02, swapFrameControl: true })), 41264, 5247));
    expect([down.result, down.src, down.segment.tunnel]).toEqual(['tcp', '192.0.2.1', 'capwap']);
    const up = decode(1, overUdp(capwap(wlan(msdu, { frameControl: 0x88, flags: 0x11, swapFrameControl: true }))));
    expect([up.result, up.payload]).toEqual(['tcp', 'hello TLS']);
    // the same swapped frame outside CAPWAP is no data frame
    expect(decode(105, wlan(msdu, { flags: 0x02, swapFrameControl: true })).result).toBe('other');
  });

  it('T=0: an IEEE 802.3 frame; inside a VLAN the tunnel is named outermost first', () => {
    const d = decode(1, ethernet(0x8100, vlanTag(94, 0x0800, ipv4(udp(5247, capwap(ethernet(0x0800, v4Packet), { native: false })), { protocol: 17 }))));
    expect([d.result, d.src, d.segment.tunnel]).toEqual(['tcp', '192.0.2.1', 'vlan/capwap']);
  });

  it('DTLS, other versions, keep-alives, other bindings and the control port are other; later fragments are fragment', () => {
    expect(decode(1, overUdp(bytes([0x01, 0, 0, 0, 0x17, 0xfe, 0xfd], Buffer.alloc(40)))).result).toBe('other');
    expect(decode(1, overUdp(capwap(wlan(msdu), { preamble: 0x10 }))).result).toBe('other');
    expect(decode(1, overUdp(capwap(Buffer.alloc(12), { keepAlive: true }))).result).toBe('other');
    expect(decode(1, overUdp(capwap(wlan(msdu), { wbid: 3 }))).result).toBe('other');
    expect(decode(1, overUdp(capwap(wlan(msdu)), 5246, 41000)).result).toBe('other');
    expect(decode(1, overUdp(capwap(wlan(llcSnap(0x0800, cutPacket)), { fragmentOffset: 0 }))).segment.truncated).toBe(true);
    expect(decode(1, overUdp(capwap(Buffer.alloc(60, 0x5a), { fragmentOffset: 150 }))).result).toBe('fragment');
  });

  it('a header length under 8 bytes or past the datagram is malformed', () => {
    expect(decode(1, overUdp(capwap(wlan(msdu), { hlen: 1 }))).result).toBe('malformed');
    expect(decode(1, overUdp(capwap(wlan(msdu), { hlen: 0 }))).result).toBe('malformed');
    expect(decode(1, overUdp(capwap(Buffer.alloc(10), { hlen: 31 }))).result).toBe('malformed');
    expect(decode(1, overUdp(Buffer.from([0, 0x10, 0x03])))).toMatchObject({ result: 'malformed' });
  });
});
