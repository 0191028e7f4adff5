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
