# The ECN field on the way in: ip_rcv_core() and ip6_rcv_core() count each datagram under
# its codepoint (InNoECTPkts, InECT1Pkts, InECT0Pkts, InCEPkts), whatever the DSCP beside
# it. tests/oracle/ecn.py sends them with scapy. IPv6 as tcpwin_ipv6_on() sets it up.
# Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ip-ecn $PWD/tests/oracle/cases/ip-ecn

CASES="$CASES ip-ecn"

case_ip_ecn_setup() {
    tcpwin_ipv6_on
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" udp-multi --bind "$IP_S,fd77::2" --port 6230 \
        --read all --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_ip_ecn_traffic() {
    oracle_scapy ecn.py --src "$IP_C" --dst "$IP_S" --src6 fd77::1 --dst6 fd77::2 --port 6230
    sleep 0.3
    tcpwin_end
}
case_ip_ecn_scenario() {
    tcpwin_scenario "[{\"proto\": \"udp\", \"addr\": \"$IP_S\", \"port\": 6230, \"app\": \"reads every datagram\"}, {\"proto\": \"udp\", \"addr\": \"fd77::2\", \"port\": 6230, \"app\": \"reads every datagram\"}]" '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: scapy (tests/oracle/ecn.py): for each ECN codepoint 0..3, three UDP datagrams to $IP_S:6230 and three to [fd77::2]:6230 (TOS / traffic class = the codepoint, the third with DSCP 46 too), 20 ms apart, alternating" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
