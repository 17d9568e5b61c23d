# Sourced by make-captures.sh: one function per capture (scenario_<name>, '-' as '_'), and the list that records
# them with their sidecar facts. Servers listen on 10.77.2.2:443; $pki holds the certificates of make-pki.sh.
# Certificate problems are shown over TLS 1.2 so the chain crosses the wire in plaintext.

# ── healthy ───────────────────────────────────────────────────────────────────────────────────────────────────
scenario_healthy_tls12() {
  ossl_server good inter -tls1_2
  ossl_client_get www.tlsdiag.test -tls1_2
}
scenario_healthy_tls13() {
  node_server tls "{\"cert\":\"$pki/good.chain.pem\",\"key\":\"$pki/good.key\"}"
  node_client tls "{\"servername\":\"www.tlsdiag.test\",\"ca\":\"$pki/root.pem\",\"minVersion\":\"TLSv1.3\"}"
}

# ── version, suites, key exchange ────────────────────────────────────────────────────────────────────────────
scenario_protocol_version_mismatch__tls10_client() {
  ossl_server good inter -min_protocol TLSv1.2
  # SECLEVEL=0: OpenSSL 3 refuses to even offer TLS 1.0 otherwise
  ossl_client www.tlsdiag.test -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
}
scenario_protocol_version_mismatch__tls13_only_client() {
  node_server tls "{\"cert\":\"$pki/good.chain.pem\",\"key\":\"$pki/good.key\",\"maxVersion\":\"TLSv1.2\"}"
  ossl_client www.tlsdiag.test -tls1_3
}
scenario_cipher_suite_mismatch() {
  ossl_server good inter -no_tls1_3 -cipher 'ECDHE-RSA-CHACHA20-POLY1305'
  ossl_client www.tlsdiag.test -tls1_2 -cipher 'AES256-SHA256:AES128-SHA256'
}
scenario_key_exchange_mismatch__no_common_signature() {
  # the client accepts only ECDSA signatures, the server has nothing but an RSA key to sign with
  ossl_server good inter -tls1_3
  ossl_client www.tlsdiag.test -tls1_3 -sigalgs 'ECDSA+SHA256:ECDSA+SHA384'
}
scenario_key_exchange_mismatch__no_common_group() {
  ossl_server good inter -tls1_3 -groups P-384
  ossl_client www.tlsdiag.test -tls1_3 -groups X25519:P-256
}

# ── certificates ─────────────────────────────────────────────────────────────────────────────────────────────
scenario_certificate_expired() {
  ossl_server expired inter -tls1_2
  ossl_client expired.tlsdiag.test -tls1_2
}
scenario_certificate_expired__node_client() {
  ossl_server expired inter -tls1_2
  node_client tls "{\"servername\":\"expired.tlsdiag.test\",\"ca\":\"$pki/root.pem\",\"maxVersion\":\"TLSv1.2\"}"
}
scenario_certificate_not_yet_valid() {
  ossl_server notyet inter -tls1_2
  ossl_client notyet.tlsdiag.test -tls1_2
}
scenario_certificate_hostname_mismatch() {
  ossl_server other inter -tls1_2
  ossl_client www.tlsdiag.test -tls1_2
}
scenario_certificate_hostname_mismatch__node_client() {
  ossl_server other inter -tls1_2
  node_client tls "{\"servername\":\"www.tlsdiag.test\",\"ca\":\"$pki/root.pem\",\"maxVersion\":\"TLSv1.2\"}"
}
scenario_certificate_untrusted() {
  ossl_server selfsigned - -tls1_2
  ossl_client selfsigned.tlsdiag.test -tls1_2
}
scenario_certificate_chain_incomplete() {
  ossl_server good - -tls1_2
  ossl_client www.tlsdiag.test -tls1_2
}
scenario_client_certificate_required() {
  ossl_server good inter -tls1_2 -Verify 1 -CAfile "$pki/root.pem"
  ossl_client www.tlsdiag.test -tls1_2
}
scenario_client_certificate_required__tls13() {
  # TLS 1.3: the CertificateRequest, the client's empty Certificate and the server's certificate_required alert are
  # all encrypted; only the record sizes and who closes show what happened
  ossl_server good inter -tls1_3 -Verify 1 -CAfile "$pki/root.pem"
  ossl_client www.tlsdiag.test -tls1_3
}

