# A rule set as hosts write them: an input chain with policy drop that accepts established
# and related traffic, drops invalid, jumps to a chain per protocol (which returns), accepts
# ICMP echo requests under a limit, accepts a TCP port and rejects another with a reset,
# rejects a UDP port with an ICMP admin-prohibited, matches the input interface by name and
# logs; named counters. Traffic: UDP to three ports, pings, TCP connects to two ports.
# Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh nft-chains $PWD/tests/oracle/cases/nft-chains

CASES="$CASES nft-chains"

NFT_CHAINS_RULES='table inet filter {
  counter udp_ok { }
  counter rejected { }
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    ct state invalid counter drop
    iifname "lo" accept
    meta l4proto udp jump udp_in
    meta l4proto tcp jump tcp_in
    icmp type echo-request limit rate 2/second burst 3 packets counter accept
    counter log prefix "nft-chains drop: "
  }
  chain udp_in {
    udp dport 6170 counter name udp_ok accept
    udp dport 6171 counter name rejected reject with icmpx type admin-prohibited
    return
  }
  chain tcp_in {
    tcp dport 5060 ct state new counter accept
    tcp dport 5061 counter reject with tcp reset
  }
}'
case_nft_chains_setup() {
    echo "$NFT_CHAINS_RULES" | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6170 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    bg srv2 ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port 5060 --backlog 8 \
        --status "$WORK/srv2.json" --ready "$WORK/srv2.ready" --max-seconds $APP_MAX
    server_ready srv2
}
case_nft_chains_traffic() {
    local p
    for p in 6170 6171 6172; do
        bg cli$p ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port $p --count 10 --size 100 \
            --gap 0.01 --status "$WORK/cli$p.json" --ready "$WORK/cli$p.ready" --max-seconds 30
        wait_file "$WORK/cli$p.ready" 20
    done
    ns_c timeout 10 ping -n -c 8 -i 0.1 -W 1 "$IP_S" >"$WORK/ping.out" 2>&1 || true
    bg tcp1 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5060 --count 3 --wait 1.0 \
        --status "$WORK/tcp1.json" --ready "$WORK/tcp1.ready" --max-seconds $APP_MAX
    wait_file "$WORK/tcp1.ready" 15
    bg tcp2 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5061 --count 3 --wait 1.0 \
        --status "$WORK/tcp2.json" --ready "$WORK/tcp2.ready" --max-seconds $APP_MAX
    wait_file "$WORK/tcp2.ready" 15
    sleep 1.5
    ns_s nft list ruleset >"$OUT/nft-after.txt" 2>&1 || true
}
case_nft_chains_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6170, "app": "reads every datagram"},
                {"proto": "tcp", "addr": "$IP_S", "port": 5060, "backlog": 8, "app": "never calls accept()"}],
  "nft_rules": {"server": $(jstr "$NFT_CHAINS_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "10 UDP datagrams of 100 bytes, 10 ms apart, to each of $IP_S:6170, :6171, :6172 in turn"},
    {"t": "after them", "action": "ping -c 8 -i 0.1 $IP_S"},
    {"t": "after it", "action": "3 TCP connect() to $IP_S:5060, then 3 to :5061, 1 s each"},
    {"t": "+1.5 s", "action": "nft list ruleset, client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
