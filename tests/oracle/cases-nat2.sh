# rxsim's oracle cases for ICMP errors about NATed connections, in the pattern of cases.sh
# (sourced by it), recorded with the shared tooling:
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME
#
# Senders: tests/oracle/natapps.py. kube-clusterip loads its rules with iptables-restore
# (apt-get install iptables: iptables-nft). A backend namespace sits behind the server, as in nat.sh's
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

# ---------------------------------------------------------------- kube-proxy's rules, for real
# A reduced kube-proxy (iptables mode) rule set, loaded with iptables-restore (iptables-nft)
# into the server, whose own address is the endpoint of two Services (a hostNetwork pod): the
# DNS ClusterIP 10.96.0.10:53/udp to 10.77.0.2:5353 (a reading sink), web's 10.96.143.52:80/tcp
# to 10.77.0.2:8080 (a listener that never accepts), and orders' 10.96.200.17:80 without
# endpoints, which filter's KUBE-SERVICES rejects in FORWARD. The client routes the service
# range through the server; the server forwards (ip_forward=1, default route via the client,
# send_redirects off: see the setup).
KUBE_CLUSTERIP_RULES='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-SERVICES - [0:0]
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-SERVICES -d 10.96.200.17/32 -p tcp -m comment --comment "default/orders:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-6E7XQMQ4RAYOWTTM - [0:0]
:KUBE-SEP-N4G2XR5TDX7PQE7P - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]
:KUBE-SVC-XZ5EZ4YBM3NVKFGH - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-6E7XQMQ4RAYOWTTM -s 10.77.0.2/32 -m comment --comment "kube-system/kube-dns:dns" -j KUBE-MARK-MASQ
-A KUBE-SEP-6E7XQMQ4RAYOWTTM -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.77.0.2:5353
-A KUBE-SEP-N4G2XR5TDX7PQE7P -s 10.77.0.2/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-N4G2XR5TDX7PQE7P -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.77.0.2:8080
-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
-A KUBE-SERVICES -d 10.96.143.52/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-XZ5EZ4YBM3NVKFGH
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-TCOU7JCQXEZGVUNU ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-MARK-MASQ
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.77.0.2:5353" -j KUBE-SEP-6E7XQMQ4RAYOWTTM
-A KUBE-SVC-XZ5EZ4YBM3NVKFGH ! -s 10.244.0.0/16 -d 10.96.143.52/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-XZ5EZ4YBM3NVKFGH -m comment --comment "default/web:http -> 10.77.0.2:8080" -j KUBE-SEP-N4G2XR5TDX7PQE7P
COMMIT'
CASES="$CASES kube-clusterip"
case_kube_clusterip_setup() {
    ns_s sysctl -qw net.ipv4.ip_forward=1
    # The rejected SYNs leave (would leave) by the link they came in on toward a gateway on
    # the sender's subnet: the kernel would send an ICMP redirect first, which rxsim does not
    # model, so redirects are off here.
    ns_s sysctl -qw net.ipv4.conf.all.send_redirects=0 "net.ipv4.conf.$IF_S.send_redirects=0"
    ns_s ip route add default via "$IP_C"
    ns_c ip route add 10.96.0.0/12 via "$IP_S"
    echo "$KUBE_CLUSTERIP_RULES" | ns_s iptables-restore
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 5353 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    bg srv2 ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port 8080 --backlog 16 \
        --status "$WORK/srv2.json" --ready "$WORK/srv2.ready" --max-seconds $APP_MAX
    server_ready srv2
}
case_kube_clusterip_traffic() {
    ns_s cat /proc/net/stat/nf_conntrack >"$SNAP/nf_conntrack-before.txt" 2>&1 || true
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst 10.96.0.10 --port 53 --count 10 --size 60 \
        --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    sleep 0.2
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst 10.96.143.52 --port 80 --count 5 --wait 1.0 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli2.ready" 15
    bg cli3 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst 10.96.200.17 --port 80 --count 3 --wait 0.5 \
        --status "$WORK/cli3.json" --ready "$WORK/cli3.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli3.ready" 15
    ns_s cat /proc/net/stat/nf_conntrack >"$SNAP/nf_conntrack-after.txt" 2>&1 || true
    ns_s cat /proc/net/nf_conntrack >"$SNAP/nf_conntrack-table-after.txt" 2>&1 || true
    ns_s iptables-save -c >"$SNAP/iptables-save-after.txt" 2>&1 || true
    ns_s sysctl net.ipv4.ip_forward net.ipv4.conf.all.rp_filter >"$SNAP/sysctl-server-fwd.txt" 2>&1
}
case_kube_clusterip_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv4.ip_forward": 1, "net.ipv4.conf.all.send_redirects": 0, "net.ipv4.conf.SIF.send_redirects": 0},
  "routes": {"server": "default via $IP_C", "client": "10.96.0.0/12 via $IP_S"},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 5353, "app": "reads every datagram"},
                {"proto": "tcp", "addr": "$IP_S", "port": 8080, "backlog": 16, "app": "never calls accept()"}],
  "iptables_rules": {"server": $(jstr "$KUBE_CLUSTERIP_RULES")},
  "nft_rules": {"server": "(iptables-nft)", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "10 UDP datagrams of 60 bytes to the DNS ClusterIP 10.96.0.10:53, one socket"},
    {"t": "+0.2 s", "action": "5 non-blocking TCP connect() to web's ClusterIP 10.96.143.52:80, kept open, 1 s"},
    {"action": "3 non-blocking TCP connect() to orders' ClusterIP 10.96.200.17:80 (no endpoints: rejected), 0.5 s"},
    {"action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
