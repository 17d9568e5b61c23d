/**
 * The rules in the order they are tried: the first whose cause fits the record gives its diagnosis. Most specific
 * first — a failed TCP connect before anything TLS, explicit alerts that name a cause before the certificate checks
 * that explain a vaguer one, inferences from sizes and timing after those, and a bare reset, FIN or unnamed alert last.
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

export const RULES: readonly (readonly [code: string, rule: Rule])[] = [
  ['tcp-connect-refused', tcpConnectRefused],
  ['tcp-connect-timeout', tcpConnectTimeout],
  ['not-tls', notTls],
  ['inappropriate-fallback', inappropriateFallback],
  ['sni-unrecognized', sniUnrecognized],
  ['protocol-version-mismatch', protocolVersionMismatch],
  ['key-exchange-mismatch', keyExchangeMismatch],
  ['cipher-suite-mismatch', cipherSuiteMismatch],
  ['client-certificate-required', clientCertificateRequired],
  ['certificate-expired', certificateExpired],
  ['certificate-not-yet-valid', certificateNotYetValid],
  ['certificate-hostname-mismatch', certificateHostnameMismatch],
  ['certificate-chain-incomplete', certificateChainIncomplete],
  ['sni-missing', sniMissing],
  ['certificate-untrusted', certificateUntrusted],
  ['client-rejected-certificate', clientRejectedCertificate],
  ['server-timeout', serverTimeout],
  ['handshake-stalled', handshakeStalled],
  ['reset-by-middlebox', resetByMiddlebox],
  ['reset-by-server', resetByServer],
  ['reset-by-client', resetByClient],
  ['peer-closed', peerClosed],
  ['other-alert', otherAlert],
];
