import { createHash } from 'node:crypto';
import type { CertificateCheck, CertificateFacts } from '../../model/record.js';
import { describeCertificate } from '../certificate.js';
import { checkCertificateChain } from '../certificate-check.js';
import type { TrustStore } from '../trust-store.js';

export interface JudgedChain {
  facts: CertificateFacts[];
  check: CertificateCheck;
}

/** The most chains remembered; a capture of one busy server repeats one chain thousands of times. */
const CACHE_LIMIT = 4096;

/**
 * Describes and checks server chains. Decoding and verifying a chain costs far more than the rest of a connection's
 * analysis, and captures repeat the same few chains: the results are cached by the chain's bytes, the SNI and the
 * second of the capture time (validity is judged per second), so a repeat costs one hash.
 */
export class CertificateJudge {
  private readonly described = new Map<string, CertificateFacts[]>();
  private readonly checked = new Map<string, CertificateCheck>();

  constructor(private readonly store: TrustStore) {}

  judge(ders: Buffer[], at: number, sni: string | null): JudgedChain {
    const hash = createHash('sha256');
    for (const der of ders) hash.update(der);
    const chainKey = hash.digest('base64');
    let facts = this.described.get(chainKey);
    if (facts === undefined) {
      facts = ders.map((der) => describeCertificate(der));
      remember(this.described, chainKey, facts);
    }
    const checkKey = `${chainKey}|${sni ?? ''}|${Math.floor(at)}`;
    let check = this.checked.get(checkKey);
    if (check === undefined) {
      check = checkCertificateChain(ders, at, sni, this.store);
      remember(this.checked, checkKey, check);
    }
    return { facts, check };
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
