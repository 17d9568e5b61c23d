# Sourced by make-matrix.sh: the eight clients of the matrix and the two browsers (recorded apart, into
# captures/browsers), each run the way its users run it — an HTTPS GET of
# https://HOST/ with its default behaviour, trusting the matrix root as a user configures it, and the user's own
# timeout of 4 s. Each function is client_<name> HOST MODE (MODE: default | max12 | groups, see faults.tsv) and sets
# client_command to the command line as a user would type it ($ROOT = the matrix root; the key log by its name).
#
# Needs: $pki (make-pki.sh output), $build (the compiled Go and Java clients), $here, and the functions of
# make-matrix.sh (in_client_bounded).

readonly MATRIX_CLIENTS=(openssl curl python java go gnutls wget node)
# The browsers are recorded apart (captures/browsers, with their own root): MATRIX_CLIENTS_ONLY="chromium firefox"
readonly MATRIX_BROWSERS=(chromium firefox)
# The clients that write a TLS key log (NSS key log format) the way their users ask for one, where a TLS 1.3
# certificate fault is recorded (make-matrix.sh sets keylog_file): the browsers, curl, python3 (create_default_context)
# and gnutls-cli, wget (GnuTLS) read SSLKEYLOGFILE, openssl s_client has -keylogfile, Node --tls-keylog, the Go client
# sets tls.Config.KeyLogWriter (-keylog). Java has no standard key log (only its debug output): none.
readonly MATRIX_KEYLOG_CLIENTS=(openssl curl python go gnutls wget node chromium firefox)

# The request the command-line TLS tools type on stdin: one GET, then the server's answer up to its close.
http_get() { printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1"; }

client_openssl() {
  local host=$1 args=()
  case $2 in max12) args=(-no_tls1_3) ;; groups) args=(-groups X25519:P-256) ;; esac
  client_command="openssl s_client -connect $host:443 -servername $host -verify_hostname $host -CAfile \$ROOT -verify_return_error -ign_eof ${args[*]}${keylog_file:+ -keylogfile $keylog_name} (request on stdin; interrupted after 4 s)"
  [[ -n $keylog_file ]] && args+=(-keylogfile "$keylog_file")
  # s_client has no timeout of its own: the user interrupts it (SIGINT) after 4 s
  http_get "$host" | in_client_bounded timeout -s INT 4 openssl s_client -connect "$host:443" -servername "$host" \
    -verify_hostname "$host" -CAfile "$pki/root.pem" -verify_return_error -ign_eof "${args[@]}"
}

client_curl() {
  local host=$1 args=()
  case $2 in max12) args=(--tls-max 1.2) ;; groups) args=(--curves X25519:P-256) ;; esac
  client_command="${keylog_file:+SSLKEYLOGFILE=$keylog_name }curl -sS -o /dev/null -m 4 --cacert \$ROOT ${args[*]} https://$host/"
  in_client_bounded env ${keylog_file:+"SSLKEYLOGFILE=$keylog_file"} curl -sS -o /dev/null -m 4 --cacert "$pki/root.pem" "${args[@]}" "https://$host/"
}

client_python() {
  local host=$1 args=() env=() shown=
  case $2 in
    max12) args=(--max12) ;;
    # Python's ssl module has no client setting for groups: the user sets them in an OpenSSL configuration file
    groups) env=(OPENSSL_CONF="$work/groups.cnf") shown='OPENSSL_CONF=groups.cnf ' ;;
  esac
  # ssl.create_default_context reads SSLKEYLOGFILE
  [[ -n $keylog_file ]] && env+=(SSLKEYLOGFILE="$keylog_file") shown+="SSLKEYLOGFILE=$keylog_name "
  client_command="${shown}python3 python-client.py --cafile \$ROOT ${args[*]} $host"
  in_client_bounded env "${env[@]}" python3 "$here/captures/matrix/python-client.py" --cafile "$pki/root.pem" "${args[@]}" "$host"
}

client_java() {
  local host=$1 props=(-Djavax.net.ssl.trustStore="$work/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit)
  case $2 in
    max12) props+=(-Djdk.tls.client.protocols=TLSv1.2) ;;
    groups) props+=(-Djdk.tls.namedGroups=x25519,secp256r1) ;;
  esac
  client_command="java -Djavax.net.ssl.trustStore=trust.p12 ${props[*]:2} MatrixClient https://$host/"
  in_client_bounded java "${props[@]}" -cp "$build" MatrixClient "https://$host/"
}

client_go() {
  local host=$1 args=()
  case $2 in max12) args=(-max12) ;; groups) args=(-curves X25519,P256) ;; esac
  client_command="SSL_CERT_FILE=\$ROOT go-client ${args[*]}${keylog_file:+ -keylog $keylog_name} https://$host/"
  [[ -n $keylog_file ]] && args+=(-keylog "$keylog_file")
  in_client_bounded env SSL_CERT_FILE="$pki/root.pem" "$build/go-client" "${args[@]}" "https://$host/"
}

client_gnutls() {
  local host=$1 args=()
  case $2 in
    max12) args=(--priority NORMAL:-VERS-TLS1.3) ;;
    groups) args=(--priority NORMAL:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1) ;;
  esac
  client_command="${keylog_file:+SSLKEYLOGFILE=$keylog_name }gnutls-cli --x509cafile \$ROOT ${args[*]} -p 443 $host (request on stdin; interrupted after 4 s)"
  # gnutls-cli ends the session when stdin ends: stdin stays open while the answer comes, as at a terminal (a
  # process substitution, so the recording does not wait for the sleep once gnutls-cli is done)
  in_client_bounded env ${keylog_file:+"SSLKEYLOGFILE=$keylog_file"} timeout -s INT 4 gnutls-cli --x509cafile "$pki/root.pem" "${args[@]}" -p 443 "$host" \
    < <(http_get "$host"; sleep 5)
}

