# rxsim's own real-kernel oracle cases: more of what ../shared/oracle/lib/cases.sh records,
# in its pattern (setup, traffic, scenario), recorded with the shared tooling:
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME
#
# then scenario.yaml (the server host in rxsim's format) and expect.json (the kernel's
# counters in rxsim's JSON keys) are written from kernel.json and the snapshots, by hand,
# as the shared cases' are. test_oracle replays every case of both folders.

CASES="$CASES synq-syncookies-off udp-noport tcp-noport"

# ---------------------------------------------------------------- the SYN queue, no cookies
# 40 SYNs at a listen(16) with tcp_max_syn_backlog 16 and syncookies off.
case_synq_syncookies_off_setup()    { synq_setup 0; }
case_synq_syncookies_off_traffic()  { synq_traffic; }
case_synq_syncookies_off_scenario() { synq_scenario 0; }

# ---------------------------------------------------------------- UDP to a closed port
# 200 datagrams to a port nobody listens on: UdpNoPorts, and ICMP port unreachables as the
# per-destination and global ICMP rate limits let them out.
case_udp_noport_setup() { :; }
case_udp_noport_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6200 --count 200 --size 100 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
}
case_udp_noport_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "port": 6200, "app": "NO listener on 6200"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "200 UDP datagrams, 100-byte payload, one unconnected socket, sendto() back-to-back to $IP_S:6200"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- TCP to a closed port
# 20 connect()s to a port nobody listens on: each SYN is answered by a RST.
case_tcp_noport_setup() { :; }
case_tcp_noport_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5100 --count 20 --wait 1.0 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
}
case_tcp_noport_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "tcp", "port": 5100, "app": "NO listener on 5100"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "20 non-blocking TCP connect() to $IP_S:5100 in a tight loop from one process (ephemeral ports)"},
    {"t": 1.0, "action": "client output frozen (nft drop all), 0.5 s settle, then 'after' snapshot"}
  ]
}
JSON
}
