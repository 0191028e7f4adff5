# MLD on the way in (icmpv6_rcv() -> igmp6_event_query(), igmp6_event_report()): queries
# from a link-local source with hop limit 1 and a router alert are answered by reports of the
# host's groups but all nodes (its solicited-node groups here), MLDv2 to ff02::16 or, once an
# MLDv1 querier was heard, MLDv1 to each group (looped back: the host joined them); other
# queries are taken and ignored. tests/oracle/mld.py sends them with scapy. IPv6 as
# tcpwin_ipv6_on() sets it up. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh mld-query $PWD/tests/oracle/cases/mld-query

CASES="$CASES mld-query"

case_mld_query_setup() { tcpwin_ipv6_on; }
case_mld_query_traffic() {
    oracle_scapy mld.py --src fe80::aff:fe4d:1 --dst fd77::2 --global fd77::1 \
        --group ff02::1:ff00:2
    sleep 0.3
    tcpwin_end
}
case_mld_query_scenario() {
    tcpwin_scenario '[]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: scapy (tests/oracle/mld.py) from fe80::aff:fe4d:1, hop limit 1, router alert: MLDv2 general query (100 ms), +250 ms a query for ff02::1:ff00:2, +250 ms general queries from fd77::1, with hop limit 64, without router alert, listing a source, an MLDv1 report of ff02::1:ff00:2, 50 ms apart; an MLDv1 general query, +250 ms an MLDv2 one, +250 ms" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
