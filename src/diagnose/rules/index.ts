/**
 * The rule table: every rule runs, and weigh.ts picks among the findings (docs/causes.md). The order is the order of
 * specificity — a failed TCP connect before anything TLS, causes a peer can name before those tlsdiag infers, and a
 * bare reset, FIN or unnamed alert last.
 */
import type { Rule } from '../context.js';
import { certificateChainIncomplete } from './certificate-chain-incomplete.js';
import { certificateExpired } from './certificate-expired.js';
import { certificateHostnameMismatch } from './certificate-hostname-mismatch.js';
import { certificateNotYetValid } from './certificate-not-yet-valid.js';
import { certificateUntrusted } from './certificate-untrusted.js';
import { cipherSuiteMismatch } from './cipher-suite-mismatch.js';
import { clientCertificateRequired } from './client-certificate-required.js';
import { clientRejectedCertificate } from './client-rejected-certificate.js';
import { handshakeStalled } from './handshake-stalled.js';
import { inappropriateFallback } from './inappropriate-fallback.js';
import { keyExchangeMismatch } from './key-exchange-mismatch.js';
import { notTls } from './not-tls.js';
import { otherAlert } from './other-alert.js';
import { peerClosed } from './peer-closed.js';
import { protocolVersionMismatch } from './protocol-version-mismatch.js';
import { resetByClient } from './reset-by-client.js';
import { resetByMiddlebox } from './reset-by-middlebox.js';
import { resetByServer } from './reset-by-server.js';
import { serverTimeout } from './server-timeout.js';
import { sniMissing } from './sni-missing.js';
import { sniUnrecognized } from './sni-unrecognized.js';
import { tcpConnectRefused } from './tcp-connect-refused.js';
import { tcpConnectTimeout } from './tcp-connect-timeout.js';

/**
 * specific: names a cause (a certificate defect, a version gap). descriptive: says who ended the handshake and how
 * (a reset, a close, an alert no specific cause claims, a stall) — the primary cause only where no specific one fits.
 */
export type RuleKind = 'specific' | 'descriptive';

export interface RuleEntry {
  code: string;
  rule: Rule;
  kind: RuleKind;
}

/** Every rule, most specific first: the order breaks ties between findings of equal basis and weight. */
export const RULES: readonly RuleEntry[] = [
  { code: 'tcp-connect-refused', rule: tcpConnectRefused, kind: 'specific' },
  { code: 'tcp-connect-timeout', rule: tcpConnectTimeout, kind: 'specific' },
  { code: 'not-tls', rule: notTls, kind: 'specific' },
  { code: 'inappropriate-fallback', rule: inappropriateFallback, kind: 'specific' },
  { code: 'sni-unrecognized', rule: sniUnrecognized, kind: 'specific' },
  { code: 'protocol-version-mismatch', rule: protocolVersionMismatch, kind: 'specific' },
  { code: 'key-exchange-mismatch', rule: keyExchangeMismatch, kind: 'specific' },
  { code: 'cipher-suite-mismatch', rule: cipherSuiteMismatch, kind: 'specific' },
  { code: 'client-certificate-required', rule: clientCertificateRequired, kind: 'specific' },
  { code: 'certificate-expired', rule: certificateExpired, kind: 'specific' },
  { code: 'certificate-not-yet-valid', rule: certificateNotYetValid, kind: 'specific' },
  { code: 'certificate-hostname-mismatch', rule: certificateHostnameMismatch, kind: 'specific' },
  { code: 'sni-missing', rule: sniMissing, kind: 'specific' },
  { code: 'certificate-untrusted', rule: certificateUntrusted, kind: 'specific' },
  { code: 'certificate-chain-incomplete', rule: certificateChainIncomplete, kind: 'specific' },
  { code: 'client-rejected-certificate', rule: clientRejectedCertificate, kind: 'specific' },
  { code: 'server-timeout', rule: serverTimeout, kind: 'specific' },
  { code: 'reset-by-middlebox', rule: resetByMiddlebox, kind: 'specific' },
  { code: 'handshake-stalled', rule: handshakeStalled, kind: 'descriptive' },
  { code: 'reset-by-server', rule: resetByServer, kind: 'descriptive' },
  { code: 'reset-by-client', rule: resetByClient, kind: 'descriptive' },
  { code: 'peer-closed', rule: peerClosed, kind: 'descriptive' },
  { code: 'other-alert', rule: otherAlert, kind: 'descriptive' },
];
