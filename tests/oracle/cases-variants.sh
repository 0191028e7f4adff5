# rxsim's oracle cases that vary the shared cases' numbers, so that a model fitted to one
# set of numbers shows it: a larger datagram and buffer (truesize of a bigger veth skb), a
# listen backlog of 1, a SYN queue bounded by the listen backlog with cookies and by the
# last quarter of tcp_max_syn_backlog without them, echo requests ignored by sysctl, port
# unreachables over 2.5 s (the rate limit's tokens come back), an accept queue overflow
# answered by resets (tcp_abort_on_overflow) and request socks that expire after one
# SYN-ACK retransmit (tcp_synack_retries 1), a larger TCP receive buffer never read,
# echo replies put under the rate limit by icmp_ratemask, and nft dropping SYNs and
# limiting datagrams with a burst, an accept queue overflow over IPv6, IPv6 fragments
# both ways (a ping of 3000 bytes), and udp-rcvbuf over IPv6.
# Sourced by cases.sh; record one with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME

CASES="$CASES udp-rcvbuf-1400 accept-overflow-b1 synq-cookies-b32 synq-maxsyn64 icmp-echo-ignore"

# ---------------------------------------------------------------- UDP, 1400-byte datagrams
case_udp_rcvbuf_1400_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6110 --rcvbuf 16384 --read 0 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_udp_rcvbuf_1400_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6110 --count 300 --size 1400 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
}
case_udp_rcvbuf_1400_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6110, "SO_RCVBUF_requested": 16384, "app": "never reads"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "300 UDP datagrams, 1400-byte payload, one unconnected socket, sendto() back-to-back to $IP_S:6110"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}

# ---------------------------------------------------------------- listen(1)
# A listener that never accepts: $1 port, $2 backlog.
noaccept_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port $1 --backlog $2 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
# $1 port, $2 connect()s
noaccept_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port $1 --count $2 --wait 3.5 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
}
# $1 sysctls (JSON), $2 port, $3 backlog, $4 connect()s
noaccept_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": $1,
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": $2, "backlog": $3, "app": "never calls accept()"}],
  "nft_rules": {"server": "", "client": "freeze at end: table inet oracle_freeze (output policy drop)"},
  "client_actions": [
    {"t": 0, "action": "$4 non-blocking TCP connect() to $IP_S:$2 in a tight loop from one process (ephemeral ports), sockets kept open"},
    {"t": 3.5, "action": "client output frozen (nft drop all), 0.5 s settle, then 'after' snapshot"}
  ]
}
EOF
}
case_accept_overflow_b1_setup()    { noaccept_setup 5010 1; }
case_accept_overflow_b1_traffic()  { noaccept_traffic 5010 8; }
case_accept_overflow_b1_scenario() { noaccept_scenario '{}' 5010 1 8; }

# ---------------------------------------------------------------- SYN queues of other sizes
# $1 syncookies, $2 tcp_max_syn_backlog, $3 listen backlog, $4 port
synq_var_setup() {
    ns_s sysctl -qw net.ipv4.tcp_syncookies=$1 net.ipv4.tcp_max_syn_backlog=$2
    ns_c nft -f - <<'EOF'
table inet oracle_client {
  chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; }
}
EOF
    bg srv ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port $4 --backlog $3 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
