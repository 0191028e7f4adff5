# rxsim's oracle case for the out-of-order queue of a connection with default buffers:
# tcp_data_queue_ofo()'s coalescing (tcp_ooo_try_coalesce() onto the last skb and in the
# rbtree walk), its overlap cases, and the tcp_rcvbuf_grow() it calls for every segment it
# keeps (the out-of-order span counts in the window autotuning asks for). Sourced by
# cases.sh (helpers tcpwin_* and tcpmem_scapy there and in cases-tcpmem.sh, clients in
# tcpwin.py); record it with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh tcp-ofo-grow $PWD/tests/oracle/cases/tcp-ofo-grow

CASES="$CASES tcp-ofo-grow"

case_tcp_ofo_grow_setup() { tcpwin_client_norst; tcpwin_server 5017 0 all; }
case_tcp_ofo_grow_traffic() { tcpmem_scapy ofogrow 5017; }
case_tcp_ofo_grow_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5017, \"backlog\": 16, \"SO_RCVBUF\": \"default\", \"app\": \"accepts, reads everything as it comes (select, recv 65536)\"}]" '{}' \
        "scapy (L2) from $IP_C:44000, ISN 1000000: SYN (MSS 1460, SACK perm, wscale 7, no timestamps), the SYN-ACK read, the handshake ACK" \
        "then 5 ms apart, the hole 0:1460 left open: 40 segments of 1460 (1460, 2920, ... 58400); 10 of 10 bytes from 59860; then at 59860 + 120:10, 140:10, 120:10 (duplicate), 125:10 (overlap), 100:10, 110:10, 140:20 (covers), 135:5" \
        "0.1 s later the hole 0:1460, then 5 segments of 1460 from 60020, 50 ms apart" \
        "the client's kernel RSTs are dropped by nft; +0.3 s ss, freeze, 0.5 s settle, 'after' snapshot"
}
