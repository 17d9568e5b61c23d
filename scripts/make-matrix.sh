#!/usr/bin/env bash
# Records the capture matrix: real TLS clients meeting real faults on real servers. Every fault of
# scripts/captures/matrix/faults.tsv, injected on every server that can show it (openssl s_server, nginx, a Go
# crypto/tls server; "none" for the TCP faults that need no server; Apache httpd, gnutls-serv and a JSSE server when
# named in MATRIX_SERVERS_ONLY), met by each of eight clients run the way their users run them (openssl s_client,
# curl, python3 ssl, Java HttpsURLConnection, Go net/http, gnutls-cli, wget, Node https) —
# scripts/captures/matrix/{clients,servers}.sh.
#
#   client ──veth── router ──veth── server        (scripts/captures/netns.sh; tcpdump runs on the client's side)
#
# Writes captures/matrix/<fault>--<client>--<server>.pcap and .expect.json: the fault as injected (its cause code
# by construction, never tlsdiag's opinion), the outcome the user saw, the number of TCP connections the client
# made, the stacks' versions and the client's command line. captures/matrix/matrix-root.pem is the root every
# client trusted (tlsdiag --ca). Run as root on Debian: `npm run captures:matrix`.
#
# Usage: make-matrix.sh [REGEX]   only the captures whose name (<fault>--<client>--<server>) matches REGEX
#
# Environment (all optional; without them the eight clients into captures/matrix, as always):
#   MATRIX_OUT=captures/browsers          the folder (relative to the repository) to record into; its root is
#                                         <folder>/<basename>-root.pem (captures/matrix/matrix-root.pem by default)
#   MATRIX_CLIENTS_ONLY="chromium firefox" the clients to run, of the eight and the two browsers of clients.sh
#   MATRIX_SERVERS_ONLY=apache            the servers to record, of openssl nginx go none (the default, all four)
#                                         and apache, gnutls, java (servers.sh: recorded only when named here)
#   MATRIX_FAULTS=scripts/captures/matrix/faults-tls13-certs.tsv  the fault table (a path relative to the
#                                         repository or absolute; scripts/captures/matrix/faults.tsv by default)
# A client meeting a cert-…-tls13 fault writes its TLS key log (NSS key log format) beside the capture,
# <name>.keys.log, where it can (the browsers and seven of the eight clients: MATRIX_KEYLOG_CLIENTS of clients.sh).
# The browsers are recorded apart, with their own PKI and root: `npm run captures:browsers`.
#
# The PKI is kept in .scratch/matrix-pki between runs while its root is the committed one and its dated
# certificates still show their faults, so a partial run stays consistent with the committed captures; otherwise a
# new PKI is made (then remake the whole matrix). A run that would need a new PKI while the folder holds captures it
# does not remake stops (exit 2) unless MATRIX_NEW_PKI=1: they would chain to nothing.
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$repo/${MATRIX_OUT:-captures/matrix}
out_name=$(basename "$out")
root_file=$out/$out_name-root.pem # captures/matrix/matrix-root.pem by default
filter=${1:-}
faults_file=${MATRIX_FAULTS:-scripts/captures/matrix/faults.tsv}
[[ $faults_file == /* ]] || faults_file=$repo/$faults_file

if [[ $(id -u) -ne 0 ]]; then
  echo "make-matrix: must run as root (network namespaces, tcpdump, iptables)" >&2
  exit 1
fi

install_prerequisites() {
  local missing=() tool package
  for tool in tcpdump:tcpdump openssl:openssl ip:iproute2 ethtool:ethtool iptables:iptables \
    gnutls-cli:gnutls-bin node:nodejs nginx:nginx-light go:golang-go javac:openjdk-17-jdk-headless curl:curl \
    wget:wget python3:python3; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
  done
  # the browsers only when they are recorded
  if [[ " ${MATRIX_CLIENTS_ONLY:-} " == *' chromium '* ]]; then
    command -v chromium >/dev/null || missing+=(chromium)
  fi
  if [[ " ${MATRIX_CLIENTS_ONLY:-} " == *' firefox '* ]]; then
    command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  fi
  if [[ " ${MATRIX_CLIENTS_ONLY:-} " == *' chromium '* || " ${MATRIX_CLIENTS_ONLY:-} " == *' firefox '* ]]; then
    command -v certutil >/dev/null || missing+=(libnss3-tools)
  fi
  if [[ " ${MATRIX_SERVERS_ONLY:-} " == *' apache '* ]]; then
    command -v apache2 >/dev/null || missing+=(apache2)
  fi
  if ((${#missing[@]})); then
    echo "make-matrix: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
install_prerequisites

NETNS_PREFIX=mx
# shellcheck source=captures/netns.sh
source "$here/captures/netns.sh"

work=$(mktemp -d /tmp/tlsdiag-matrix.XXXXXX)
build=$work/build
pki_keep=$repo/.scratch/$out_name-pki
pki=$pki_keep
hosts_dir=/etc/netns/$NS_CLIENT # `ip netns exec` mounts this over /etc: the client namespace's own /etc/hosts
server_pid=
tcpdump_pid=
current=
keylog_file=
keylog_name=

cleanup() {
  [[ -n $tcpdump_pid ]] && kill -TERM "$tcpdump_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null || true
  topology_down
  rm -rf "$hosts_dir"
  rmdir /etc/netns 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so an interrupted run cleans up too
trap 'echo "make-matrix: failed in ${current:-setup} (logs were in $work)" >&2' ERR

log_of() { echo "$work/logs/$current.$1.log"; }

# ── processes ────────────────────────────────────────────────────────────────────────────────────────────────
# start_server CMD...: runs CMD in the server namespace and waits until something listens on 443
start_server() {
  ip netns exec "$NS_SERVER" "$@" >>"$(log_of server)" 2>&1 </dev/null &
  server_pid=$!
  local i
  for i in $(seq 200); do
    in_server ss -Hltn 'sport = :443' | grep -q . && return 0
    sleep 0.05
  done
  echo "make-matrix: $current: nothing listens on 443; server log:" >&2
  cat "$(log_of server)" >&2
  return 1
}

stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
  # nginx's worker, a Go server's children: nothing of a capture outlives it
  local pid
  for pid in $(ip netns pids "$NS_SERVER"); do kill -KILL "$pid" 2>/dev/null || true; done
  in_router iptables -F
  in_server iptables -F
}

# in_client_bounded CMD...: runs CMD in the client namespace (its failure is the point); 30 s is a safety net only,
# every client has its own timeout of 4 s
in_client_bounded() {
  local status=0
  ip netns exec "$NS_CLIENT" timeout -s KILL 30 "$@" >>"$(log_of client)" 2>&1 || status=$?
  echo "$status" >"$(log_of exit)"
}

# What the client said in the end: its exit status and the lines of its output that report success or failure
# (machine paths replaced by names), kept in the sidecar as the client's own account of the fault.
client_account() {
  local log
  log=$(log_of client)
  client_exit=$(cat "$(log_of exit)" 2>/dev/null || echo '?')
  client_said=$(grep -aiE 'error|fail|alert|refused|reset|timed? ?out|exception|unable|denied|terminated|not supported|closed' \
    "$log" 2>/dev/null | tail -n 3 || true)
  [[ -n $client_said ]] || client_said=$(grep -av '^\s*$' "$log" 2>/dev/null | tail -n 2 || true)
  client_said=$(sed -e "s|$pki|PKI|g" -e "s|$work|WORK|g" <<<"$client_said" | cut -c1-300)
}

# ── the matrix ───────────────────────────────────────────────────────────────────────────────────────────────
source "$here/captures/matrix/clients.sh"
source "$here/captures/matrix/servers.sh"

# only VARIABLE WHAT KNOWN...: sets `picked` to the names the variable lists, each one of KNOWN (else says so, exits)
only() {
  local var=$1 what=$2 name
  shift 2
  read -r -a picked <<<"${!var}"
  for name in "${picked[@]}"; do
    if [[ " $* " != *" $name "* ]]; then
      echo "make-matrix: no $what $name ($var); there are $*" >&2
      exit 1
    fi
  done
}

clients=("${MATRIX_CLIENTS[@]}")
if [[ -n ${MATRIX_CLIENTS_ONLY:-} ]]; then
  only MATRIX_CLIENTS_ONLY client "${MATRIX_CLIENTS[@]}" "${MATRIX_BROWSERS[@]}"
  clients=("${picked[@]}")
fi
servers=("${MATRIX_SERVERS[@]}")
if [[ -n ${MATRIX_SERVERS_ONLY:-} ]]; then
  only MATRIX_SERVERS_ONLY server "${MATRIX_SERVERS[@]}" "${MATRIX_MORE_SERVERS[@]}"
  servers=("${picked[@]}")
fi

declare -A fault_code_of fault_outcome_of fault_host_of fault_mode_of fault_text_of client_stack server_stack
faults=()
while IFS=$'\t' read -r fault code outcome host mode text; do
  [[ -z $fault || $fault == '#'* ]] && continue
  faults+=("$fault")
  fault_code_of[$fault]=$code
  fault_outcome_of[$fault]=$outcome
  fault_host_of[$fault]=$host
  fault_mode_of[$fault]=$mode
  fault_text_of[$fault]=$text
done <"$faults_file"
declare -A exceptions
while IFS=$'\t' read -r fault client server outcome code note; do
  [[ -z $fault || $fault == '#'* ]] && continue
  exceptions["$fault $client $server"]="$outcome"$'\t'"$code"$'\t'"$note"
done <"$here/captures/matrix/exceptions.tsv"

count_connections() { # pcap: distinct client ports that sent a SYN
  tcpdump -nn -r "$1" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null | awk '{print $3}' | sort -u | wc -l
}

write_sidecar() { # file: the facts of the capture just made, from the variables of record()
  CODE=$code OUTCOME=$outcome FAULT=$fault CLIENT=$client SERVER=$server CONNECTIONS=$connections \
    CLIENT_STACK=${client_stack[$client]} SERVER_STACK=${server_stack[$server]} SCENARIO=${fault_text_of[$fault]} \
    COMMAND=$client_command NOTE=$fault_note CLIENT_EXIT=$client_exit CLIENT_SAID=$client_said KEYLOG=$keylog_name \
    CERT_ENCRYPTED=$cert_encrypted \
    python3 - "$1" <<'PY'
import json, os, sys
env = os.environ
facts = {
    "code": None if env["CODE"] == "-" else env["CODE"],
    "outcome": env["OUTCOME"],
    "fault": env["FAULT"],
    "client": env["CLIENT"],
    "server": env["SERVER"],
    "connections": int(env["CONNECTIONS"]),
    "stack": {"client": env["CLIENT_STACK"], "server": env["SERVER_STACK"]},
    "scenario": env["SCENARIO"],
    "command": env["COMMAND"],
    "clientExit": int(env["CLIENT_EXIT"]) if env["CLIENT_EXIT"].isdigit() else None,
    "clientSaid": [line for line in env["CLIENT_SAID"].split("\n") if line],
}
if env["NOTE"]:
    facts["note"] = env["NOTE"]
# a TLS 1.2-only server short of a suite and a TLS 1.3 server short of a group refuse the same ClientHello with the
# same alert: the sidecar says so (the scorer and the test then accept an honest low-confidence answer)
twins = {"cipher-suite-mismatch": "key-exchange-mismatch", "key-exchange-mismatch": "cipher-suite-mismatch"}
if env["OUTCOME"] == "failed" and env["CODE"] in twins:
    facts["indistinguishable"] = {
        "codes": [twins[env["CODE"]]],
        "why": "the client offers TLS 1.3 and TLS 1.2 with current suites and the server refuses the ClientHello with handshake_failure: a TLS 1.2-only server short of a suite and a TLS 1.3 server short of a group send the same alert to the same ClientHello, so the packets cannot tell which; the diagnosis must say so (low confidence, the injected cause among the alternatives)",
    }
# gnutls-serv requiring TLS 1.3 refuses a ClientHello without supported_versions (a client capped at TLS 1.2 by its
# OpenSSL, GnuTLS or Node settings; Go and JSSE still send the extension) with handshake_failure, the alert a missing
# suite gets: the packets are those of a suite mismatch
if env["SERVER"] == "gnutls" and env["FAULT"] == "server-tls13-only" and env["CLIENT"] not in ("go", "java"):
    facts["indistinguishable"] = {
        "codes": ["cipher-suite-mismatch"],
        "why": "the client offers TLS 1.2 at most, without supported_versions, and gnutls-serv requiring TLS 1.3 refuses it with handshake_failure (not protocol_version), the alert a server short of a suite sends to the same ClientHello: the packets cannot tell which; the diagnosis must say so (low confidence, the injected cause among the alternatives)",
    }
# TLS 1.3 encrypts the chain: a client's unknown_ca then fits an untrusted root as well as the missing intermediate
if env["FAULT"] == "cert-chain-incomplete-tls13" and env["OUTCOME"] == "failed":
    facts["indistinguishable"] = {
        "codes": ["certificate-untrusted"],
        "why": "TLS 1.3 encrypts the chain, and a client says unknown_ca both of a chain lacking its intermediate and of one ending at a root it does not trust: without the key log the packets cannot tell which; the diagnosis must say so (low confidence, the injected cause among the alternatives)",
    }
# Clients that check the certificate only after a TLS 1.3 handshake and then just close: curl's own host-name check
# (close_notify, FIN), wget with GnuTLS (FIN, no alert; a reset follows when the server's tickets arrive after it).
# Without the key log the packets are those of a client that completed the handshake and left — a browser's spare
# connection, a probe: the test then accepts "established" with tlsdiag's warning that the client closed at once
looks_complete = {
    "curl": "curl completes the TLS 1.3 handshake, checks the host name itself, then sends close_notify and closes",
    "wget": "wget (GnuTLS) completes the TLS 1.3 handshake, checks the certificate, then closes without an alert",
}
if env["FAULT"].endswith("-tls13") and env["FAULT"].startswith("cert-") and env["CLIENT"] in looks_complete and (
    env["CLIENT"] != "curl" or env["FAULT"] == "cert-hostname-mismatch-tls13"
):
    facts["looksComplete"] = {
        "why": looks_complete[env["CLIENT"]] + ": without the key log the packets are those of a client that completed the handshake and left (a browser's spare connection, a probe); tlsdiag may read it as established, but must warn that the client closed at once after its Finished",
    }
# gnutls-serv sends its session tickets with its TLS 1.3 flight: a client that drops the connection at once leaves
# them unread, so its close is a reset in place of a FIN — Node.js before its Finished, wget right after it — the
# packets of a client aborting for any reason
if env["SERVER"] == "gnutls" and env["FAULT"].startswith("cert-") and env["FAULT"].endswith("-tls13") and env["CLIENT"] in ("node", "wget"):
    facts["alsoReads"] = {
        "code": "reset-by-client",
        "why": "gnutls-serv sends its session tickets with its TLS 1.3 flight, so this client, dropping the connection at once over the certificate without an alert, leaves them unread and resets: the packets of a client aborting for any reason; the diagnosis may say reset-by-client, not at high confidence, with the certificate rejection among the alternatives",
    }
# Chromium answers a CertificateRequest by dropping the connection (a FIN, no alert), asking its store for a
# certificate and connecting again: those connections end at the request, whether or not the server enforces it
if env["CLIENT"] == "chromium" and env["FAULT"].startswith("client-cert-required"):
    facts["abandoned"] = {
        "code": "client-certificate-required",
        "why": "Chromium closes a connection at the server's CertificateRequest without an alert, looks for a client certificate and connects again: each such connection ended at the request, whatever the next one did",
    }
# TLS 1.3 encrypts the server's certificate (the cert-…-tls13 faults, and a fault a server turned into a certificate
# fault over TLS 1.3, cert_encrypted): without the key log only the client's refusal of the server's flight
# is seen, and the diagnosis may name that instead of the certificate's fault
if env["CERT_ENCRYPTED"] and env["OUTCOME"] == "failed" and (env["CODE"] or "").startswith("certificate-"):
    facts["hidden"] = {
        "code": "client-rejected-certificate",
        "why": "TLS 1.3 encrypts the server's certificate: without the key log the capture shows only that the client turned the server's flight down",
    }
if env["KEYLOG"]:
    facts["keylog"] = env["KEYLOG"]
with open(sys.argv[1], "w") as f:
    f.write(json.dumps(facts, indent=2) + "\n")
PY
}

made=0
surprises=()

# record FAULT CLIENT SERVER: one capture of CLIENT meeting FAULT on SERVER
record() {
  local fault=$1 client=$2 server=$3
  local name=$fault--$client--$server
  [[ -n $filter && ! $name =~ $filter ]] && return 0
  current=$name
  local code=${fault_code_of[$fault]} outcome=${fault_outcome_of[$fault]}
  fault_outcome= fault_code= fault_note= refused_over_http= client_command= cert_encrypted=
  local pcap=$out/$name.pcap status=0
  server_"$server" "$fault" || status=$?
  if ((status == 3)); then return 0; fi
  ((status == 0)) || return "$status"
  # a client meeting a TLS 1.3 certificate fault writes its key log beside the capture where it can (browser-client.sh
  # keeps only the key log lines; the other clients write a file of their own); the sidecar then names it, and the
  # test holds the decrypted analysis to the injected cause.
  # A server may say that its fault became a certificate fault over TLS 1.3 (cert_encrypted=1): the same then.
  [[ $fault == cert-*-tls13 ]] && cert_encrypted=1
  keylog_file= keylog_name=
  if [[ " ${MATRIX_KEYLOG_CLIENTS[*]} " == *" $client "* && -n $cert_encrypted ]]; then
    keylog_name=$name.keys.log keylog_file=$out/$name.keys.log
    rm -f "$keylog_file"
  fi
  [[ -n $fault_outcome ]] && outcome=$fault_outcome
  [[ -n $fault_code ]] && code=$fault_code
  local exception=${exceptions["$fault $client $server"]:-${exceptions["$fault $client *"]:-}}
  if [[ -n $exception ]]; then
    IFS=$'\t' read -r outcome code fault_note <<<"$exception"
  fi
  if [[ $fault == middlebox-reset ]]; then
    # the router forges a RST to the client when it sees the name in a ClientHello; the server never sees it
    in_router iptables -A FORWARD -p tcp --dport 443 -m string --string blocked.tlsdiag.test --algo bm \
      -j REJECT --reject-with tcp-reset
  fi
  rm -f "$pcap"
  : >"$(log_of tcpdump)"
  ip netns exec "$NS_CLIENT" tcpdump -i "$CLIENT_IF" -w "$pcap" -U --immediate-mode -s 0 -n "tcp and host $SERVER_IP" \
    2>"$(log_of tcpdump)" &
  tcpdump_pid=$!
  local i
  for i in $(seq 100); do grep -q 'listening on' "$(log_of tcpdump)" && break; sleep 0.05; done
  client_"$client" "${fault_host_of[$fault]}" "${fault_mode_of[$fault]}"
  sleep 0.3 # the last segments (FIN, RST answers) land before tcpdump stops
  kill -TERM "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  tcpdump_pid=
  stop_server
  chown --reference="$out" "$pcap" 2>/dev/null || true
  if [[ -n $keylog_file ]]; then
    if [[ -s $keylog_file ]]; then chown --reference="$out" "$keylog_file" 2>/dev/null || true; else
      rm -f "$keylog_file"
      keylog_name=
    fi
  fi
  local connections client_exit client_said
  connections=$(count_connections "$pcap")
  client_account
  # the client's verdict must agree with the outcome by construction: a client that succeeded met no fault
  # (except where the server refuses at the HTTP level, inside an established connection: clients differ on whether
  # a 400 is an error exit)
  if [[ $outcome == failed && $client_exit == 0 ]] ||
    [[ $outcome == established && $client_exit != 0 && -z $refused_over_http ]]; then
    surprises+=("$name: expected $outcome, the client exited $client_exit: ${client_said//$'\n'/ | }")
  fi
  if ((connections == 0)); then
    echo "make-matrix: $name: the client made no connection" >&2
    for i in server client tcpdump; do [[ -f $(log_of $i) ]] && sed "s/^/  $i: /" "$(log_of $i)" >&2; done
    return 1
  fi
  write_sidecar "$out/$name.expect.json"
  made=$((made + 1))
  printf '  %-58s %-30s %-11s %d conn %6s bytes\n' "$name" "${code/#-/(healthy)}" "$outcome" "$connections" "$(stat -c %s "$pcap")"
}

# ── setup ────────────────────────────────────────────────────────────────────────────────────────────────────
mkdir -p "$out" "$work/logs" "$build"
started=$(date +%s)

captures_not_remade() { # the folder's captures that the clients, servers, faults and REGEX of this run leave alone
  local sidecar name fault client server
  for sidecar in "$out"/*.expect.json; do
    [[ -e $sidecar ]] || continue
    name=$(basename "$sidecar" .expect.json)
    IFS='|' read -r fault client server <<<"${name//--/|}"
    if [[ " ${faults[*]} " != *" $fault "* || " ${clients[*]} " != *" $client "* || " ${servers[*]} " != *" $server "* ]] ||
      [[ -n $filter && ! $name =~ $filter ]]; then
      echo "$name"
    fi
  done
}

pki_usable() { # the kept PKI is the committed root's, and its dated certificates still show their faults
  [[ -f $pki/root.pem && -f $root_file ]] && cmp -s "$pki/root.pem" "$root_file" || return 1
  # not-yet-valid must still start a day or more ahead, expired must have ended 30+ days ago
  local starts ends now
  now=$(date +%s)
  starts=$(date -u -d "$(openssl x509 -in "$pki/notyet.pem" -noout -startdate | cut -d= -f2)" +%s)
  ends=$(date -u -d "$(openssl x509 -in "$pki/expired.pem" -noout -enddate | cut -d= -f2)" +%s)
  ((starts > now + 86400 && ends < now - 30 * 86400))
}
if pki_usable; then
  echo "make-matrix: reusing the PKI in $pki (its root is ${root_file#"$repo"/})"
else
  # A new root with captures in the folder that this run does not remake would leave them chaining to nothing (a
  # run naming other servers or faults than the folder's): refused unless asked for.
  mapfile -t kept < <(captures_not_remade)
  if [[ ${#kept[@]} -gt 0 && ${MATRIX_NEW_PKI:-} != 1 ]]; then
    echo "make-matrix: the PKI of ${root_file#"$repo"/} is not in $pki (or its dates no longer show the faults), and" >&2
    echo "  ${out#"$repo"/} holds ${#kept[@]} captures this run does not remake (${kept[0]}, ...): a new root would leave them" >&2
    echo "  chaining to nothing. Record into a new folder (MATRIX_OUT=captures/NAME), remake the whole folder, or set MATRIX_NEW_PKI=1." >&2
    exit 2
  fi
  echo "make-matrix: a new PKI in $pki; remake the whole matrix so every capture chains to ${root_file#"$repo"/}" >&2
  rm -rf "$pki"
  bash "$here/captures/make-pki.sh" "$pki" >/dev/null
  cp "$pki/root.pem" "$root_file"
fi
keytool -importcert -noprompt -alias matrix-root -file "$pki/root.pem" -keystore "$work/trust.p12" \
  -storetype PKCS12 -storepass changeit >/dev/null 2>&1
cat >"$work/groups.cnf" <<'CNF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_module
[ssl_module]
system_default = client_groups
[client_groups]
Groups = X25519:P-256
CNF

echo "make-matrix: building the Go server and client, the Java client and server"
go build -o "$build/go-server" "$here/captures/matrix/go-server.go"
go build -o "$build/go-client" "$here/captures/matrix/go-client.go"
javac -d "$build" "$here/captures/matrix/MatrixClient.java" "$here/captures/matrix/MatrixServer.java"
client_versions
server_versions

topology_up
mkdir -p "$hosts_dir"
{
  echo "127.0.0.1 localhost"
  for name in www expired notyet other rogue selfsigned unknown blocked; do echo "$SERVER_IP $name.tlsdiag.test"; done
} >"$hosts_dir/hosts"
if [[ " ${clients[*]} " == *' chromium '* || " ${clients[*]} " == *' firefox '* ]]; then
  # A browser resolves more than the page's name (Firefox its own host name at startup, then its services): with the
  # host's resolver out of reach each lookup waits 5-10 s for nothing. The machine's own name, as Debian's /etc/hosts
  # has it, and a resolver on the namespace's loopback, where nothing listens: every other name fails at once.
  echo "127.0.1.1 $(hostname)" >>"$hosts_dir/hosts"
  echo "nameserver 127.0.0.1" >"$hosts_dir/resolv.conf"
fi

echo "make-matrix: recording into $out"
for server in "${servers[@]}"; do
  for fault in "${faults[@]}"; do
    # the TCP faults are shown once, by the server that has them (no server at all, or the Go server's raw modes)
    [[ $NO_SERVER_FAULTS == *" $fault "* && $server != none ]] && continue
    [[ $RAW_FAULTS == *" $fault "* && $server != go ]] && continue
    for client in "${clients[@]}"; do record "$fault" "$client" "$server"; done
  done
done
echo "make-matrix: $made capture(s) made in $(($(date +%s) - started)) s"
if ((${#surprises[@]})); then
  echo "make-matrix: ${#surprises[@]} client(s) disagree with the outcome their fault should have (fix the fault or declare the exception):" >&2
  printf '  %s\n' "${surprises[@]}" >&2
fi
