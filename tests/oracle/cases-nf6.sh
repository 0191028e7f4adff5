# IPv6 rule sets: nftables ip6 matches, reject and conntrack on the IPv6 path. Sourced by
# cases.sh (its header says how to record); IPv6 on as tcpwin_ipv6_on() sets it up
# (fd77::1/64 client, fd77::2/64 server, no DAD, static neighbours).

CASES="$CASES nft6-reject nft6-ct"

nf6_ct_stat() { ns_s cat /proc/net/stat/nf_conntrack >"$SNAP/nf_conntrack-$1.txt" 2>&1 || true; }

# @1 connect()s, non-blocking, to [@2]:@3 from one process, then 1 s for the answers.
nf6_connect_burst() {
    ns_c timeout 10 $PY -c '
import socket, sys, time
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect((dst, port))
    except (BlockingIOError, OSError):
        pass
    socks.append(s)
time.sleep(1.0)
' "$1" "$2" "$3" || true
}

# ---------------------------------------------------------------- ip6 matches and reject
# The server's inet input chain: UDP from the client's address to 6500 rejected with the
# default (ICMPv6 port unreachable), TCP from its /64 to 5500 with a reset, UDP to 6501
# with admin-prohibited, UDP to 6502 at hop limit 64 dropped, echo requests counted and
# accepted. Traffic: 20 datagrams to 6500, 10 connect()s to 5500, 5 datagrams each to
# 6501 and 6502, 3 pings.
NFT6_REJECT_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ip6 saddr fd77::1 udp dport 6500 counter reject
    ip6 saddr fd77::/64 tcp dport 5500 counter reject with tcp reset
    meta l4proto udp udp dport 6501 counter reject with icmpv6 type admin-prohibited
    ip6 hoplimit 64 udp dport 6502 counter drop
    icmpv6 type echo-request counter accept
    meta nfproto ipv6 counter
  }
}'
case_nft6_reject_setup() {
    tcpwin_ipv6_on
    echo "$NFT6_REJECT_RULES" | ns_s nft -f -
}
case_nft6_reject_traffic() {
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6500 --count 20 --size 100 \
        --status "$WORK/cli1.json"
    sleep 0.3
    nf6_connect_burst fd77::2 5500 10
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6501 --count 5 --size 100 \
        --status "$WORK/cli2.json"
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6502 --count 5 --size 100 \
        --status "$WORK/cli3.json"
    ns_c timeout 10 ping -6 -n -c 3 -i 0.2 -W 1 fd77::2 >"$WORK/ping.out" 2>&1 || true
    sleep 0.3
    tcpwin_end
}
case_nft6_reject_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv6.conf.all.disable_ipv6": 0},
  "listeners": [],
  "nft_rules": {"server": $(jstr "$NFT6_REJECT_RULES"), "client": "freeze at end; ICMPv6 types 130-136 and 143 dropped"},
  "client_actions": [
    {"t": 0, "action": "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours"},
    {"action": "20 UDP datagrams (100 bytes) back-to-back to [fd77::2]:6500, 0.3 s"},
    {"action": "10 non-blocking connect() to [fd77::2]:5500, 1 s"},
    {"action": "5 UDP datagrams to [fd77::2]:6501, 5 to [fd77::2]:6502, 3 pings 0.2 s apart, 0.3 s"},
    {"action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- ct state on IPv6 TCP
# Policy drop with the usual stateful head: established/related accepted, invalid dropped,
# new TCP to 5010 from the client's /64 accepted. A connection pushes 20000 bytes to a
# listener that reads everything; then 5 datagrams to udp/6200 meet the policy.
NFT6_CT_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related counter accept
    ct state invalid counter drop
    ip6 saddr fd77::/64 tcp dport 5010 ct state new counter accept
    meta l4proto ipv6-icmp counter accept
    counter
  }
}'
case_nft6_ct_setup() {
    tcpwin_ipv6_on
    echo "$NFT6_CT_RULES" | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" tcp-server --addr fd77::2 --port 5010 \
        --read all --backlog 16 --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_nft6_ct_traffic() {
    nf6_ct_stat before
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-push --dst fd77::2 --port 5010 --bytes 20000 \
        --wait 0.5 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6200 --count 5 --size 100 \
        --status "$WORK/cli2.json"
    sleep 0.3
    nf6_ct_stat after
    ns_s cat /proc/net/nf_conntrack >"$SNAP/nf_conntrack-table-after.txt" 2>&1 || true
    tcpwin_end
}
case_nft6_ct_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv6.conf.all.disable_ipv6": 0},
  "listeners": [{"proto": "tcp", "addr": "fd77::2", "port": 5010, "backlog": 16, "app": "accepts, reads everything"}],
  "nft_rules": {"server": $(jstr "$NFT6_CT_RULES"), "client": "freeze at end; ICMPv6 types 130-136 and 143 dropped"},
  "client_actions": [
    {"t": 0, "action": "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours"},
    {"action": "connect() to [fd77::2]:5010, 20000 bytes non-blocking for 0.5 s (connection kept open)"},
    {"action": "5 UDP datagrams (100 bytes) to [fd77::2]:6200, 0.3 s"},
    {"action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES ip6t-reject"

# ---------------------------------------------------------------- the same with ip6tables
# nft6-reject's rules as ip6tables-restore loads them (iptables 1.8.9, the nf_tables
# backend: the rules become an ip6 filter table of xt matches), with the same traffic;
# `ip6tables-save -c` after the traffic gives the rule and policy counters.
IP6T_REJECT_RULES='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s fd77::1/128 -p udp -m udp --dport 6500 -j REJECT --reject-with icmp6-port-unreachable
-A INPUT -s fd77::/64 -p tcp -m tcp --dport 5500 -j REJECT --reject-with tcp-reset
-A INPUT -p udp -m udp --dport 6501 -j REJECT --reject-with icmp6-adm-prohibited
-A INPUT -p udp -m hl --hl-eq 64 -m udp --dport 6502 -j DROP
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
-A INPUT
COMMIT'
case_ip6t_reject_setup() {
    tcpwin_ipv6_on
    echo "$IP6T_REJECT_RULES" | ns_s ip6tables-restore
    ns_s ip6tables-save -c >"$SNAP/ip6tables-save-before.txt" 2>&1 || true
}
case_ip6t_reject_traffic() {
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6500 --count 20 --size 100 \
        --status "$WORK/cli1.json"
    sleep 0.3
    nf6_connect_burst fd77::2 5500 10
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6501 --count 5 --size 100 \
        --status "$WORK/cli2.json"
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6502 --count 5 --size 100 \
        --status "$WORK/cli3.json"
    ns_c timeout 10 ping -6 -n -c 3 -i 0.2 -W 1 fd77::2 >"$WORK/ping.out" 2>&1 || true
    sleep 0.3
    ns_s ip6tables-save -c >"$SNAP/ip6tables-save-after.txt" 2>&1 || true
    ns_s ip6tables -L -v -n -x >"$SNAP/ip6tables-L-after.txt" 2>&1 || true
    tcpwin_end
}
case_ip6t_reject_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv6.conf.all.disable_ipv6": 0},
  "listeners": [],
  "ip6tables_rules": {"server": $(jstr "$IP6T_REJECT_RULES")},
  "nft_rules": {"server": "", "client": "freeze at end; ICMPv6 types 130-136 and 143 dropped"},
  "client_actions": [
    {"t": 0, "action": "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours"},
    {"action": "20 UDP datagrams (100 bytes) back-to-back to [fd77::2]:6500, 0.3 s"},
    {"action": "10 non-blocking connect() to [fd77::2]:5500, 1 s"},
    {"action": "5 UDP datagrams to [fd77::2]:6501, 5 to [fd77::2]:6502, 3 pings 0.2 s apart, 0.3 s"},
    {"action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
