# Answers to a source the host has no route to (the oracle's namespaces have only their
# connected routes): a port unreachable (icmp_send()'s icmp_route_lookup()), a SYN-ACK
# (tcp_conn_request()'s route_req), an echo reply, a RST (ip_send_unicast_reply()).
# tests/oracle/offlink.py sends the requests with scapy from 192.0.2.1. Sourced by
# cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh offlink-noroute $PWD/tests/oracle/cases/offlink-noroute

CASES="$CASES offlink-noroute"

case_offlink_noroute_setup() { noaccept_setup 5070 16; }
case_offlink_noroute_traffic() {
    oracle_scapy offlink.py --src 192.0.2.1 --dst "$IP_S" --udp 6250 --tcp 5070
    sleep 0.5
}
case_offlink_noroute_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": 5070, "backlog": 16, "app": "never calls accept()"},
                {"proto": "udp", "port": 6250, "app": "NO socket on 6250"}],
  "nft_rules": {"server": "", "client": "(freeze at end)"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/offlink.py) from 192.0.2.1 (no route back on the server): three times, 50 ms apart each, a UDP datagram to $IP_S:6250 (closed), a SYN to :5070, an ICMP echo request, a bare ACK to :5070"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
