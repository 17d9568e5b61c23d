#!/usr/bin/env bash
# Records the key-log captures: TLS handshakes made by real stacks that write their secrets in the NSS key log format
# (openssl s_client -keylogfile, curl and gnutls-cli with SSLKEYLOGFILE, Node's 'keylog' event, Python's
# ssl.SSLContext.keylog_filename), across the three namespaces of scripts/captures/netns.sh (named dk-*).
#
# Writes captures-keylog/<name>.pcap, <name>.keys.log and <name>.expect.json; a few captures are derived from others:
# damaged key logs (wrong secrets, one side only, cut short) and a pcapng carrying its key log in a Decryption Secrets
# Block (editcap --inject-secrets). The secrets belong to throwaway sessions on a private PKI made for this run.
# A folder of its own, beside captures/ and not in it: everything that walks captures/ (the README's main job, the
# report tests' cause counts) sees exactly the one-capture-per-cause set, and these chain to a root of their own.
# Run as root on Debian: `bash scripts/make-keylog-captures.sh [name-filter]`.
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$repo/captures-keylog
filter=${1:-}

if [[ $(id -u) -ne 0 ]]; then
  echo "make-keylog-captures: must run as root (network namespaces, tcpdump)" >&2
  exit 1
fi
for tool in tcpdump openssl curl gnutls-cli node python3 editcap ethtool; do
  command -v "$tool" >/dev/null || { echo "make-keylog-captures: $tool is missing" >&2; exit 1; }
done

NETNS_PREFIX=dk
# shellcheck source=captures/netns.sh
source "$here/captures/netns.sh"

work=$(mktemp -d /tmp/tlsdiag-keylog-captures.XXXXXX)
pki=$work/pki
bg_pids=()
tcpdump_pid=
current=