# ── SNI, fallback ────────────────────────────────────────────────────────────────────────────────────────────
scenario_sni_unrecognized() {
  ossl_server default inter -tls1_2 -servername www.tlsdiag.test -cert2 "$pki/good.pem" -key2 "$pki/good.key" \
    -servername_fatal
  ossl_client unknown.tlsdiag.test -tls1_2
}
scenario_sni_missing() {
  # a name-based virtual host: www.tlsdiag.test's certificate only for those who ask for it by SNI
  ossl_server default inter -tls1_2 -servername www.tlsdiag.test -cert2 "$pki/good.pem" -key2 "$pki/good.key"
  client openssl s_client -connect "$SERVER_IP:443" -noservername -verify_hostname www.tlsdiag.test \
    -CAfile "$pki/root.pem" -verify_return_error -tls1_2 </dev/null
}
scenario_inappropriate_fallback() {
  ossl_server good inter
  ossl_client www.tlsdiag.test -tls1_2 -fallback_scsv
}
scenario_client_rejected_certificate() {
  # GnuTLS switches to its handshake keys as soon as the ServerHello is in, so its alert goes out encrypted
  ossl_server rogue rogue-root -tls1_3
  client gnutls-cli --x509cafile="$pki/root.pem" --priority='NORMAL:-VERS-ALL:+VERS-TLS1.3' -p 443 \
    --sni-hostname=rogue.tlsdiag.test --verify-hostname=rogue.tlsdiag.test "$SERVER_IP" </dev/null
}
scenario_client_rejected_certificate__node_client() {
  # Node checks the chain once OpenSSL hands it the server flight and drops the connection: no Finished, no alert
  ossl_server rogue rogue-root -tls1_3
  node_client tls "{\"servername\":\"rogue.tlsdiag.test\",\"ca\":\"$pki/root.pem\",\"minVersion\":\"TLSv1.3\"}"
}
scenario_certificate_untrusted__tls13_openssl_client() {
  # OpenSSL 3.0 still writes with plaintext keys when it judges the chain: its unknown_ca is readable
  ossl_server rogue rogue-root -tls1_3
  ossl_client rogue.tlsdiag.test -tls1_3
}

# ── silence, TCP, resets, other protocols ────────────────────────────────────────────────────────────────────
scenario_server_timeout() {
  node_server silent '{}'
  node_client tls '{"servername":"www.tlsdiag.test","giveUpMs":12000}'
}
scenario_tcp_connect_timeout() {
  in_server iptables -A INPUT -p tcp --dport 443 -j DROP
  node_client tcp '{"giveUpMs":11500}'
}
scenario_tcp_connect_refused() {
  client openssl s_client -connect "$SERVER_IP:443" -servername www.tlsdiag.test </dev/null
}
scenario_reset_by_server() {
  node_server reset '{}'
  ossl_client www.tlsdiag.test
}
scenario_reset_by_client() {
  ossl_server good inter -tls1_3
  node_client tls "{\"servername\":\"www.tlsdiag.test\",\"ca\":\"$pki/root.pem\",\"resetAfterServerHello\":true}"
}
scenario_reset_by_middlebox() {
  ossl_server good inter
  # the router lets the TCP handshake through and forges a RST to the client when it sees the name in a ClientHello
  in_router iptables -A FORWARD -p tcp --dport 443 -m string --string blocked.tlsdiag.test --algo bm \
    -j REJECT --reject-with tcp-reset
  ossl_client blocked.tlsdiag.test
}
scenario_not_tls() {
  node_server http '{}'
  ossl_client www.tlsdiag.test
}
scenario_peer_closed() {
  node_server close '{}'
  ossl_client www.tlsdiag.test
}
scenario_other_alert() {
  node_server tls "{\"cert\":\"$pki/good.chain.pem\",\"key\":\"$pki/good.key\",\"alpn\":[\"http/1.1\"]}"
  node_client tls "{\"servername\":\"www.tlsdiag.test\",\"ca\":\"$pki/root.pem\",\"alpn\":[\"h2\"]}"
}

