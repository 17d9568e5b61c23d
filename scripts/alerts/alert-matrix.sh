#!/usr/bin/env bash
# Measures which TLS alert real stacks send for each failure cause: the [m] cells of docs/alerts.md.
#
#   sudo bash scripts/alerts/alert-matrix.sh [clients|servers|versions|all]
#
# Everything runs on the loopback of one network namespace of its own (alerts-lab), with a private PKI
# (scripts/captures/make-pki.sh plus a leaf for a wrong key usage, one with a damaged signature, one revoked):
# - clients:  `openssl s_server -msg` (it prints every alert it receives, decrypted) serves each certificate problem in
#             TLS 1.2 and 1.3; each client connects trusting only the test root; tcpdump + tshark list the client's
#             records, FINs and RSTs (how it hangs up, and whether its alert is plaintext);
# - servers:  `openssl s_client -msg` (it prints the alerts it receives) meets openssl s_server, nginx, a Go server,
#             gnutls-serv and a JSSE server, each set up for one refusal (version, suites, group, signature
#             algorithms, SNI, client certificate, fallback);
# - versions: each client meets a server that speaks TLS 1.0 only.
# Prints one line per run. Needs root (namespaces, tcpdump); stacks that are not installed are skipped with a note.
set -Euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
what=${1:-all}
readonly NS=alerts-lab
readonly PORT=4433

if [[ $(id -u) -ne 0 ]]; then
  echo "alert-matrix: must run as root (network namespace, tcpdump)" >&2
  exit 1
