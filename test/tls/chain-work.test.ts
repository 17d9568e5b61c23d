/**
 * Item 4 of the hostile-input issue: a Certificate message of 2,400 certificates (696 KB) took seconds, because each
 * step of the chain walk tried every certificate sent as the issuer (quadratic, each try a name comparison and maybe
 * a signature check). The walk now looks only at the certificates named as the issuer, stops at a depth of 100 (as
 * OpenSSL's clients do) and at 256 issuance checks per chain. Work is counted — calls of X509Certificate's
 * checkIssued and verify, the expensive part — never timed.
 */
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCertificateChain, MAX_CHAIN_DEPTH, MAX_ISSUANCE_CHECKS } from '../../src/tls/certificate-check.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { derCertificate, ecKeyPair } from './der-certificates.js';

const AT = Date.UTC(2026, 0, 1) / 1000;
const store = createTrustStore();

let work = 0;
const original = { checkIssued: X509Certificate.prototype.checkIssued, verify: X509Certificate.prototype.verify };
beforeEach(() => {
  work = 0;
  X509Certificate.prototype.checkIssued = function (this: X509Certificate, other: X509Certificate) {
    work++;
    return original.checkIssued.call(this, other);
  };
  X509Certificate.prototype.verify = function (this: X509Certificate, key) {
    work++;
    return original.verify.call(this, key);
  };
});
afterEach(() => {
  X509Certificate.prototype.checkIssued = original.checkIssued;
  X509Certificate.prototype.verify = original.verify;
});

/** A leaf and `n - 1` CAs, CA i issued by CA i+1, the last self-signed; one key signs all. Sent leaf first, the rest reversed. */
function longChain(n: number, tag: string): Buffer[] {
  const { publicKey, privateKey } = ecKeyPair();
  const ca = (i: number) => `${tag} CA ${i}`;
  const leaf = derCertificate({ subject: `leaf.${tag}.test`, issuer: ca(1), serial: 1, publicKey, signingKey: privateKey });
  const cas: Buffer[] = [];
  for (let i = 1; i < n; i++) {
    cas.push(derCertificate({ subject: ca(i), issuer: i === n - 1 ? ca(i) : ca(i + 1), serial: i + 1, publicKey, signingKey: privateKey, ca: true }));
  }
  return [leaf, ...cas.reverse()];
}

describe('certificate chain walk: bounded, linear in the chain', () => {
  it('2,400 certificates sent in reverse order: the walk follows 100 of them with one check each', () => {
    const ders = longChain(2400, 'long');
    const check = checkCertificateChain(ders, AT, null, store);
    expect(check.problems).toContain(`the chain is longer than ${MAX_CHAIN_DEPTH} certificates (clients give up there); it was not followed further`);
    expect(check.chainComplete).toBe(false);
    // one checkIssued and one verify per step of the path (issuance verdicts are remembered)
    expect(work).toBeLessThanOrEqual(2 * MAX_CHAIN_DEPTH + 4);
  });

  it('a chain within the depth is still followed to its self-signed top, in any order', () => {
    const ders = longChain(40, 'short');
    const check = checkCertificateChain(ders, AT, null, store);
    expect(check).toMatchObject({ chainComplete: true, selfSigned: true, missingIssuer: 'CN=short CA 39' });
    expect(work).toBeLessThanOrEqual(2 * 40 + 4);
  });

  it('2,400 certificates sharing one name, each signed by another key: at most 256 issuance checks', () => {
    const keys = Array.from({ length: 2400 }, () => ecKeyPair());
    const ders = keys.map((k, i) =>
      derCertificate({ subject: 'Same Name', issuer: 'Same Name', serial: i + 1, publicKey: k.publicKey, signingKey: keys[(i + 7) % keys.length].privateKey, ca: true }),
    );
    const check = checkCertificateChain(ders, AT, null, store);
    expect(check.chainComplete).toBe(false);
    // checkIssued compares the names (all equal), then verify fails: two calls per check, plus a few self-signed tests
    expect(work).toBeLessThanOrEqual(2 * MAX_ISSUANCE_CHECKS + 32);
    expect(check.problems.filter((p) => p.includes('does not verify')).length).toBeLessThanOrEqual(MAX_CHAIN_DEPTH);
  });
});
