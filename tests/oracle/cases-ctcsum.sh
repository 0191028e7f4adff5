# Wrong checksums when conntrack runs (nf_conntrack_checksum 1): conntrack's error handlers
# (tcp_error(), udp_error(), icmp_error()) check them at PREROUTING and give such packets
# no entry, so a rule on `ct state invalid` sees them before UDP, TCP and ICMP would count a
# checksum error. tests/oracle/badcsum.py sends them with scapy. Sourced by cases.sh; record
# with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ct-badcsum $PWD/tests/oracle/cases/ct-badcsum

CASES="$CASES ct-badcsum"

NFT_CT_CSUM_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state invalid counter drop
    ct state new counter
    ct state established counter
  }
}'
case_ct_badcsum_setup() {
    echo "$NFT_CT_CSUM_RULES" | ns_s nft -f -
    ns_c nft -f - <<'EOF'
table inet oracle_client {
  chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; }
}
EOF
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6210 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    bg srv2 ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port 5070 --backlog 8 \
        --status "$WORK/srv2.json" --ready "$WORK/srv2.ready" --max-seconds $APP_MAX
    server_ready srv2
}
case_ct_badcsum_traffic() {
    oracle_scapy badcsum.py --src "$IP_C" --dst "$IP_S" --udp 6210 --tcp 5070
    sleep 0.5
    ns_s nft list ruleset >"$OUT/nft-after.txt" 2>&1 || true
}
case_ct_badcsum_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6210, "app": "reads every datagram"},
                {"proto": "tcp", "addr": "$IP_S", "port": 5070, "backlog": 8, "app": "never calls accept()"}],
  "nft_rules": {"server": $(jstr "$NFT_CT_CSUM_RULES"), "client": "tcp resets dropped at output (+ freeze at end)"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/badcsum.py): 18 packets 20 ms apart, three of each: UDP to :6210 with a wrong checksum, with none, a TCP SYN to :5070 with a wrong checksum, an echo request with a wrong one, UDP and an echo request with right ones"},
    {"t": "+0.5 s", "action": "nft list ruleset, client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