fi
for tool in openssl tcpdump tshark ip; do
  command -v "$tool" >/dev/null || { echo "alert-matrix: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d /tmp/alert-matrix.XXXXXX)
pki=$work/pki
bin=$work/bin
mkdir -p "$bin" "$work/out"

cleanup() {
  local pid
  if ip netns list | grep -qw "$NS"; then
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 0.2
    ip netns del "$NS" 2>/dev/null || true
  fi
  rm -rf "/etc/netns/$NS" "$work"
}
trap cleanup EXIT

# Background jobs are started with `ip netns exec` itself, not this function: `$!` must be the process that becomes
# the server (or tcpdump), or killing it would leave that running.
in_ns() { ip netns exec "$NS" "$@"; }
have() { command -v "$1" >/dev/null; }

# ── the namespace: loopback only; names resolve through its own hosts file (wget has no --resolve) ───────────────
names=(www expired notyet other default rogue selfsigned eku badsig revoked)
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
in_ns ip link set lo up
mkdir -p "/etc/netns/$NS"
{ echo "127.0.0.1 localhost"; for n in "${names[@]}"; do echo "127.0.0.1 $n.tlsdiag.test"; done; } >"/etc/netns/$NS/hosts"

# ── the PKI ───────────────────────────────────────────────────────────────────────────────────────────────────
bash "$repo/scripts/captures/make-pki.sh" "$pki" >/dev/null 2>&1
(
  cd "$pki"
  day() { date -u -d "$1" +%Y%m%d000000Z; }
  cat >>ca.cnf <<'CNF'
[ v3_clientonly ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
  leaf() { # name ext
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
    openssl req -new -key "$1.key" -subj "/O=tlsdiag/CN=$1.tlsdiag.test" -addext "subjectAltName=DNS:$1.tlsdiag.test" \
      -out "$1.csr"
    openssl ca -batch -notext -config ca.cnf -cert inter.pem -keyfile inter.key -extensions "$2" \
      -startdate "$(day '-10 days')" -enddate "$(day '+365 days')" -in "$1.csr" -out "$1.pem" 2>/dev/null
  }
  leaf eku v3_clientonly # extendedKeyUsage clientAuth only: not usable by a TLS server
  leaf revoked v3_leaf
  openssl ca -config ca.cnf -cert inter.pem -keyfile inter.key -revoke revoked.pem >/dev/null 2>&1
  openssl ca -config ca.cnf -cert inter.pem -keyfile inter.key -gencrl -crldays 30 -out inter.crl.pem 2>/dev/null
  # a good leaf whose last signature byte is flipped: its issuer's signature no longer verifies
  openssl x509 -in good.pem -outform DER -out good.der
  python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); d[-1]^=0xff; open(sys.argv[2],"wb").write(d)' \
    good.der badsig.der
  openssl x509 -inform DER -in badsig.der -out badsig.pem
  cp good.key badsig.key
  openssl pkcs12 -export -in good.pem -inkey good.key -certfile inter.pem -out good.p12 -passout pass:changeit
  if have keytool; then
    keytool -importcert -noprompt -alias root -file root.pem -keystore trust.p12 -storetype PKCS12 \
      -storepass changeit >/dev/null 2>&1
  fi
)

# ── helper programs ───────────────────────────────────────────────────────────────────────────────────────────
if have go; then
  (cd "$work" && go build -o "$bin/goclient" "$here/goclient.go" && go build -o "$bin/goserver" "$here/goserver.go")
fi

wait_port() {
  local i
  for i in $(seq 100); do
    in_ns ss -Hltn "sport = :$PORT" | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

stop() { # pid...
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}

# The alerts an `openssl -msg` log shows as received: "<<< TLS 1.3, Alert [length 0002], fatal unknown_ca".
received_alerts() { grep -a '<<<.*Alert' "$1" | sed 's/.*Alert \[length 0002\], //' | paste -sd';' - || true; }

# The client's last packets: "fin rst content-types record-lengths", oldest first.
client_tail() { # pcap
  tshark -r "$1" -Y "tcp.dstport==$PORT && (tcp.len>0 || tcp.flags.fin==1 || tcp.flags.reset==1)" \
    -T fields -e tcp.flags.fin -e tcp.flags.reset -e tls.record.content_type -e tls.record.length 2>/dev/null |
    tail -4 | awk -F'\t' '{
      f = ($1 == 1) ? "FIN " : ""; r = ($2 == 1) ? "RST " : ""
      t = ($3 != "") ? "type " $3 " len " $4 : (($4 != "") ? "len " $4 : "")
      printf "%s%s%s | ", f, r, t
    }'
}

# ── clients meeting certificate problems ──────────────────────────────────────────────────────────────────────
run_client() { # case leaf chain host ver client
  local case=$1 leaf=$2 chain=$3 host=$4 ver=$5 client=$6 out
  out=$work/out/client.$case.$ver.$client
  local chain_args=()
  [[ $chain != - ]] && chain_args=(-cert_chain "$pki/$chain")
  ip netns exec "$NS" tcpdump -i lo -U -s 0 -w "$out.pcap" tcp port "$PORT" >/dev/null 2>&1 &
  local tcpdump_pid=$!
  ip netns exec "$NS" openssl s_server -accept "$PORT" -cert "$pki/$leaf.pem" -key "$pki/$leaf.key" "${chain_args[@]}" \
    "-tls1_$((ver == 12 ? 2 : 3))" -msg -naccept 1 -www >"$out.server" 2>&1 &
  local server_pid=$!
  wait_port
  sleep 0.3
  case $client in
    openssl) in_ns timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername "$host" -verify_hostname "$host" \
      -CAfile "$pki/root.pem" -verify_return_error </dev/null ;;
    openssl-crl) in_ns timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername "$host" \
      -verify_hostname "$host" -CAfile "$pki/root.pem" -crl_check -CRL "$pki/inter.crl.pem" -verify_return_error \
      </dev/null ;;
    curl) in_ns timeout 10 curl -sS --cacert "$pki/root.pem" "https://$host:$PORT/" -o /dev/null ;;
    python) in_ns timeout 10 python3 "$here/pyclient.py" "$host" "$PORT" "$pki/root.pem" ;;
    gnutls) in_ns timeout 10 gnutls-cli --x509cafile "$pki/root.pem" -p "$PORT" "$host" </dev/null ;;
    wget) in_ns timeout 10 wget -q -O /dev/null --ca-certificate="$pki/root.pem" "https://$host:$PORT/" ;;
    go) in_ns timeout 10 "$bin/goclient" "$host" "$PORT" "$pki/root.pem" ;;
    java) in_ns timeout 30 java "$here/JClient.java" "$host" "$PORT" "$pki/root.pem" \
      "TLSv1.$((ver == 12 ? 2 : 3))" ;;
    node) in_ns timeout 10 node "$here/nodeclient.mjs" "$host" "$PORT" "$pki/root.pem" ;;
  esac >"$out.client" 2>&1
  sleep 0.5
  stop "$server_pid"
  sleep 0.3
  stop "$tcpdump_pid"
  printf 'client %-22s TLS 1.%s %-11s | server received: %-28s | client packets: %s\n' "$case" "$((ver == 12 ? 2 : 3))" \
    "$client" "$(received_alerts "$out.server")" "$(client_tail "$out.pcap")"
}

