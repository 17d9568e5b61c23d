# Sourced by make-matrix.sh: the servers of the matrix, each configured for one fault the way an administrator
# would configure it. server_<name> FAULT starts the server in the server namespace (port 443) and returns 0, or
# returns 3 when that server cannot show the fault (the matrix then has no such capture; see docs/captures.md).
# A server may set fault_outcome / fault_code / fault_note when its real behaviour differs from the fault table's
# (nginx checks a required client certificate only after the handshake, at the HTTP level: refused_over_http).
# A certificate fault named cert-…-tls13 (faults-tls13-certs.tsv) is its TLS 1.2 fault's certificate without the
# TLS 1.2 cap: each server keeps its default versions, so TLS 1.3 is negotiated.
#
#   openssl  openssl s_server -www           (every TLS fault)
#   nginx    nginx with a config file written here (every TLS fault; plaintext-server as a plain `listen 443`)
#   go       go-server.go on crypto/tls       (every TLS fault; silent, reset, FIN and plaintext as raw modes)
#   apache   Apache httpd + mod_ssl with a config file written here (every TLS fault; plaintext-server as a vhost
#            without SSLEngine); only when named in MATRIX_SERVERS_ONLY
#   gnutls   gnutls-serv --http, a priority string per fault (every TLS fault but plaintext-server); only when named
#   java     MatrixServer.java on JSSE, its standard properties and SSLParameters per fault (every TLS fault but
#            plaintext-server); only when named
#   none     nothing listens (connect-refused) or the router drops SYNs (connect-timeout)

readonly MATRIX_SERVERS=(openssl nginx go none)
# Recorded only when named in MATRIX_SERVERS_ONLY: they came after the eight clients' matrix was made, whose PKI is
# gone (the browsers met apache; the eight clients met gnutls and java in a folder of their own, captures/servers)
readonly MATRIX_MORE_SERVERS=(apache gnutls java)

# Faults that need no TLS server at all, and those that need a raw TCP behaviour only the Go server has.
readonly NO_SERVER_FAULTS=' connect-refused connect-timeout '
readonly RAW_FAULTS=' server-silent server-reset server-fin '

server_openssl() {
  local fault=${1%-tls13} leaf=good chain=inter args=()
  [[ $1 == cert-*-tls13 ]] || fault=$1
  case $fault in
    healthy-tls12) args=(-tls1_2) ;;
    healthy-tls13 | middlebox-reset) ;;
    cert-expired) leaf=expired args=(-no_tls1_3) ;;
    cert-not-yet-valid) leaf=notyet args=(-no_tls1_3) ;;
    cert-hostname-mismatch) leaf=other args=(-no_tls1_3) ;;
    cert-chain-incomplete) chain=- args=(-no_tls1_3) ;;
    cert-untrusted-root) leaf=rogue chain=rogue-root args=(-no_tls1_3) ;;
    cert-self-signed) leaf=selfsigned chain=- args=(-no_tls1_3) ;;
    # SECLEVEL=0: OpenSSL 3 refuses TLS 1.0/1.1 signatures (SHA-1 + MD5) at the default level 1
    server-tls10-only) args=(-min_protocol TLSv1 -max_protocol TLSv1.1 -cipher 'DEFAULT:@SECLEVEL=0') ;;
    server-tls13-only) args=(-tls1_3) ;;
    no-common-cipher) args=(-no_tls1_3 -cipher ECDHE-RSA-CAMELLIA256-SHA384) ;;
    no-common-group) args=(-tls1_3 -groups P-384) ;;
    client-cert-required-tls12) args=(-tls1_2 -Verify 1 -CAfile "$pki/root.pem") ;;
    client-cert-required-tls13) args=(-tls1_3 -Verify 1 -CAfile "$pki/root.pem") ;;
    sni-unknown)
      leaf=default
      args=(-servername www.tlsdiag.test -cert2 "$pki/good.pem" -key2 "$pki/good.key" -servername_fatal) ;;
    *) return 3 ;;
  esac
  [[ $1 == cert-*-tls13 ]] && args=()
  # -www: answers a GET with its status page and never reads stdin (whose EOF would close the connection)
  local cmd=(openssl s_server -accept 443 -www -cert "$pki/$leaf.pem" -key "$pki/$leaf.key")
  [[ $chain != - ]] && cmd+=(-cert_chain "$pki/$chain.pem")
  start_server "${cmd[@]}" "${args[@]}"
}

