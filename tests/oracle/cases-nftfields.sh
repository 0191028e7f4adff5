# Oracle cases of nftables' header fields, meta and ct keys, numgen and jhash (sourced by
# cases.sh).

CASES="$CASES nft-fields"

# ---------------------------------------------------------------- nft fields
# The server's input chain counts, rule by rule and without a verdict, the datagrams that
# match header fields (bit fields, masks, the MAC header), meta and ct keys (the
# connection's tuples, its time left), numgen counters and jhash buckets. Traffic: two
# client sockets (two source ports) send 30 datagrams each to 7001, where a sink reads.
NFT_FIELDS_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ip version 4 ip hdrlength 5 ip dscp cs0 ip ecn not-ect counter
    ip frag-off & 0x1fff == 0 ip frag-off & 0x4000 != 0 counter
    ip id 0 counter
    udp length 108 udp checksum != 0 counter
    ether daddr 02:00:0a:4d:00:02 ether saddr 02:00:0a:4d:00:01 ether type ip counter
    meta protocol ip meta iiftype ether meta priority none counter
    ct direction original ct l3proto ipv4 ct protocol udp counter
    ct original ip saddr 10.77.0.1 ct reply ip daddr 10.77.0.1 meta l4proto udp ct original proto-dst 7001 counter
    ct expiration < 1s counter
    numgen inc mod 3 0 counter
    numgen inc mod 3 offset 5 6 counter
    jhash ip saddr . udp sport mod 4 seed 0x1 0 counter
    jhash ip saddr . udp sport mod 4 seed 0x1 1 counter
    jhash ip saddr . udp sport mod 4 seed 0x1 2 counter
    jhash udp sport mod 2 seed 0x7 0 counter
    icmp code 3 counter
    counter
  }
}'
case_nft_fields_setup() {
    echo "$NFT_FIELDS_RULES" | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 7001 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_nft_fields_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 7001 --count 30 --size 100 \
        --gap 0.005 --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 7001 --count 30 --size 100 \
        --gap 0.005 --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    sleep 0.5
}
case_nft_fields_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 7001, "app": "reads every datagram"}],
  "nft_rules": {"server": $(jstr "$NFT_FIELDS_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "30 UDP datagrams, 100-byte payload, 5 ms apart, to $IP_S:7001 from one socket"},
    {"t": "after them", "action": "30 more from a second socket (another source port)"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