clients() {
  local cases=(
    "healthy good inter.pem www.tlsdiag.test"
    "expired expired inter.pem expired.tlsdiag.test"
    "not-yet-valid notyet inter.pem notyet.tlsdiag.test"
    "hostname-mismatch other inter.pem www.tlsdiag.test"
    "untrusted-root rogue rogue-root.pem rogue.tlsdiag.test"
    "missing-intermediate good - www.tlsdiag.test"
    "self-signed selfsigned - selfsigned.tlsdiag.test"
    "wrong-key-usage eku inter.pem eku.tlsdiag.test"
    "bad-signature badsig inter.pem www.tlsdiag.test"
  )
  local client ver c
  for client in openssl curl python gnutls wget go java node; do
    case $client in
      openssl) ;; gnutls) have gnutls-cli || { echo "skipped: gnutls-cli"; continue; } ;;
      go) [[ -x $bin/goclient ]] || { echo "skipped: go"; continue; } ;;
      python) have python3 || { echo "skipped: python3"; continue; } ;;
      *) have "$client" || { echo "skipped: $client"; continue; } ;;
    esac
    for ver in 12 13; do
      for c in "${cases[@]}"; do
        # shellcheck disable=SC2086 # the case line is four words
        run_client $c "$ver" "$client"
      done
    done
  done
  for ver in 12 13; do run_client revoked revoked inter.pem revoked.tlsdiag.test "$ver" openssl-crl; done
}