server_nginx() {
  local fault=${1%-tls13} dir=$work/nginx site
  [[ $1 == cert-*-tls13 ]] || fault=$1
  rm -rf "$dir" && mkdir -p "$dir/tmp"
  local leaf=good.chain protocols='TLSv1.2 TLSv1.3' extra='' listen='443 ssl' default_server=''
  case $fault in
    healthy-tls12) protocols=TLSv1.2 ;;
    healthy-tls13 | middlebox-reset) ;;
    cert-expired) leaf=expired.chain protocols=TLSv1.2 ;;
    cert-not-yet-valid) leaf=notyet.chain protocols=TLSv1.2 ;;
    cert-hostname-mismatch) leaf=other.chain protocols=TLSv1.2 ;;
    cert-chain-incomplete) leaf=good protocols=TLSv1.2 ;;
    cert-untrusted-root) leaf=rogue.chain protocols=TLSv1.2 ;;
    cert-self-signed) leaf=selfsigned protocols=TLSv1.2 ;;
    server-tls10-only) protocols='TLSv1 TLSv1.1' extra='ssl_ciphers DEFAULT:@SECLEVEL=0;' ;;
    server-tls13-only) protocols=TLSv1.3 ;;
    no-common-cipher) protocols=TLSv1.2 extra='ssl_ciphers ECDHE-RSA-CAMELLIA256-SHA384;' ;;
    no-common-group) protocols=TLSv1.3 extra='ssl_ecdh_curve secp384r1;' ;;
    client-cert-required-tls12 | client-cert-required-tls13)
      [[ $fault == *tls12 ]] && protocols=TLSv1.2 || protocols=TLSv1.3
      extra="ssl_verify_client on; ssl_client_certificate $pki/root.pem;"
      # nginx asks for the certificate (CertificateRequest) but never fails the handshake without one: it answers
      # the request with "400 No required SSL certificate was sent". The TLS connection works.
      fault_outcome=established fault_code=- refused_over_http=1
      fault_note='nginx requests a client certificate but completes the handshake without one; it refuses at the HTTP level (400 No required SSL certificate was sent), inside the encrypted stream. For TLS the connection is established and carried application data.' ;;
    sni-unknown)
      # the default server refuses every name no other server block claims (nginx >= 1.19.4)
      default_server="server { listen 443 ssl default_server; ssl_reject_handshake on; }" ;;
    plaintext-server) listen=443 ;;
    *) return 3 ;;
  esac
  [[ $1 == cert-*-tls13 ]] && protocols='TLSv1.2 TLSv1.3'
  local key=${leaf%.chain}
  site="server {
    listen $listen;
    server_name www.tlsdiag.test expired.tlsdiag.test notyet.tlsdiag.test rogue.tlsdiag.test selfsigned.tlsdiag.test blocked.tlsdiag.test;"
  [[ $listen == '443 ssl' ]] && site+="
    ssl_certificate $pki/$leaf.pem;
    ssl_certificate_key $pki/$key.key;
    ssl_protocols $protocols;
    $extra"
  site+="
    location / { return 200 \"ok\\n\"; }
  }"
  cat >"$dir/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 64; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  $default_server
  $site
}
CONF
  start_server nginx -c "$dir/nginx.conf" -p "$dir"
}

