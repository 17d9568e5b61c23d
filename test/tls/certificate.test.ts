import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCertificateChain, durationInWords } from '../../src/tls/certificate-check.js';
import { describeCertificate, splitSubjectAltName } from '../../src/tls/certificate.js';
import { certificateSignatureAlgorithm, decodeObjectIdentifier, readDerElement } from '../../src/tls/der.js';
import { certificateNames, nameKey, nameOrganization } from '../../src/tls/der-name.js';
import { derCertificate, ecKeyPair, generalizedTime } from './der-certificates.js';
import { parseCertificateMessage } from '../../src/tls/messages/index.js';
import { createTrustStore, type TrustStore } from '../../src/tls/trust-store.js';
import { requirePublicCapture } from '../helpers/shared.js';
import { extractHandshakes } from './handshake-extractor.js';


const DAY = 86400;

/** Certificates made with the openssl CLI for each test run: a private root, an intermediate, leaves. */
interface Lab {
  root: X509Certificate;
  rootPem: string;
  intermediate: X509Certificate;
  leaf: X509Certificate;
  selfSigned: X509Certificate;
  shortIntermediate: X509Certificate;
  leafUnderShort: X509Certificate;
  weak: X509Certificate;
}

function makeLab(dir: string): Lab {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const caExt = 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
  writeFileSync(file('ca.ext'), caExt);
  const leafExt = (san: string) =>
    `basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nsubjectAltName=${san}\nauthorityKeyIdentifier=keyid\n`;
  const sign = (name: string, subject: string, issuer: string, days: number, ext: string, serial: number) => {
    writeFileSync(file(`${name}.ext`), ext);
    run('req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', String(serial),
      '-days', String(days), '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  };
  run('req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/O=tlsdiag/CN=tlsdiag Test Root',
    '-days', '3650', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  sign('int', '/O=tlsdiag/CN=tlsdiag Test Intermediate', 'root', 1825, caExt, 2);
  sign('leaf', '/CN=www.example.test', 'int', 90, leafExt('DNS:www.example.test,DNS:*.wild.example.test,IP:192.0.2.10'), 3);
  sign('short', '/O=tlsdiag/CN=tlsdiag Short Intermediate', 'root', 1, caExt, 4);
  sign('undershort', '/CN=short.example.test', 'short', 30, leafExt('DNS:short.example.test'), 5);
  run('req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-subj', '/CN=self.example.test', '-days', '30',
    '-addext', 'subjectAltName=DNS:self.example.test');
  run('req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'weak.key', '-out', 'weak.pem', '-subj', '/CN=weak.example.test',
    '-days', '30', '-sha1');
  const cert = (name: string) => new X509Certificate(readFileSync(file(`${name}.pem`)));
  return {
    root: cert('root'),
    rootPem: readFileSync(file('root.pem'), 'utf8'),
    intermediate: cert('int'),
    leaf: cert('leaf'),
    selfSigned: cert('self'),
    shortIntermediate: cert('short'),
    leafUnderShort: cert('undershort'),
    weak: cert('weak'),
  };
}

let dir = '';
let lab: Lab;
let mozillaOnly: TrustStore;
let withPrivateRoot: TrustStore;
// Judged a minute after this module loads: the certificates are made later (notBefore = their making, to the second),
// and judging them at load time flaked whenever the making crossed a second boundary.
const now = Math.floor(Date.now() / 1000) + 60;
const seconds = (date: string) => Date.parse(date) / 1000;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tlsdiag-certs-'));
  lab = makeLab(dir);
  mozillaOnly = createTrustStore();
  withPrivateRoot = createTrustStore([`a bundle with some text first\n${lab.rootPem}`]);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('describeCertificate', () => {
  it('reports what an openssl-made leaf says about itself', () => {
    const facts = describeCertificate(lab.leaf.raw);
    expect(facts.subject).toBe('CN=www.example.test');
    expect(facts.issuer).toBe('CN=tlsdiag Test Intermediate, O=tlsdiag');
    expect(facts.san).toEqual(['DNS:www.example.test', 'DNS:*.wild.example.test', 'IP Address:192.0.2.10']);
    expect(facts.notAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(seconds(facts.notAfter) - seconds(facts.notBefore)).toBe(90 * DAY);
    expect(facts).toMatchObject({ keyType: 'ec', keyBits: 256, signatureAlgorithm: 'ecdsa-with-SHA256', ca: false });
    expect(facts.selfSigned).toBe(false);
    expect(facts.serialNumber).toBe('03');
    expect(facts.sha256).toBe(createHash('sha256').update(lab.leaf.raw).digest('hex'));
    expect(facts.error).toBeUndefined();
  });

  it('tells a self-signed certificate, a CA and an RSA key size', () => {
    expect(describeCertificate(lab.selfSigned.raw).selfSigned).toBe(true);
    expect(describeCertificate(lab.root.raw)).toMatchObject({ selfSigned: true, ca: true });
    expect(describeCertificate(lab.weak.raw)).toMatchObject({
      keyType: 'rsa',
      keyBits: 1024,
      signatureAlgorithm: 'sha1WithRSAEncryption',
    });
  });

  it('turns garbage into an error with empty fields, never a throw', () => {
    for (const garbage of [Buffer.alloc(0), Buffer.from('not a certificate'), lab.leaf.raw.subarray(0, 100)]) {
      const facts = describeCertificate(garbage);
      expect(facts.error).toBe('not a valid DER certificate');
      expect(facts).toMatchObject({ subject: '', san: [], sha256: '', keyType: null });
    }
  });

  it('hands out its own copy each time, so one caller cannot spoil another', () => {
    const first = describeCertificate(lab.leaf.raw);
    first.san.push('DNS:spoiled.test');
    first.subject = 'spoiled';
    const second = describeCertificate(lab.leaf.raw);
    expect(second.subject).toBe('CN=www.example.test');
    expect(second.san).not.toContain('DNS:spoiled.test');
  });

  it("splits Node's SAN string, keeping commas inside quoted entries", () => {
    expect(splitSubjectAltName('DNS:a.example, DNS:"b,c.example", IP Address:192.0.2.1')).toEqual([
      'DNS:a.example',
      'DNS:b,c.example',
      'IP Address:192.0.2.1',
    ]);
    expect(splitSubjectAltName(undefined)).toEqual([]);
  });
});

describe('checkCertificateChain on certificates made for the test', () => {
  it('a full chain to a private root given as extra PEM is complete and trusted', () => {
    const check = checkCertificateChain([lab.leaf.raw, lab.intermediate.raw], now, 'www.example.test', withPrivateRoot);
    expect(check).toMatchObject({ chainComplete: true, trusted: true, selfSigned: false, hostnameMatches: true });
    expect(check.missingIssuer).toBeNull();
    expect(check.problems).toEqual([]);
  });

  it('the same chain without that root stops at the root it names', () => {
    const check = checkCertificateChain([lab.leaf.raw, lab.intermediate.raw], now, 'www.example.test', mozillaOnly);
    expect(check).toMatchObject({ chainComplete: false, trusted: false, missingIssuer: 'CN=tlsdiag Test Root, O=tlsdiag' });
    expect(check.problems).toEqual([
      "the issuer 'CN=tlsdiag Test Root, O=tlsdiag' of 'CN=tlsdiag Test Intermediate, O=tlsdiag' was not sent and is not in the trust store",
    ]);
  });

  it('a chain that sends its private root ends self-signed and untrusted', () => {
    const check = checkCertificateChain([lab.leaf.raw, lab.intermediate.raw, lab.root.raw], now, null, mozillaOnly);
    expect(check).toMatchObject({ chainComplete: true, trusted: false, selfSigned: true, hostnameMatches: null });
    expect(check.missingIssuer).toBe('CN=tlsdiag Test Root, O=tlsdiag');
    expect(check.problems[0]).toMatch(/ends at the self-signed certificate 'CN=tlsdiag Test Root, O=tlsdiag'/);
  });

  it('a missing intermediate is named even when the store has the root', () => {
    const check = checkCertificateChain([lab.leaf.raw], now, 'www.example.test', withPrivateRoot);
    expect(check).toMatchObject({ chainComplete: false, trusted: false });
    expect(check.missingIssuer).toBe('CN=tlsdiag Test Intermediate, O=tlsdiag');
    // the store holds a root of the missing issuer's organization: it looks like an intermediate of that root
    expect(check.missingIssuerLooksIntermediate).toBe(
      'the trust store holds a root of the issuer\'s organization "O=tlsdiag", of which the issuer would be an intermediate',
    );
    expect(checkCertificateChain([lab.leaf.raw], now, 'www.example.test', mozillaOnly).missingIssuerLooksIntermediate).toBeNull();
  });

  it('an out-of-order chain is still followed', () => {
    const check = checkCertificateChain([lab.leaf.raw, lab.root.raw, lab.intermediate.raw], now, null, withPrivateRoot);
    expect(check).toMatchObject({ chainComplete: true, trusted: true });
    expect(check.problems).toEqual([]);
  });

  it('an expired leaf: how long ago, in seconds and in words', () => {
    const at = seconds(lab.leaf.validTo) + 3 * DAY;
    const check = checkCertificateChain([lab.leaf.raw, lab.intermediate.raw], at, 'www.example.test', withPrivateRoot);
    expect(check.expiredFor).toBe(3 * DAY);
    expect(check.notYetValidFor).toBeNull();
    expect(check.problems).toEqual([
      `the certificate expired 3 days before the handshake (notAfter ${describeCertificate(lab.leaf.raw).notAfter})`,
    ]);
  });

  it('a leaf not yet valid at capture time', () => {
    const at = seconds(lab.leaf.validFrom) - 5 * 3600;
    const check = checkCertificateChain([lab.leaf.raw, lab.intermediate.raw], at, 'www.example.test', withPrivateRoot);
    expect(check.notYetValidFor).toBe(5 * 3600);
    expect(check.expiredFor).toBeNull();
    expect(check.problems[0]).toMatch(/^the certificate is not valid until 5 hours after the handshake \(notBefore /);
  });

  it('an intermediate out of its validity while the leaf is fine', () => {
    const at = now + 2 * DAY;
    const check = checkCertificateChain([lab.leafUnderShort.raw, lab.shortIntermediate.raw], at, null, withPrivateRoot);
    expect(check.expiredFor).toBeNull();
    expect(check.chainDateProblems).toHaveLength(1);
    expect(check.chainDateProblems[0]).toMatch(/^the chain certificate 'CN=tlsdiag Short Intermediate, O=tlsdiag' expired /);
  });

  it('a name the certificate does not cover, with its names listed', () => {
    const check = checkCertificateChain([lab.leaf.raw, lab.intermediate.raw], now, 'www.example.org', withPrivateRoot);
    expect(check.hostnameMatches).toBe(false);
    expect(check.problems).toEqual([
      "the name 'www.example.org' is not in the certificate (SAN: DNS:www.example.test, DNS:*.wild.example.test, IP Address:192.0.2.10)",
    ]);
  });

  it('wildcards and IP addresses in the SAN match', () => {
    const chain = [lab.leaf.raw, lab.intermediate.raw];
    expect(checkCertificateChain(chain, now, 'a.wild.example.test', withPrivateRoot).hostnameMatches).toBe(true);
    expect(checkCertificateChain(chain, now, 'a.b.wild.example.test', withPrivateRoot).hostnameMatches).toBe(false);
    expect(checkCertificateChain(chain, now, '192.0.2.10', withPrivateRoot).hostnameMatches).toBe(true);
  });

  it('a self-signed leaf', () => {
    const check = checkCertificateChain([lab.selfSigned.raw], now, 'self.example.test', mozillaOnly);
    expect(check).toMatchObject({ selfSigned: true, chainComplete: true, trusted: false, hostnameMatches: true });
    expect(check.problems).toEqual([
      "the certificate is self-signed and not in the trust store ('CN=self.example.test')",
    ]);
  });

  it('a self-signed leaf the user trusts is not a problem', () => {
    const store = createTrustStore([readFileSync(path.join(dir, 'self.pem'), 'utf8')]);
    const check = checkCertificateChain([lab.selfSigned.raw], now, 'self.example.test', store);
    expect(check).toMatchObject({ selfSigned: false, trusted: true, problems: [] });
  });

  it('short RSA keys and SHA-1 signatures are findings', () => {
    const store = createTrustStore([readFileSync(path.join(dir, 'weak.pem'), 'utf8')]);
    const check = checkCertificateChain([lab.weak.raw], now, null, store);
    expect(check.problems).toEqual(['the certificate has a 1024-bit RSA key (under 2048 bits)']);
  });

  it('undecodable certificates and empty chains are findings, not throws', () => {
    expect(checkCertificateChain([], now, 'x.test', mozillaOnly).problems).toEqual(['the server sent no certificate']);
    const check = checkCertificateChain([Buffer.from('junk'), lab.intermediate.raw], now, 'x.test', mozillaOnly);
    expect(check.problems).toEqual(['certificate 1 of the chain is not a valid DER certificate']);
    expect(check.chainComplete).toBe(false);
  });
});

describe('certificate times in any year (RFC 5280 §4.1.2.5.2 GeneralizedTime)', () => {
  // OpenSSL prints the year in full ('Jan  1 00:00:00 30 GMT'); read as a date string, year 30 became 2030
  const key = ecKeyPair();
  const made = (notBefore: string, notAfter: string) =>
    new X509Certificate(
      derCertificate({
        subject: 'year.example.test',
        issuer: 'year.example.test',
        serial: 30,
        publicKey: key.publicKey,
        signingKey: key.privateKey,
        validity: [generalizedTime(notBefore), generalizedTime(notAfter)],
      }),
    );

  it('keeps a year below 50 where it is, and finds the certificate long expired', () => {
    const cert = made('00010101000000Z', '00300101000000Z');
    const facts = describeCertificate(cert.raw);
    expect([facts.notBefore, facts.notAfter]).toEqual(['0001-01-01T00:00:00Z', '0030-01-01T00:00:00Z']);
    const check = checkCertificateChain([cert.raw], now, null, mozillaOnly);
    // 1,996 years before now, not four years ahead
    expect(check.expiredFor).toBe(now - new Date('0030-01-01T00:00:00Z').getTime() / 1000);
    expect(check.notYetValidFor).toBeNull();
  });

  it('reads four-digit years as before', () => {
    const facts = describeCertificate(made('20200101000000Z', '20491231235959Z').raw);
    expect([facts.notBefore, facts.notAfter]).toEqual(['2020-01-01T00:00:00Z', '2049-12-31T23:59:59Z']);
  });
});

describe('createTrustStore', () => {
  it("holds Node's roots plus every certificate of the extra bundles, and names what did not parse", () => {
    expect(mozillaOnly.size).toBeGreaterThan(100);
    const both = createTrustStore([`${lab.rootPem}\n${readFileSync(path.join(dir, 'int.pem'), 'utf8')}`, 'no pem here']);
    expect(both.size).toBe(mozillaOnly.size + 2);
    expect(both.has(lab.intermediate)).toBe(true);
    expect(both.issuersOf(lab.intermediate).map((anchor) => anchor.fingerprint256)).toEqual([lab.root.fingerprint256]);
    expect(both.issuersOf(lab.root).map((anchor) => anchor.fingerprint256)).toEqual([lab.root.fingerprint256]);
    expect(mozillaOnly.issuersOf(lab.intermediate)).toEqual([]);
    expect(both.problems).toEqual(['extra bundle 2: no PEM certificate in it']);
    const broken = createTrustStore(['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']);
    expect(broken.problems).toEqual(['extra bundle 1: a PEM certificate block does not parse']);
  });
});

describe('der names', () => {
  it("reads a certificate's issuer and subject names: the issuer of one is the subject of the next", () => {
    const names = (cert: X509Certificate) => certificateNames(cert.raw)!;
    const key = (cert: X509Certificate, which: 'issuer' | 'subject') => nameKey(cert.raw, names(cert)[which]);
    expect(key(lab.leaf, 'issuer')).toBe(key(lab.intermediate, 'subject'));
    expect(key(lab.intermediate, 'issuer')).toBe(key(lab.root, 'subject'));
    expect(key(lab.root, 'issuer')).toBe(key(lab.root, 'subject'));
    expect(key(lab.leaf, 'subject')).not.toBe(key(lab.leaf, 'issuer'));
    expect(nameOrganization(lab.leaf.raw, names(lab.leaf).issuer)).toBe('tlsdiag');
    expect(nameOrganization(lab.leaf.raw, names(lab.leaf).subject)).toBeNull();
    expect(certificateNames(Buffer.from('300330010a', 'hex'))).toBeNull();
  });

  it('gives one key to one name spelled in other string types, case or spacing', () => {
    // Name ::= SEQUENCE OF SET OF SEQUENCE { OID, value }: CN (2.5.4.3) and O (2.5.4.10), each in its own RDN
    const attribute = (oid: string, tag: number, value: Buffer) => {
      const pair = Buffer.concat([Buffer.from([0x06, oid.length / 2]), Buffer.from(oid, 'hex'), Buffer.from([tag, value.length]), value]);
      const sequence = Buffer.concat([Buffer.from([0x30, pair.length]), pair]);
      return Buffer.concat([Buffer.from([0x31, sequence.length]), sequence]);
    };
    const name = (...rdns: Buffer[]) => {
      const body = Buffer.concat(rdns);
      return Buffer.concat([Buffer.from([0x30, body.length]), body]);
    };
    const bmp = (text: string) => Buffer.from(text, 'utf16le').swap16();
    const key = (der: Buffer) => nameKey(der, readDerElement(der, 0)!);
    const printable = name(attribute('550403', 0x13, Buffer.from('Example CA')), attribute('55040a', 0x13, Buffer.from('Example')));
    const other = name(attribute('550403', 0x1e, bmp('example  ca')), attribute('55040a', 0x0c, Buffer.from('EXAMPLE')));
    expect(key(other)).toBe(key(printable));
    expect(nameOrganization(other, readDerElement(other, 0)!)).toBe('EXAMPLE');
    // the same text under another attribute type is another name
    const swapped = name(attribute('55040a', 0x13, Buffer.from('Example CA')), attribute('550403', 0x13, Buffer.from('Example')));
    expect(key(swapped)).not.toBe(key(printable));
  });
});

describe('der', () => {
  it('decodes object identifiers, including large arcs', () => {
    const oid = (hex: string) => {
      const buf = Buffer.from(hex, 'hex');
      return decodeObjectIdentifier(buf, readDerElement(buf, 0)!);
    };
    expect(oid('06092a864886f70d01010b')).toBe('1.2.840.113549.1.1.11');
    expect(oid('0603551d11')).toBe('2.5.29.17');
    expect(oid('06022a86')).toBeNull();
    expect(oid('0609608648016503040311')).toBe('2.16.840.1.101.3.4.3.17');
    expect(oid('060a2a8648ce3d0401ffff7f')).toBe('1.2.840.10045.4.1.2097151');
    expect(oid('06028837')).toBe('2.999');
  });

  it('refuses lengths that run past the end instead of reading beyond', () => {
    expect(readDerElement(Buffer.from('3082ffff00', 'hex'), 0)).toBeNull();
    expect(readDerElement(Buffer.from('30', 'hex'), 0)).toBeNull();
    expect(readDerElement(Buffer.from('3080', 'hex'), 0)).toBeNull();
    expect(readDerElement(Buffer.from('30820003010203', 'hex'), 0)).toMatchObject({ valueStart: 4, end: 7 });
  });

  it('names the signature algorithm of every truncation of a certificate or gives null', () => {
    const der = lab.leaf.raw;
    expect(certificateSignatureAlgorithm(der)).toBe('ecdsa-with-SHA256');
    for (let length = 0; length < der.length; length++) {
      expect(certificateSignatureAlgorithm(der.subarray(0, length))).toBeNull();
    }
  });
});

describe('durationInWords', () => {
  it('uses the largest whole unit', () => {
    expect(durationInWords(3 * DAY + 5)).toBe('3 days');
    expect(durationInWords(DAY)).toBe('1 day');
    expect(durationInWords(5400)).toBe('1 hour');
    expect(durationInWords(42)).toBe('42 seconds');
    expect(durationInWords(0)).toBe('0 seconds');
  });
});

describe('certificates from real captures', () => {
  const chainOf = (name: string) => {
    const message = extractHandshakes(requirePublicCapture(name)).find((m) => m.kind === 'tls' && m.type === 11)!;
    return { ders: parseCertificateMessage(message.body, false) as Buffer[], ts: message.ts };
  };

  it('zeek__tls-expired-cert: the leaf had expired when the packet was captured', () => {
    const { ders, ts } = chainOf('zeek__tls-expired-cert.pcap');
    const check = checkCertificateChain(ders, ts, null, mozillaOnly);
    expect(describeCertificate(ders[0]).subject).toBe('CN=www.spidh.org, OU=COMODO SSL, OU=Domain Control Validated');
    expect(check.expiredFor).toBeGreaterThan(8 * DAY);
    expect(check.problems[0]).toMatch(/^the certificate expired 8 days before the handshake \(notAfter 2014-03-04T23:59:59Z\)$/);
  });

  it('zeek__missing-intermediate: the server sent only its leaf', () => {
    const { ders, ts } = chainOf('zeek__missing-intermediate.pcap');
    expect(ders).toHaveLength(1);
    const check = checkCertificateChain(ders, ts, 'www.cviis.org', mozillaOnly);
    expect(check).toMatchObject({ chainComplete: false, trusted: false, hostnameMatches: true });
    expect(check.missingIssuer).toMatch(/^CN=Starfield Secure Certificate Authority - G2, /);
  });

  it('zeek__ml-dsa-44-cert: a key type Node 20 cannot load is described, not thrown on', () => {
    const { ders, ts } = chainOf('zeek__ml-dsa-44-cert.pcap');
    const facts = describeCertificate(ders[0]);
    expect(facts).toMatchObject({ signatureAlgorithm: 'ML-DSA-44', keyType: null, keyBits: null, selfSigned: true });
    expect(facts.error).toBeUndefined();
    expect(checkCertificateChain(ders, ts, null, mozillaOnly)).toMatchObject({ selfSigned: true, trusted: false });
  });
});
