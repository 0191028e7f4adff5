# rxsim's oracle cases for receive memory under pressure: tcp_prune_queue() and what it does
# before it drops (tcp_collapse_ofo_queue(), tcp_collapse(), tcp_prune_ofo_queue()).
# Sourced by cases.sh (helpers tcpwin_* there, clients in tcpwin.py); record one with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME

CASES="$CASES tcp-collapse tcp-ofo-prune"

tcpmem_scapy() {   # script port
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" scapy-tcp --script "$1" --iface "$IF_C" \
        --src "$IP_C" --dst "$IP_S" --port "$2" --smac "$MAC_C" --dmac "$MAC_S" \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 40
    wait_file "$WORK/cli.ready" 35
    sleep 0.3
    tcpwin_end
}

# ---------------------------------------------------------------- collapsing the queue
# SO_RCVBUF 4096, never read; 300 in-order 10-byte segments 5 ms apart (plus scapy's own
# time per frame).
case_tcp_collapse_setup() { tcpwin_client_norst; tcpwin_server 5014 4096 never; }
case_tcp_collapse_traffic() { tcpmem_scapy collapse 5014; }
case_tcp_collapse_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5014, \"backlog\": 16, \"SO_RCVBUF\": 4096, \"app\": \"accepts, never reads\"}]" '{}' \
        "scapy (L2) from $IP_C:44000, ISN 1000000: SYN (MSS 1460, SACK perm, wscale 7, no timestamps), the SYN-ACK read, the handshake ACK" \
        "then 300 segments of 10 bytes in order (relative seq 0, 10, ... 2990), 5 ms apart" \
        "the client's kernel RSTs are dropped by nft (table inet oracle_client); +0.3 s ss, freeze, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- collapsing and pruning out of order
case_tcp_ofo_prune_setup() { tcpwin_client_norst; tcpwin_server 5015 4096 never; }
case_tcp_ofo_prune_traffic() { tcpmem_scapy ofoprune 5015; }
case_tcp_ofo_prune_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5015, \"backlog\": 16, \"SO_RCVBUF\": 4096, \"app\": \"accepts, never reads\"}]" '{}' \
        "scapy (L2) from $IP_C:44000, ISN 1000000: SYN (MSS 1460, SACK perm, wscale 7, no timestamps), the SYN-ACK read, the handshake ACK" \
        "then 10-byte segments 5 ms apart, the hole 0:10 left open: 400, 390, ... 10 (descending); 1000, 1020, ... 1580; 900, 880, ... 520; then 50 ms apart 900 again, 10 again, 200:20; 0.1 s; 0:10 (the hole); 410, 420, ... 500" \
        "the client's kernel RSTs are dropped by nft; +0.3 s ss, freeze, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- the receiver's RTT from timestamps
# tcp-rcvbuf-slowread's reader (one recv of everything every 200 ms after accept()), with
# timestamps on: 3 chunks of 20000 bytes, 60000 in all, less than the first window (65160),
# so tcp_rcv_rtt_measure() never completes a window's worth of data; only the TSecr of the
# segments (tcp_rcv_rtt_measure_ts) gives tcp_rcv_space_adjust() an RTT to grow sk_rcvbuf
# by. No tail loss probes from the client (tcp_early_retrans=0).
CASES="$CASES tcp-rcvbuf-tsread"
TSREAD_CHUNKS=20000,20000,20000
case_tcp_rcvbuf_tsread_setup() {
    ns_c sysctl -qw net.ipv4.tcp_early_retrans=0
    tcpwin_server 5016 0 drain:200
}
case_tcp_rcvbuf_tsread_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-paced --dst "$IP_S" --port 5016 \
        --chunks $TSREAD_CHUNKS --every 200 --offset 100 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
    sleep 0.25
    tcpwin_end
}
case_tcp_rcvbuf_tsread_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5016, \"backlog\": 16, \"app\": \"accepts one connection; every 200 ms after accept() one non-blocking recv(4 MiB)\"}]" '{"client: net.ipv4.tcp_early_retrans": 0}' \
        "t 0: connect() to $IP_S:5016 (timestamps on); chunk i (bytes: $TSREAD_CHUNKS) with one blocking sendall() at connect + 100 ms + i * 200 ms" \
        "0.25 s after the last chunk: ss -tnmie on both ends, client output frozen, 0.5 s settle, 'after' snapshot"
}
