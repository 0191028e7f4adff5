# rxsim's oracle case for the iptables matches that keep state over time: -m limit (xt_limit's
# token bucket in jiffies), -m hashlimit (a bucket per source port), -m recent (hit counts in
# a time window) and -m connlimit (connections counted in conntrack), loaded with
# iptables-restore (iptables 1.8.9, nf_tables backend: the kernel runs the xt matches through
# nft_compat) and read back with iptables-save -c. Sourced by cases.sh; record it with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ipt-limits $PWD/tests/oracle/cases/ipt-limits

CASES="$CASES ipt-limits"

IPT_LIMITS_RULES='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p udp -m udp --dport 6400 -m limit --limit 20/sec --limit-burst 5 -j ACCEPT
-A INPUT -p udp -m udp --dport 6400 -j DROP
-A INPUT -p udp -m udp --dport 6401 -m hashlimit --hashlimit-upto 10/sec --hashlimit-burst 4 --hashlimit-mode srcport --hashlimit-name hl1 -j ACCEPT
-A INPUT -p udp -m udp --dport 6401 -j DROP
-A INPUT -p udp -m udp --dport 6402 -m recent --rcheck --seconds 1 --hitcount 3 --name r1 --mask 255.255.255.255 --rsource -j DROP
-A INPUT -p udp -m udp --dport 6402 -m recent --set --name r1 --mask 255.255.255.255 --rsource
-A INPUT -p tcp -m tcp --dport 5400 --tcp-flags FIN,SYN,RST,ACK SYN -m connlimit --connlimit-above 3 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with tcp-reset
COMMIT'

case_ipt_limits_setup() {
    echo "$IPT_LIMITS_RULES" | ns_s iptables-restore
    for p in 6400 6401 6402; do
        bg srv$p ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port $p --read 1 \
            --status "$WORK/srv$p.json" --ready "$WORK/srv$p.ready" --max-seconds $APP_MAX
        server_ready srv$p
    done
    bg srvt ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port 5400 --backlog 16 \
        --status "$WORK/srvt.json" --ready "$WORK/srvt.ready" --max-seconds $APP_MAX
    server_ready srvt
}
case_ipt_limits_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6400 --count 100 --size 100 \
        --gap 0.005 --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6401 --count 60 --size 100 \
        --gap 0.005 --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    bg cli3 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6401 --count 60 --size 100 \
        --gap 0.005 --status "$WORK/cli3.json" --ready "$WORK/cli3.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    wait_file "$WORK/cli3.ready" 20
    bg cli4 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6402 --count 80 --size 100 \
        --gap 0.02 --status "$WORK/cli4.json" --ready "$WORK/cli4.ready" --max-seconds 30
    wait_file "$WORK/cli4.ready" 20
    bg cli5 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5400 --count 8 --wait 1.0 \
        --status "$WORK/cli5.json" --ready "$WORK/cli5.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli5.ready" 15
    sleep 2.2
    ns_s iptables-save -c >"$SNAP/iptables-save-after.txt" 2>&1 || true
    ns_s cat /proc/net/xt_recent/r1 >"$SNAP/xt_recent-r1.txt" 2>&1 || true
}
case_ipt_limits_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6400, "app": "reads every datagram"},
                {"proto": "udp", "addr": "$IP_S", "port": 6401, "app": "reads every datagram"},
                {"proto": "udp", "addr": "$IP_S", "port": 6402, "app": "reads every datagram"},
                {"proto": "tcp", "addr": "$IP_S", "port": 5400, "backlog": 16, "app": "never calls accept()"}],
  "iptables_rules": {"server": $(jstr "$IPT_LIMITS_RULES")},
  "nft_rules": {"server": "(iptables-nft)", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "100 UDP datagrams of 100 bytes to $IP_S:6400, 5 ms apart"},
    {"action": "two sockets at once, each 60 UDP datagrams of 100 bytes to $IP_S:6401, 5 ms apart"},
    {"action": "80 UDP datagrams of 100 bytes to $IP_S:6402, 20 ms apart"},
    {"action": "8 non-blocking TCP connect() to $IP_S:5400, kept open, 1 s"},
    {"action": "2.2 s, iptables-save -c, client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