# ── servers refusing a client ─────────────────────────────────────────────────────────────────────────────────
run_server() { # server situation
  local server=$1 situation=$2 out
  out=$work/out/server.$server.$situation
  local client_args=(-connect "127.0.0.1:$PORT" -servername www.tlsdiag.test -CAfile "$pki/root.pem")
  local ossl_args=() mode=plain ngx_extra="" ngx_protocols="ssl_protocols TLSv1.2 TLSv1.3;"
  case $situation in
    version) client_args+=(-tls1_1 -cipher DEFAULT@SECLEVEL=0); ngx_protocols="ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;" ;;
    version-old-disabled) client_args+=(-tls1_1 -cipher DEFAULT@SECLEVEL=0); ossl_args+=(-min_protocol TLSv1.2) ;;
    version-tls13-only) client_args+=(-tls1_3); ossl_args+=(-max_protocol TLSv1.2); ngx_protocols="" ;;
    cipher) client_args+=(-tls1_2 -cipher NULL-SHA256@SECLEVEL=0) ;;
    group-tls13) client_args+=(-tls1_3 -groups P-256); ossl_args+=(-groups X25519); mode=x25519only
      ngx_extra="ssl_ecdh_curve X25519;" ;;
    sigalg-tls13) client_args+=(-tls1_3 -sigalgs ECDSA+SHA256) ;;
    sigalg-tls12) client_args+=(-tls1_2 -sigalgs ECDSA+SHA256) ;;
    unknown-sni) client_args=(-connect "127.0.0.1:$PORT" -servername unknown.tlsdiag.test -CAfile "$pki/root.pem")
      ossl_args+=(-servername www.tlsdiag.test -servername_fatal -cert2 "$pki/good.pem" -key2 "$pki/good.key"); mode=sni ;;
    no-sni) client_args=(-connect "127.0.0.1:$PORT" -noservername -CAfile "$pki/root.pem"); mode=sni ;;
    no-client-cert-tls12) client_args+=(-tls1_2); ossl_args+=(-Verify 1 -CAfile "$pki/root.pem"); mode=clientcert ;;
    no-client-cert-tls13) client_args+=(-tls1_3); ossl_args+=(-Verify 1 -CAfile "$pki/root.pem"); mode=clientcert ;;
    untrusted-client-cert-tls12) client_args+=(-tls1_2 -cert "$pki/rogue.pem" -key "$pki/rogue.key")
      ossl_args+=(-Verify 1 -verify_return_error -CAfile "$pki/root.pem"); mode=clientcert ;;
    untrusted-client-cert-tls13) client_args+=(-tls1_3 -cert "$pki/rogue.pem" -key "$pki/rogue.key")
      ossl_args+=(-Verify 1 -verify_return_error -CAfile "$pki/root.pem"); mode=clientcert ;;
    fallback) client_args+=(-tls1_2 -fallback_scsv) ;;
  esac
  case $server in
    openssl)
      ip netns exec "$NS" openssl s_server -accept "$PORT" -cert "$pki/good.pem" -key "$pki/good.key" -cert_chain "$pki/inter.pem" \
        -naccept 1 -www "${ossl_args[@]}" >"$out.server" 2>&1 & ;;
    go)
      ip netns exec "$NS" "$bin/goserver" "$PORT" "$pki/good.chain.pem" "$pki/good.key" "$mode" "$pki/root.pem" >"$out.server" 2>&1 & ;;
    gnutls)
      local g=()
      [[ $mode == clientcert ]] && g=(--require-client-cert --verify-client-cert --x509cafile "$pki/root.pem")
      [[ $mode == x25519only ]] && g=(--priority NORMAL:-GROUP-ALL:+GROUP-X25519)
      ip netns exec "$NS" gnutls-serv -p "$PORT" --x509certfile "$pki/good.chain.pem" --x509keyfile "$pki/good.key" "${g[@]}" \
        >"$out.server" 2>&1 & ;;
    nginx)
      local dir=$work/nginx.$situation site
      mkdir -p "$dir/logs"
      [[ $mode == clientcert ]] && ngx_extra+=" ssl_verify_client on; ssl_client_certificate $pki/root.pem;"
      if [[ $mode == sni ]]; then
        site="server { listen 127.0.0.1:$PORT ssl default_server; ssl_protocols TLSv1.2 TLSv1.3; ssl_reject_handshake on; }
              server { listen 127.0.0.1:$PORT ssl; server_name www.tlsdiag.test; ssl_certificate $pki/good.chain.pem;
                       ssl_certificate_key $pki/good.key; return 200 ok; }"
      else
        site="server { listen 127.0.0.1:$PORT ssl; $ngx_protocols ssl_certificate $pki/good.chain.pem;
                       ssl_certificate_key $pki/good.key; $ngx_extra return 200 ok; }"
      fi
      echo "pid $dir/nginx.pid; error_log $dir/logs/error.log info; events {} http { access_log off; $site }" \
        >"$dir/nginx.conf"
      ip netns exec "$NS" nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$out.server" 2>&1 & ;;
    java)
      local props=()
      [[ $mode == x25519only ]] && props=(-Djdk.tls.namedGroups=x25519)
      ip netns exec "$NS" java "${props[@]}" "$here/JServer.java" "$PORT" "$pki/good.p12" "$pki/trust.p12" "$mode" >"$out.server" 2>&1 & ;;
  esac
  local server_pid=$!
  wait_port || { echo "server $server $situation: did not start (see $out.server)"; stop "$server_pid"; return; }
  sleep 0.2
  (sleep 1; printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1) |
    in_ns timeout 8 openssl s_client "${client_args[@]}" -msg -ign_eof >"$out.client" 2>&1
  stop "$server_pid"
  local http
  http=$(grep -aom1 'HTTP/1.1 [0-9]* [A-Za-z ]*' "$out.client" || true)
  printf 'server %-8s %-28s | client received: %-32s | client sent: %-24s | %s\n' "$server" "$situation" \
    "$(received_alerts "$out.client")" "$(grep -a '>>>.*Alert' "$out.client" | sed 's/.*\], //' | paste -sd';' -)" "$http"
}

