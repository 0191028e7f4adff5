# Neighbour discovery on the way in (ndisc_rcv(), ndisc_recv_ns()): a solicitation for one of
# the host's addresses is answered by an advertisement (solicited, to the solicitor; to
# all-nodes for a duplicate address probe), one for another address is not; a hop limit
# other than 255 or a non-zero code is refused. tests/oracle/ndisc.py sends them with scapy
# (the client's own ND output is dropped, as IPv6 is set up by tcpwin_ipv6_on()). Sourced by
# cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ndisc-ns $PWD/tests/oracle/cases/ndisc-ns

CASES="$CASES ndisc-ns"

case_ndisc_ns_setup() { tcpwin_ipv6_on; }
case_ndisc_ns_traffic() {
    oracle_scapy ndisc.py --src fd77::1 --dst fd77::2 --other fd77::99
    sleep 0.3
    tcpwin_end
}
case_ndisc_ns_scenario() {
    tcpwin_scenario '[]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: scapy (tests/oracle/ndisc.py), 50 ms apart: NS for fd77::2 to fd77::2 and to its solicited-node group (SLLAO), NS for fd77::99, NS with hop limit 64, NS with code 1, a DAD NS from :: for fd77::2, an unsolicited NA to ff02::1, an RS to ff02::2" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
