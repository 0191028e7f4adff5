# What a port scan's segments meet (tcp_v4_rcv(), tcp_rcv_state_process() in LISTEN, the
# reset of tcp_v4_send_reset()): each of SYN, ACK, FIN, no flags, FIN+PSH+URG, SYN+FIN,
# SYN+RST, RST, SYN+ACK and a data offset below 5, to a listener and to a closed port.
# tests/oracle/tcpscan.py sends them with scapy; the client's own kernel's resets to the
# SYN-ACKs are dropped at its output. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh tcp-scan $PWD/tests/oracle/cases/tcp-scan

CASES="$CASES tcp-scan"

case_tcp_scan_setup() {
    ns_c nft -f - <<'EOF'
table inet oracle_client {
  chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; }
}
EOF
    noaccept_setup 5050 16
}
case_tcp_scan_traffic() {
    oracle_scapy tcpscan.py --src "$IP_C" --dst "$IP_S" --open 5050 --closed 5051
    sleep 0.5
}
case_tcp_scan_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": 5050, "backlog": 16, "app": "never calls accept()"},
                {"proto": "tcp", "port": 5051, "app": "NO listener on 5051"}],
  "nft_rules": {"server": "", "client": "table inet oracle_client { chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; } } (+ freeze at end)"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/tcpscan.py): 20 TCP segments 20 ms apart from ports 45000.., to $IP_S:5050 then :5051, flags S, A, F, none, FPU, SF, SR, R, SA (seq 1000*sport, ack 7777, win 1024), then a SYN with data offset 4"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}

CASES="$CASES tcp-scan-ct"

# ---------------------------------------------------------------- the same through conntrack
# tcp-scan's segments to an input chain that counts each conntrack state (nf_conntrack_tcp's
# flag checks make some invalid, the loose pickup makes a lone ACK new) and drops the
# invalid ones before TCP sees them.
NFT_SCAN_CT_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state invalid counter drop
    ct state new counter
    ct state established counter
    ct state related counter
  }
}'
case_tcp_scan_ct_setup() {
    echo "$NFT_SCAN_CT_RULES" | ns_s nft -f -
    case_tcp_scan_setup
}
case_tcp_scan_ct_traffic() { case_tcp_scan_traffic; ns_s nft list ruleset >"$OUT/nft-after.txt" 2>&1 || true; }
case_tcp_scan_ct_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": 5050, "backlog": 16, "app": "never calls accept()"},
                {"proto": "tcp", "port": 5051, "app": "NO listener on 5051"}],
  "nft_rules": {"server": $(jstr "$NFT_SCAN_CT_RULES"), "client": "table inet oracle_client { chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; } } (+ freeze at end)"},
  "client_actions": [
    {"t": 0, "action": "as tcp-scan: 20 TCP segments 20 ms apart from ports 45000.., to $IP_S:5050 then :5051, flags S, A, F, none, FPU, SF, SR, R, SA, then a SYN with data offset 4"},
    {"t": "+0.5 s", "action": "nft list ruleset, client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
