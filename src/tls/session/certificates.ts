import type { CertificateCheck, CertificateFacts } from '../../model/record.js';
import { describeCertificate } from '../certificate.js';
import { checkCertificateChain } from '../certificate-check.js';
import type { TrustStore } from '../trust-store.js';

export interface JudgedChain {
  facts: CertificateFacts[];
  check: CertificateCheck;
}

/** The most chains remembered; a capture of one busy server repeats one chain thousands of times. */
const CHAIN_LIMIT = 2048;
/** Checks remembered per chain (one per SNI and second of capture time). */
const CHECK_LIMIT = 256;
/** Bytes of each end of a certificate that go into its chain's hash; equality is then confirmed on all bytes. */
const SAMPLED_BYTES = 32;

interface KnownChain {
  ders: Buffer[];
  facts: CertificateFacts[];
  checks: Map<string, CertificateCheck>;
}

/**
 * Describes and checks server chains. Decoding and verifying a chain costs far more than the rest of a connection's
 * analysis, and captures repeat the same few chains, so results are remembered per chain, and the check per SNI and
 * second of capture time (validity is judged to the second). A chain is found again by a cheap hash of its lengths
 * and of both ends of each certificate (the end is the signature: it differs between any two certificates), then
 * confirmed byte for byte, so a repeat costs a few comparisons instead of a cryptographic hash of kilobytes.
 */
export class CertificateJudge {
  private readonly chains = new Map<number, KnownChain>();

  constructor(private readonly store: TrustStore) {}

  judge(ders: Buffer[], at: number, sni: string | null): JudgedChain {
    const key = sampleHash(ders);
    let chain = this.chains.get(key);
    if (chain === undefined || !sameChain(chain.ders, ders)) {
      chain = { ders: ders.map((der) => Buffer.from(der)), facts: ders.map((der) => describeCertificate(der)), checks: new Map() };
      if (this.chains.size >= CHAIN_LIMIT) this.chains.delete(this.chains.keys().next().value as number);
      this.chains.set(key, chain);
    }
    // judged at the whole second (X.509 validity has no finer unit): the same for every connection of that second,
    // whichever of them the check was remembered from
    const second = Math.floor(at);
    const checkKey = `${sni ?? ''}|${second}`;
    let check = chain.checks.get(checkKey);
    if (check === undefined) {
      check = checkCertificateChain(ders, second, sni, this.store);
      if (chain.checks.size >= CHECK_LIMIT) chain.checks.delete(chain.checks.keys().next().value as string);
      chain.checks.set(checkKey, check);
    }
    return { facts: chain.facts, check };
  }
}

/** FNV-1a over the chain's length, each certificate's length and the first and last SAMPLED_BYTES of each. */
function sampleHash(ders: readonly Buffer[]): number {
  let hash = Math.imul(0x811c9dc5 ^ ders.length, 0x01000193);
  for (const der of ders) {
    hash = Math.imul(hash ^ der.length, 0x01000193);
    const head = Math.min(SAMPLED_BYTES, der.length);
    for (let i = 0; i < head; i++) hash = Math.imul(hash ^ der[i], 0x01000193);
    for (let i = Math.max(head, der.length - SAMPLED_BYTES); i < der.length; i++) hash = Math.imul(hash ^ der[i], 0x01000193);
  }
  return hash;
}

function sameChain(known: readonly Buffer[], ders: readonly Buffer[]): boolean {
  if (known.length !== ders.length) return false;
  for (let i = 0; i < ders.length; i++) if (!known[i].equals(ders[i])) return false;
  return true;
}
