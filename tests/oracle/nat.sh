# rxsim's NAT, conntrack-limit and forwarding oracle cases (issue 20), in the pattern of
# cases.sh, recorded with the shared tooling:
#
#   sudo ORACLE_EXTRA_CASES="$PWD/tests/oracle/cases.sh $PWD/tests/oracle/nat.sh" \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME
#
# Senders: tests/oracle/natapps.py. What the shared library lacks is here: a third network
# namespace behind the server (fwd-masq), and the per-netns /proc/net/stat/nf_conntrack
# before and after the traffic (snapshots/nf_conntrack-{before,after}.txt).

NATAPPS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/natapps.py"

CASES="$CASES ct-full nat-dnat-redirect fwd-masq"

ct_stat() { ns_s cat /proc/net/stat/nf_conntrack >"$SNAP/nf_conntrack-$1.txt" 2>&1 || true; }

# Run cleanup() and then @1 on exit: the shared cleanup removes the two namespaces it made.
nat_on_cleanup() {
    eval "$(declare -f cleanup | sed '1s/^cleanup/nat_cleanup_base/')"
    NAT_CLEANUP_EXTRA=$1
    cleanup() { local rc=$?; eval "$NAT_CLEANUP_EXTRA"; (exit $rc); nat_cleanup_base; }
}

