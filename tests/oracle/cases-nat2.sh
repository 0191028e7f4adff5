# rxsim's oracle cases for ICMP errors about NATed connections, in the pattern of cases.sh
# (sourced by it), recorded with the shared tooling:
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME
#
# Senders: tests/oracle/natapps.py. A backend namespace sits behind the server, as in nat.sh's
# fwd-masq; the server's backend-side ingress is captured too (backend-in.pcap), so the
# errors the backend sends back through the server replay with the client's traffic.

NAT2APPS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/natapps.py"

CASES="$CASES nat-icmp-related"

# ---------------------------------------------------------------- ICMP errors of NATed flows
# The server DNATs three UDP ports; every error about them is RELATED to the connection and
# translated inside and out (nf_nat_icmp_reply_translation), so the client sees errors that
# quote the packets it sent:
#   udp/7000 -> 10.78.0.1:7001, the server's own backend-side address, a closed port: port
#            unreachable from 10.78.0.1, leaving as from 10.77.0.2 and quoting :7000;
#   udp/7100 -> the backend's 10.78.0.2:6300 (a sink): one flow whose third datagram has TTL
#            1 (time exceeded about a confirmed connection), a new flow with TTL 1 (about an
#            unconfirmed one, which icmp_send() attaches all the same), and 1200 bytes with
#            DF (fragmentation needed, the backend link's MTU 1000);
#   udp/7200 -> the backend's 10.78.0.2:6399, closed: the backend's port unreachable comes
#            back through the server, RELATED in FORWARD, translated at POSTROUTING.
NAT2_IP_B=10.78.0.2
NAT2_IP_SB=10.78.0.1
NAT2_MAC_SB=02:00:0a:4e:00:01
NAT2_MAC_B=02:00:0a:4e:00:02
NAT_ICMP_RULES='table ip nat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    udp dport 7000 counter dnat to 10.78.0.1:7001
    udp dport 7100 counter dnat to 10.78.0.2:6300
    udp dport 7200 counter dnat to 10.78.0.2:6399
  }
}
table inet filter {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state related counter
    ct status dnat counter
  }
  chain output {
    type filter hook output priority 0; policy accept;
    ct state related counter
    ct status dnat counter
    icmp type destination-unreachable counter
    icmp type time-exceeded counter
  }
}'
nat2_on_cleanup() {
    eval "$(declare -f cleanup | sed '1s/^cleanup/nat2_cleanup_base/')"
    NAT2_CLEANUP_EXTRA=$1
    cleanup() { local rc=$?; eval "$NAT2_CLEANUP_EXTRA"; (exit $rc); nat2_cleanup_base; }
}
case_nat_icmp_related_setup() {
    NS_B="orc-b-$SUF"; IF_SB="sb$SUF"; IF_B="ob$SUF"
    nat2_on_cleanup 'ip netns del "$NS_B" 2>/dev/null'
    ip netns add "$NS_B"
    ip netns exec "$NS_B" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
    ip -n "$NS_B" link set lo up
    ip link add "$IF_SB" address "$NAT2_MAC_SB" netns "$NS_S" type veth peer name "$IF_B" address "$NAT2_MAC_B" netns "$NS_B"
    ns_s ethtool -K "$IF_SB" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip netns exec "$NS_B" ethtool -K "$IF_B" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$NS_S" link set "$IF_SB" mtu 1000
    ip -n "$NS_B" link set "$IF_B" mtu 1000
    ip -n "$NS_S" addr add "$NAT2_IP_SB/24" dev "$IF_SB"
    ip -n "$NS_B" addr add "$NAT2_IP_B/24" dev "$IF_B"
    ip -n "$NS_S" link set "$IF_SB" up
    ip -n "$NS_B" link set "$IF_B" up
    ip -n "$NS_S" neigh replace "$NAT2_IP_B" lladdr "$NAT2_MAC_B" dev "$IF_SB" nud permanent
    ip -n "$NS_B" neigh replace "$NAT2_IP_SB" lladdr "$NAT2_MAC_SB" dev "$IF_B" nud permanent
    ip -n "$NS_B" route add default via "$NAT2_IP_SB"
    ns_s sysctl -qw net.ipv4.ip_forward=1
    echo "$NAT_ICMP_RULES" | ns_s nft -f -
    bg sink ip netns exec "$NS_B" $PY "$APPS" udp-sink --addr "$NAT2_IP_B" --port 6300 --read 1 \
        --status "$WORK/sink.json" --ready "$WORK/sink.ready" --max-seconds $APP_MAX
    server_ready sink
    bg tcpdump-bin ip netns exec "$NS_S" tcpdump -n -i "$IF_SB" --direction=in -U -s 0 -w "$OUT/backend-in.pcap"
    TCPDUMP_PIDS+=($PID_tcpdump_bin)
    bg tcpdump-bout ip netns exec "$NS_S" tcpdump -n -i "$IF_SB" -U -s 0 -w "$OUT/backend-full.pcap"
    TCPDUMP_PIDS+=($PID_tcpdump_bout)
    sleep 0.5
}
case_nat_icmp_related_traffic() {
    ns_s cat /proc/net/stat/nf_conntrack >"$SNAP/nf_conntrack-before.txt" 2>&1 || true
    local n=0
    nat2_send() {
        n=$((n + 1))
        bg cli$n ip netns exec "$NS_C" $PY "$NAT2APPS" udp-opts --dst "$IP_S" "$@" \
            --status "$WORK/cli$n.json" --ready "$WORK/cli$n.ready" --max-seconds 30
        wait_file "$WORK/cli$n.ready" 20
        sleep 0.2
    }
    nat2_send --port 7000 --count 2 --size 100
    nat2_send --port 7100 --ttls 64,64,1 --size 100 --gap 0.05
    nat2_send --port 7100 --count 1 --size 100 --ttl 1
    nat2_send --port 7200 --count 1 --size 100
    nat2_send --port 7100 --count 1 --size 1200 --df 1
    sleep 0.3
    ns_s cat /proc/net/stat/nf_conntrack >"$SNAP/nf_conntrack-after.txt" 2>&1 || true
    ns_s cat /proc/net/nf_conntrack >"$SNAP/nf_conntrack-table-after.txt" 2>&1 || true
    ns_s ip -s -s link show dev "$IF_SB" >"$SNAP/link-server-backend-after.txt" 2>&1
    ns_s sysctl net.ipv4.ip_forward net.ipv4.conf.all.rp_filter net.ipv4.icmp_errors_use_inbound_ifaddr \
        >"$SNAP/sysctl-server-fwd.txt" 2>&1
    ip netns exec "$NS_B" nstat -azs >"$SNAP/nstat-backend-after.txt" 2>&1 || true
}
case_nat_icmp_related_scenario() {
    cat <<JSON
{
$(scn_common)
  "backend": {"netns_ip": "$NAT2_IP_B/24", "mac": "$NAT2_MAC_B", "server_side": "$NAT2_IP_SB/24 mac $NAT2_MAC_SB mtu 1000 (second veth)",
              "captures": "backend-in.pcap: the server's backend-side veth, ingress; backend-full.pcap: both directions"},
  "sysctls_set": {"net.ipv4.ip_forward": 1},
  "listeners": [{"proto": "udp", "addr": "$NAT2_IP_B", "port": 6300, "netns": "backend", "app": "reads every datagram"}],
  "nft_rules": {"server": $(jstr "$NAT_ICMP_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "2 UDP datagrams of 100 bytes to $IP_S:7000 (DNAT to the server's closed 10.78.0.1:7001), one socket"},
    {"action": "3 of 100 bytes to $IP_S:7100 (DNAT to the backend sink) from one socket, TTL 64, 64, 1, 50 ms apart"},
    {"action": "1 of 100 bytes to $IP_S:7100 from a new socket, TTL 1"},
    {"action": "1 of 100 bytes to $IP_S:7200 (DNAT to the backend's closed 6399)"},
    {"action": "1 of 1200 bytes to $IP_S:7100 with DF, from a new socket (the backend link's MTU is 1000)"},
    {"t": "0.2 s after each", "action": "next; +0.3 s: client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