cleanup() {
  local pid
  [[ -n $tcpdump_pid ]] && kill -TERM "$tcpdump_pid" 2>/dev/null || true
  for pid in "${bg_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  topology_down
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "make-keylog-captures: failed in ${current:-setup} (logs were in $work)" >&2' ERR

OSSL="openssl $(openssl version | awk '{print $2}')"
NODE_TLS="node $(node --version) tls"
CURL="curl $(curl --version | awk 'NR==1 {print $2}')"
GNUTLS="gnutls-cli $(gnutls-cli --version | awk 'NR==1 {print $2}')"
PYTHON="python $(python3 -c 'import sys; print(sys.version.split()[0])') ssl ($(python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)'))"

log_of() { echo "$work/$current.$1.log"; }
keys_of() { echo "$out/$current.keys.log"; }

wait_listening() {
  local i
  for i in $(seq 100); do
    in_server ss -Hltn "sport = :443" | grep -q . && return 0
    sleep 0.05
  done
  echo "make-keylog-captures: nothing listens on 443; server log:" >&2
  cat "$(log_of server)" >&2
  return 1
}
server() {
  ip netns exec "$NS_SERVER" "$@" >>"$(log_of server)" 2>&1 </dev/null &
  bg_pids+=($!)
  wait_listening
}
client() { in_client timeout 30 "$@" >>"$(log_of client)" 2>&1 || true; }
stop_background() {
  local pid
  for pid in "${bg_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${bg_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bg_pids=()
}

# s_server on 443 answering with its status page: ossl_server LEAF [CHAIN|-] [s_server args...]
ossl_server() {
  local leaf=$1 chain=$2
  shift 2
  local args=(-accept 443 -cert "$pki/$leaf.pem" -key "$pki/$leaf.key" -naccept 1 -www)
  [[ $chain != - ]] && args+=(-cert_chain "$pki/$chain.pem")
  server openssl s_server "${args[@]}" "$@"
}
# s_client writing its key log, sending one request and reading the answer: ossl_get NAME [s_client args...]
ossl_get() {
  local name=$1
  shift
  printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$name" | in_client timeout 30 openssl s_client \
    -connect "$SERVER_IP:443" -servername "$name" -verify_hostname "$name" -CAfile "$pki/root.pem" \
    -verify_return_error -ign_eof -keylogfile "$(keys_of)" "$@" >>"$(log_of client)" 2>&1 || true
}
# gnutls-cli honours SSLKEYLOGFILE; it switches to handshake keys at once, so its alerts are encrypted
gnutls_client() {
  local name=$1
  in_client env SSLKEYLOGFILE="$(keys_of)" timeout 30 gnutls-cli --x509cafile="$pki/root.pem" \
    --priority='NORMAL:-VERS-ALL:+VERS-TLS1.3' -p 443 --sni-hostname="$name" --verify-hostname="$name" \
    "$SERVER_IP" </dev/null >>"$(log_of client)" 2>&1 || true
}

made=()
count_connections() {
  tcpdump -nn -r "$1" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null | awk '{print $3}' | sort -u | wc -l
}

# write_expect FILE CODE STACK SCENARIO DECRYPTED KEYLOG [EVIDENCE...] (an "outcome=..." item sets the outcome)
write_expect() {
  node -e '
    const [file, code, stack, scenario, decrypted, keylog, ...items] = process.argv.slice(1);
    const evidence = items.filter((e) => !e.startsWith("outcome="));
    const outcome = items.find((e) => e.startsWith("outcome="))?.slice("outcome=".length);
    const expect = { code: code === "null" ? null : code, connections: 1, stack, scenario, evidence,
      keylog: keylog === "-" ? null : keylog, decrypted: decrypted === "-" ? [] : decrypted.split(",") };
    if (outcome) expect.outcome = outcome;
    require("fs").writeFileSync(file, JSON.stringify(expect, null, 2) + "\n");
  ' "$@"
}

# capture NAME CODE STACK SCENARIO DECRYPTED [EVIDENCE...]: records NAME.pcap and NAME.keys.log around scenario_NAME
capture() {
  local name=$1 code=$2 stack=$3 scenario=$4 decrypted=$5
  shift 5
  [[ -n $filter && $name != *"$filter"* ]] && return 0
  current=$name
  local pcap=$out/$name.pcap fn=scenario_${name//-/_}
  rm -f "$pcap" "$(keys_of)"
  ip netns exec "$NS_CLIENT" tcpdump -i "$CLIENT_IF" -w "$pcap" -U --immediate-mode -s 0 -n "tcp and host $SERVER_IP" 2>"$(log_of tcpdump)" &
  tcpdump_pid=$!
  local i
  for i in $(seq 100); do grep -q 'listening on' "$(log_of tcpdump)" && break; sleep 0.05; done
  "$fn"
  sleep 0.3
  kill -TERM "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  tcpdump_pid=
  stop_background
  local seen
  seen=$(count_connections "$pcap")
  if [[ $seen -ne 1 || ! -s $(keys_of) ]]; then
    echo "make-keylog-captures: $name: $seen connection(s), key log $(wc -l <"$(keys_of)" 2>/dev/null || echo missing) line(s)" >&2
    for i in server client tcpdump; do [[ -f $(log_of $i) ]] && sed "s/^/  $i: /" "$(log_of $i)" >&2; done
    return 1
  fi
  chmod 644 "$(keys_of)"
  write_expect "$out/$name.expect.json" "$code" "$stack" "$scenario" "$decrypted" "$name.keys.log" "$@"
  made+=("$name")
  printf '  %-44s %-30s %6s bytes, %s key log lines\n' "$name" "$code" "$(stat -c %s "$pcap")" "$(wc -l <"$(keys_of)")"
}

# derive NAME FROM CODE SCENARIO DECRYPTED KEYLOG-FILTER [EVIDENCE...]: NAME's pcap is FROM's, its key log FROM's
# passed through KEYLOG-FILTER (a shell function reading stdin)
derive() {
  local name=$1 from=$2 code=$3 scenario=$4 decrypted=$5 keyfilter=$6
  shift 6
  [[ -n $filter && $name != *"$filter"* ]] && return 0
  current=$name
  cp "$out/$from.pcap" "$out/$name.pcap"
  "$keyfilter" <"$out/$from.keys.log" >"$out/$name.keys.log"
  local stack
  stack=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stack)' "$out/$from.expect.json")
  write_expect "$out/$name.expect.json" "$code" "$stack" "$scenario" "$decrypted" "$name.keys.log" "$@"
  made+=("$name")
  printf '  %-44s %-30s (from %s)\n' "$name" "$code" "$from"
}

# ── TLS 1.3, healthy, one per stack that writes a key log ───────────────────────────────────────────────────
scenario_tls13_healthy__openssl() {
  ossl_server good inter -tls1_3
  ossl_get www.tlsdiag.test -tls1_3
}
scenario_tls13_healthy__curl() {
  ossl_server good inter -tls1_3
  in_client env SSLKEYLOGFILE="$(keys_of)" timeout 30 curl -sS --tlsv1.3 --cacert "$pki/root.pem" \
    --resolve "www.tlsdiag.test:443:$SERVER_IP" -o /dev/null https://www.tlsdiag.test/ >>"$(log_of client)" 2>&1 || true
}
scenario_tls13_healthy__node() {
  server node "$here/captures/node-server.mjs" tls "{\"cert\":\"$pki/good.chain.pem\",\"key\":\"$pki/good.key\"}"
  client node "$here/captures/node-client.mjs" tls \
    "{\"servername\":\"www.tlsdiag.test\",\"ca\":\"$pki/root.pem\",\"minVersion\":\"TLSv1.3\",\"keylog\":\"$(keys_of)\"}"
}
scenario_tls13_healthy__python() {
  ossl_server good inter -tls1_3
  client python3 - "$SERVER_IP" www.tlsdiag.test "$pki/root.pem" "$(keys_of)" <<'PY'
import socket, ssl, sys
ip, name, ca, keylog = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=ca)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.keylog_filename = keylog
with ctx.wrap_socket(socket.create_connection((ip, 443), timeout=10), server_hostname=name) as s:
    s.sendall(b"GET / HTTP/1.0\r\nHost: " + name.encode() + b"\r\n\r\n")
    while s.recv(4096):
        pass
PY
}
scenario_tls13_healthy__chacha20() {
  ossl_server good inter -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
  ossl_get www.tlsdiag.test -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
}
scenario_tls13_healthy__aes256() {
  ossl_server good inter -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
  ossl_get www.tlsdiag.test -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
}
scenario_tls13_healthy__ccm() {
  ossl_server good inter -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256
  ossl_get www.tlsdiag.test -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256
}
scenario_tls13_healthy__ccm8() {
  ossl_server good inter -tls1_3 -ciphersuites TLS_AES_128_CCM_8_SHA256
  ossl_get www.tlsdiag.test -tls1_3 -ciphersuites TLS_AES_128_CCM_8_SHA256
}

