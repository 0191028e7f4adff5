# Resets on established connections (tcp_validate_incoming(), RFC 5961 3.2): a RST ends a
# connection at rcv_nxt, at rcv_nxt - 1 after a FIN (tcp_reset_check()) or at the right edge
# of the last SACK block; elsewhere in the window it draws a challenge ACK.
# tests/oracle/tcprst.py sends them with scapy; the client's own kernel's resets are dropped
# at its output. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh tcp-rst $PWD/tests/oracle/cases/tcp-rst

CASES="$CASES tcp-rst"

case_tcp_rst_setup() { tcpwin_client_norst; tcpwin_server 5061 0 never; }
case_tcp_rst_traffic() {
    oracle_scapy tcprst.py --src "$IP_C" --dst "$IP_S" --port 5061
    sleep 0.3
    tcpwin_end
}
case_tcp_rst_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5061, \"backlog\": 16, \"app\": \"accepts, never reads\"}]" '{}' \
        "scapy (tests/oracle/tcprst.py) from $IP_C, 50 ms apart: A (46100): handshake, 0:100, FIN at 100, RST at 100; B (46101): handshake, 0:100, 200:100, RST at 300; C (46102): handshake, 0:100, RST at 150, RST at 100 (relative sequence numbers; timestamps on)" \
        "the client's kernel RSTs are dropped by nft; +0.3 s ss, freeze, 0.5 s settle, 'after' snapshot"
}
