import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { availablePublicCaptures, requirePublicCapture } from '../helpers/shared.js';
import type { TruthConnection } from '../helpers/truth.js';
import {
  type ClientHello,
  parseCertificateMessage,
  parseClientHello,
  parseDraftHelloRetryRequest,
  parseServerHello,
  parseSslv2ClientHello,
  parseSslv2ClientMasterKey,
  parseSslv2ServerHello,
  type ServerHello,
} from '../../src/tls/messages/index.js';
import { type ExtractedMessage, extractHandshakes } from './handshake-extractor.js';



const hex16 = (value: number) => '0x' + value.toString(16).padStart(4, '0');
const hex24 = (value: number) => '0x' + value.toString(16).padStart(6, '0');
const isGrease = (value: number) => (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);

function capture(name: string): { messages: ExtractedMessage[]; connections: TruthConnection[] } {
  const file = requirePublicCapture(name);
  const truth = JSON.parse(readFileSync(file + '.truth.json', 'utf8')) as { connections: TruthConnection[] };
  return { messages: extractHandshakes(file), connections: truth.connections };
}

function decoded<T extends object>(result: T | { error: string }): T {
  if ('error' in result) throw new Error(`unexpected decode error: ${result.error}`);
  return result;
}

function sent(messages: ExtractedMessage[], from: string, to: string, type: number): ExtractedMessage[] {
  return messages.filter((m) => m.kind === 'tls' && m.from === from && m.to === to && m.type === type);
}

const TLS_CAPTURES = [
  'zeek__tls-1.2-handshake-failure.pcap',
  'arkime__openssl-tls1-tls1_2.pcap',
  'zeek__tls-expired-cert.pcap',
  'zeek__missing-intermediate.pcap',
  'zeek__tls13draft16-ff52.a01.pcap',
  'zeek__tls13draft23-chrome67.0.3368.0-canary.pcap',
  'suricata__tls13_draft22.pcap',
  'ndpi__dnscrypt-v2-doh.pcap',
  'zeek__tls13-ech.pcap',
  'wireshark-notes__ssl3-dump.pcapng',
  'ja4__tls3.pcapng',
];

