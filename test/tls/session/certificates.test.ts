import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { CertificateJudge } from '../../../src/tls/session/certificates.js';
import { createTrustStore } from '../../../src/tls/trust-store.js';

const der = (pem: string) => new X509Certificate(pem).raw;

describe('CertificateJudge', () => {
  const judge = new CertificateJudge(createTrustStore());
  const root = der(rootCertificates[0]);
  const at = Date.parse('2030-01-01T00:00:00Z') / 1000;

  it('remembers a chain: the same bytes again give the same facts without decoding them again', () => {
    const first = judge.judge([root], at, null);
    const again = judge.judge([Buffer.from(root)], at + 0.5, null);
    expect(again.facts).toBe(first.facts);
    expect(again.check).toBe(first.check);
    expect(first.facts[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never mistakes a chain that differs only in the middle (same length, same ends) for a known one', () => {
    const known = judge.judge([root], at, null);
    const altered = Buffer.from(root);
    altered[Math.floor(altered.length / 2)] ^= 0xff;
    const other = judge.judge([altered], at, null);
    expect(other.facts).not.toBe(known.facts);
    expect(other.facts[0].sha256).not.toBe(known.facts[0].sha256);
  });

  it('judges validity per second of capture time and per SNI', () => {
    const a = judge.judge([root], at, 'a.example');
    expect(judge.judge([root], at + 1, 'a.example').check).not.toBe(a.check);
    expect(judge.judge([root], at, 'b.example').check).not.toBe(a.check);
  });
});