# ---------------------------------------------------------------- a full conntrack table
# nf_conntrack_max is one global (read-only in a netns), so it is set in the init netns for the
# few seconds of the traffic and put back at once (and on any exit). 40 UDP datagrams, each
# its own flow (source ports 41000..41039), to a reading sink: 16 entries fit, early_drop()
# finds no unassured entry to evict in its 8 buckets (262144 buckets, 16 entries), and every
# later new flow is dropped by conntrack at PREROUTING ("table full, dropping packet").
CT_FULL_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state new counter
  }
}'
case_ct_full_setup() {
    CT_MAX_ORIG=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
    nat_on_cleanup 'echo "$CT_MAX_ORIG" >/proc/sys/net/netfilter/nf_conntrack_max'
    echo "$CT_FULL_RULES" | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6300 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_ct_full_traffic() {
    ct_stat before
    echo 16 >/proc/sys/net/netfilter/nf_conntrack_max
    bg cli ip netns exec "$NS_C" $PY "$NATAPPS" udp-flows --dst "$IP_S" --port 6300 --count 40 \
        --sport-base 41000 --size 100 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
    echo "$CT_MAX_ORIG" >/proc/sys/net/netfilter/nf_conntrack_max
    ct_stat after
    ns_s cat /proc/net/nf_conntrack >"$SNAP/nf_conntrack-table-after.txt" 2>&1 || true
}
case_ct_full_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.netfilter.nf_conntrack_max": 16},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6300, "app": "reads every datagram"}],
  "nft_rules": {"server": $(jstr "$CT_FULL_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "40 UDP datagrams of 100 bytes to $IP_S:6300, each from its own socket bound to source port 41000+i"},
    {"t": "+0.5 s", "action": "nf_conntrack_max back to 262144, client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- DNAT and REDIRECT
# udp/7000 is redirected to the local udp/6300 (a reading sink); tcp/8080 is DNATed to
# 10.77.0.2:5000 (a listener that never accepts). Replies are translated back by conntrack.
NAT_DNAT_RULES='table ip nat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    udp dport 7000 counter redirect to :6300
    tcp dport 8080 counter dnat to 10.77.0.2:5000
  }
}
table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ct status dnat counter
    ct state new counter
  }
}'
case_nat_dnat_redirect_setup() {
    echo "$NAT_DNAT_RULES" | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6300 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    bg srv2 ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port 5000 --backlog 16 \
        --status "$WORK/srv2.json" --ready "$WORK/srv2.ready" --max-seconds $APP_MAX
    server_ready srv2
}
case_nat_dnat_redirect_traffic() {
    ct_stat before
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 7000 --count 20 --size 100 \
        --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 8080 --count 5 --wait 1.0 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli2.ready" 15
    ct_stat after
    ns_s cat /proc/net/nf_conntrack >"$SNAP/nf_conntrack-table-after.txt" 2>&1 || true
}
case_nat_dnat_redirect_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6300, "app": "reads every datagram"},
                {"proto": "tcp", "addr": "$IP_S", "port": 5000, "backlog": 16, "app": "never calls accept()"}],
  "nft_rules": {"server": $(jstr "$NAT_DNAT_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "20 UDP datagrams, 100-byte payload, one socket, to $IP_S:7000 (redirected to 6300)"},
    {"t": "after them", "action": "5 non-blocking TCP connect() to $IP_S:8080 (DNAT to :5000), kept open, 1 s"},
    {"t": "+1 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- forwarding with masquerade
# A third namespace, the backend (10.78.0.2/24, MTU 1000), behind the server (10.78.0.1/24 on
# a second veth). The server forwards (ip_forward=1, FORWARD policy drop with an accept for
# client->backend) and masquerades what leaves towards the backend. The client sends:
#   20 datagrams of 100 bytes to the backend's udp/6300 (forwarded, masqueraded);
#    3 with TTL 1 (time exceeded, from the server);
#    3 of 1200 bytes with DF (fragmentation needed: the backend link's MTU is 1000);
#    3 of 1200 bytes without DF (forwarded in two fragments each);
#    5 to udp/6400, which the FORWARD policy drops.
# Only the server's client-side veth sees ingress (the backend never answers udp), so
# ingress.pcap is all the server received; fwd-out.pcap is what left towards the backend.
IP_B=10.78.0.2
IP_SB=10.78.0.1
MAC_SB=02:00:0a:4e:00:01
MAC_B=02:00:0a:4e:00:02
FWD_RULES='table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "SBIF" counter masquerade
  }
}
table inet filter {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related counter accept
    iifname "SIF" oifname "SBIF" udp dport 6300 counter accept
  }
}'
case_fwd_masq_setup() {
    NS_B="orc-b-$SUF"; IF_SB="sb$SUF"; IF_B="ob$SUF"
    nat_on_cleanup 'ip netns del "$NS_B" 2>/dev/null'
    ip netns add "$NS_B"
    ip netns exec "$NS_B" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
    ip -n "$NS_B" link set lo up
    ip link add "$IF_SB" address "$MAC_SB" netns "$NS_S" type veth peer name "$IF_B" address "$MAC_B" netns "$NS_B"
    ns_s ethtool -K "$IF_SB" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip netns exec "$NS_B" ethtool -K "$IF_B" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$NS_S" link set "$IF_SB" mtu 1000
    ip -n "$NS_B" link set "$IF_B" mtu 1000
    ip -n "$NS_S" addr add "$IP_SB/24" dev "$IF_SB"
    ip -n "$NS_B" addr add "$IP_B/24" dev "$IF_B"
    ip -n "$NS_S" link set "$IF_SB" up
    ip -n "$NS_B" link set "$IF_B" up
    ip -n "$NS_S" neigh replace "$IP_B" lladdr "$MAC_B" dev "$IF_SB" nud permanent
    ip -n "$NS_B" neigh replace "$IP_SB" lladdr "$MAC_SB" dev "$IF_B" nud permanent
    ip -n "$NS_B" route add default via "$IP_SB"
    ip -n "$NS_C" route add 10.78.0.0/24 via "$IP_S"
    ns_s sysctl -qw net.ipv4.ip_forward=1
    echo "${FWD_RULES//SBIF/$IF_SB}" | sed "s/\"SIF\"/\"$IF_S\"/" | ns_s nft -f -
    bg sink ip netns exec "$NS_B" $PY "$APPS" udp-sink --addr "$IP_B" --port 6300 --read 1 \
        --status "$WORK/sink.json" --ready "$WORK/sink.ready" --max-seconds $APP_MAX
    server_ready sink
    bg tcpdump-fwd ip netns exec "$NS_S" tcpdump -n -i "$IF_SB" -U -s 0 -w "$OUT/fwd-out.pcap"
    TCPDUMP_PIDS+=($PID_tcpdump_fwd)
}
case_fwd_masq_traffic() {
    ct_stat before
    local n=0
    fwd_send() {
        n=$((n + 1))
        bg cli$n ip netns exec "$NS_C" $PY "$NATAPPS" udp-opts --dst "$IP_B" "$@" \
            --status "$WORK/cli$n.json" --ready "$WORK/cli$n.ready" --max-seconds 30
        wait_file "$WORK/cli$n.ready" 20
        sleep 0.1
    }
    fwd_send --port 6300 --count 20 --size 100
    fwd_send --port 6300 --count 3 --size 100 --ttl 1
    fwd_send --port 6300 --count 3 --size 1200 --df 1
    fwd_send --port 6300 --count 3 --size 1200 --df 0
    fwd_send --port 6400 --count 5 --size 100
    sleep 0.4
    ct_stat after
    ns_s cat /proc/net/nf_conntrack >"$SNAP/nf_conntrack-table-after.txt" 2>&1 || true
    ns_s ip -s -s link show dev "$IF_SB" >"$SNAP/link-server-backend-after.txt" 2>&1
    ns_s sysctl net.ipv4.ip_forward net.ipv4.conf.all.rp_filter >"$SNAP/sysctl-server-fwd.txt" 2>&1
}
case_fwd_masq_scenario() {
    cat <<JSON
{
$(scn_common)
  "backend": {"netns_ip": "$IP_B/24", "mac": "$MAC_B", "server_side": "$IP_SB/24 mac $MAC_SB mtu 1000 (second veth)",
              "client_route": "10.78.0.0/24 via $IP_S"},
  "sysctls_set": {"net.ipv4.ip_forward": 1},
  "listeners": [{"proto": "udp", "addr": "$IP_B", "port": 6300, "netns": "backend", "app": "reads every datagram"}],
  "nft_rules": {"server": $(jstr "$FWD_RULES"), "client": "freeze at end", "names": "SIF = the server's client-side veth, SBIF = its backend-side veth"},
  "client_actions": [
    {"t": 0, "action": "20 UDP datagrams of 100 bytes to $IP_B:6300 (one socket each line, 0.1 s apart)"},
    {"action": "3 of 100 bytes with TTL 1"},
    {"action": "3 of 1200 bytes with DF (IP_PMTUDISC_DO)"},
    {"action": "3 of 1200 bytes without DF (IP_PMTUDISC_DONT)"},
    {"action": "5 of 100 bytes to $IP_B:6400 (FORWARD policy drop)"},
    {"t": "+0.4 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
