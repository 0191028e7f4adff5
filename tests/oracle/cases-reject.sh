# REJECT's answers on the way out, and REJECT before the routing decision. Sourced by
# cases.sh (its header says how to record).

CASES="$CASES nft-reject-out"

# ---------------------------------------------------------------- resets through OUTPUT
# The server's inet table: its input chain rejects tcp/5500 with a reset; its prerouting
# chain (before the routing decision, nf_reject routing the answer itself) rejects tcp/5600
# with a reset and udp/6600 with the default port unreachable. The output and postrouting
# chains count what leaves: the resets and ICMP errors cross them as ip_local_out() sends
# them. Traffic: 10 connect()s to 5500, 10 to 5600, then 5 datagrams to 6600.
NFT_REJECT_OUT_RULES='table inet filter {
  chain pre {
    type filter hook prerouting priority 0; policy accept;
    tcp dport 5600 counter reject with tcp reset
    udp dport 6600 counter reject
  }
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 5500 counter reject with tcp reset
  }
  chain output {
    type filter hook output priority 0; policy accept;
    tcp flags & rst == rst counter
    ip protocol icmp counter
    counter
  }
  chain post {
    type filter hook postrouting priority 0; policy accept;
    counter
  }
}'
case_nft_reject_out_setup() {
    echo "$NFT_REJECT_OUT_RULES" | ns_s nft -f -
}
case_nft_reject_out_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5500 --count 10 --wait 1.0 \
        --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli1.ready" 15
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5600 --count 10 --wait 1.0 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli2.ready" 15
    bg cli3 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6600 --count 5 --size 100 \
        --status "$WORK/cli3.json" --ready "$WORK/cli3.ready" --max-seconds 30
    wait_file "$WORK/cli3.ready" 20
    sleep 0.3
}
case_nft_reject_out_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [],
  "nft_rules": {"server": $(jstr "$NFT_REJECT_OUT_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "10 non-blocking TCP connect() to $IP_S:5500, then 1 s"},
    {"action": "10 non-blocking TCP connect() to $IP_S:5600, then 1 s"},
    {"action": "5 UDP datagrams, 100-byte payload, back-to-back to $IP_S:6600, 0.3 s"},
    {"action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES nft6-reject-pre"

# ---------------------------------------------------------------- IPv6, before the route
# nft-reject-out's prerouting half over IPv6 (as tcpwin_ipv6_on sets it up): the inet
# prerouting chain rejects tcp/5600 with a reset and udp/6600 with the default (ICMPv6 port
# unreachable); the output chain counts what nf_send_reset6 and icmpv6_send send. Traffic:
# 10 connect()s to [fd77::2]:5600, then 5 datagrams to [fd77::2]:6600.
NFT6_REJECT_PRE_RULES='table inet filter {
  chain pre {
    type filter hook prerouting priority 0; policy accept;
    tcp dport 5600 counter reject with tcp reset
    udp dport 6600 counter reject
  }
  chain output {
    type filter hook output priority 0; policy accept;
    tcp flags & rst == rst counter
    meta l4proto ipv6-icmp counter
    counter
  }
}'
case_nft6_reject_pre_setup() {
    tcpwin_ipv6_on
    echo "$NFT6_REJECT_PRE_RULES" | ns_s nft -f -
}
case_nft6_reject_pre_traffic() {
    nf6_connect_burst fd77::2 5600 10
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6600 --count 5 --size 100 \
        --status "$WORK/cli1.json"
    sleep 0.3
    tcpwin_end
}
case_nft6_reject_pre_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv6.conf.all.disable_ipv6": 0},
  "listeners": [],
  "nft_rules": {"server": $(jstr "$NFT6_REJECT_PRE_RULES"), "client": "freeze at end; ICMPv6 types 130-136 and 143 dropped"},
  "client_actions": [
    {"t": 0, "action": "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours"},
    {"action": "10 non-blocking connect() to [fd77::2]:5600, 1 s"},
    {"action": "5 UDP datagrams (100 bytes) back-to-back to [fd77::2]:6600, 0.3 s"},
    {"action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