client_wget() {
  local host=$1 args=()
  case $2 in
    # --secure-protocol=TLSv1_2 means "TLS 1.2 or newer" to wget; the GnuTLS priority string caps it
    max12) args=(--ciphers=NORMAL:-VERS-TLS1.3) ;;
    groups) args=(--ciphers=NORMAL:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1) ;;
  esac
  client_command="${keylog_file:+SSLKEYLOGFILE=$keylog_name }wget -O /dev/null -T 4 -t 1 --ca-certificate=\$ROOT ${args[*]} https://$host/"
  in_client_bounded env ${keylog_file:+"SSLKEYLOGFILE=$keylog_file"} wget -O /dev/null -T 4 -t 1 --ca-certificate="$pki/root.pem" "${args[@]}" "https://$host/"
}

client_node() {
  local host=$1 args=()
  case $2 in max12) args=(--max12) ;; groups) args=(--groups X25519:P-256) ;; esac
  local keylog=()
  [[ -n $keylog_file ]] && keylog=(--tls-keylog="$keylog_file")
  client_command="NODE_EXTRA_CA_CERTS=\$ROOT node ${keylog_file:+--tls-keylog=$keylog_name }node-client.mjs ${args[*]} https://$host/"
  in_client_bounded env NODE_EXTRA_CA_CERTS="$pki/root.pem" node "${keylog[@]}" "$here/captures/matrix/node-client.mjs" "${args[@]}" "https://$host/"
}

# The browsers: headless, a fresh profile per run with the root in its NSS database; the verdict (page or error page)
# is read by scripts/captures/matrix/browser-client.sh from what the browser reports, as exit status 0, 1 or 124.
client_chromium() {
  local host=$1 args=()
  [[ $2 == max12 ]] && args=(--ssl-version-max=tls1.2)
  client_command="HOME=\$FRESH chromium --no-sandbox --headless --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-extensions --user-data-dir=\$FRESH/chromium ${args[*]:+${args[*]} }--dump-dom https://$host/ (\$ROOT in \$FRESH/.pki/nssdb as C,,; killed after 4 s)${keylog_file:+; SSLKEYLOGFILE=$keylog_name}"
  in_client_bounded bash "$here/captures/matrix/browser-client.sh" chromium "$host" "$2" "$pki/root.pem" "$keylog_file"
  browser_leftovers
}

client_firefox() {
  local host=$1 pref=
  [[ $2 == max12 ]] && pref=' + security.tls.version.max=3'
  client_command="firefox-esr --headless --no-remote --profile \$FRESH --screenshot page.png https://$host/ (\$ROOT in \$FRESH/cert9.db as C,,; user.js without telemetry, updates, captive-portal and connectivity checks, Safe Browsing, remote settings, speculative connections$pref; killed after 4 s)${keylog_file:+; SSLKEYLOGFILE=$keylog_name}"
  in_client_bounded bash "$here/captures/matrix/browser-client.sh" firefox "$host" "$2" "$pki/root.pem" "$keylog_file"
  browser_leftovers
}

browser_leftovers() { # a browser's helper processes left in the client namespace after its timeout: ended
  local pid
  for pid in $(ip netns pids "$NS_CLIENT"); do
    [[ $pid == "$tcpdump_pid" ]] || kill -KILL "$pid" 2>/dev/null || true
  done
}

client_versions() { # fills client_stack[name]
  local ossl node_ossl gnutls_lib
  ossl=$(openssl version | awk '{print $2}')
  node_ossl=$(node -p process.versions.openssl)
  gnutls_lib=$(gnutls-cli --version | awk 'NR==1 {print $2}')
  client_stack[openssl]="OpenSSL $ossl s_client"
  client_stack[curl]="curl $(curl --version | awk 'NR==1 {print $2}') ($(curl --version | awk 'NR==1 {print $5}'))"
  client_stack[python]="Python $(python3 -c 'import platform; print(platform.python_version())') ssl ($(python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)'))"
  client_stack[java]="OpenJDK $(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.version =/ {print $2}') HttpsURLConnection"
  client_stack[go]="Go $(go env GOVERSION | sed 's/^go//') net/http + crypto/tls"
  client_stack[gnutls]="gnutls-cli $gnutls_lib"
  client_stack[wget]="GNU Wget $(wget --version | awk 'NR==1 {print $3}') (GnuTLS $gnutls_lib)"
  client_stack[node]="Node $(node --version) https (OpenSSL $node_ossl)"
  if command -v chromium >/dev/null; then
    client_stack[chromium]="Chromium $(chromium --version 2>/dev/null | awk '{print $2}') headless (BoringSSL)"
  fi
  if command -v firefox-esr >/dev/null; then
    client_stack[firefox]="Firefox ESR $(firefox-esr --version 2>/dev/null | awk '{print $3}') headless (its own NSS $(strings /usr/lib/firefox-esr/libnss3.so | sed -n 's/.*Version: NSS \([0-9.]*\).*/\1/p' | head -n 1))"
  fi
}
