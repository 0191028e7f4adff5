# The shared cases at numbers no other case uses, each bending one rule the model must
# compute rather than remember: a listen backlog capped by net.core.somaxconn, datagrams of
# one byte against a small receive buffer (truesize, not payload, fills it), a SYN queue
# with cookies bounded by a listen backlog of 4, echo requests that fill the MTU, and an
# input chain whose policy drops what no rule accepts, and a listener whose SYN-ACKs carry no
# option but the MSS (tcp_timestamps, tcp_sack and tcp_window_scaling 0), and datagrams of
# 3000 bytes in fragments against a small buffer (the fragments' truesize, summed), and a
# connection that agrees on no timestamps.
# Sourced by cases.sh; record one with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME

CASES="$CASES accept-somaxconn udp-rcvbuf-1byte synq-cookies-b4 icmp-echo-1472 nft-policy-drop"

# ---------------------------------------------------------------- listen(10) under somaxconn 3
case_accept_somaxconn_setup() {
    ns_s sysctl -qw net.core.somaxconn=3
    noaccept_setup 5030 10
}
case_accept_somaxconn_traffic()  { noaccept_traffic 5030 12; }
case_accept_somaxconn_scenario() { noaccept_scenario '{"net.core.somaxconn": 3}' 5030 10 12; }

# ---------------------------------------------------------------- one-byte datagrams
case_udp_rcvbuf_1byte_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6130 --rcvbuf 4096 --read 0 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_udp_rcvbuf_1byte_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6130 --count 300 --size 1 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
}
case_udp_rcvbuf_1byte_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6130, "SO_RCVBUF_requested": 4096, "app": "never reads"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "300 UDP datagrams, 1-byte payload, one unconnected socket, sendto() back-to-back to $IP_S:6130"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}

# ---------------------------------------------------------------- cookies, listen(4)
case_synq_cookies_b4_setup()    { synq_var_setup 1 128 4 5031; }
case_synq_cookies_b4_traffic()  { synq_var_traffic 5031 30; }
case_synq_cookies_b4_scenario() { synq_var_scenario 1 128 4 5031 30; }

# ---------------------------------------------------------------- echo requests of 1500 bytes
case_icmp_echo_1472_setup() { :; }
case_icmp_echo_1472_traffic() {
    ns_c timeout 10 ping -n -c 10 -i 0.2 -s 1472 -W 1 "$IP_S" >"$WORK/ping.out" 2>&1 || true
    cp "$WORK/ping.out" "$OUT/ping.txt"
    sleep 0.3
}
case_icmp_echo_1472_scenario() {
    ping_scenario '{}' 10 0.2 ", -s 1472: each request and reply a 1500-byte IP packet"
}

# ---------------------------------------------------------------- policy drop
NFT_POLICY_DROP_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    udp dport 6031 counter accept
  }
}'
case_nft_policy_drop_setup() {
    echo "$NFT_POLICY_DROP_RULES" | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6031 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_nft_policy_drop_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6030 --count 40 --size 100 \
        --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6031 --count 40 --size 100 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    ns_c timeout 5 ping -n -c 3 -i 0.2 -W 1 "$IP_S" >"$WORK/ping.out" 2>&1 || true
    sleep 0.5
}
case_nft_policy_drop_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6031, "app": "reads every datagram"},
                {"proto": "udp", "port": 6030, "app": "NO listener on 6030"}],
  "nft_rules": {"server": $(jstr "$NFT_POLICY_DROP_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "40 UDP datagrams, 100-byte payload, back-to-back to $IP_S:6030"},
    {"t": "after them", "action": "40 UDP datagrams, 100-byte payload, back-to-back to $IP_S:6031"},
    {"t": "after them", "action": "ping -c 3 -i 0.2 $IP_S"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}

CASES="$CASES accept-overflow-noopts"

# ---------------------------------------------------------------- TCP options turned off
# accept-overflow with tcp_timestamps, tcp_sack and tcp_window_scaling 0 on the server: the
# client's SYNs offer all three, the SYN-ACKs carry the MSS alone (44 bytes), its
# retransmits too.
case_accept_overflow_noopts_setup() {
    ns_s sysctl -qw net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0 net.ipv4.tcp_window_scaling=0
    noaccept_setup 5040 2
}
case_accept_overflow_noopts_traffic()  { noaccept_traffic 5040 6; }
case_accept_overflow_noopts_scenario() {
    noaccept_scenario '{"net.ipv4.tcp_timestamps": 0, "net.ipv4.tcp_sack": 0, "net.ipv4.tcp_window_scaling": 0}' 5040 2 6
}

CASES="$CASES udp-rcvbuf-frag"

# ---------------------------------------------------------------- reassembled datagrams
# udp-rcvbuf with datagrams of 3000 bytes, each in 3 fragments: what a reassembled datagram
# charges the receive buffer (the fragments' truesize, summed).
case_udp_rcvbuf_frag_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6180 --rcvbuf 16384 --read 0 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_udp_rcvbuf_frag_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6180 --count 30 --size 3000 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
}
case_udp_rcvbuf_frag_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6180, "SO_RCVBUF_requested": 16384, "app": "never reads"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "30 UDP datagrams, 3000-byte payload (3 fragments each), one unconnected socket, sendto() back-to-back to $IP_S:6180"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}

CASES="$CASES tcp-rcvbuf-nots"

# ---------------------------------------------------------------- a connection without timestamps
# tcp-rcvbuf-32k with tcp_timestamps 0 on the server: the connection agrees on none, so its
# ACKs carry no timestamp (40 bytes, not 52) and its window counts the MSS without the 12
# option bytes.
case_tcp_rcvbuf_nots_setup() {
    ns_s sysctl -qw net.ipv4.tcp_timestamps=0
    tcpwin_server 5016 32768 never
}
case_tcp_rcvbuf_nots_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-push --dst "$IP_S" --port 5016 --bytes 400000 \
        --wait 1.0 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
    tcpwin_end
}
case_tcp_rcvbuf_nots_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5016, \"backlog\": 16, \"SO_RCVBUF\": 32768, \"app\": \"accepts, never reads\"}]" '{"net.ipv4.tcp_timestamps": 0}' \
        "t 0: connect() to $IP_S:5016, non-blocking send() of 400000 bytes as the window allows, for 1.0 s" \
        "then ss -tnmie on both ends, client output frozen, 0.5 s settle, 'after' snapshot"
}
