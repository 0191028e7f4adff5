# IPv6 forwarding: a backend namespace behind the server, as fwd-masq has it, over IPv6.
# Sourced by cases.sh (its header says how to record). IPv6 on as tcpwin_ipv6_on() sets it
# up (fd77::1/64 client, fd77::2/64 server, no DAD, static neighbours).

CASES="$CASES fwd6"

# cleanup() also deletes the backend namespace.
fwd6_on_cleanup() {
    eval "$(declare -f cleanup | sed '1s/^cleanup/fwd6_cleanup_base/')"
    FWD6_CLEANUP_EXTRA=$1
    cleanup() { local rc=$?; eval "$FWD6_CLEANUP_EXTRA"; (exit $rc); fwd6_cleanup_base; }
}

# @1 datagrams of @2 bytes to [@3]:@4 from one socket with hop limit @5, sent whole
# (IPV6_PMTUDISC_PROBE: no fragmenting, whatever the path MTU learned).
fwd6_send() {
    ns_c timeout 20 $PY -c '
import socket, sys, time
n, size, dst, port, hops = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hops)
s.setsockopt(socket.IPPROTO_IPV6, 23, 3)   # IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE
for i in range(n):
    try:
        s.sendto(bytes(size), (dst, port))
    except OSError:
        pass
time.sleep(0.1)
' "$@" || true
}

# ---------------------------------------------------------------- forwarding
# The backend (fd78::2/64, MTU 1300) behind the server (fd78::1/64 on a second veth); the
# server forwards (net.ipv6.conf.all.forwarding=1) with an ip6 filter FORWARD chain that
# drops UDP to 6400. The client routes fd78::/64 and fd79::/64 (which the server has no
# route for) through the server and sends:
#   20 datagrams of 100 bytes to [fd78::2]:6300 (forwarded);
#    3 with hop limit 1 (time exceeded, rate-limited per destination);
#    3 of 1400 bytes (packet too big: the backend link's MTU is 1300);
#    3 to [fd79::1]:6300 (no route);
#    5 to [fd78::2]:6400 (the FORWARD chain drops them).
# The backend answers nothing (its input and output dropped), so ingress.pcap is all the
# server received; fwd-out.pcap is what left towards the backend.
FWD6_IP_B=fd78::2
FWD6_IP_SB=fd78::1
FWD6_MAC_SB=02:00:0a:4e:00:01
FWD6_MAC_B=02:00:0a:4e:00:02
FWD6_RULES='table ip6 filter {
  chain forward {
    type filter hook forward priority 0; policy accept;
    udp dport 6400 counter drop
    counter
  }
}'
case_fwd6_setup() {
    NS_B="orc-b-$SUF"; IF_SB="sb$SUF"; IF_B="ob$SUF"
    fwd6_on_cleanup 'ip netns del "$NS_B" 2>/dev/null'
    ip netns add "$NS_B"
    ip netns exec "$NS_B" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0
    ip netns exec "$NS_B" nft -f - <<'NFT'
table inet oracle_backend {
  chain in { type filter hook input priority -400; policy drop; }
  chain out { type filter hook output priority -400; policy drop; }
}
NFT
    ip -n "$NS_B" link set lo up
    ip link add "$IF_SB" address "$FWD6_MAC_SB" netns "$NS_S" type veth peer name "$IF_B" address "$FWD6_MAC_B" netns "$NS_B"
    ns_s ethtool -K "$IF_SB" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip netns exec "$NS_B" ethtool -K "$IF_B" tx off tso off gso off gro off >/dev/null 2>&1 || true
    tcpwin_ipv6_on
    ns_s sysctl -qw net.ipv6.conf.$IF_SB.accept_dad=0 net.ipv6.conf.$IF_SB.router_solicitations=0 \
        net.ipv6.conf.$IF_SB.disable_ipv6=0
    ip -n "$NS_S" link set "$IF_SB" mtu 1300
    ip -n "$NS_B" link set "$IF_B" mtu 1300
    ns_s sysctl -qw net.ipv6.conf.all.forwarding=1
    ip -n "$NS_S" addr add "$FWD6_IP_SB/64" dev "$IF_SB" nodad
    ip -n "$NS_B" addr add "$FWD6_IP_B/64" dev "$IF_B" nodad
    ip -n "$NS_S" link set "$IF_SB" up
    ip -n "$NS_B" link set "$IF_B" up
    ip -n "$NS_S" -6 neigh replace "$FWD6_IP_B" lladdr "$FWD6_MAC_B" dev "$IF_SB" nud permanent
    ip -n "$NS_C" -6 route add fd78::/64 via fd77::2
    ip -n "$NS_C" -6 route add fd79::/64 via fd77::2
    echo "$FWD6_RULES" | ns_s nft -f -
    bg tcpdump-fwd ip netns exec "$NS_S" tcpdump -n -i "$IF_SB" -U -s 0 -w "$OUT/fwd-out.pcap"
    TCPDUMP_PIDS+=($PID_tcpdump_fwd)
    # the server's MLD reports on the new link (its addresses' groups, all-routers) leave
    # before the 'before' snapshot
    sleep 3.5
}
case_fwd6_traffic() {
    fwd6_send 20 100 "$FWD6_IP_B" 6300 64
    fwd6_send 3 100 "$FWD6_IP_B" 6300 1
    fwd6_send 3 1400 "$FWD6_IP_B" 6300 64
    fwd6_send 3 100 fd79::1 6300 64
    fwd6_send 5 100 "$FWD6_IP_B" 6400 64
    sleep 0.3
    ns_s ip -s -s link show dev "$IF_SB" >"$SNAP/link-server-backend-after.txt" 2>&1
    ns_s sysctl net.ipv6.conf.all.forwarding net.ipv6.conf.$IF_S.forwarding >"$SNAP/sysctl-server-fwd.txt" 2>&1
    ns_s ip -6 route show >"$SNAP/route6-server.txt" 2>&1
    tcpwin_end
}
case_fwd6_scenario() {
    cat <<JSON
{
$(scn_common)
  "backend": {"netns_ip": "$FWD6_IP_B/64", "mac": "$FWD6_MAC_B", "server_side": "$FWD6_IP_SB/64 mac $FWD6_MAC_SB mtu 1300 (second veth)",
              "client_routes": "fd78::/64 and fd79::/64 via fd77::2", "answers": "nothing (input and output dropped)"},
  "sysctls_set": {"net.ipv6.conf.all.forwarding": 1, "net.ipv6.conf.all.disable_ipv6": 0},
  "listeners": [],
  "nft_rules": {"server": $(jstr "$FWD6_RULES"), "client": "freeze at end; ICMPv6 types 130-136 and 143 dropped"},
  "client_actions": [
    {"t": 0, "action": "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours"},
    {"action": "20 UDP datagrams of 100 bytes to [$FWD6_IP_B]:6300, one socket, back-to-back"},
    {"action": "3 of 100 bytes with hop limit 1"},
    {"action": "3 of 1400 bytes (IPV6_PMTUDISC_PROBE)"},
    {"action": "3 of 100 bytes to [fd79::1]:6300 (no route on the server)"},
    {"action": "5 of 100 bytes to [$FWD6_IP_B]:6400 (FORWARD drop)"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
