# TCP_DEFER_ACCEPT on a listener (tcp_check_req(), reqsk_timer_handler()'s syn_ack_recalc()):
# the handshake's bare ACK is dropped (TCPDeferAcceptDrop) and the request kept, acked; the
# SYN-ACK is not resent until the deferring period's last timeout; the first segment with
# data makes the connection. Two clients connect and send nothing, one sends 100 bytes
# 0.5 s after connecting. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh accept-defer $PWD/tests/oracle/cases/accept-defer

CASES="$CASES accept-defer"

case_accept_defer_setup() {
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" tcp-server --addr "$IP_S" --port 5090 \
        --backlog 16 --defer 3 --read all \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_accept_defer_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5090 --count 2 \
        --wait 9 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    bg cli2 ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-paced --dst "$IP_S" --port 5090 \
        --chunks 100 --every 200 --offset 500 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 20
    tcpwin_end
}
case_accept_defer_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5090, \"backlog\": 16, \"TCP_DEFER_ACCEPT\": 3, \"app\": \"accepts every connection, reads all\"}]" '{}' \
        "t 0: two non-blocking connect()s to $IP_S:5090 that send nothing, held 9 s (apps.py tcp-connect-burst)" \
        "t 0: a third connect() (tcpwin.py tcp-paced) sending 100 bytes 0.5 s after it connected" \
        "after 9 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
