import { createHash, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { fingerprintHex } from './certificate.js';
import { certificateNames, nameKey, nameOrganization } from './der-name.js';

/** Trust anchors for chain checks: Node's bundled Mozilla roots plus any extra PEM the user gave (--ca). */
export interface TrustStore {
  /** certificates of the store whose subject is the name `cert` gives as its issuer */
  issuersOf(cert: X509Certificate): readonly X509Certificate[];
  /** the very certificate (same SHA-256) is in the store */
  has(cert: X509Certificate): boolean;
  /** the organization (O=) of the name `cert` gives as its issuer, when some certificate of the store has it; else null */
  issuerOrganizationHeld(cert: X509Certificate): string | null;
  readonly size: number;
  /** PEM blocks of the extra bundles that did not parse, in words */
  readonly problems: readonly string[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** A root as read from its PEM: parsed into an X509Certificate only when a chain names it as an issuer. */
interface Anchor {
  der: Buffer;
  /** undefined until first asked for; null when node:crypto does not accept it */
  cert?: X509Certificate | null;
}

interface LoadedStore {
  bySubject: Map<string, Anchor[]>;
  fingerprints: Set<string>;
  organizations: Set<string>;
  problems: string[];
}

/**
 * Builds a store from `tls.rootCertificates` and `extraPem` bundles (each string may hold several certificates;
 * text around the PEM blocks is ignored). Pure — the caller reads any files. The store is read when first asked,
 * and then only as far as each certificate's DER names and fingerprint (about 300 certificates, 3 ms); a root becomes
 * an X509Certificate (110 µs each: 35 ms for them all) only when a chain names it as its issuer.
 */
export function createTrustStore(extraPem: string[] = []): TrustStore {
  let loaded: LoadedStore | null = null;
  const load = (): LoadedStore => (loaded ??= loadStore(extraPem));
  return {
    issuersOf: (cert) => {
      const key = issuerKey(cert);
      const anchors = key === null ? undefined : load().bySubject.get(key);
      return anchors === undefined ? [] : anchors.map(openAnchor).filter((anchor) => anchor !== null);
    },
    has: (cert) => load().fingerprints.has(fingerprintHex(cert)),
    issuerOrganizationHeld: (cert) => {
      const raw = cert.raw;
      const names = certificateNames(raw);
      const organization = names === null ? null : nameOrganization(raw, names.issuer);
      return organization !== null && load().organizations.has(organization) ? organization : null;
    },
    get size() {
      return load().fingerprints.size;
    },
    get problems() {
      return load().problems;
    },
  };
}

function issuerKey(cert: X509Certificate): string | null {
  const raw = cert.raw;
  const names = certificateNames(raw);
  return names === null ? null : nameKey(raw, names.issuer);
}

function openAnchor(anchor: Anchor): X509Certificate | null {
  if (anchor.cert === undefined) {
    try {
      anchor.cert = new X509Certificate(anchor.der);
    } catch {
      anchor.cert = null;
    }
  }
  return anchor.cert;
}

function loadStore(extraPem: readonly string[]): LoadedStore {
  const store: LoadedStore = { bySubject: new Map(), fingerprints: new Set(), organizations: new Set(), problems: [] };

  /** false when the block is not a certificate's DER */
  const add = (base64: string): boolean => {
    const der = Buffer.from(base64, 'base64');
    const names = certificateNames(der);
    if (names === null) return false;
    const fingerprint = createHash('sha256').update(der).digest('hex');
    if (store.fingerprints.has(fingerprint)) return true;
    store.fingerprints.add(fingerprint);
    const organization = nameOrganization(der, names.subject);
    if (organization !== null) store.organizations.add(organization);
    const key = nameKey(der, names.subject);
    const sameSubject = store.bySubject.get(key);
    if (sameSubject === undefined) store.bySubject.set(key, [{ der }]);
    else sameSubject.push({ der });
    return true;
  };

  for (const pem of rootCertificates) for (const [, base64] of pem.matchAll(PEM_CERTIFICATE)) add(base64);
  extraPem.forEach((bundle, index) => {
    let blocks = 0;
    for (const [, base64] of bundle.matchAll(PEM_CERTIFICATE)) {
      blocks++;
      if (!add(base64)) store.problems.push(`extra bundle ${index + 1}: a PEM certificate block does not parse`);
    }
    if (blocks === 0) store.problems.push(`extra bundle ${index + 1}: no PEM certificate in it`);
  });
  return store;
}