describe('hello decoders agree with tshark on real captures', () => {
  for (const name of availablePublicCaptures('hello decoders', TLS_CAPTURES)) {
    it(name, () => {
      const { messages, connections } = capture(name);
      let compared = 0;
      for (const c of connections) {
        const [clientHello] = sent(messages, c.client, c.server, 1);
        if (clientHello === undefined) continue;
        const ch = decoded(parseClientHello(clientHello.body));
        expect(ch.damage).toBeNull();
        expect(ch.sni).toBe(c.sni);
        const offered = [ch.legacyVersion, ...ch.supportedVersions].filter((v) => !isGrease(v)).map(hex16);
        expect([...new Set(offered)]).toEqual(c.client_versions_offered);
        compared++;

        const hellos = sent(messages, c.server, c.client, 2).map((m) => decoded(parseServerHello(m.body)));
        const retry = hellos.some((sh) => sh.helloRetryRequest);
        const sh = hellos.find((candidate) => !candidate.helloRetryRequest);
        if (sh === undefined) continue;
        expect(sh.damage).toBeNull();
        expect(hex16(sh.selectedVersion ?? sh.legacyVersion)).toBe(c.server_version);
        expect(hex16(sh.cipherSuite)).toBe(c.cipher_suite);
        expect(retry).toBe(c.hello_retry_request);
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});

describe('ClientHello fields', () => {
  it('reads a Chrome ClientHello with GREASE, ECH and two key shares as sent (zeek__tls13-ech)', () => {
    const { messages } = capture('zeek__tls13-ech.pcap');
    const ch = decoded(parseClientHello(messages.find((m) => m.type === 1)!.body));
    expect(ch.sni).toBe('cloudflare-ech.com');
    expect(ch.alpn).toEqual(['h2', 'http/1.1']);
    expect(ch.ech).toBe(true);
    expect(ch.extensions.filter(isGrease)).toHaveLength(2);
    expect(ch.supportedVersions.filter((v) => !isGrease(v))).toEqual([0x0304, 0x0303]);
    expect(ch.keyShareGroups.filter((g) => !isGrease(g))).toEqual([0x001d]);
    expect(ch.groups).toContain(0x0017);
    expect(ch.signatureAlgorithms[0]).toBe(0x0403);
    expect(ch.ecPointFormats).toEqual([0]);
    expect(ch.random).toHaveLength(32);
    expect(ch.sessionIdLength).toBe(32);
    expect(ch.truncated).toBe(false);
  });

  it('reads an SSL 3.0 ClientHello that has no extensions block at all', () => {
    // tshark: version 0x0300, no extensions length, 23 suites ending in 0x00ff, compression methods "0"
    const { messages } = capture('arkime__ssl-selfsign.pcap');
    const ch = decoded(parseClientHello(messages.find((m) => m.type === 1)!.body));
    expect(ch.legacyVersion).toBe(0x0300);
    expect(ch.extensions).toEqual([]);
    expect(ch.cipherSuites).toHaveLength(23);
    expect(ch.cipherSuites.at(-1)).toBe(0x00ff);
    expect(ch.compressionMethods).toEqual([0]);
    expect(ch.damage).toBeNull();
  });

  it('reads key_share under its draft number 40 (draft 16 Chrome)', () => {
    const { messages } = capture('zeek__tls13draft16-chrome55.0.2879.0-canary-aborted.pcap');
    const ch = decoded(parseClientHello(messages.find((m) => m.type === 1)!.body));
    expect(ch.extensions).toContain(40);
    expect(ch.keyShareGroups.filter((g) => !isGrease(g))).toEqual([0x001d]);
  });
});

describe('ServerHello layouts', () => {
  it('decodes a TLS 1.3 draft 16 ServerHello (no session id, draft version in legacy_version)', () => {
    const { messages } = capture('zeek__tls13draft16-ff52.a01.pcap');
    const sh = decoded(parseServerHello(messages.find((m) => m.type === 2)!.body));
    expect(sh.draftLayout).toBe(true);
    expect(sh.legacyVersion).toBe(0x7f10);
    expect(sh.selectedVersion).toBeNull();
    expect(sh.compressionMethod).toBeNull();
    expect(sh.cipherSuite).toBe(0x1303);
    expect(sh.keyShareGroup).not.toBeNull();
  });

  it('tells a draft 22 HelloRetryRequest by its random and reads the group it asks for', () => {
    const { messages } = capture('suricata__tls13_draft22.pcap');
    const hellos = messages.filter((m) => m.type === 2).map((m) => decoded(parseServerHello(m.body)));
    const retry = hellos.find((sh) => sh.helloRetryRequest)!;
    expect(retry.selectedVersion).toBe(0x7f16);
    expect(retry.keyShareGroup).toBe(0x0017);
  });

  it('reads the ALPN the server chose (suricata__tls-certs-alert-input: h2 over TLS 1.2, as tshark says)', () => {
    const { messages } = capture('suricata__tls-certs-alert-input.pcap');
    const alpns = messages.filter((m) => m.type === 2).map((m) => decoded(parseServerHello(m.body)).alpn);
    expect(alpns).toEqual(['h2']);
  });
});

describe('SSLv2 messages (flowtest__ssl-v2)', () => {
  it('decodes CLIENT-HELLO, SERVER-HELLO and CLIENT-MASTER-KEY as tshark did', () => {
    const { messages, connections } = capture('flowtest__ssl-v2.pcap');
    const [c] = connections;
    const body = (type: number) => messages.find((m) => m.kind === 'sslv2' && m.type === type)!.body;
    const ch = decoded(parseSslv2ClientHello(body(1)));
    expect([hex16(ch.legacyVersion)]).toEqual(c.client_versions_offered);
    expect(ch.sslv2CipherKinds.length).toBeGreaterThan(0);
    expect(ch.random.length).toBeGreaterThanOrEqual(16);
    expect(ch.damage).toBeNull();
    const sh = decoded(parseSslv2ServerHello(body(4)));
    expect(hex16(sh.version)).toBe(c.server_version);
    expect(sh.certificate?.[0]).toBe(0x30);
    expect(sh.truncated).toBe(false);
    const masterKey = decoded(parseSslv2ClientMasterKey(body(2)));
    expect(hex24(masterKey.cipherKind)).toBe(c.cipher_suite);
    expect(sh.cipherKinds).toContain(masterKey.cipherKind);
  });
});

describe('Certificate message', () => {
  it('splits a TLS 1.2 chain into its DER certificates (zeek__tls-expired-cert)', () => {
    const { messages } = capture('zeek__tls-expired-cert.pcap');
    const chain = parseCertificateMessage(messages.find((m) => m.type === 11)!.body, false);
    expect(Array.isArray(chain)).toBe(true);
    const ders = chain as Buffer[];
    expect(ders).toHaveLength(2);
    for (const der of ders) expect(der[0]).toBe(0x30);
  });
});

describe('hostile input never throws', () => {
  // where a hello's fixed fields end: cut exactly there it is a whole hello without extensions (as SSL 3.0 sends)
  const clientHelloFixedEnd = (b: Buffer) => {
    let at = 34 + 1 + b[34];
    at += 2 + b.readUInt16BE(at);
    return at + 1 + b[at];
  };
  const serverHelloFixedEnd = (b: Buffer) => 34 + 1 + b[34] + 3;
  const realBodies = (): [string, Buffer, (b: Buffer) => unknown, number][] => {
    const { messages } = capture('zeek__tls13-ech.pcap');
    const tls12 = capture('arkime__openssl-tls1-tls1_2.pcap').messages;
    const v2 = capture('flowtest__ssl-v2.pcap').messages;
    const clientHello = messages.find((m) => m.type === 1)!.body;
    const serverHello = messages.find((m) => m.type === 2)!.body;
    return [
      ['ClientHello', clientHello, parseClientHello, clientHelloFixedEnd(clientHello)],
      ['ServerHello', serverHello, parseServerHello, serverHelloFixedEnd(serverHello)],
      ['Certificate', tls12.find((m) => m.type === 11)!.body, (b) => parseCertificateMessage(b, false), -1],
      ['SSLv2 CLIENT-HELLO', v2.find((m) => m.type === 1)!.body, parseSslv2ClientHello, -1],
      ['SSLv2 SERVER-HELLO', v2.find((m) => m.type === 4)!.body, parseSslv2ServerHello, -1],
    ];
  };

  it('truncated at every offset: an error or a partial result that says so', () => {
    for (const [name, body, parse, wholeWithoutExtensions] of realBodies()) {
      for (let length = 0; length < body.length; length++) {
        if (length === wholeWithoutExtensions) continue;
        const result = parse(body.subarray(0, length)) as { error?: string; truncated?: boolean; damage?: string };
        const flagged = result.error !== undefined || result.truncated === true || typeof result.damage === 'string';
        if (!flagged) throw new Error(`${name} cut to ${length} of ${body.length} bytes decoded as if whole`);
      }
    }
  });

  it('with bytes flipped anywhere (deterministic): returns, never throws', () => {
    let seed = 0x2545f491;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
    for (const [, body, parse] of realBodies()) {
      for (let round = 0; round < 300; round++) {
        const mutated = Buffer.from(body);
        for (let flips = 1 + (next() % 4); flips > 0; flips--) mutated[next() % mutated.length] = next() & 0xff;
        expect(() => parse(mutated)).not.toThrow();
      }
    }
  });
});

describe('edge cases no capture here holds', () => {
  it('decodes a draft ≤ 18 HelloRetryRequest (type 6: version, extensions)', () => {
    // server_version 0x7f10, extensions: key_share (40) selected_group x25519
    const body = Buffer.from('7f10' + '0006' + '0028' + '0002' + '001d', 'hex');
    const hrr = decoded(parseDraftHelloRetryRequest(body));
    expect(hrr).toMatchObject({ helloRetryRequest: true, legacyVersion: 0x7f10, keyShareGroup: 0x001d, damage: null });
  });

  it('decodes a draft 19–21 HelloRetryRequest (type 6 with a cipher suite)', () => {
    const body = Buffer.from('7f15' + '1301' + '0006' + '0028' + '0002' + '0017', 'hex');
    const hrr = decoded(parseDraftHelloRetryRequest(body)) as ServerHello;
    expect(hrr).toMatchObject({ cipherSuite: 0x1301, keyShareGroup: 0x0017, damage: null });
  });

  it('splits a TLS 1.3 Certificate message (request context and per-entry extensions)', () => {
    const der = (fill: string) => '30' + '03' + fill.repeat(3);
    const entry = (fill: string) => '000005' + der(fill) + '0000';
    const list = entry('aa') + entry('bb');
    const body = Buffer.from('00' + (list.length / 2).toString(16).padStart(6, '0') + list, 'hex');
    const chain = parseCertificateMessage(body, true) as Buffer[];
    expect(chain.map((d) => d.toString('hex'))).toEqual(['3003aaaaaa', '3003bbbbbb']);
  });

  it('keeps a server_name with bytes that are not a host name, rejecting nothing', () => {
    const name = Buffer.from('bad\x00name\xff', 'latin1');
    const sni = Buffer.concat([Buffer.from([0, name.length + 3, 0, 0, name.length]), name]);
    const ext = Buffer.concat([Buffer.from([0, 0, 0, sni.length]), sni]);
    const fixed = Buffer.concat([Buffer.from('0303', 'hex'), Buffer.alloc(32), Buffer.from('00' + '0002c02f' + '0100', 'hex')]);
    const body = Buffer.concat([fixed, Buffer.from([0, ext.length]), ext]);
    const ch = decoded(parseClientHello(body)) as ClientHello;
    expect(ch.sni).toBe('bad\x00name\xff');
    expect(ch.cipherSuites).toEqual([0xc02f]);
    expect(ch.damage).toBeNull();
  });
});