servers() {
  local situations=(version version-old-disabled version-tls13-only cipher group-tls13 sigalg-tls13 sigalg-tls12
    unknown-sni no-sni no-client-cert-tls12 no-client-cert-tls13 untrusted-client-cert-tls12 untrusted-client-cert-tls13 fallback)
  local server s
  for server in openssl go gnutls nginx java; do
    case $server in
      openssl) ;; go) [[ -x $bin/goserver ]] || { echo "skipped: go"; continue; } ;;
      gnutls) have gnutls-serv || { echo "skipped: gnutls-serv"; continue; } ;;
      java) [[ -f $pki/trust.p12 ]] || { echo "skipped: java"; continue; } ;;
      *) have "$server" || { echo "skipped: $server"; continue; } ;;
    esac
    for s in "${situations[@]}"; do run_server "$server" "$s"; done
  done
}

# ── clients meeting a TLS 1.0-only server ─────────────────────────────────────────────────────────────────────
run_version() { # client
  local client=$1 out
  out=$work/out/version.$client
  ip netns exec "$NS" tcpdump -i lo -U -s 0 -w "$out.pcap" tcp port "$PORT" >/dev/null 2>&1 &
  local tcpdump_pid=$!
  ip netns exec "$NS" openssl s_server -accept "$PORT" -cert "$pki/good.pem" -key "$pki/good.key" -cert_chain "$pki/inter.pem" \
    -tls1 -cipher DEFAULT@SECLEVEL=0 -msg -naccept 1 -www >"$out.server" 2>&1 &
  local server_pid=$!
  wait_port
  sleep 0.3
  local host=www.tlsdiag.test
  case $client in
    openssl) in_ns timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername "$host" -CAfile "$pki/root.pem" </dev/null ;;
    curl) in_ns timeout 10 curl -sS --cacert "$pki/root.pem" "https://$host:$PORT/" -o /dev/null ;;
    python) in_ns timeout 10 python3 "$here/pyclient.py" "$host" "$PORT" "$pki/root.pem" ;;
    gnutls) in_ns timeout 10 gnutls-cli --x509cafile "$pki/root.pem" -p "$PORT" "$host" </dev/null ;;
    wget) in_ns timeout 10 wget -q -O /dev/null --ca-certificate="$pki/root.pem" "https://$host:$PORT/" ;;
    go) in_ns timeout 10 "$bin/goclient" "$host" "$PORT" "$pki/root.pem" ;;
    java) in_ns timeout 30 java "$here/JClient.java" "$host" "$PORT" "$pki/root.pem" ;;
    node) in_ns timeout 10 node "$here/nodeclient.mjs" "$host" "$PORT" "$pki/root.pem" ;;
  esac >"$out.client" 2>&1
  sleep 0.5
  stop "$server_pid"
  sleep 0.3
  stop "$tcpdump_pid"
  local offered
  offered=$(tshark -r "$out.pcap" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.extensions.supported_version \
    2>/dev/null | head -1)
  printf 'version %-8s | offered: %-28s | ServerHello sent: %s | server received: %s\n' "$client" "${offered:-legacy only}" \
    "$(grep -ac '>>>.*ServerHello' "$out.server")" "$(received_alerts "$out.server")"
}

versions() {
  local client
  for client in openssl curl python gnutls wget go java node; do
    case $client in
      openssl) ;; gnutls) have gnutls-cli || continue ;; go) [[ -x $bin/goclient ]] || continue ;;
      python) have python3 || continue ;; *) have "$client" || continue ;;
    esac
    run_version "$client"
  done
}

case $what in
  clients) clients ;;
  servers) servers ;;
  versions) versions ;;
  all) clients; servers; versions ;;
  *) echo "usage: alert-matrix.sh [clients|servers|versions|all]" >&2; exit 2 ;;
esac
