# Sourced by make-captures.sh: a three-host network made of namespaces, so every capture crosses a real router hop.
#
#   tdcap-client  10.77.1.2 ──veth── 10.77.1.1  tdcap-router  10.77.2.1 ──veth── 10.77.2.2  tdcap-server
#
# The client sees the server's packets with TTL 63 (one hop), and anything the router forges with TTL 64: the
# difference the middlebox-reset capture is about. Offloads are off on every interface so tcpdump sees the segments
# that would cross a wire (≤ 1500 bytes, real checksums) instead of 64 KB super-packets.

# NETNS_PREFIX (default tdcap) names the namespaces, so two recordings on one machine never share them.
readonly NS_CLIENT=${NETNS_PREFIX:-tdcap}-client
readonly NS_ROUTER=${NETNS_PREFIX:-tdcap}-router
readonly NS_SERVER=${NETNS_PREFIX:-tdcap}-server
readonly CLIENT_IP=10.77.1.2
readonly SERVER_IP=10.77.2.2
readonly CLIENT_IF=tdc0

in_client() { ip netns exec "$NS_CLIENT" "$@"; }
in_router() { ip netns exec "$NS_ROUTER" "$@"; }
in_server() { ip netns exec "$NS_SERVER" "$@"; }

realistic_link() { # ns ifname
  ip netns exec "$1" ip link set "$2" mtu 1500 up
  # tx checksumming off too: otherwise locally sent segments are captured with unfinished checksums
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 ||
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null
}

# Kill whatever still runs inside our namespaces (only ours: the namespaces are created by this script) and remove them.
topology_down() {
  local ns pid
  for ns in "$NS_CLIENT" "$NS_ROUTER" "$NS_SERVER"; do
    if ip netns list | grep -qw "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
      sleep 0.2
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}

topology_up() {
  topology_down
  ip netns add "$NS_CLIENT"
  ip netns add "$NS_ROUTER"
  ip netns add "$NS_SERVER"
  ip link add tdc0 netns "$NS_CLIENT" type veth peer name tdr0 netns "$NS_ROUTER"
  ip link add tds0 netns "$NS_SERVER" type veth peer name tdr1 netns "$NS_ROUTER"
  for ns in "$NS_CLIENT" "$NS_ROUTER" "$NS_SERVER"; do ip netns exec "$ns" ip link set lo up; done
  realistic_link "$NS_CLIENT" tdc0
  realistic_link "$NS_ROUTER" tdr0
  realistic_link "$NS_ROUTER" tdr1
  realistic_link "$NS_SERVER" tds0
  in_client ip addr add "$CLIENT_IP/24" dev tdc0
  in_router ip addr add 10.77.1.1/24 dev tdr0
  in_router ip addr add 10.77.2.1/24 dev tdr1
  in_server ip addr add "$SERVER_IP/24" dev tds0
  in_client ip route add default via 10.77.1.1
  in_server ip route add default via 10.77.2.1
  in_router sysctl -qw net.ipv4.ip_forward=1
}
