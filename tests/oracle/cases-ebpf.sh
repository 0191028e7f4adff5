# eBPF and classic BPF on the receive path, beside the XDP case of cases.sh: a tc ingress
# program, a socket filter, a SO_REUSEPORT group selected by a classic program. Sourced by
# cases.sh; recorded as its cases are:
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME
#
# The helpers are tests/oracle/bpfapps.py (udp-group, udp-send-seq); the tc program is
# tests/oracle/tc_oracle.bpf.c, built here by clang and kept beside the case.

CASES="$CASES tc-ingress-drop sockfilter-udp reuseport-cbpf"
BPFAPPS="${ORACLE_EXTRA_CASES%/*}/bpfapps.py"
TC_ORACLE_SRC="${ORACLE_EXTRA_CASES%/*}/tc_oracle.bpf.c"

# ---------------------------------------------------------------- a tc ingress program
# tc_oracle.o on the server veth's clsact ingress, direct action: UDP to 6311 is
# TC_ACT_SHOT, the rest TC_ACT_OK. tc runs after the taps, so the server's tcpdump sees all
# 200 frames. The client sends 100 datagrams to 6310 (a socket reading all), then 100 to 6311.
case_tc_ingress_drop_setup() {
    clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" -c "$TC_ORACLE_SRC" \
        -o "$OUT/tc_oracle.o"
    ns_s tc qdisc add dev "$IF_S" clsact
    ns_s tc filter add dev "$IF_S" ingress bpf da obj "$OUT/tc_oracle.o" sec tc
    ns_s tc -s filter show dev "$IF_S" ingress >"$SNAP/tc-filter-before.txt" 2>&1 || true
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6310 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_tc_ingress_drop_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6310 --count 100 --size 100 \
        --gap 0.002 --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6311 --count 100 --size 100 \
        --gap 0.002 --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    sleep 0.5
    ns_s tc -s qdisc show dev "$IF_S" >"$SNAP/tc-qdisc-after.txt" 2>&1 || true
    ns_s tc -s filter show dev "$IF_S" ingress >"$SNAP/tc-filter-after.txt" 2>&1 || true
}
case_tc_ingress_drop_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "tc": "tc qdisc add dev $IF_S clsact; tc filter add dev $IF_S ingress bpf da obj tc_oracle.o sec tc (tests/oracle/tc_oracle.bpf.c: UDP to 6311 TC_ACT_SHOT, the rest TC_ACT_OK)",
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6310, "app": "reads every datagram"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "100 UDP datagrams, 100-byte payload, 2 ms apart, to $IP_S:6310"},
    {"t": "after them", "action": "100 UDP datagrams, 100-byte payload, 2 ms apart, to $IP_S:6311"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- a UDP socket's filter
# SO_ATTACH_FILTER on the socket bound to 6320: "ldb [8]; jset #1 -> ret #0; ret #28", on the
# datagram from its UDP header: odd first payload bytes are refused, the others trimmed to
# the UDP header and 20 bytes. The client sends 100 datagrams numbered 0..99 in their first
# byte (bpfapps.py udp-send-seq), 2 ms apart; the socket reads them all.
SOCKFILTER_CBPF='4
48 0 0 8
69 1 0 1
6 0 0 28
6 0 0 0'
case_sockfilter_udp_setup() {
    bg srv ip netns exec "$NS_S" $PY "$BPFAPPS" udp-group --addr "$IP_S" --port 6320 --socks 1 \
        --filter "$SOCKFILTER_CBPF" --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_sockfilter_udp_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$BPFAPPS" udp-send-seq --dst "$IP_S" --port 6320 --count 100 \
        --size 100 --gap 0.002 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
}
case_sockfilter_udp_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6320, "app": "reads every datagram", "SO_ATTACH_FILTER": "ldb [8]; jset #1, drop; ret #28; drop: ret #0"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "100 UDP datagrams, 100-byte payload whose first byte is 0..99, 2 ms apart, to $IP_S:6320"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- a SO_REUSEPORT group
# Four UDP sockets bound to 6330 with SO_REUSEPORT, in order; SO_ATTACH_REUSEPORT_CBPF on the
# first: "ldb [0]; and #3; ret a", on the datagram past its UDP header: datagram i goes to
# socket i & 3, whatever the kernel's random hash secret. Sockets 0..2 read all; socket 3 never
# reads and has SO_RCVBUF 2048, so it overflows alone. The client sends 200 datagrams numbered
# in their first byte, 1 ms apart.
REUSEPORT_CBPF='3
48 0 0 0
84 0 0 3
22 0 0 0'
case_reuseport_cbpf_setup() {
    bg srv ip netns exec "$NS_S" $PY "$BPFAPPS" udp-group --addr "$IP_S" --port 6330 --socks 4 \
        --reuseport --reuseport-cbpf "$REUSEPORT_CBPF" --rcvbuf 0,0,0,2048 --read 1,1,1,0 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_reuseport_cbpf_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$BPFAPPS" udp-send-seq --dst "$IP_S" --port 6330 --count 200 \
        --size 100 --gap 0.001 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
}
case_reuseport_cbpf_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6330, "sockets": 4, "SO_REUSEPORT": 1,
                 "SO_ATTACH_REUSEPORT_CBPF": "on socket 0: ldb [0]; and #3; ret a",
                 "app": "sockets 0..2 read every datagram; socket 3 (SO_RCVBUF 2048) never reads"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "200 UDP datagrams, 100-byte payload whose first byte is 0..199, 1 ms apart, to $IP_S:6330"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- TCP listeners, an sk_reuseport
# program and a listener's filter
# Three TCP listeners bound to 5400 with SO_REUSEPORT, listen(8), listen(16) and listen(32) in
# that order, never accepting. tests/oracle/reuseport_oracle.bpf.c's select_oracle (SO_ATTACH_REUSEPORT_EBPF
# on the first, loaded with libbpf) picks the REUSEPORT_SOCKARRAY slot of the source port's low
# two bits: slot k holds listener k, slot 3 is SK_DROP (a socket can be in one slot only: a
# second update with its fd is -EBUSY). l1 also has SO_ATTACH_FILTER
# "ldh [0]; jeq #41005, drop; ret #262144", run from the TCP header: the SYN of port 41005
# (slot 1) is refused by the listener's filter. The client connect()s from ports 41000..41019 and waits
# 0.3 s (less than the 1 s SYN timeout: no SYN is resent before the freeze).
CASES="$CASES tcp-reuseport-skprog"
REUSEPORT_ORACLE_SRC="${ORACLE_EXTRA_CASES%/*}/reuseport_oracle.bpf.c"
TCP_FILTER_CBPF='4
40 0 0 0
21 0 1 41005
6 0 0 0
6 0 0 262144'
case_tcp_reuseport_skprog_setup() {
    clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" -c "$REUSEPORT_ORACLE_SRC" \
        -o "$OUT/reuseport_oracle.o"
    bg srv ip netns exec "$NS_S" $PY "$BPFAPPS" tcp-reuseport-group --addr "$IP_S" --port 5400 \
        --socks 3 --backlog 8,16,32 --filter-on 1 --filter "$TCP_FILTER_CBPF" \
        --bpf-obj "$OUT/reuseport_oracle.o" --bpf-prog select_oracle --bpf-map workers \
        --slots 0,1,2 --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_tcp_reuseport_skprog_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$BPFAPPS" tcp-connect-ports --dst "$IP_S" --port 5400 \
        --sport-base 41000 --count 20 --wait 0.3 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
}
case_tcp_reuseport_skprog_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": 5400, "sockets": 3, "SO_REUSEPORT": 1,
                 "backlog": [8, 16, 32], "app": "never calls accept()",
                 "SO_ATTACH_REUSEPORT_EBPF": "on l0: reuseport_oracle.o select_oracle; workers = {0: l0, 1: l1, 2: l2}",
                 "SO_ATTACH_FILTER": "on l1: ldh [0]; jeq #41005, drop; ret #262144"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "20 non-blocking connect() to $IP_S:5400 from source ports 41000..41019 in a tight loop"},
    {"t": 0.3, "action": "client output frozen (nft drop all), 0.5 s settle, then 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- UDP sockets, an sk_reuseport
# program
# Three UDP sockets bound to 6340 with SO_REUSEPORT, reading every datagram; the same
# select_oracle on the first, its sockarray holding s0, s1, s2 in slots 0..2; slot 3 is
# SK_DROP. The client sends 40 datagrams, each from its own source port 42000..42039, 2 ms apart.
CASES="$CASES udp-reuseport-skprog"
case_udp_reuseport_skprog_setup() {
    clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" -c "$REUSEPORT_ORACLE_SRC" \
        -o "$OUT/reuseport_oracle.o"
    bg srv ip netns exec "$NS_S" $PY "$BPFAPPS" udp-reuseport-group --addr "$IP_S" --port 6340 \
        --socks 3 --bpf-obj "$OUT/reuseport_oracle.o" --bpf-prog select_oracle --bpf-map workers \
        --slots 0,1,2 --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_udp_reuseport_skprog_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$BPFAPPS" udp-send-ports --dst "$IP_S" --port 6340 \
        --sport-base 42000 --count 40 --size 100 --gap 0.002 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.5
}
case_udp_reuseport_skprog_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6340, "sockets": 3, "SO_REUSEPORT": 1,
                 "app": "each reads every datagram",
                 "SO_ATTACH_REUSEPORT_EBPF": "on s0: reuseport_oracle.o select_oracle; workers = {0: s0, 1: s1, 2: s2}"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "40 UDP datagrams, 100-byte payload, each from its own source port 42000..42039, 2 ms apart, to $IP_S:6340"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
