import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/file.js';
import { decodeFrame, formatAddress, newTcpSegment } from '../../src/decode/frame.js';

import { availablePublicCaptures, requirePublicCapture } from '../helpers/shared.js';

interface Expectation {
  file: string;
  tlsPort: number;
  /** tshark -r F -Y 'tcp && !icmp && !icmpv6' | wc -l  (TCP quoted inside ICMP errors is no segment) */
  tcpSegments: number;
  /** tshark -r F -Y 'tcp.dstport==<tlsPort> && !icmp && !icmpv6' | wc -l */
  towardsTlsPort: number;
  /** the encapsulations the TLS connections were found under */
  tunnel: string;
}

// Counts from tshark 4.0.17 with the commands above.
const EXPECTED: Expectation[] = [
  { file: 'ndpi__vxlan.pcap', tlsPort: 443, tcpSegments: 119, towardsTlsPort: 50, tunnel: 'vlan/vxlan' },
  { file: 'mercury__geneve.pcap', tlsPort: 443, tcpSegments: 379, towardsTlsPort: 168, tunnel: 'geneve' },
  { file: 'zeek__geneve-47101.pcap', tlsPort: 443, tcpSegments: 24, towardsTlsPort: 15, tunnel: 'geneve' },
  { file: 'zeek__gtp6_gtp_0x32.pcap', tlsPort: 5228, tcpSegments: 31, towardsTlsPort: 17, tunnel: 'gtp-u' },
  { file: 'zeek__pppoe-over-qinq.pcap', tlsPort: 443, tcpSegments: 86, towardsTlsPort: 44, tunnel: 'vlan/pppoe' },
  { file: 'ndpi__6in4tunnel.pcap', tlsPort: 443, tcpSegments: 75, towardsTlsPort: 32, tunnel: 'ip-in-ip' },
  { file: 'mercury__sll2_tls.pcap', tlsPort: 443, tcpSegments: 1, towardsTlsPort: 1, tunnel: '' },
  { file: 'zeek__ml-dsa-44-cert.pcap', tlsPort: 443, tcpSegments: 5, towardsTlsPort: 3, tunnel: '' },
  { file: 'arkime__ssl-selfsign.pcap', tlsPort: 4443, tcpSegments: 20, towardsTlsPort: 10, tunnel: '' },
  // pcapng; 802.11 frames with a byte-swapped frame control in CAPWAP data, both directions (to and from port 5247)
  { file: 'ndpi__capwap_data.pcapng', tlsPort: 443, tcpSegments: 14, towardsTlsPort: 9, tunnel: 'vlan/capwap' },
];

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

describe('real captures: decoded segments match tshark', () => {
  const available = new Set(availablePublicCaptures('decode captures', EXPECTED.map((e) => e.file)));
  for (const expected of EXPECTED.filter((e) => available.has(e.file))) {
    it(expected.file, async () => {
      const file = requirePublicCapture(expected.file);
      const truth = JSON.parse(readFileSync(`${file}.truth.json`, 'utf8')) as { connections: Array<{ client: string; server: string }> };
      const out = newTcpSegment();
      let tcpSegments = 0;
      let towardsTlsPort = 0;
      const tlsTunnels = new Set<string>();
      const seen = new Set<string>();
      await readCaptureFile(file, {
        frame(data: Buffer, _ts: number, linkType: number) {
          if (decodeFrame(linkType, data, out) !== 'tcp') return;
          tcpSegments++;
          if (out.dstPort !== expected.tlsPort) return;
          towardsTlsPort++;
          tlsTunnels.add(out.tunnel);
          const src = endpoint(formatAddress(out.buf, out.srcAddrOffset, out.addrLength), out.srcPort);
          const dst = endpoint(formatAddress(out.buf, out.dstAddrOffset, out.addrLength), out.dstPort);
          seen.add(`${src} > ${dst}`);
        },
      });
      expect(tcpSegments).toBe(expected.tcpSegments);
      expect(towardsTlsPort).toBe(expected.towardsTlsPort);
      expect([...tlsTunnels]).toEqual([expected.tunnel]);
      const tlsConnections = truth.connections.filter((c) => c.server.endsWith(`:${expected.tlsPort}`));
      expect(tlsConnections.length).toBeGreaterThan(0);
      for (const connection of tlsConnections) expect(seen).toContain(`${connection.client} > ${connection.server}`);
    });
  }
});