# ── TLS 1.3 failures: the certificate and the alerts travel encrypted ──────────────────────────────────────
scenario_certificate_expired__tls13() {
  ossl_server expired inter -tls1_3
  gnutls_client expired.tlsdiag.test
}
scenario_certificate_expired__tls13_openssl() {
  ossl_server expired inter -tls1_3
  ossl_get expired.tlsdiag.test -tls1_3
}
scenario_certificate_hostname_mismatch__tls13() {
  ossl_server other inter -tls1_3
  gnutls_client www.tlsdiag.test
}
scenario_certificate_untrusted__tls13() {
  ossl_server selfsigned - -tls1_3
  gnutls_client selfsigned.tlsdiag.test
}
scenario_client_certificate_required__tls13() {
  ossl_server good inter -tls1_3 -Verify 1 -CAfile "$pki/root.pem"
  ossl_get www.tlsdiag.test -tls1_3
}

# ── TLS 1.2: the Finished messages and the close_notify alerts after ChangeCipherSpec ─────────────────────
scenario_tls12_healthy__gcm() {
  ossl_server good inter -tls1_2
  ossl_get www.tlsdiag.test -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
}
scenario_tls12_healthy__aes256_gcm() {
  ossl_server good inter -tls1_2
  ossl_get www.tlsdiag.test -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
}
scenario_tls12_healthy__chacha20() {
  ossl_server good inter -tls1_2
  ossl_get www.tlsdiag.test -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
}
scenario_tls12_healthy__cbc() {
  # OpenSSL negotiates encrypt-then-MAC (RFC 7366) for CBC suites unless told not to
  ossl_server good inter -tls1_2
  ossl_get www.tlsdiag.test -tls1_2 -cipher ECDHE-RSA-AES128-SHA256
}
scenario_tls12_healthy__cbc_no_etm() {
  ossl_server good inter -tls1_2
  ossl_get www.tlsdiag.test -tls1_2 -cipher ECDHE-RSA-AES256-SHA -no_etm
}

# ── damaged key logs, derived from a real one ────────────────────────────────────────────────────────────────
# every secret's last hex digit changed: the lines name the right session, the keys open nothing
keys_wrong() { awk '{ if (NF == 3) { d = substr($3, length($3)); n = (d == "0") ? "1" : "0"; $3 = substr($3, 1, length($3) - 1) n } print }'; }
# only the client's secrets, as a key log written by something that saw one side would be
keys_client_only() { grep -v '^SERVER_'; }
# the file as it stood when the writer was cut off: the server handshake secret half written, nothing after
keys_truncated() { awk '/^SERVER_HANDSHAKE_TRAFFIC_SECRET/ { printf "%s", substr($0, 1, 60); exit } { print }'; }

