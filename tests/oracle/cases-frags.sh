# IPv4 reassembly on the server (ip_defrag(), ipfrag_time 2 s): first fragments alone time out
# and are answered with a time exceeded (fragment reassembly), later fragments alone time
# out silently, whole datagrams in two fragments are delivered, overlapping fragments fail
# the datagram, a duplicate is dropped. tests/oracle/frags.py sends them with scapy. Sourced
# by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ip-frag-timeout $PWD/tests/oracle/cases/ip-frag-timeout

CASES="$CASES ip-frag-timeout"

case_ip_frag_timeout_setup() {
    ns_s sysctl -qw net.ipv4.ipfrag_time=2
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6150 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_ip_frag_timeout_traffic() {
    oracle_scapy frags.py --src "$IP_C" --dst "$IP_S" --port 6150
    sleep 3
}
case_ip_frag_timeout_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {"net.ipv4.ipfrag_time": 2},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6150, "app": "reads every datagram"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/frags.py): 14 IPv4 fragments of 808-byte UDP datagrams to $IP_S:6150, 20 ms apart: 3 first fragments alone, 2 last fragments alone, 2 datagrams whole in two fragments, one whose second fragment overlaps the first, one whose first fragment comes twice"},
    {"t": "+3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