# Apache httpd 2.4 with mod_ssl, a configuration written per fault into a ServerRoot of its own (the machine's
# /etc/apache2 is neither read nor touched), run in the foreground in the server namespace. Recorded only when named
# (MATRIX_SERVERS_ONLY=apache): it came after the eight clients' matrix, whose PKI is gone.
server_apache() {
  local fault=${1%-tls13} dir=$work/apache
  [[ $1 == cert-*-tls13 ]] || fault=$1
  local leaf=good chain=inter protocols='-all +TLSv1.2 +TLSv1.3' extra='' ssl=1 vhosts=''
  case $fault in
    healthy-tls12) protocols='-all +TLSv1.2' ;;
    healthy-tls13 | middlebox-reset) ;;
    cert-expired) leaf=expired protocols='-all +TLSv1.2' ;;
    cert-not-yet-valid) leaf=notyet protocols='-all +TLSv1.2' ;;
    cert-hostname-mismatch) leaf=other protocols='-all +TLSv1.2' ;;
    cert-chain-incomplete) chain=- protocols='-all +TLSv1.2' ;;
    cert-untrusted-root) leaf=rogue chain=rogue-root protocols='-all +TLSv1.2' ;;
    cert-self-signed) leaf=selfsigned chain=- protocols='-all +TLSv1.2' ;;
    # SECLEVEL=0: OpenSSL 3 refuses TLS 1.0/1.1 signatures (SHA-1 + MD5) at the default level 1
    server-tls10-only) protocols='-all +TLSv1 +TLSv1.1' extra='SSLCipherSuite DEFAULT:@SECLEVEL=0' ;;
    server-tls13-only) protocols='-all +TLSv1.3' ;;
    no-common-cipher) protocols='-all +TLSv1.2' extra='SSLCipherSuite ECDHE-RSA-CAMELLIA256-SHA384' ;;
    no-common-group) protocols='-all +TLSv1.3' extra='SSLOpenSSLConfCmd Groups P-384' ;;
    client-cert-required-tls12 | client-cert-required-tls13)
      [[ $fault == *tls12 ]] && protocols='-all +TLSv1.2' || protocols='-all +TLSv1.3'
      extra="SSLVerifyClient require
    SSLVerifyDepth 2
    SSLCACertificateFile $pki/root.pem" ;;
    sni-unknown)
      # name-based virtual hosts: the first (the default for names no other claims) for default.tlsdiag.test, with
      # its own valid chain, then www.tlsdiag.test; SSLStrictSNIVHostCheck on. mod_ssl does not refuse an unknown
      # name in the handshake: it answers with the default host's certificate (TLS 1.3, encrypted), which the client
      # refuses for its name (exceptions.tsv); SSLStrictSNIVHostCheck acts only on requests, at the HTTP level.
      vhosts="<VirtualHost *:443>
    ServerName default.tlsdiag.test
    DocumentRoot $dir/htdocs
    SSLEngine on
    SSLStrictSNIVHostCheck on
    SSLCertificateFile $pki/default.pem
    SSLCertificateKeyFile $pki/default.key
    SSLCertificateChainFile $pki/inter.pem
  </VirtualHost>"
      extra='SSLStrictSNIVHostCheck on' cert_encrypted=1 ;;
    plaintext-server) ssl= ;;
    *) return 3 ;;
  esac
  [[ $1 == cert-*-tls13 ]] && protocols='-all +TLSv1.2 +TLSv1.3'
  rm -rf "$dir" && mkdir -p "$dir/htdocs" "$dir/run"
  printf 'ok\n' >"$dir/htdocs/index.html"
  # the children run as www-data (httpd refuses to serve as root): they need to reach the document root
  chmod 711 "$work"
  chmod -R a+rX "$dir"
  local site="<VirtualHost *:443>
    ServerName www.tlsdiag.test
    ServerAlias expired.tlsdiag.test notyet.tlsdiag.test rogue.tlsdiag.test selfsigned.tlsdiag.test blocked.tlsdiag.test
    DocumentRoot $dir/htdocs"
  if [[ -n $ssl ]]; then
    site+="
    SSLEngine on
    SSLProtocol $protocols
    SSLCertificateFile $pki/$leaf.pem
    SSLCertificateKeyFile $pki/$leaf.key"
    [[ $chain != - ]] && site+="
    SSLCertificateChainFile $pki/$chain.pem"
    site+="
    $extra"
  fi
  site+="
  </VirtualHost>"
  local mods=/usr/lib/apache2/modules
  cat >"$dir/httpd.conf" <<CONF
