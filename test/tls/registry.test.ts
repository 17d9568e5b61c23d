import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAVE_PUBLIC_CAPTURES, publicCaptureNames, publicTruth, warnIfNoPublicCaptures } from '../helpers/shared.js';
import type { TruthConnection } from '../helpers/truth.js';
import {
  ALERT_DESCRIPTION_ENTRIES,
  CONTENT_TYPE_ENTRIES,
  DEPLOYED_UNASSIGNED_CIPHER_SUITE_ENTRIES,
  EXTENSION_ENTRIES,
  GROUP_ENTRIES,
  HANDSHAKE_TYPE_ENTRIES,
  IANA_CIPHER_SUITE_ENTRIES,
  LEGACY_SIGNATURE_PAIR_ENTRIES,
  SIGNATURE_SCHEME_ENTRIES,
  SSLV2_CIPHER_KIND_ENTRIES,
  VERSIONS,
  alertLevelName,
  alertName,
  cipherSuiteInfo,
  cipherSuiteName,
  contentTypeName,
  extensionName,
  groupName,
  handshakeTypeName,
  hex16,
  hex24,
  hex8,
  isGrease,
  isTls13,
  signatureSchemeName,
  sslv2CipherKindName,
  versionName,
  type RegistryEntries,
} from '../../src/tls/registry/index.js';

const GREASE_VALUES = [
  0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada,
  0xeaea, 0xfafa,
];