run_all_scenarios() {
  capture healthy-tls12 null 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'A TLS 1.2 handshake that verifies www.tlsdiag.test against the private root, one HTTP request and answer.'
  capture healthy-tls13 null 1 "$NODE_TLS client -> $NODE_TLS server" \
    'A TLS 1.3 handshake between two Node stacks, one HTTP request and answer.'
  capture protocol-version-mismatch--tls10-client protocol-version-mismatch 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'A client that only speaks TLS 1.0 meets a server whose minimum is TLS 1.2; the server answers protocol_version.' \
    'TLS 1.0' protocol_version
  capture protocol-version-mismatch--tls13-only-client protocol-version-mismatch 1 "$OSSL_CLIENT -> $NODE_TLS server" \
    'A TLS 1.3-only client meets a server capped at TLS 1.2.' \
    'TLS 1.3' protocol_version
  capture cipher-suite-mismatch cipher-suite-mismatch 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the client offers only AES-CBC RSA key transport suites, the server only ECDHE-RSA-CHACHA20-POLY1305.' \
    handshake_failure TLS_RSA_WITH_AES_256_CBC_SHA256
  capture key-exchange-mismatch--no-common-signature key-exchange-mismatch 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.3: the client accepts only ECDSA signature schemes, the server can only sign with RSA; it refuses the ClientHello.' \
    handshake_failure ecdsa_secp256r1_sha256
  capture key-exchange-mismatch--no-common-group key-exchange-mismatch 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.3: the client offers X25519 and P-256, the server accepts only P-384.' \
    handshake_failure x25519 secp256r1
  capture certificate-expired certificate-expired 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the server presents expired.tlsdiag.test, which expired 40 days before the capture; the client aborts.' \
    expired.tlsdiag.test "$(cert_date expired enddate)"
  capture certificate-expired--node-client certificate-expired 1 "$NODE_TLS client -> $OSSL_SERVER" \
    'Same as certificate-expired, but Node finishes the TLS 1.2 handshake and only then drops the connection, without an alert. On the wire the handshake completes, so tlsdiag reports it established with a warning that names the certificate problem and the client closing right after the handshake.' \
    expired.tlsdiag.test "$(cert_date expired enddate)" outcome=established
  capture certificate-not-yet-valid certificate-not-yet-valid 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the server presents notyet.tlsdiag.test, valid only from 30 days after the capture.' \
    notyet.tlsdiag.test "$(cert_date notyet startdate)"
  capture certificate-hostname-mismatch certificate-hostname-mismatch 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the client asks for www.tlsdiag.test, the server presents a certificate for other.tlsdiag.test only.' \
    www.tlsdiag.test other.tlsdiag.test
  capture certificate-hostname-mismatch--node-client certificate-hostname-mismatch 1 "$NODE_TLS client -> $OSSL_SERVER" \
    'Same as certificate-hostname-mismatch, with Node finishing the handshake before it drops the connection. On the wire the handshake completes, so tlsdiag reports it established with a warning that names the certificate problem.' \
    www.tlsdiag.test other.tlsdiag.test outcome=established
  capture certificate-untrusted certificate-untrusted 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the server presents a self-signed certificate for selfsigned.tlsdiag.test.' \
    selfsigned.tlsdiag.test
  capture certificate-chain-incomplete certificate-chain-incomplete 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the server sends its leaf without the intermediate that issued it; the client only knows the root.' \
    'tlsdiag Test Intermediate CA'
  capture client-certificate-required client-certificate-required 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the server requires a client certificate (CertificateRequest), the client sends an empty Certificate.' \
    handshake_failure
  capture client-certificate-required--tls13 client-certificate-required 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.3: the server requires a client certificate, the client has none; the server answers the client flight with one alert-sized encrypted record (certificate_required) and closes.' \
    'TLS 1.3' '19-byte' 'empty Certificate'
  capture sni-unrecognized sni-unrecognized 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the client asks for unknown.tlsdiag.test, a name the server does not host; it answers with a fatal unrecognized_name.' \
    unrecognized_name unknown.tlsdiag.test
  capture sni-missing sni-missing 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.2: the client sends no SNI to a name-based server, gets its default certificate (default.tlsdiag.test) and rejects it for www.tlsdiag.test.' \
    default.tlsdiag.test
  capture inappropriate-fallback inappropriate-fallback 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'A client retrying with TLS 1.2 and TLS_FALLBACK_SCSV meets a server that supports TLS 1.3.' \
    inappropriate_fallback
  capture client-rejected-certificate client-rejected-certificate 1 "$GNUTLS_CLIENT -> $OSSL_SERVER" \
    'TLS 1.3: the server presents a chain from a root the client does not trust; the client answers the server flight with one 19-byte encrypted record (its alert) and closes.' \
    'TLS 1.3'
  capture client-rejected-certificate--node-client client-rejected-certificate 1 "$NODE_TLS client -> $OSSL_SERVER" \
    'TLS 1.3: same server; Node rejects the chain and closes right after the server flight, without Finished or alert.' \
    'TLS 1.3'
  capture certificate-untrusted--tls13-openssl-client certificate-untrusted 1 "$OSSL_CLIENT -> $OSSL_SERVER" \
    'TLS 1.3: same server; OpenSSL sends its unknown_ca alert before switching keys, so the alert is readable although the certificate is not.' \
    unknown_ca
  capture server-timeout server-timeout 1 "$NODE_TLS client -> node $node_version net server (silent)" \
    'The server accepts the TCP connection and never answers the ClientHello; the client gives up after 12 s.' \
    'www.tlsdiag.test'
  capture tcp-connect-timeout tcp-connect-timeout 1 "node $node_version net client -> iptables DROP" \
    'The server host silently drops SYNs to port 443; the client retransmits its SYN for 11.5 s and gives up.'
  capture tcp-connect-refused tcp-connect-refused 1 "$OSSL_CLIENT -> closed port" \
    'Nothing listens on port 443: the server kernel answers the SYN with a RST.'
  capture reset-by-server reset-by-server 1 "$OSSL_CLIENT -> node $node_version net server (RST)" \
    'The server reads the ClientHello and aborts the connection with a RST.'
  capture reset-by-client reset-by-client 1 "$NODE_TLS client (RST) -> $OSSL_SERVER" \
    'TLS 1.3: the client aborts with a RST as soon as the ServerHello arrives.'
  capture reset-by-middlebox reset-by-middlebox 1 "$OSSL_CLIENT -> iptables REJECT on a router -> $OSSL_SERVER" \
    'A router between the hosts lets the TCP handshake pass and forges a RST to the client when the ClientHello names blocked.tlsdiag.test: the RST has TTL 64, the real server packets TTL 63.' \
    64 63
  capture not-tls not-tls 1 "$OSSL_CLIENT -> node $node_version http server" \
    'A plain HTTP server on port 443 answers the ClientHello with HTTP/1.1 400 Bad Request.' \
    'HTTP/1.1 400'
  capture peer-closed peer-closed 1 "$OSSL_CLIENT -> node $node_version net server (FIN)" \
    'The server reads the ClientHello and closes the connection with a FIN, no alert.'
  capture other-alert other-alert 1 "$NODE_TLS client -> $NODE_TLS server" \
    'The client wants ALPN h2 only, the server speaks only http/1.1 and refuses with no_application_protocol.' \
    no_application_protocol
}

cert_date() { # leaf enddate|startdate -> YYYY-MM-DD
  local field=notAfter
  [[ $2 == startdate ]] && field=notBefore
  date -u -d "$(openssl x509 -in "$pki/$1.pem" -noout "-${2}" | sed "s/^$field=//")" +%Y-%m-%d
}
