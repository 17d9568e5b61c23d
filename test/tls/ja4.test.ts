import { describe, expect, it } from 'vitest';
import { alpnCode, ja4 } from '../../src/tls/ja4.js';
import { type ClientHello, parseClientHello, parseServerHello, type ServerHello } from '../../src/tls/messages/index.js';
import { availablePublicCaptures, requirePublicCapture } from '../helpers/shared.js';
import { extractHandshakes } from './handshake-extractor.js';


/** Client port → the fingerprints FoxIO's own ja4 tool reports (FoxIO-LLC/ja4 python/test/testdata/*.json). */
const FOXIO_EXPECTED: Record<string, Record<number, { ja4: string }>> = {
  'ja4__tls3.pcapng': {
    63248: { ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1' },
    63250: { ja4: 't13d1516h2_8daaf6152771_9b887d9acb53' },
    63251: { ja4: 't13d1516h2_8daaf6152771_9b887d9acb53' },
    63252: { ja4: 't13d1516h2_8daaf6152771_9b887d9acb53' },
    63253: { ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1' },
    63254: { ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1' },
    63255: { ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1' },
  },
  'ja4__tls-sni.pcapng': {
    50112: { ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1' },
    50122: { ja4: 't13d1516h1_8daaf6152771_e5627efa2ab1' },
    50123: { ja4: 't13d151400_8daaf6152771_de4a06bb82e3' },
    50140: { ja4: 't13d1516h1_8daaf6152771_e5627efa2ab1' },
  },
};

// FoxIO's captures are not redistributable (FoxIO License 1.1): they are read from ../shared where it exists.
const foxioHere = new Set(availablePublicCaptures('ja4 on FoxIO captures', Object.keys(FOXIO_EXPECTED)));

describe.skipIf(foxioHere.size === 0)("JA4 matches FoxIO's tool on its own captures", () => {
  for (const [name, expectedByPort] of Object.entries(FOXIO_EXPECTED).filter(([file]) => foxioHere.has(file))) {
    it(name, () => {
      const messages = extractHandshakes(requirePublicCapture(name));
      for (const [port, expected] of Object.entries(expectedByPort)) {
        const client = messages.find((m) => m.type === 1 && m.from.endsWith(`:${port}`))!;
        const ch = parseClientHello(client.body) as ClientHello;
        expect(ja4(ch), `client port ${port}`).toBe(expected.ja4);
      }
    });
  }
});

/** A ClientHello with only the fields JA4 reads set; the rest as an empty hello has them. */
function hello(fields: Partial<ClientHello>): ClientHello {
  const body = Buffer.from('0303' + '00'.repeat(32) + '00' + '0000' + '0100', 'hex');
  return { ...(parseClientHello(body) as ClientHello), ...fields };
}

describe('JA4 from the examples of the specification (technical_details/JA4.md)', () => {
  const specSuites = [
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
    0x0035,
  ];
  const specExtensions = [
    0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b,
    0x000a, 0x0015,
  ];
  const specSignatureAlgorithms = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];

  it('the worked example, with GREASE sprinkled in that must change nothing', () => {
    const ch = hello({
      cipherSuites: [0x0a0a, ...specSuites],
      extensions: [0x2a2a, ...specExtensions, 0xfafa],
      supportedVersions: [0x7a7a, 0x0304, 0x0303],
      alpn: ['h2', 'http/1.1'],
      signatureAlgorithms: specSignatureAlgorithms,
    });
    expect(ja4(ch)).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
    expect(ja4(ch, 'q')).toBe('q13d1516h2_8daaf6152771_e5627efa2ab1');
  });

  it('no signature algorithms: the extension list alone is hashed', () => {
    const ch = hello({ cipherSuites: specSuites, extensions: specExtensions, alpn: ['h2'] });
    expect(ja4(ch)).toBe('t12d1516h2_8daaf6152771_6d807ffa2a79');
  });

  it('nothing to hash gives twelve zeros; no SNI gives i; counts stop at 99', () => {
    const empty = hello({ legacyVersion: 0x0300 });
    expect(ja4(empty)).toBe('ts3i000000_000000000000_000000000000');
    const big = hello({ cipherSuites: Array.from({ length: 120 }, (_, i) => i + 1) });
    expect(ja4(big).slice(0, 10)).toBe('t12i990000');
    expect(ja4(hello({ legacyVersion: 0x7f17 })).slice(0, 3)).toBe('t00');
  });

  it('ALPN first and last characters, hex when either end is not alphanumeric', () => {
    const latin1 = (...bytes: number[]) => Buffer.from(bytes).toString('latin1');
    expect(alpnCode('h2')).toBe('h2');
    expect(alpnCode('http/1.1')).toBe('h1');
    expect(alpnCode('a')).toBe('aa');
    expect(alpnCode(undefined)).toBe('00');
    expect(alpnCode('')).toBe('00');
    expect(alpnCode(latin1(0xab))).toBe('ab');
    expect(alpnCode(latin1(0xab, 0xcd))).toBe('ad');
    expect(alpnCode(latin1(0x30, 0xab))).toBe('3b');
    expect(alpnCode(latin1(0x30, 0x31, 0xab, 0xcd))).toBe('3d');
    expect(alpnCode(latin1(0x30, 0xab, 0xcd, 0x31))).toBe('01');
  });
});