# $1 port, $2 SYNs
synq_var_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" syn-burst --iface "$IF_C" --src "$IP_C" --dst "$IP_S" --port $1 \
        --count $2 --smac "$MAC_C" --dmac "$MAC_S" --sport-base 41000 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 1.0
}
# $1 syncookies, $2 tcp_max_syn_backlog, $3 listen backlog, $4 port, $5 SYNs
synq_var_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {"net.ipv4.tcp_syncookies": $1, "net.ipv4.tcp_max_syn_backlog": $2},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": $4, "backlog": $3, "app": "never calls accept()"}],
  "nft_rules": {"server": "",
                "client": "table inet oracle_client { chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; } } (+ freeze at end)"},
  "client_actions": [
    {"t": 0, "action": "$5 raw SYNs (scapy sendp, L2 on client veth) $IP_C:41000.. -> $IP_S:$4, seq=1000000*(i+1), win 64240, option MSS 1460 only, ip id 1000+i, back-to-back"},
    {"t": "~1.0 after last SYN", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
case_synq_cookies_b32_setup()    { synq_var_setup 1 256 32 5011; }
case_synq_cookies_b32_traffic()  { synq_var_traffic 5011 100; }
case_synq_cookies_b32_scenario() { synq_var_scenario 1 256 32 5011 100; }
case_synq_maxsyn64_setup()       { synq_var_setup 0 64 128 5012; }
case_synq_maxsyn64_traffic()     { synq_var_traffic 5012 100; }
case_synq_maxsyn64_scenario()    { synq_var_scenario 0 64 128 5012 100; }

# ---------------------------------------------------------------- echo requests ignored
# ping -c $1 -i $2 from the client.
ping_traffic() {
    ns_c timeout 10 ping -n -c $1 -i $2 -W 1 "$IP_S" >"$WORK/ping.out" 2>&1 || true
    cp "$WORK/ping.out" "$OUT/ping.txt"
    sleep 0.3
}
# $1 sysctls (JSON), $2 count, $3 interval, $4 what the server does with them
ping_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": $1,
  "listeners": [],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "ping -c $2 -i $3 $IP_S (ICMP echo request, 56-byte payload)$4"},
    {"t": "+0.3 s after ping exits", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
case_icmp_echo_ignore_setup()    { ns_s sysctl -qw net.ipv4.icmp_echo_ignore_all=1; }
case_icmp_echo_ignore_traffic()  { ping_traffic 10 0.2; }
case_icmp_echo_ignore_scenario() {
    ping_scenario '{"net.ipv4.icmp_echo_ignore_all": 1}' 10 0.2 ", echo ignored by the server"
}

CASES="$CASES udp-noport-slow accept-overflow-abort synq-retries1"

# ---------------------------------------------------------------- the ICMP rate limit over time
case_udp_noport_slow_setup() { :; }
case_udp_noport_slow_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6210 --count 250 --size 100 \
        --gap 0.01 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 3.2
}
case_udp_noport_slow_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "port": 6210, "app": "NO listener on 6210"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "250 UDP datagrams, 100-byte payload, 10 ms apart, to $IP_S:6210 (closed)"},
    {"t": "+3.2 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}

# ---------------------------------------------------------------- tcp_abort_on_overflow
case_accept_overflow_abort_setup() {
    ns_s sysctl -qw net.ipv4.tcp_abort_on_overflow=1
    noaccept_setup 5013 2
}
case_accept_overflow_abort_traffic()  { noaccept_traffic 5013 10; }
case_accept_overflow_abort_scenario() {
    noaccept_scenario '{"net.ipv4.tcp_abort_on_overflow": 1}' 5013 2 10
}

# ---------------------------------------------------------------- request socks expiring
case_synq_retries1_setup() {
    ns_s sysctl -qw net.ipv4.tcp_synack_retries=1
    synq_var_setup 0 256 16 5014
}
case_synq_retries1_traffic() { synq_var_traffic 5014 20; sleep 3.5; }
case_synq_retries1_scenario() { synq_var_scenario 0 256 16 5014 20; }

CASES="$CASES tcp-rcvbuf-32k"

# ---------------------------------------------------------------- a larger receive buffer, never read
# tcp-rcvbuf-noread with SO_RCVBUF 32768 (sk_rcvbuf 65536) and 400000 bytes pushed.
case_tcp_rcvbuf_32k_setup() { tcpwin_server 5015 32768 never; }
case_tcp_rcvbuf_32k_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-push --dst "$IP_S" --port 5015 --bytes 400000 \
        --wait 1.0 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
    tcpwin_end
}
case_tcp_rcvbuf_32k_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5015, \"backlog\": 16, \"SO_RCVBUF\": 32768, \"app\": \"accepts, never reads\"}]" '{}' \
        "t 0: connect() to $IP_S:5015, non-blocking send() of 400000 bytes as the window allows, for 1.0 s" \
        "then ss -tnmie on both ends, client output frozen, 0.5 s settle, 'after' snapshot"
}

CASES="$CASES icmp-echo-ratemask"

