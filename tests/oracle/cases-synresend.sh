# A SYN sent again to a request sock (tcp_check_req()'s "pure retransmitted SYN"): the
# SYN-ACK is sent again, limited as out-of-window ACKs are (tcp_oow_rate_limited(),
# TCPACKSkippedSynRecv: none within tcp_invalid_ratelimit of the last). tests/oracle/
# synresend.py sends the SYNs with scapy; the client's own kernel's resets are dropped at its
# output. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh syn-resent $PWD/tests/oracle/cases/syn-resent

CASES="$CASES syn-resent"

case_syn_resent_setup() { case_tcp_scan_setup; }
case_syn_resent_traffic() {
    oracle_scapy synresend.py --src "$IP_C" --dst "$IP_S" --port 5050
    sleep 0.3
}
case_syn_resent_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": 5050, "backlog": 16, "app": "never calls accept()"}],
  "nft_rules": {"server": "", "client": "table inet oracle_client { chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; } } (+ freeze at end)"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/synresend.py): one SYN from $IP_C:46300 (seq 9000000, MSS 1460), the same SYN at +100 ms, +300 ms, +700 ms"},
    {"t": "+1.0 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
