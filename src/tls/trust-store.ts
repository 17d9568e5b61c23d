import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { fingerprintHex } from './certificate.js';

/** Trust anchors for chain checks: Node's bundled Mozilla roots plus any extra PEM the user gave (--ca). */
export interface TrustStore {
  /** certificates of the store whose subject is `issuer` (Node's multi-line name spelling, as X509Certificate gives) */
  bySubject(issuer: string): readonly X509Certificate[];
  /** the very certificate (same SHA-256) is in the store */
  has(cert: X509Certificate): boolean;
  /** some certificate of the store belongs to this organization (its subject's O= value) */
  hasOrganization(organization: string): boolean;
  readonly size: number;
  /** PEM blocks of the extra bundles that did not parse, in words */
  readonly problems: readonly string[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Builds a store from `tls.rootCertificates` and `extraPem` bundles (each string may hold several certificates;
 * text around the PEM blocks is ignored). Pure — the caller reads any files. The certificates are parsed when the
 * store is first asked (about 300 of them, 35 ms): a capture whose chains are never checked (TLS 1.3 without a key
 * log, no TLS at all, a worker thread whose connections sent no certificate) does not pay for them.
 */
export function createTrustStore(extraPem: string[] = []): TrustStore {
  let loaded: LoadedStore | null = null;
  const load = (): LoadedStore => (loaded ??= loadStore(extraPem));
  return {
    bySubject: (issuer) => load().subjects.get(issuer) ?? [],
    has: (cert) => load().fingerprints.has(fingerprintHex(cert)),
    hasOrganization: (organization) => load().organizations.has(organization),
    get size() {
      return load().fingerprints.size;
    },
    get problems() {
      return load().problems;
    },
  };
}

interface LoadedStore {
  subjects: Map<string, X509Certificate[]>;
  fingerprints: Set<string>;
  organizations: Set<string>;
  problems: string[];
}

function loadStore(extraPem: readonly string[]): LoadedStore {
  const subjects = new Map<string, X509Certificate[]>();
  const fingerprints = new Set<string>();
  const organizations = new Set<string>();
  const problems: string[] = [];

  const add = (pem: string, origin: string): void => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      problems.push(`${origin}: a PEM certificate block does not parse`);
      return;
    }
    const fingerprint = fingerprintHex(cert);
    if (fingerprints.has(fingerprint)) return;
    fingerprints.add(fingerprint);
    const organization = /^O=(.*)$/m.exec(cert.subject)?.[1];
    if (organization !== undefined) organizations.add(organization);
    const sameSubject = subjects.get(cert.subject);
    if (sameSubject === undefined) subjects.set(cert.subject, [cert]);
    else sameSubject.push(cert);
  };

  for (const pem of rootCertificates) add(pem, 'Node root store');
  extraPem.forEach((bundle, index) => {
    const blocks = bundle.match(PEM_CERTIFICATE);
    if (blocks === null) problems.push(`extra bundle ${index + 1}: no PEM certificate in it`);
    else for (const block of blocks) add(block, `extra bundle ${index + 1}`);
  });
  return { subjects, fingerprints, organizations, problems };
}
