/**
 * The host's own trust store, as the clients on it use: the file SSL_CERT_FILE names (OpenSSL's variable, honoured
 * by curl, Python, Node with --use-openssl-ca), else the distribution's bundle. Added to Node's bundled roots so a
 * root the distribution still ships, or one an administrator installed there, is known to tlsdiag too.
 */
import { readFile } from 'node:fs/promises';

/** Where distributions keep their PEM bundle, most common first. */
export const DISTRIBUTION_BUNDLES: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL, CentOS
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // macOS, the BSDs
];

export interface SystemTrust {
  pems: string[];
  /** the file read, or null when there was none */
  source: string | null;
}

/** Reads the first bundle that exists; an unreadable SSL_CERT_FILE is a problem to report, a missing bundle is not. */
export async function readSystemTrust(env: NodeJS.ProcessEnv = process.env): Promise<SystemTrust & { problem?: string }> {
  const named = env.SSL_CERT_FILE;
  if (named !== undefined && named !== '') {
    try {
      return { pems: [await readFile(named, 'utf8')], source: named };
    } catch {
      return { pems: [], source: null, problem: `SSL_CERT_FILE ${named} cannot be read; using Node's roots only` };
    }
  }
  for (const file of DISTRIBUTION_BUNDLES) {
    try {
      return { pems: [await readFile(file, 'utf8')], source: file };
    } catch {
      // not this distribution's place
    }
  }
  return { pems: [], source: null };
}
