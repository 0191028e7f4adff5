# IPv6 extension headers on the way in (ip6_parse_tlv(), ipv6_rthdr_rcv()): padding and
# unknown options a host skips, unknown options whose high bits ask for a drop (and a
# parameter problem), non-zero or overlong padding, routing headers of type 0, a hop-by-hop
# header that is not first. tests/oracle/exthdrs.py sends them with scapy. IPv6 as
# tcpwin_ipv6_on() sets it up. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ip6-exthdrs $PWD/tests/oracle/cases/ip6-exthdrs

CASES="$CASES ip6-exthdrs"

case_ip6_exthdrs_setup() {
    tcpwin_ipv6_on
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" udp-multi --bind fd77::2 --port 6200 \
        --read all --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_ip6_exthdrs_traffic() {
    oracle_scapy exthdrs.py --src fd77::1 --dst fd77::2 --port 6200
    sleep 0.3
    tcpwin_end
}
case_ip6_exthdrs_scenario() {
    tcpwin_scenario '[{"proto": "udp", "addr": "fd77::2", "port": 6200, "app": "reads every datagram"}]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: scapy (tests/oracle/exthdrs.py): 22 UDP datagrams to [fd77::2]:6200, 20 ms apart, two of each: hop-by-hop PadN, hop-by-hop options 0x1e, 0x5e, 0x9e, 0xde, destination option 0x9e, destination PadN with a non-zero byte, 14 Pad1, routing type 0 with 0 and 1 segments left, destination options then hop-by-hop" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}

CASES="$CASES ip6-paramprob-rate"

# ---------------------------------------------------------------- the rate of parameter problems
# 20 datagrams whose hop-by-hop header is not first, 20 ms apart: each draws a parameter
# problem (unrecognized next header) as far as the destination's rate limit lets it out.
case_ip6_paramprob_rate_setup() { tcpwin_ipv6_on; }
case_ip6_paramprob_rate_traffic() {
    oracle_scapy exthdrs.py --src fd77::1 --dst fd77::2 --port 6200 --flood 20
    sleep 0.3
    tcpwin_end
}
case_ip6_paramprob_rate_scenario() {
    tcpwin_scenario '[]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: scapy (tests/oracle/exthdrs.py --flood 20): 20 UDP datagrams to [fd77::2]:6200, 20 ms apart, each with destination options then hop-by-hop" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