/** The fallback spelling; a bare /^unknown/ would also catch registered names such as unknown_ca. */
const UNNAMED = /^unknown \(/;

const NAME_SHAPE = /^[A-Za-z0-9_ .()\-]+$/;

describe('hex spellings', () => {
  it('pads to the width of the field, lower case', () => {
    expect(hex16(0x0303)).toBe('0x0303');
    expect(hex16(0xc02f)).toBe('0xc02f');
    expect(hex16(0)).toBe('0x0000');
    expect(hex24(0x010080)).toBe('0x010080');
    expect(hex24(0x0700c0)).toBe('0x0700c0');
    expect(hex8(70)).toBe('0x46');
    expect(hex8(0)).toBe('0x00');
  });
});

describe('GREASE (RFC 8701)', () => {
  it('recognises exactly the sixteen reserved values', () => {
    let count = 0;
    for (let value = 0; value <= 0xffff; value++) if (isGrease(value)) count++;
    expect(count).toBe(16);
    for (const value of GREASE_VALUES) expect(isGrease(value)).toBe(true);
    expect(isGrease(0x0a1a)).toBe(false);
    expect(isGrease(0x0b0b)).toBe(false);
    expect(isGrease(0x0303)).toBe(false);
  });

  it('is named as GREASE in every 16-bit registry', () => {
    for (const value of GREASE_VALUES) {
      const expected = `GREASE (${hex16(value)})`;
      expect(cipherSuiteName(value)).toBe(expected);
      expect(extensionName(value)).toBe(expected);
      expect(groupName(value)).toBe(expected);
      expect(signatureSchemeName(value)).toBe(expected);
      expect(versionName(value)).toBe(expected);
      expect(cipherSuiteInfo(value)).toBeNull();
    }
  });
});

describe('versions', () => {
  it('names final, draft, experimental and DTLS versions', () => {
    expect(versionName(0x0002)).toBe('SSL 2.0');
    expect(versionName(0x0300)).toBe('SSL 3.0');
    expect(versionName(0x0301)).toBe('TLS 1.0');
    expect(versionName(0x0302)).toBe('TLS 1.1');
    expect(versionName(0x0303)).toBe('TLS 1.2');
    expect(versionName(0x0304)).toBe('TLS 1.3');
    expect(versionName(0x7f1c)).toBe('TLS 1.3 (draft 28)');
    expect(versionName(0x7f12)).toBe('TLS 1.3 (draft 18)');
    expect(versionName(0x7e01)).toBe('TLS 1.3 (Google experiment 1)');
    expect(versionName(0xfb1a)).toBe('TLS 1.3 (Facebook draft 26)');
    expect(versionName(0xfeff)).toBe('DTLS 1.0');
    expect(versionName(0xfefd)).toBe('DTLS 1.2');
    expect(versionName(0xfefc)).toBe('DTLS 1.3');
    expect(versionName(0x1234)).toBe('unknown (0x1234)');
    expect(versionName(0x0000)).toBe('unknown (0x0000)');
  });

  it('tells the TLS 1.3 family apart', () => {
    for (const v of [0x0304, 0x7f1c, 0x7f17, 0x7e01, 0x7e02, 0xfb17, 0xfb1a]) expect(isTls13(v)).toBe(true);
    for (const v of [0x0002, 0x0300, 0x0301, 0x0302, 0x0303, 0xfefc, 0x7e00, 0x7a7a, 0x0a0a]) expect(isTls13(v)).toBe(false);
  });
});

describe('cipher suites', () => {
  it('names well-known suites as the registry spells them', () => {
    expect(cipherSuiteName(0xc02f)).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x1303)).toBe('TLS_CHACHA20_POLY1305_SHA256');
    expect(cipherSuiteName(0x1305)).toBe('TLS_AES_128_CCM_8_SHA256');
    expect(cipherSuiteName(0x5600)).toBe('TLS_FALLBACK_SCSV');
    expect(cipherSuiteName(0x00ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    expect(cipherSuiteName(0x0004)).toBe('TLS_RSA_WITH_RC4_128_MD5');
    expect(cipherSuiteName(0x000a)).toBe('TLS_RSA_WITH_3DES_EDE_CBC_SHA');
    expect(cipherSuiteName(0x00c6)).toBe('TLS_SM4_GCM_SM3');
    expect(cipherSuiteName(0x00c7)).toBe('TLS_SM4_CCM_SM3');
    expect(cipherSuiteName(0xc0aa)).toBe('TLS_PSK_DHE_WITH_AES_128_CCM_8');
    expect(cipherSuiteName(0xc100)).toBe('TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC');
    expect(cipherSuiteName(0xc05c)).toBe('TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256');
    expect(cipherSuiteName(0x0041)).toBe('TLS_RSA_WITH_CAMELLIA_128_CBC_SHA');
    expect(cipherSuiteName(0xcca9)).toBe('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
    expect(cipherSuiteName(0xd005)).toBe('TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256');
    expect(cipherSuiteName(0xd004)).toBe('unknown (0xd004)');
    expect(cipherSuiteName(0x1308)).toBe('unknown (0x1308)');
  });

  it('holds the whole IANA registry', () => {
    expect(IANA_CIPHER_SUITE_ENTRIES.length).toBeGreaterThanOrEqual(340);
  });

  it('reads key exchange, authentication and weaknesses from the name', () => {
    expect(cipherSuiteInfo(0xc02f)).toMatchObject({
      keyExchange: 'ECDHE',
      authentication: 'RSA',
      cipher: 'AES_128_GCM',
      mac: 'SHA256',
      forwardSecrecy: true,
      aead: true,
      insecure: false,
    });
    expect(cipherSuiteInfo(0x1301)).toMatchObject({ keyExchange: 'TLS13', authentication: 'TLS13', aead: true, insecure: false });
    expect(cipherSuiteInfo(0x002f)).toMatchObject({ keyExchange: 'RSA', forwardSecrecy: false, aead: false, insecure: false });
    expect(cipherSuiteInfo(0x0004)?.weaknesses).toEqual(['RC4', 'MD5']);
    expect(cipherSuiteInfo(0x000a)?.weaknesses).toEqual(['3DES']);
    expect(cipherSuiteInfo(0x0009)?.weaknesses).toEqual(['DES']);
    expect(cipherSuiteInfo(0x0017)?.weaknesses).toEqual(['EXPORT', 'anon', 'RC4', 'MD5']);
    expect(cipherSuiteInfo(0x0034)).toMatchObject({ keyExchange: 'DH', authentication: 'anon', weaknesses: ['anon'] });
    expect(cipherSuiteInfo(0x0000)?.weaknesses).toEqual(['NULL']);
    expect(cipherSuiteInfo(0xc0b4)).toMatchObject({ cipher: 'NULL', insecure: true });
    expect(cipherSuiteInfo(0xc0aa)).toMatchObject({ keyExchange: 'DHE_PSK', authentication: 'PSK', forwardSecrecy: true });
    expect(cipherSuiteInfo(0x5600)).toMatchObject({ scsv: true, keyExchange: 'SCSV', insecure: false });
    expect(cipherSuiteInfo(0xc103)).toMatchObject({ keyExchange: 'TLS13', aead: true });
    expect(cipherSuiteInfo(0x1234)).toBeNull();
  });

  it('knows the key exchange of every suite it names', () => {
    for (const [value] of [...IANA_CIPHER_SUITE_ENTRIES, ...DEPLOYED_UNASSIGNED_CIPHER_SUITE_ENTRIES]) {
      const info = cipherSuiteInfo(value);
      expect(info?.keyExchange, hex16(value)).not.toBe('unknown');
      expect(info?.authentication, hex16(value)).not.toBe('unknown');
    }
  });

  it('names SSLv2 cipher kinds, and TLS suites carried in an SSLv2 hello', () => {
    expect(sslv2CipherKindName(0x010080)).toBe('SSL2_RC4_128_WITH_MD5');
    expect(sslv2CipherKindName(0x0700c0)).toBe('SSL2_DES_192_EDE3_CBC_WITH_MD5');
    expect(sslv2CipherKindName(0x060040)).toBe('SSL2_DES_64_CBC_WITH_MD5');
    expect(sslv2CipherKindName(0x00002f)).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(sslv2CipherKindName(0x0000ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    expect(sslv2CipherKindName(0x123456)).toBe('unknown (0x123456)');
  });
});

describe('alerts', () => {
  it('names descriptions and levels as the registry does', () => {
    expect(alertName(0)).toBe('close_notify');
    expect(alertName(40)).toBe('handshake_failure');
    expect(alertName(70)).toBe('protocol_version');
    expect(alertName(86)).toBe('inappropriate_fallback');
    expect(alertName(112)).toBe('unrecognized_name');
    expect(alertName(113)).toBe('bad_certificate_status_response');
    expect(alertName(114)).toBe('bad_certificate_hash_value');
    expect(alertName(115)).toBe('unknown_psk_identity');
    expect(alertName(116)).toBe('certificate_required');
    expect(alertName(120)).toBe('no_application_protocol');
    expect(alertName(121)).toBe('ech_required');
    expect(alertName(21)).toBe('decryption_failed');
    expect(alertName(41)).toBe('no_certificate');
    expect(alertName(60)).toBe('export_restriction');
    expect(alertName(200)).toBe('unknown (0xc8)');
    expect(alertLevelName(1)).toBe('warning');
    expect(alertLevelName(2)).toBe('fatal');
    expect(alertLevelName(3)).toBe('unknown (0x03)');
  });
});

describe('extensions, groups, signature schemes', () => {
  it('names extension types', () => {
    expect(extensionName(0)).toBe('server_name');
    expect(extensionName(16)).toBe('application_layer_protocol_negotiation');
    expect(extensionName(43)).toBe('supported_versions');
    expect(extensionName(51)).toBe('key_share');
    expect(extensionName(0xfe0d)).toBe('encrypted_client_hello');
    expect(extensionName(65281)).toBe('renegotiation_info');
    expect(extensionName(17513)).toMatch(/^application_settings/);
    expect(extensionName(17613)).toBe('application_settings');
    expect(extensionName(0x1234)).toBe('unknown (0x1234)');
  });

  it('names groups, classic and post-quantum', () => {
    expect(groupName(23)).toBe('secp256r1');
    expect(groupName(29)).toBe('x25519');
    expect(groupName(30)).toBe('x448');
    expect(groupName(0x0100)).toBe('ffdhe2048');
    expect(groupName(0x0104)).toBe('ffdhe8192');
    expect(groupName(0x0200)).toBe('MLKEM512');
    expect(groupName(0x0202)).toBe('MLKEM1024');
    expect(groupName(0x11eb)).toBe('SecP256r1MLKEM768');
    expect(groupName(0x11ec)).toBe('X25519MLKEM768');
    expect(groupName(0x11ed)).toBe('SecP384r1MLKEM1024');
    expect(groupName(0x6399)).toBe('X25519Kyber768Draft00');
    expect(groupName(0xff01)).toBe('arbitrary_explicit_prime_curves');
    expect(groupName(0xff02)).toBe('arbitrary_explicit_char2_curves');
    expect(groupName(0x0105)).toBe('unknown (0x0105)');
  });

  it('names TLS 1.3 schemes and TLS 1.2 (hash, signature) pairs', () => {
    expect(signatureSchemeName(0x0804)).toBe('rsa_pss_rsae_sha256');
    expect(signatureSchemeName(0x0403)).toBe('ecdsa_secp256r1_sha256');
    expect(signatureSchemeName(0x0201)).toBe('rsa_pkcs1_sha1');
    expect(signatureSchemeName(0x0807)).toBe('ed25519');
    expect(signatureSchemeName(0x0808)).toBe('ed448');
    expect(signatureSchemeName(0x081a)).toBe('ecdsa_brainpoolP256r1tls13_sha256');
    expect(signatureSchemeName(0x0904)).toBe('mldsa44');
    expect(signatureSchemeName(0x0906)).toBe('mldsa87');
    expect(signatureSchemeName(0x0301)).toBe('sha224_rsa');
    expect(signatureSchemeName(0x0303)).toBe('sha224_ecdsa');
    expect(signatureSchemeName(0x0402)).toBe('sha256_dsa');
    expect(signatureSchemeName(0x0907)).toBe('unknown (0x0907)');
  });
});

describe('handshake and content types', () => {
  it('names handshake message types, including the TLS 1.3 draft HelloRetryRequest', () => {
    expect(handshakeTypeName(0)).toBe('hello_request');
    expect(handshakeTypeName(1)).toBe('client_hello');
    expect(handshakeTypeName(4)).toBe('new_session_ticket');
    expect(handshakeTypeName(6)).toBe('hello_retry_request');
    expect(handshakeTypeName(8)).toBe('encrypted_extensions');
    expect(handshakeTypeName(11)).toBe('certificate');
    expect(handshakeTypeName(24)).toBe('key_update');
    expect(handshakeTypeName(25)).toBe('compressed_certificate');
    expect(handshakeTypeName(254)).toBe('message_hash');
    expect(handshakeTypeName(7)).toBe('unknown (0x07)');
  });

  it('names record content types', () => {
    expect(contentTypeName(20)).toBe('change_cipher_spec');
    expect(contentTypeName(21)).toBe('alert');
    expect(contentTypeName(22)).toBe('handshake');
    expect(contentTypeName(23)).toBe('application_data');
    expect(contentTypeName(24)).toBe('heartbeat');
    expect(contentTypeName(25)).toBe('tls12_cid');
    expect(contentTypeName(26)).toBe('ACK');
    expect(contentTypeName(0)).toBe('unknown (0x00)');
  });
});

describe('every table', () => {
  const tables: [string, RegistryEntries, number][] = [
    ['cipher suites', [...IANA_CIPHER_SUITE_ENTRIES, ...DEPLOYED_UNASSIGNED_CIPHER_SUITE_ENTRIES], 0xffff],
    ['SSLv2 cipher kinds', SSLV2_CIPHER_KIND_ENTRIES, 0xffffff],
    ['alerts', ALERT_DESCRIPTION_ENTRIES, 0xff],
    ['extensions', EXTENSION_ENTRIES, 0xffff],
    ['groups', GROUP_ENTRIES, 0xffff],
    ['signature schemes', [...SIGNATURE_SCHEME_ENTRIES, ...LEGACY_SIGNATURE_PAIR_ENTRIES], 0xffff],
    ['handshake types', HANDSHAKE_TYPE_ENTRIES, 0xff],
    ['content types', CONTENT_TYPE_ENTRIES, 0xff],
    ['versions', [...VERSIONS], 0xffff],
  ];

  it.each(tables)('%s: no value twice, no GREASE, names well formed and distinct', (_, entries, max) => {
    const values = new Set(entries.map(([value]) => value));
    expect(values.size).toBe(entries.length);
    const names = new Set(entries.map(([, name]) => name));
    expect(names.size).toBe(entries.length);
    for (const [value, name] of entries) {
      expect(Number.isInteger(value) && value >= 0 && value <= max, `${value}`).toBe(true);
      expect(name, hex16(value)).toMatch(NAME_SHAPE);
      if (max === 0xffff) expect(isGrease(value), name).toBe(false);
    }
  });

  it('has at least the registry counts', () => {
    expect(ALERT_DESCRIPTION_ENTRIES.length).toBeGreaterThanOrEqual(36);
    expect(EXTENSION_ENTRIES.length).toBeGreaterThanOrEqual(63);
    expect(GROUP_ENTRIES.length).toBeGreaterThanOrEqual(55);
    expect(SIGNATURE_SCHEME_ENTRIES.length).toBeGreaterThanOrEqual(37);
    expect(HANDSHAKE_TYPE_ENTRIES.length).toBeGreaterThanOrEqual(24);
  });
});

// Real captures: every code point tshark saw in a completed handshake, and every readable alert, has a name here,
// and our hex spelling matches tshark's.
warnIfNoPublicCaptures('registry on the public captures');


describe.skipIf(!HAVE_PUBLIC_CAPTURES)('on the public captures (tshark truth)', () => {
  const connections: TruthConnection[] = publicCaptureNames()
    // faketls_potatovpn is a VPN dressed as TLS: its "cipher suites" are random bytes
    .filter((name) => !name.includes('faketls'))
    .flatMap((name) => JSON.parse(readFileSync(publicTruth(name)!, 'utf8')).connections as TruthConnection[]);

  it('names the version and cipher suite of every completed handshake', () => {
    const completed = connections.filter((c) => c.handshake_complete && c.server_version && c.cipher_suite);
    expect(completed.length).toBeGreaterThan(100);
    for (const connection of completed) {
      const version = Number.parseInt(connection.server_version!, 16);
      const suite = Number.parseInt(connection.cipher_suite!, 16);
      expect(hex16(version)).toBe(connection.server_version);
      expect(versionName(version)).not.toMatch(UNNAMED);
      if (version === 0x0002) {
        expect(hex24(suite)).toBe(connection.cipher_suite);
        expect(sslv2CipherKindName(suite)).not.toMatch(UNNAMED);
      } else {
        expect(hex16(suite)).toBe(connection.cipher_suite);
        expect(cipherSuiteName(suite)).not.toMatch(UNNAMED);
        expect(cipherSuiteInfo(suite)).not.toBeNull();
      }
    }
  });

  it('names every version a client offered', () => {
    for (const connection of connections) {
      for (const offered of connection.client_versions_offered ?? []) {
        expect(versionName(Number.parseInt(offered, 16)), offered).not.toMatch(UNNAMED);
      }
    }
  });

  it('names every readable alert', () => {
    const readable = connections.flatMap((c) => c.alerts).filter((a) => a.level !== null && a.description !== null);
    expect(readable.length).toBeGreaterThan(0);
    for (const alert of readable) {
      expect(alertLevelName(alert.level!)).toMatch(/^(warning|fatal)$/);
      expect(alertName(alert.description!)).not.toMatch(UNNAMED);
    }
  });
});
