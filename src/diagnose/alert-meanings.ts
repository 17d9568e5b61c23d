/**
 * What each TLS alert can state about a failed handshake, by stack: which causes (the codes of docs/causes.md) a
 * peer sends this alert for, strongest first, and which stacks are known to send it for that cause.
 *
 * Data only. Every entry comes from docs/alerts.md, which gives the source of each fact (the stack's source file and
 * function, or a run of the real stack); the comment above each entry names the section. A stack is listed only where
 * that document establishes it: an alert a stack sends for a cause not listed here is "not established", never "not
 * sent". Stack names are those of STACKS below.
 *
 * Alert numbers and names: RFC 8446 §6, RFC 5246 §7.2 and the IANA "TLS Alerts" registry (src/tls/registry/alerts.ts).
 */

/** The TLS stacks and clients docs/alerts.md covers. "OpenSSL" rows hold for 1.1.1 and 3.x unless a row says 3. */
export const STACKS = [
  'OpenSSL',
  'OpenSSL 3',
  'BoringSSL',
  'GnuTLS',
  'NSS',
  'Go',
  'JSSE',
  'SChannel',
  'rustls',
  'Node',
  'curl',
  'python',
  'wget',
  'nginx',
] as const;

export type Stack = (typeof STACKS)[number];

export interface AlertCause {
  /** a cause code of docs/causes.md */
  code: string;
  /** the stacks known to send this alert for this cause */
  stacks: Stack[];
  /** the circumstance, when the alert means this cause only then (a TLS version, a side, a moment) */
  when?: string;
}

export interface AlertMeaning {
  /** the registry name (src/tls/registry/alerts.ts) */
  name: string;
  /** which side sends it for the causes below */
  sentBy: 'client' | 'server' | 'either';
  /** the causes this alert can state, strongest first */
  causes: AlertCause[];
}

