# IPv4 options on the way in (ip_rcv_options(), ip_options_compile()): record route,
# timestamp, router alert, an unknown option and padding are taken; a malformed option is a
# header error answered by a parameter problem; a loose source route is dropped
# (accept_source_route 0); an echo request's record route is echoed in the reply
# (ip_options_echo()). tests/oracle/ipopts.py sends them with scapy. Sourced by cases.sh;
# record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ip-options $PWD/tests/oracle/cases/ip-options

CASES="$CASES ip-options"

case_ip_options_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6140 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_ip_options_traffic() {
    oracle_scapy ipopts.py --src "$IP_C" --dst "$IP_S" --port 6140
    sleep 0.3
}
case_ip_options_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6140, "app": "reads every datagram"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/ipopts.py): 22 IPv4 packets with options, 50 ms apart: UDP to $IP_S:6140 with record route x3, timestamp x2, router alert x3, unknown option 0x9e x2, NOP/EOL padding x2, a record route of length 1 x3, a record route with no room x2, loose source route x2; echo requests with record route x3"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