# ---------------------------------------------------------------- echo replies rate-limited
# icmp_ratemask with bit 0 (echo reply) set: the replies go through icmpv4_xrlim_allow's
# per-destination bucket.
case_icmp_echo_ratemask_setup()    { ns_s sysctl -qw net.ipv4.icmp_ratemask=6169; }
case_icmp_echo_ratemask_traffic()  { ping_traffic 50 0.02; }
case_icmp_echo_ratemask_scenario() { ping_scenario '{"net.ipv4.icmp_ratemask": 6169}' 50 0.02 ""; }

CASES="$CASES nft-tcp-limit"

# ---------------------------------------------------------------- nft: SYNs dropped, a limit
# nft-input-drop's rule set with other statements: SYNs to a port dropped (the client
# retransmits them), and a limit with a burst after a ct state match on a reading socket.
NFT_TCP_LIMIT_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 5020 counter drop
    udp dport 6020 ct state new counter
    udp dport 6020 limit rate 5/second burst 2 packets counter accept
    udp dport 6020 counter drop
  }
}'
case_nft_tcp_limit_setup() {
    echo "$NFT_TCP_LIMIT_RULES" | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6020 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_nft_tcp_limit_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6020 --count 50 --size 100 \
        --gap 0.02 --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5020 --count 5 --wait 3.5 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli2.ready" 15
}
case_nft_tcp_limit_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6020, "app": "reads every datagram"},
                {"proto": "tcp", "port": 5020, "app": "NO listener on 5020 (its SYNs are dropped first)"}],
  "nft_rules": {"server": $(jstr "$NFT_TCP_LIMIT_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "50 UDP datagrams, 100-byte payload, 20 ms apart, to $IP_S:6020"},
    {"action": "5 non-blocking TCP connect() to $IP_S:5020, kept open, 3.5 s (SYNs retransmitted)"},
    {"action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES acceptq6"

# ---------------------------------------------------------------- listen(2) over IPv6
# Six clients connect to [fd77::2]:5016, a listen(2) that never accepts, and push 1000
# bytes each: three connections fill the accept queue, the others' SYNs are dropped and
# retransmitted.
case_acceptq6_setup() {
    tcpwin_ipv6_on
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" tcp-server --addr fd77::2 --port 5016 --accept 0 \
        --read never --backlog 2 --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_acceptq6_traffic() {
    local i
    for i in 1 2 3 4 5 6; do
        bg cli$i ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-push --dst fd77::2 --port 5016 --bytes 1000 \
            --wait 0.5 --status "$WORK/cli$i.json" --max-seconds 8
    done
    sleep 3.5
    tcpwin_end
}
case_acceptq6_scenario() {
    tcpwin_scenario '[{"proto": "tcp", "addr": "fd77::2", "port": 5016, "backlog": 2, "app": "never calls accept()"}]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: six processes each connect() to [fd77::2]:5016 and send 1000 bytes" \
        "+3.5 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}

CASES="$CASES icmp6-frag"

# ---------------------------------------------------------------- IPv6 fragments
# ping -6 -s 3000: each request arrives in 3 fragments, is reassembled, and the reply leaves
# fragmented.
case_icmp6_frag_setup() { tcpwin_ipv6_on; }
case_icmp6_frag_traffic() {
    ns_c timeout 10 ping -6 -n -c 5 -i 0.2 -s 3000 -W 1 fd77::2 >"$WORK/ping.out" 2>&1 || true
    cp "$WORK/ping.out" "$OUT/ping.txt"
    sleep 0.3
    tcpwin_end
}
case_icmp6_frag_scenario() {
    tcpwin_scenario '[]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: ping -6 -c 5 -i 0.2 -s 3000 fd77::2" \
        "+0.3 s after ping exits: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}

CASES="$CASES udp6-rcvbuf"

# ---------------------------------------------------------------- udp-rcvbuf over IPv6
case_udp6_rcvbuf_setup() {
    tcpwin_ipv6_on
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" udp-multi --bind fd77::2 --port 6120 --rcvbufs 4096 \
        --read never --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_udp6_rcvbuf_traffic() {
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6120 --count 200 --size 100 \
        --status "$WORK/cli.json"
    sleep 0.5
    tcpwin_end
}
case_udp6_rcvbuf_scenario() {
    tcpwin_scenario '[{"proto": "udp", "addr": "fd77::2", "port": 6120, "SO_RCVBUF_requested": 4096, "app": "never reads"}]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: 200 UDP datagrams, 100-byte payload, one socket, back-to-back to [fd77::2]:6120" \
        "+0.5 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