export const ALERT_MEANINGS: Readonly<Record<number, AlertMeaning>> = {
  // docs/alerts.md § "After the handshake: who checks late, and how they hang up"
  0: {
    name: 'close_notify',
    sentBy: 'client',
    causes: [
      {
        code: 'certificate-hostname-mismatch',
        stacks: ['curl'],
        when: 'right after the client\'s Finished, with no application data: curl checks the host name itself after the handshake',
      },
      {
        code: 'client-rejected-certificate',
        stacks: ['wget'],
        when: 'right after the client\'s Finished, with no application data: wget built with OpenSSL checks the whole certificate after the handshake',
      },
    ],
  },
  // docs/alerts.md § "Server: no shared group (TLS 1.3)", "Other alerts"
  10: {
    name: 'unexpected_message',
    sentBy: 'either',
    causes: [
      { code: 'key-exchange-mismatch', stacks: ['JSSE'], when: 'from a server right after a TLS 1.3 ClientHello: no common named group' },
      { code: 'other-alert', stacks: [], when: 'any stack, for a message out of order: a broken peer or a middlebox (RFC 8446 §6.2)' },
    ],
  },
  // docs/alerts.md § "Other alerts"
  20: {
    name: 'bad_record_mac',
    sentBy: 'either',
    causes: [{ code: 'other-alert', stacks: [], when: 'any stack, for a record that fails authentication: corruption or a tampering middlebox (RFC 8446 §6.2)' }],
  },
  // docs/alerts.md § "Server: no shared cipher suite", "Server: no shared group (TLS 1.3)",
  // "Server: no shared signature algorithm", "Server: client certificate"
  40: {
    name: 'handshake_failure',
    sentBy: 'server',
    causes: [
      {
        code: 'key-exchange-mismatch',
        stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'Go', 'JSSE', 'rustls', 'nginx'],
        when: 'right after a ClientHello whose suites cannot be the cause (TLS 1.3 with TLS_AES_128_GCM_SHA256): no common group or signature algorithm (JSSE: signature algorithm only)',
      },
      {
        code: 'cipher-suite-mismatch',
        stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'Go', 'JSSE', 'rustls', 'nginx'],
        when: 'right after a TLS 1.2 ClientHello (no common signature algorithm sends the same alert)',
      },
      {
        code: 'client-certificate-required',
        stacks: ['OpenSSL', 'BoringSSL', 'JSSE'],
        when: 'TLS 1.2, in answer to the client\'s Certificate flight without a certificate (JSSE: JDK 25; JDK 17 sends bad_certificate)',
      },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate", "Server: client certificate"
  42: {
    name: 'bad_certificate',
    sentBy: 'either',
    causes: [
      {
        code: 'certificate-hostname-mismatch',
        stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'NSS', 'Go', 'SChannel', 'rustls', 'python'],
        when: 'from the client; OpenSSL only where the application set the host name (python, s_client -verify_hostname; curl checks it after the handshake)',
      },
      {
        code: 'certificate-not-yet-valid',
        stacks: ['OpenSSL', 'GnuTLS', 'NSS', 'Go', 'JSSE', 'curl', 'python'],
        when: 'from the client; JSSE in TLS 1.2; NSS where the application uses mozilla::pkix',
      },
      { code: 'certificate-expired', stacks: ['GnuTLS', 'Go'], when: 'from the client: these two send 42 for every verification failure' },
      { code: 'certificate-untrusted', stacks: ['GnuTLS', 'Go'], when: 'from the client' },
      { code: 'certificate-chain-incomplete', stacks: ['GnuTLS', 'Go'], when: 'from the client' },
      {
        code: 'sni-missing',
        stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'NSS', 'Go', 'rustls', 'python'],
        when: 'from the client, after a ClientHello without SNI answered by a default certificate for another name (the host-name mismatch alert of these stacks)',
      },
      {
        code: 'client-rejected-certificate',
        stacks: ['GnuTLS', 'NSS', 'Go', 'JSSE', 'SChannel'],
        when: 'from the client: a bad signature (all five) or a wrong key usage (GnuTLS, Go, SChannel)',
      },
      {
        code: 'client-certificate-required',
        stacks: ['Go', 'JSSE'],
        when: 'from the server: no client certificate (Go TLS 1.2, Go ≤ 1.20 in TLS 1.3 too, JSSE 17) or one that failed verification (Go)',
      },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate"
  43: {
    name: 'unsupported_certificate',
    sentBy: 'client',
    causes: [
      {
        code: 'client-rejected-certificate',
        stacks: ['OpenSSL', 'BoringSSL', 'SChannel', 'rustls', 'curl', 'python'],
        when: 'the certificate\'s (extended) key usage does not allow a TLS server',
      },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate"
  44: {
    name: 'certificate_revoked',
    sentBy: 'client',
    causes: [
      {
        code: 'client-rejected-certificate',
        stacks: ['OpenSSL', 'BoringSSL', 'NSS', 'JSSE', 'SChannel', 'rustls'],
        when: 'the client checked revocation (CRL or OCSP) and found the certificate revoked',
      },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate", "Server: client certificate"
  45: {
    name: 'certificate_expired',
    sentBy: 'either',
    causes: [
      {
        code: 'certificate-expired',
        stacks: ['OpenSSL', 'BoringSSL', 'NSS', 'JSSE', 'SChannel', 'rustls', 'curl', 'python'],
        when: 'from the client; JSSE in TLS 1.2 (and TLS 1.3 from JDK 25)',
      },
      { code: 'certificate-not-yet-valid', stacks: ['BoringSSL', 'NSS', 'SChannel', 'rustls'], when: 'from the client: one alert for both date failures' },
      { code: 'client-certificate-required', stacks: ['OpenSSL', 'Go'], when: 'from the server: the client\'s own certificate is out of date (Go ≥ 1.21)' },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate", "Server: client certificate"
  46: {
    name: 'certificate_unknown',
    sentBy: 'either',
    causes: [
      { code: 'certificate-untrusted', stacks: ['JSSE'], when: 'from the client' },
      { code: 'certificate-chain-incomplete', stacks: ['JSSE'], when: 'from the client' },
      { code: 'certificate-hostname-mismatch', stacks: ['JSSE'], when: 'from the client' },
      { code: 'certificate-expired', stacks: ['JSSE'], when: 'from the client in TLS 1.3 (JDK 17)' },
      { code: 'certificate-not-yet-valid', stacks: ['JSSE'], when: 'from the client in TLS 1.3 (JDK 17)' },
      {
        code: 'client-rejected-certificate',
        stacks: ['JSSE', 'NSS', 'SChannel', 'OpenSSL', 'BoringSSL', 'rustls'],
        when: 'from the client: a wrong key usage (JSSE, NSS), or a verification error the stack does not map to another alert',
      },
      { code: 'client-certificate-required', stacks: ['JSSE'], when: 'from the server: its trust manager refused the client\'s certificate' },
    ],
  },
  // docs/alerts.md § "Server: inappropriate fallback", "Other alerts"
  47: {
    name: 'illegal_parameter',
    sentBy: 'either',
    causes: [
      { code: 'other-alert', stacks: [], when: 'any stack, for a field holding a value the sender refuses (a key share, an extension)' },
      {
        code: 'inappropriate-fallback',
        stacks: ['OpenSSL'],
        when: 'from the client right after a ServerHello whose random carries the downgrade sentinel, after a ClientHello with TLS_FALLBACK_SCSV: a server (JSSE) that ignores the SCSV',
      },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate", "Server: client certificate"
  48: {
    name: 'unknown_ca',
    sentBy: 'either',
    causes: [
      {
        code: 'certificate-untrusted',
        stacks: ['OpenSSL', 'BoringSSL', 'NSS', 'SChannel', 'rustls', 'curl', 'python'],
        when: 'from the client: a self-signed leaf or a root the client does not trust',
      },
      {
        code: 'certificate-chain-incomplete',
        stacks: ['OpenSSL', 'BoringSSL', 'NSS', 'SChannel', 'rustls', 'curl', 'python'],
        when: 'from the client: the issuer was neither sent nor known (the same alert as an untrusted root)',
      },
      { code: 'client-certificate-required', stacks: ['OpenSSL', 'Go'], when: 'from the server: the client\'s certificate comes from a CA it does not trust (Go ≥ 1.21)' },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate", "Server: unknown server name (SNI)",
  // "Server: client certificate"
  49: {
    name: 'access_denied',
    sentBy: 'either',
    causes: [
      { code: 'sni-unrecognized', stacks: ['rustls'], when: 'from the server right after the ClientHello: its certificate resolver found nothing for the name' },
      { code: 'client-certificate-required', stacks: ['GnuTLS'], when: 'from the server: gnutls-serv refused the client\'s certificate' },
      { code: 'certificate-untrusted', stacks: ['NSS'], when: 'from the client: a certificate explicitly distrusted' },
      { code: 'client-rejected-certificate', stacks: ['rustls'], when: 'from the client: the application\'s own verifier refused it' },
    ],
  },
  // docs/alerts.md § "Server: client certificate", "Other alerts"
  50: {
    name: 'decode_error',
    sentBy: 'either',
    causes: [
      { code: 'client-certificate-required', stacks: ['GnuTLS'], when: 'from the server, in answer to a TLS 1.2 Certificate message without a certificate' },
      { code: 'other-alert', stacks: [], when: 'any stack, for a message that does not parse: a broken peer or a middlebox altering the handshake' },
    ],
  },
  // docs/alerts.md § "Client: verifying the server certificate", "Other alerts"
  51: {
    name: 'decrypt_error',
    sentBy: 'either',
    causes: [
      {
        code: 'client-rejected-certificate',
        stacks: ['OpenSSL', 'BoringSSL', 'rustls', 'curl', 'python'],
        when: 'from the client after the server\'s Certificate: a certificate signature that does not verify',
      },
      { code: 'other-alert', stacks: [], when: 'any stack, for a Finished or CertificateVerify that does not verify: a key mismatch or a tampering middlebox' },
    ],
  },
  // docs/alerts.md § "Server: no shared version", "Client: refusing the server's version"
  70: {
    name: 'protocol_version',
    sentBy: 'either',
    causes: [
      {
        code: 'protocol-version-mismatch',
        stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'Go', 'JSSE', 'rustls', 'nginx', 'python', 'Node'],
      },
    ],
  },
  // docs/alerts.md § "Server: no shared cipher suite"
  71: {
    name: 'insufficient_security',
    sentBy: 'server',
    causes: [
      {
        code: 'cipher-suite-mismatch',
        stacks: [],
        when: 'RFC 5246 §7.2 names it for a server that requires stronger suites; none of the stacks measured sends it for that',
      },
    ],
  },
  // docs/alerts.md § "Client: refusing the server's version", "Server: no shared version",
  // "Server: unknown server name (SNI)"
  80: {
    name: 'internal_error',
    sentBy: 'either',
    causes: [
      {
        code: 'protocol-version-mismatch',
        stacks: ['OpenSSL 3', 'curl', 'nginx'],
        when: 'TLS 1.0/1.1: OpenSSL 3 at security level 1 refuses their MD5/SHA-1 signature — a client after the server\'s TLS 1.0/1.1 flight, a server after a ClientHello offering nothing newer than TLS 1.1',
      },
      { code: 'sni-unrecognized', stacks: ['Go'], when: 'from the server right after a ClientHello with SNI: its GetCertificate callback refused the name' },
      { code: 'sni-missing', stacks: ['Go'], when: 'from the server right after a ClientHello without SNI: its GetCertificate callback refused' },
      { code: 'other-alert', stacks: [], when: 'any stack, for a failure of its own' },
    ],
  },
  // docs/alerts.md § "Server: inappropriate fallback"
  86: {
    name: 'inappropriate_fallback',
    sentBy: 'server',
    causes: [{ code: 'inappropriate-fallback', stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'Go', 'nginx'] }],
  },
  // docs/alerts.md § "Other alerts"
  90: {
    name: 'user_canceled',
    sentBy: 'either',
    causes: [{ code: 'other-alert', stacks: ['JSSE'], when: 'a warning before close_notify when a Java application closes the connection: no failure by itself' }],
  },
  // docs/alerts.md § "Server: no shared group (TLS 1.3)", "Server: no shared signature algorithm"
  109: {
    name: 'missing_extension',
    sentBy: 'server',
    causes: [
      {
        code: 'key-exchange-mismatch',
        stacks: ['BoringSSL', 'Go'],
        when: 'a TLS 1.3 ClientHello without supported_groups (BoringSSL) or signature_algorithms (Go)',
      },
    ],
  },
  // docs/alerts.md § "Server: unknown server name (SNI)"
  112: {
    name: 'unrecognized_name',
    sentBy: 'server',
    causes: [
      {
        code: 'sni-unrecognized',
        stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'Go', 'JSSE', 'nginx'],
        when: 'fatal, right after a ClientHello with SNI; OpenSSL/BoringSSL/GnuTLS where the application refuses (nginx ssl_reject_handshake); Go only with no certificate configured',
      },
      { code: 'sni-missing', stacks: ['nginx'], when: 'fatal, right after a ClientHello without SNI (ssl_reject_handshake on the default server)' },
    ],
  },
  // docs/alerts.md § "Other alerts"
  115: {
    name: 'unknown_psk_identity',
    sentBy: 'server',
    causes: [{ code: 'other-alert', stacks: [], when: 'a PSK identity the server does not know (PSK-only setups; RFC 8446 §6.2)' }],
  },
  // docs/alerts.md § "Server: client certificate"
  116: {
    name: 'certificate_required',
    sentBy: 'server',
    causes: [
      {
        code: 'client-certificate-required',
        stacks: ['OpenSSL', 'BoringSSL', 'GnuTLS', 'Go', 'JSSE', 'rustls'],
        when: 'TLS 1.3 (rustls in TLS 1.2 too); Go from 1.21; JSSE once it has JDK-8311644 (JDK 25 does, JDK 17.0.15 does not)',
      },
    ],
  },
  // docs/alerts.md § "Other alerts"
  120: {
    name: 'no_application_protocol',
    sentBy: 'server',
    causes: [{ code: 'other-alert', stacks: ['Go', 'rustls'], when: 'no ALPN protocol in common (RFC 7301 §3.2)' }],
  },
};