ServerRoot $dir
ServerName www.tlsdiag.test
Listen 443
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule mime_module $mods/mod_mime.so
LoadModule dir_module $mods/mod_dir.so
LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so
LoadModule ssl_module $mods/mod_ssl.so
User www-data
Group www-data
PidFile $dir/run/httpd.pid
Mutex file:$dir/run default
ErrorLog $dir/error.log
LogLevel info ssl:info
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog $dir/access.log common
TypesConfig /etc/mime.types
DirectoryIndex index.html
SSLSessionCache shmcb:$dir/run/ssl_scache(512000)
<Directory />
  Require all denied
</Directory>
<Directory $dir/htdocs>
  Require all granted
</Directory>
$vhosts
$site
CONF
  start_server apache2 -f "$dir/httpd.conf" -d "$dir" -DFOREGROUND
}

# gnutls-serv (GnuTLS 3.7, Debian's gnutls-bin), configured the way its users configure it: a priority string for the
# versions, suites and groups, the certificate file (leaf + chain: GnuTLS sends every certificate of it) and key.
# --http answers a GET with its status page and closes. Recorded only when named (MATRIX_SERVERS_ONLY=gnutls).
server_gnutls() {
  local fault=${1%-tls13} chain=good.chain key=good priority=NORMAL
  [[ $1 == cert-*-tls13 ]] || fault=$1
  # gnutls-serv asks every client for a certificate unless told not to (an optional CertificateRequest in every
  # handshake): a server that wants none says so
  local args=(--disable-client-cert) tls12='NORMAL:-VERS-ALL:+VERS-TLS1.2'
  case $fault in
    healthy-tls12) priority=$tls12 ;;
    healthy-tls13 | middlebox-reset) ;;
    cert-expired) chain=expired.chain key=expired priority=$tls12 ;;
    cert-not-yet-valid) chain=notyet.chain key=notyet priority=$tls12 ;;
    cert-hostname-mismatch) chain=other.chain key=other priority=$tls12 ;;
    cert-chain-incomplete) chain=good priority=$tls12 ;;
    cert-untrusted-root) chain=rogue.chain key=rogue priority=$tls12 ;;
    cert-self-signed) chain=selfsigned key=selfsigned priority=$tls12 ;;
    # NORMAL still has TLS 1.0 and 1.1 in GnuTLS 3.7: the other versions are taken out
    server-tls10-only) priority='NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0' ;;
    server-tls13-only) priority='NORMAL:-VERS-ALL:+VERS-TLS1.3' ;;
    # the suite of the OpenSSL servers, TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384, in GnuTLS's terms: its key
    # exchange, cipher and MAC, each list emptied first (NORMAL has no Camellia and no SHA-384 MAC)
    no-common-cipher) priority="$tls12:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL:+CAMELLIA-256-CBC:-MAC-ALL:+SHA384" ;;
    no-common-group) priority='NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1' ;;
    client-cert-required-tls12 | client-cert-required-tls13)
      [[ $fault == *tls12 ]] && priority=$tls12 || priority='NORMAL:-VERS-ALL:+VERS-TLS1.3'
      # --require-client-cert fails the handshake without one; --verify-client-cert checks one that is sent against
      # --x509cafile, whose subject is also the authority the CertificateRequest names
      args=(--require-client-cert --verify-client-cert --x509cafile "$pki/root.pem") ;;
    sni-unknown) args+=(--sni-hostname www.tlsdiag.test --sni-hostname-fatal) ;;
    *) return 3 ;;
  esac
  [[ $1 == cert-*-tls13 ]] && priority=NORMAL
  start_server gnutls-serv --port 443 --http --x509certfile "$pki/$chain.pem" --x509keyfile "$pki/$key.key" \
    --priority "$priority" "${args[@]}"
}

