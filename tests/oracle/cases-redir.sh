# rxsim's oracle case for the ICMP redirects a forwarding host sends (ip_forward() ->
# ip_rt_send_redirect()), in the pattern of cases.sh (sourced by it), recorded with the
# shared tooling:
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh redir $PWD/tests/oracle/cases/redir
#
# Sender: tests/oracle/natapps.py (udp-plan: datagrams at set times from one socket).

REDIRAPPS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/natapps.py"
REDIR_GW=10.77.0.3
REDIR_MAC_GW=02:00:0a:4d:00:03
# The redirects whose quoted datagram had 200 bytes (IP length 20 + 8 + 20 + 8 + 200) are
# dropped at OUTPUT: icmp_send() has used the client's redirect tokens all the same.
REDIR_RULES='table inet filter {
  chain forward {
    type filter hook forward priority 0; policy accept;
    counter
  }
  chain output {
    type filter hook output priority 0; policy accept;
    icmp type redirect ip length 256 counter drop
    icmp type redirect counter
    icmp type destination-unreachable counter
  }
}'
# 20 datagrams 100 ms apart, alternately 100 bytes to 10.99.0.1 and 200 bytes to 10.99.0.2,
# both routed by the server back out its link via 10.77.0.3; then 3 at once to the server's
# closed port 6200 and one more 600 ms later (the client's inet_peer: the redirects' rate_last
# against icmp_ratelimit).
redir_plan() {
    local plan="" t
    for t in $(seq 0 19); do
        if [ $((t % 2)) -eq 0 ]; then plan="$plan,10.99.0.1:9@$((t * 100))/100"
        else plan="$plan,10.99.0.2:9@$((t * 100))/200"; fi
    done
    plan="$plan,$IP_S:6200@2000/100,$IP_S:6200@2000/100,$IP_S:6200@2000/100,$IP_S:6200@2600/100"
    echo "${plan#,}"
}
CASES="$CASES redir"
case_redir_setup() {
    ns_s sysctl -qw net.ipv4.ip_forward=1
    ns_s ip route add 10.99.0.0/24 via "$REDIR_GW"
    ns_s ip neigh replace "$REDIR_GW" lladdr "$REDIR_MAC_GW" dev "$IF_S" nud permanent
    # The client ignores the redirects, so every datagram keeps coming through the server.
    ns_c sysctl -qw net.ipv4.conf.all.accept_redirects=0 "net.ipv4.conf.$IF_C.accept_redirects=0"
    ns_c ip route add 10.99.0.0/24 via "$IP_S"
    echo "$REDIR_RULES" | ns_s nft -f -
}
case_redir_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$REDIRAPPS" udp-plan --plan "$(redir_plan)" \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.3
    ns_s sysctl net.ipv4.ip_forward net.ipv4.conf.all.send_redirects "net.ipv4.conf.$IF_S.send_redirects" \
        net.ipv4.conf.all.shared_media net.ipv4.icmp_ratelimit net.ipv4.icmp_ratemask \
        >"$SNAP/sysctl-server-fwd.txt" 2>&1
    ns_s ip route show >"$SNAP/route-server.txt" 2>&1
}
case_redir_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv4.ip_forward": 1},
  "routes": {"server": "10.99.0.0/24 via $REDIR_GW (neighbour $REDIR_MAC_GW, permanent)", "client": "10.99.0.0/24 via $IP_S, accept_redirects 0"},
  "listeners": [{"proto": "udp", "port": 6200, "app": "NO listener on 6200"}],
  "nft_rules": {"server": $(jstr "$REDIR_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "one UDP socket: 20 datagrams 100 ms apart, even ones 100 bytes to 10.99.0.1:9, odd ones 200 bytes to 10.99.0.2:9"},
    {"t": "2.0 s", "action": "3 datagrams of 100 bytes to $IP_S:6200 (closed)"},
    {"t": "2.6 s", "action": "1 more to $IP_S:6200"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
