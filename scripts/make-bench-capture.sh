#!/usr/bin/env bash
# Usage: make-bench-capture.sh [connections=20000] [out=bench/bench.pcap] [--force]
# The benchmark capture: tens of thousands of TLS 1.2 / 1.3 connections (1–64 KB of application data each, a few
# percent failing on purpose) between a Node TLS server and a Node client driver, 50 at a time, inside a network
# namespace whose loopback has MTU 1500 and no offloads, so the file holds wire-sized segments. Reuses an existing
# file unless --force. Fails if tcpdump reports kernel drops. Root only. The file is not committed (bench/ is ignored).
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
force=0
positional=()
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    *) positional+=("$arg") ;;
  esac
done
connections=${positional[0]:-20000}
out=${positional[1]:-$repo/bench/bench.pcap}
[[ $out == /* ]] || out=$PWD/$out
readonly NS=tdbench PORT=8443

if [[ -s $out && $force -eq 0 ]]; then
  echo "make-bench-capture: $out exists ($(stat -c %s "$out") bytes); --force to record it again"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "make-bench-capture: must run as root (network namespace, tcpdump)" >&2
  exit 1
fi
for tool in tcpdump ip ethtool openssl node; do
  command -v "$tool" >/dev/null || { echo "make-bench-capture: $tool is missing (npm run captures installs it)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/tlsdiag-bench.XXXXXX)
tcpdump_pid=
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null || true
  [[ -n $tcpdump_pid ]] && kill -TERM "$tcpdump_pid" 2>/dev/null || true
  if ip netns list | grep -qw "$NS"; then
    local pid
    for pid in $(ip netns pids "$NS"); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$NS"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "make-bench-capture: failed at line $LINENO" >&2' ERR

bash "$here/captures/make-pki.sh" "$work/pki" >/dev/null

[[ -n $(ip netns list | grep -w "$NS") ]] && ip netns del "$NS"
ip netns add "$NS"
ip netns exec "$NS" ip link set lo mtu 1500 up
ip netns exec "$NS" ethtool -K lo tso off gso off gro off >/dev/null

mkdir -p "$(dirname "$out")"
rm -f "$out"
# -B 65536: a 64 MiB kernel buffer, so bursts from 50 concurrent connections are not dropped while tcpdump writes
ip netns exec "$NS" tcpdump -i lo -B 65536 -s 0 -n -w "$out" "tcp port $PORT" 2>"$work/tcpdump.log" &
tcpdump_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/tcpdump.log" && break; sleep 0.05; done

ip netns exec "$NS" node "$here/bench-traffic/server.mjs" \
  "{\"port\":$PORT,\"cert\":\"$work/pki/good.chain.pem\",\"key\":\"$work/pki/good.key\"}" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/server.log" && break; sleep 0.05; done

echo "make-bench-capture: $connections connections into $out"
started=$(date +%s%N)
summary=$(ip netns exec "$NS" node "$here/bench-traffic/client.mjs" \
  "{\"port\":$PORT,\"connections\":$connections,\"concurrency\":50,\"ca\":\"$work/pki/root.pem\",\"rogueCa\":\"$work/pki/rogue-root.pem\"}")
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))

sleep 0.5
kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
kill -TERM "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true; tcpdump_pid=

captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$work/tcpdump.log")
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$work/tcpdump.log")
if [[ -z $dropped ]]; then
  echo "make-bench-capture: tcpdump did not report its statistics:" >&2
  cat "$work/tcpdump.log" >&2
  exit 1
fi
if [[ $dropped -ne 0 ]]; then
  echo "make-bench-capture: FAILED: the kernel dropped $dropped packets; the capture is incomplete" >&2
  rm -f "$out"
  exit 1
fi

echo "make-bench-capture: traffic took ${elapsed} ms; client summary: $summary"
echo "make-bench-capture: $out"
echo "  size         $(stat -c %s "$out") bytes ($(du -h "$out" | cut -f1))"
echo "  packets      $captured (0 dropped by the kernel)"
echo "  connections  $(node -e 'console.log(JSON.parse(process.argv[1]).connections)' "$summary")"
