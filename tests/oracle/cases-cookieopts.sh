# rxsim's oracle case for the options of a cookie's SYN-ACK: tcp_conn_request() clears a
# SYN's window scaling and SACK when it answers with a cookie and the SYN has no timestamp
# (tcp_clear_options(): cookie_init_timestamp() keeps them in the TSval, so without one the
# cookie cannot), and keeps the MSS (the cookie encodes it). Sourced by cases.sh (helpers
# tcpwin_* there, the client in tcpwin.py); record it with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh cookie-synack-opts $PWD/tests/oracle/cases/cookie-synack-opts

CASES="$CASES cookie-synack-opts"

case_cookie_synack_opts_setup() {
    ns_s sysctl -qw net.ipv4.tcp_syncookies=2
    tcpwin_client_norst
    tcpwin_server 5020 0 never 16 0
}
case_cookie_synack_opts_traffic() { tcpwin_scapy_client scapy-synopts 5020 0.3; }
case_cookie_synack_opts_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5020, \"backlog\": 16, \"app\": \"never calls accept()\"}]" '{"net.ipv4.tcp_syncookies": 2}' \
        "scapy (L2) from $IP_C:46000..46005, 0.1 s apart, one SYN each (ISN 3000000*(i+1), win 64240) with the options: MSS; MSS SACK WS; MSS SACK TS WS; MSS TS; MSS WS; MSS SACK" \
        "the client's kernel RSTs are dropped by nft; the SYN-ACKs' lengths and options in apps/cli.json; +0.3 s freeze, 0.5 s settle, 'after' snapshot"
}