# MatrixServer.java on JSSE (the JDK of the Java client), configured with the JDK's standard properties and the
# SSLParameters a Java service sets (see its header): its key store is a PKCS#12 made from the PKI's chain and key
# with `openssl pkcs12 -export`, as an administrator brings a PEM certificate to Java. Recorded only when named
# (MATRIX_SERVERS_ONLY=java).
server_java() {
  local fault=${1%-tls13} dir=$work/java chain=good.chain key=good
  [[ $1 == cert-*-tls13 ]] || fault=$1
  rm -rf "$dir" && mkdir -p "$dir"
  local props=(-Djavax.net.ssl.keyStore="$dir/keys.p12" -Djavax.net.ssl.keyStorePassword=changeit) args=()
  case $fault in
    healthy-tls12) args=(-protocols TLSv1.2) ;;
    healthy-tls13 | middlebox-reset) ;;
    cert-expired) chain=expired.chain key=expired args=(-protocols TLSv1.2) ;;
    cert-not-yet-valid) chain=notyet.chain key=notyet args=(-protocols TLSv1.2) ;;
    cert-hostname-mismatch) chain=other.chain key=other args=(-protocols TLSv1.2) ;;
    cert-chain-incomplete) chain=good args=(-protocols TLSv1.2) ;;
    cert-untrusted-root) chain=rogue.chain key=rogue args=(-protocols TLSv1.2) ;;
    cert-self-signed) chain=selfsigned key=selfsigned args=(-protocols TLSv1.2) ;;
    # JDK 17 disables TLS 1.0 and 1.1 in java.security: the administrator of a legacy service enables them again
    server-tls10-only)
      java_reenable "$dir/java.security" TLSv1 TLSv1.1
      props+=(-Djava.security.properties="$dir/java.security") args=(-protocols TLSv1,TLSv1.1) ;;
    server-tls13-only) args=(-protocols TLSv1.3) ;;
    # JSSE implements no Camellia; the RC4 suite of the Go server, enabled again in java.security (RC4 is disabled
    # there), is the suite an old Java service might still be pinned to
    no-common-cipher)
      java_reenable "$dir/java.security" RC4
      props+=(-Djava.security.properties="$dir/java.security") args=(-protocols TLSv1.2 -ciphers TLS_ECDHE_RSA_WITH_RC4_128_SHA) ;;
    # SSLParameters has no setter for the groups before Java 20: the standard property
    no-common-group) props+=(-Djdk.tls.namedGroups=secp384r1) args=(-protocols TLSv1.3) ;;
    client-cert-required-tls12 | client-cert-required-tls13)
      [[ $fault == *tls12 ]] && args=(-protocols TLSv1.2) || args=(-protocols TLSv1.3)
      # the trust store holds the matrix root: the client's certificate must chain to it (and the CertificateRequest
      # names it)
      props+=(-Djavax.net.ssl.trustStore="$work/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit)
      args+=(-need-client-auth) ;;
    sni-unknown) args=(-names www.tlsdiag.test) ;;
    *) return 3 ;;
  esac
  [[ $1 == cert-*-tls13 ]] && args=()
  openssl pkcs12 -export -in "$pki/$chain.pem" -inkey "$pki/$key.key" -name matrix -passout pass:changeit \
    -out "$dir/keys.p12"
  start_server java "${props[@]}" -cp "$build" MatrixServer "${args[@]}"
}

