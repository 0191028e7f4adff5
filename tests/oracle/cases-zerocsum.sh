# UDP checksums of zero (__udp4_lib_rcv(), __udp6_lib_rcv()): over IPv4 a zero field means
# no checksum; over IPv6 (RFC 6936) the datagram is refused unless the socket set
# UDP_NO_CHECK6_RX (udp6_csum_zero_error()), with a socket or without.
# tests/oracle/zerocsum.py sends them with scapy. IPv6 as tcpwin_ipv6_on() sets it up.
# Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh udp-zerocsum $PWD/tests/oracle/cases/udp-zerocsum

CASES="$CASES udp-zerocsum"

case_udp_zerocsum_setup() {
    tcpwin_ipv6_on
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" udp-multi --bind "$IP_S,fd77::2" --port 6240 \
        --read all --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_udp_zerocsum_traffic() {
    oracle_scapy zerocsum.py --src "$IP_C" --dst "$IP_S" --src6 fd77::1 --dst6 fd77::2 \
        --open 6240 --closed 6241
    sleep 0.3
    tcpwin_end
}
case_udp_zerocsum_scenario() {
    tcpwin_scenario "[{\"proto\": \"udp\", \"addr\": \"$IP_S\", \"port\": 6240, \"app\": \"reads every datagram\"}, {\"proto\": \"udp\", \"addr\": \"fd77::2\", \"port\": 6240, \"app\": \"reads every datagram\"}, {\"proto\": \"udp\", \"port\": 6241, \"app\": \"NO socket on 6241\"}]" '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: scapy (tests/oracle/zerocsum.py): to port 6240 then 6241, three UDP datagrams with a zero checksum field over IPv4 and three over IPv6, then one good one over IPv6, 20 ms apart" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
