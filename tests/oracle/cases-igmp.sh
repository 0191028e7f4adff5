# IGMP on the way in (igmp_rcv(), always registered for protocol 2): queries to 224.0.0.1
# and to a joined group are delivered and answered by reports (IGMPv3, or v2 once a v2 query
# was heard), malformed ones are delivered and freed, reports to groups the host did not
# join never reach it. The server's UDP socket joined 239.1.1.1 (its own reports of the join
# leave before the captures start). tests/oracle/igmp.py sends the IGMP with scapy. Sourced
# by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh igmp-rcv $PWD/tests/oracle/cases/igmp-rcv

CASES="$CASES igmp-rcv"

case_igmp_rcv_setup() {
    bg srv ip netns exec "$NS_S" $PY "$MCAST_PY" server --port 5353 --join 239.1.1.1 \
        --iface-addr "$IP_S" --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    ns_s sysctl net.ipv4.igmp_max_memberships net.ipv4.igmp_link_local_mcast_reports \
        net.ipv4.conf.all.force_igmp_version >"$SNAP/sysctl-server-igmp.txt" 2>&1 || true
    sleep 2.5   # the join's unsolicited reports (2, 1 s apart) leave before the captures
}
case_igmp_rcv_traffic() {
    oracle_scapy igmp.py --src "$IP_C" --dst "$IP_S" --group 239.1.1.1
    sleep 0.3
}
case_igmp_rcv_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "0.0.0.0", "port": 5353, "joined": "239.1.1.1 on the server veth", "app": "reads everything"},
                {"proto": "udp", "addr": "0.0.0.0", "port": 5353, "joined": "nothing", "app": "reads everything"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/igmp.py): IGMP with router alert: v3 general query (MRC 1), +250 ms group query for 239.1.1.1, +250 ms general query with a source, a 10-byte query, a bad checksum, a v2 report for 239.1.1.1, a v3 report to 224.0.0.22, a leave to 224.0.0.2, a unicast v2 report, type 0x42, 50 ms apart; a v2 general query (code 1), +250 ms a v3 general query, +250 ms"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