# java_reenable FILE ALGORITHM...: writes FILE, an override of the JDK's jdk.tls.disabledAlgorithms without
# ALGORITHM... (the rest as the JDK ships it), for -Djava.security.properties
java_reenable() {
  local file=$1 java_home value items item kept=()
  shift
  java_home=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.home =/ {print $2}')
  # the property spans lines ending in a backslash
  value=$(sed -n '/^jdk.tls.disabledAlgorithms=/,/[^\\]$/p' "$java_home/conf/security/java.security" |
    sed 's/\\$//' | tr -d '\n' | sed 's/^[^=]*=//')
  IFS=, read -r -a items <<<"$value"
  for item in "${items[@]}"; do
    [[ $item =~ ^[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] && item=${BASH_REMATCH[1]}
    [[ " $* " == *" $item "* ]] || kept+=("$item")
  done
  printf 'jdk.tls.disabledAlgorithms=%s\n' "$(IFS=,; echo "${kept[*]}")" >"$file"
}

server_go() {
  local fault=${1%-tls13} chain=good.chain key=good args=()
  [[ $1 == cert-*-tls13 ]] || fault=$1
  case $fault in
    healthy-tls12) args=(-max 1.2) ;;
    healthy-tls13 | middlebox-reset) ;;
    cert-expired) chain=expired.chain key=expired args=(-max 1.2) ;;
    cert-not-yet-valid) chain=notyet.chain key=notyet args=(-max 1.2) ;;
    cert-hostname-mismatch) chain=other.chain key=other args=(-max 1.2) ;;
    cert-chain-incomplete) chain=good args=(-max 1.2) ;;
    cert-untrusted-root) chain=rogue.chain key=rogue args=(-max 1.2) ;;
    cert-self-signed) chain=selfsigned key=selfsigned args=(-max 1.2) ;;
    server-tls10-only) args=(-min 1.0 -max 1.1) ;;
    server-tls13-only) args=(-min 1.3) ;;
    # crypto/tls implements no Camellia; RC4 is the suite an old Go-fronted service might still be pinned to
    no-common-cipher) args=(-max 1.2 -ciphers TLS_ECDHE_RSA_WITH_RC4_128_SHA) ;;
    no-common-group) args=(-min 1.3 -curves P384) ;;
    client-cert-required-tls12) args=(-max 1.2 -clientca "$pki/root.pem") ;;
    client-cert-required-tls13) args=(-min 1.3 -clientca "$pki/root.pem") ;;
    sni-unknown) args=(-names www.tlsdiag.test) ;;
    server-silent) start_server "$build/go-server" -mode silent; return ;;
    server-reset) start_server "$build/go-server" -mode reset; return ;;
    server-fin) start_server "$build/go-server" -mode close; return ;;
    plaintext-server) start_server "$build/go-server" -mode http; return ;;
    *) return 3 ;;
  esac
  [[ $1 == cert-*-tls13 ]] && args=()
  start_server "$build/go-server" -mode tls -cert "$pki/$chain.pem" -key "$pki/$key.key" "${args[@]}"
}

server_none() {
  case $1 in
    connect-refused) ;;
    # the router drops the SYNs: no SYN-ACK, no RST, no ICMP
    connect-timeout) in_router iptables -A FORWARD -p tcp --dport 443 --syn -j DROP ;;
    *) return 3 ;;
  esac
}

server_versions() { # fills server_stack[name]
  server_stack[openssl]="OpenSSL $(openssl version | awk '{print $2}') s_server"
  server_stack[nginx]="nginx $(nginx -v 2>&1 | sed 's|.*nginx/||') (OpenSSL $(nginx -V 2>&1 | sed -n 's/.*running with OpenSSL \([^ ]*\).*/\1/p'))"
  server_stack[go]="Go $(go env GOVERSION | sed 's/^go//') crypto/tls (go-server.go)"
  server_stack[none]="no server"
  if command -v apache2 >/dev/null; then
    server_stack[apache]="Apache $(apache2 -v | sed -n 's|^Server version: Apache/\([^ ]*\).*|\1|p') mod_ssl (OpenSSL $(openssl version | awk '{print $2}'))"
  fi
  server_stack[gnutls]="gnutls-serv $(gnutls-serv --version | awk 'NR==1 {print $2}')"
  server_stack[java]="OpenJDK $(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.version =/ {print $2}') JSSE (MatrixServer.java)"
}
