#!/usr/bin/env bash
# Records the project's own captures: one per failure cause (plus a healthy TLS 1.2 and TLS 1.3 handshake), made by
# real TLS stacks — openssl s_client / s_server and Node's tls module — talking across three network namespaces:
#
#   client ──veth── router ──veth── server        (see scripts/captures/netns.sh; tcpdump runs on the client's side)
#
# Writes captures/<name>.pcap and captures/<name>.expect.json. Run as root on Debian: `npm run captures`.
# Usage: make-captures.sh [name-filter]   (only the captures whose name contains the filter are remade)
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$repo/captures
filter=${1:-}

if [[ $(id -u) -ne 0 ]]; then
  echo "make-captures: must run as root (network namespaces, tcpdump, iptables)" >&2
  exit 1
fi

install_prerequisites() {
  local missing=()
  command -v tcpdump >/dev/null || missing+=(tcpdump)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v ethtool >/dev/null || missing+=(ethtool)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v gnutls-cli >/dev/null || missing+=(gnutls-bin)
  command -v node >/dev/null || missing+=(nodejs)
  if ((${#missing[@]})); then
    echo "make-captures: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
install_prerequisites

# shellcheck source=captures/netns.sh
source "$here/captures/netns.sh"

work=$(mktemp -d /tmp/tlsdiag-captures.XXXXXX)
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
trap 'echo "make-captures: failed in ${current:-setup} (logs were in $work)" >&2' ERR

openssl_version=$(openssl version | awk '{print $2}')
node_version=$(node --version)
OSSL_CLIENT="openssl $openssl_version s_client"
OSSL_SERVER="openssl $openssl_version s_server"
NODE_TLS="node $node_version tls"
GNUTLS_CLIENT="gnutls-cli $(gnutls-cli --version | awk 'NR==1 {print $2}')"
NODE=node

log_of() { echo "$work/$current.$1.log"; }

# ── processes ────────────────────────────────────────────────────────────────────────────────────────────────
wait_listening() { # port
  local i
  for i in $(seq 100); do
    in_server ss -Hltn "sport = :$1" | grep -q . && return 0
    sleep 0.05
  done
  echo "make-captures: nothing listens on $1 in the server namespace; server log:" >&2
  cat "$(log_of server)" >&2
  return 1
}

# server CMD...: starts CMD in the server namespace, waits for port 443
server() {
  ip netns exec "$NS_SERVER" "$@" >>"$(log_of server)" 2>&1 </dev/null &
  bg_pids+=($!)
  wait_listening 443
}

# client CMD...: runs CMD in the client namespace to completion (bounded, its failure is expected)
client() {
  in_client timeout 30 "$@" >>"$(log_of client)" 2>&1 || true
}

stop_background() {
  local pid
  for pid in "${bg_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${bg_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bg_pids=()
  in_server iptables -F
  in_router iptables -F
}

node_server() { server "$NODE" "$here/captures/node-server.mjs" "$@"; }
node_client() { client "$NODE" "$here/captures/node-client.mjs" "$@"; }

# s_server on 443 with a leaf (+ chain): ossl_server LEAF [CHAIN|-] [extra s_server args...]
ossl_server() {
  local leaf=$1 chain=$2
  shift 2
  # -www: s_server answers with its status page and never reads stdin (whose EOF would close the connection)
  local args=(-accept 443 -cert "$pki/$leaf.pem" -key "$pki/$leaf.key" -naccept 1 -www)
  [[ $chain != - ]] && args+=(-cert_chain "$pki/$chain.pem")
  server openssl s_server "${args[@]}" "$@"
}

# s_client that verifies like a browser would: ossl_client NAME [extra s_client args...]
ossl_client() {
  local name=$1
  shift
  client openssl s_client -connect "$SERVER_IP:443" -servername "$name" -verify_hostname "$name" \
    -CAfile "$pki/root.pem" -verify_return_error "$@" </dev/null
}

# s_client that sends one HTTP request and reads the answer to the end
ossl_client_get() {
  local name=$1
  shift
  printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$name" | in_client timeout 30 openssl s_client \
    -connect "$SERVER_IP:443" -servername "$name" -verify_hostname "$name" -CAfile "$pki/root.pem" \
    -verify_return_error -ign_eof "$@" >>"$(log_of client)" 2>&1 || true
}

# ── recording ────────────────────────────────────────────────────────────────────────────────────────────────
made=()

count_connections() { # pcap: distinct client ports that sent a SYN
  tcpdump -nn -r "$1" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null | awk '{print $3}' | sort -u | wc -l
}

write_expect() { # file code connections stack scenario evidence... (an "outcome=established" item sets the outcome)
  "$NODE" -e '
    const [file, code, connections, stack, scenario, ...items] = process.argv.slice(1);
    const evidence = items.filter((e) => !e.startsWith("outcome="));
    const outcome = items.find((e) => e.startsWith("outcome="))?.slice("outcome=".length);
    const expect = { code: code === "null" ? null : code, connections: Number(connections), stack, scenario, evidence };
    if (outcome) expect.outcome = outcome;
    require("fs").writeFileSync(file, JSON.stringify(expect, null, 2) + "\n");
  ' "$@"
}

# capture NAME CODE CONNECTIONS STACK SCENARIO [EVIDENCE...]: records NAME.pcap around its scenario, checks the
# connection count and writes NAME.expect.json. The scenario function is scenario_<NAME with - as _>.
capture() {
  local name=$1 code=$2 connections=$3 stack=$4 scenario=$5
  shift 5
  [[ -n $filter && $name != *"$filter"* ]] && return 0
  current=$name
  local pcap=$out/$name.pcap fn=scenario_${name//-/_}
  rm -f "$pcap"
  # ip netns exec, not the in_client function: $! must be tcpdump itself, not a subshell around it
  ip netns exec "$NS_CLIENT" tcpdump -i "$CLIENT_IF" -w "$pcap" -U --immediate-mode -s 0 -n "tcp and host $SERVER_IP" 2>"$(log_of tcpdump)" &
  tcpdump_pid=$!
  local i
  for i in $(seq 100); do grep -q 'listening on' "$(log_of tcpdump)" && break; sleep 0.05; done
  "$fn"
  sleep 0.3 # let the last segments (FIN, RST answers) land before tcpdump stops
  # TERM, not INT: a background job of a non-interactive shell ignores SIGINT. tcpdump flushes and closes the
  # file on either.
  kill -TERM "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  tcpdump_pid=
  stop_background
  chown --reference="$out" "$pcap" 2>/dev/null || true
  local seen
  seen=$(count_connections "$pcap")
  if [[ $seen -ne $connections ]]; then
    echo "make-captures: $name: expected $connections connection(s), the capture holds $seen" >&2
    for i in server client tcpdump; do [[ -f $(log_of $i) ]] && sed "s/^/  $i: /" "$(log_of $i)" >&2; done
    return 1
  fi
  write_expect "$out/$name.expect.json" "$code" "$connections" "$stack" "$scenario" "$@"
  made+=("$name|$code|$(stat -c %s "$pcap")")
  printf '  %-50s %-32s %6s bytes\n' "$name" "$code" "$(stat -c %s "$pcap")"
}

source "$here/captures/scenarios.sh"

echo "make-captures: PKI in $pki"
bash "$here/captures/make-pki.sh" "$pki" >/dev/null
if [[ -z $filter ]]; then
  cp "$pki/root.pem" "$out/tlsdiag-test-root.pem"
else
  # the PKI is made afresh each run: remade captures chain to a new root, the others to the committed one
  echo "make-captures: a filtered run uses a fresh PKI; captures/tlsdiag-test-root.pem is left as it is (remake all captures for one consistent set)" >&2
fi
topology_up
echo "make-captures: recording into $out"
run_all_scenarios

echo
printf '%-50s %s\n' capture code
printf '%-50s %s\n' ------- ----
for row in "${made[@]}"; do
  IFS='|' read -r name code size <<<"$row"
  printf '%-50s %s\n' "$name.pcap" "$code"
done
echo "make-captures: ${#made[@]} capture(s) made"