run_all_scenarios() {
  capture tls13-healthy--openssl null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.3 (AES-128-GCM), openssl s_client -keylogfile, one HTTP request and answer.' client,server
  capture tls13-healthy--curl null "$CURL -> $OSSL s_server" \
    'TLS 1.3, curl with SSLKEYLOGFILE set, one HTTP request and answer.' client,server
  capture tls13-healthy--node null "$NODE_TLS client -> $NODE_TLS server" \
    "TLS 1.3 between two Node stacks; the client appends each 'keylog' event line to the key log." client,server
  capture tls13-healthy--python null "$PYTHON -> $OSSL s_server" \
    'TLS 1.3, Python ssl with keylog_filename, one HTTP request and answer.' client,server
  capture tls13-healthy--chacha20 null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.3 with TLS_CHACHA20_POLY1305_SHA256.' client,server
  capture tls13-healthy--aes256 null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.3 with TLS_AES_256_GCM_SHA384 (HKDF over SHA-384).' client,server
  capture tls13-healthy--ccm null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.3 with TLS_AES_128_CCM_SHA256.' client,server
  capture tls13-healthy--ccm8 null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.3 with TLS_AES_128_CCM_8_SHA256 (8-byte tags).' client,server
  capture certificate-expired--tls13 certificate-expired "$GNUTLS -> $OSSL s_server" \
    'TLS 1.3: the server presents expired.tlsdiag.test, expired 40 days before the capture; gnutls-cli answers with an encrypted bad_certificate alert.' \
    client,server expired.tlsdiag.test bad_certificate
  capture certificate-expired--tls13-openssl certificate-expired "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.3: same server; OpenSSL sends its certificate_expired alert before switching keys (readable), the certificate is encrypted.' \
    server expired.tlsdiag.test certificate_expired
  capture certificate-hostname-mismatch--tls13 certificate-hostname-mismatch "$GNUTLS -> $OSSL s_server" \
    'TLS 1.3: the client asks for www.tlsdiag.test, the server presents other.tlsdiag.test; gnutls-cli answers with an encrypted alert.' \
    client,server www.tlsdiag.test other.tlsdiag.test bad_certificate
  capture certificate-untrusted--tls13 certificate-untrusted "$GNUTLS -> $OSSL s_server" \
    'TLS 1.3: the server presents a self-signed certificate; gnutls-cli answers with an encrypted alert.' \
    client,server selfsigned.tlsdiag.test bad_certificate
  capture client-certificate-required--tls13 client-certificate-required "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.3: the server sends a CertificateRequest, the client an empty Certificate; the server answers with an encrypted certificate_required alert.' \
    client,server certificate_required
  capture tls12-healthy--gcm null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256: Finished and close_notify decrypted from the CLIENT_RANDOM master secret.' client,server
  capture tls12-healthy--aes256-gcm null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384 (PRF over SHA-384).' client,server
  capture tls12-healthy--chacha20 null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305 (RFC 7905 nonces).' client,server
  capture tls12-healthy--cbc null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.2 ECDHE-RSA-AES128-SHA256 with encrypt-then-MAC (RFC 7366).' client,server
  capture tls12-healthy--cbc-no-etm null "$OSSL s_client -> $OSSL s_server" \
    'TLS 1.2 ECDHE-RSA-AES256-SHA, MAC-then-encrypt (encrypt-then-MAC refused by the client).' client,server
  derive keylog-wrong--certificate-expired--tls13 certificate-expired--tls13 certificate-expired \
    'certificate-expired--tls13 with a key log whose secrets are all wrong: nothing opens, each side is a note.' - keys_wrong
  derive keylog-client-only--certificate-expired--tls13 certificate-expired--tls13 certificate-expired \
    "certificate-expired--tls13 with only the client's secrets: the client's alert opens, the server's Certificate does not." \
    client keys_client_only
  derive keylog-truncated--certificate-expired--tls13 certificate-expired--tls13 certificate-expired \
    'certificate-expired--tls13 with a key log cut inside its second line: the cut line is a note, the client side opens.' \
    client keys_truncated
  if [[ -z $filter || dsb == *"$filter"* || $filter == dsb* ]]; then
    current=dsb--certificate-expired--tls13
    editcap --inject-secrets "tls,$out/certificate-expired--tls13.keys.log" "$out/certificate-expired--tls13.pcap" \
      "$out/$current.pcapng"
    write_expect "$out/$current.expect.json" certificate-expired \
      "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stack)' "$out/certificate-expired--tls13.expect.json")" \
      'certificate-expired--tls13 as pcapng with its key log in a Decryption Secrets Block (editcap --inject-secrets tls,FILE); no key log file.' \
      client,server - expired.tlsdiag.test bad_certificate
    made+=("$current")
    printf '  %-44s %-30s (pcapng with DSB)\n' "$current" certificate-expired
  fi
}

mkdir -p "$out"
echo "make-keylog-captures: PKI in $pki"
bash "$here/captures/make-pki.sh" "$pki" >/dev/null
if [[ -z $filter ]]; then
  cp "$pki/root.pem" "$out/tlsdiag-test-root.pem"
else
  echo "make-keylog-captures: a filtered run uses a fresh PKI; remake all captures for one consistent set" >&2
fi
topology_up
echo "make-keylog-captures: recording into $out"
run_all_scenarios
chown -R --reference="$repo" "$out" 2>/dev/null || true
echo "make-keylog-captures: ${#made[@]} capture(s) made"
