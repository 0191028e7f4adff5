# rxsim's own real-kernel oracle cases: more of what ../shared/oracle/lib/cases.sh records,
# in its pattern (setup, traffic, scenario), recorded with the shared tooling:
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME
#
# then scenario.yaml (the server host in rxsim's format) and expect.json (the kernel's
# counters in rxsim's JSON keys) are written from kernel.json and the snapshots, by hand,
# as the shared cases' are. test_oracle replays every case of both folders.

CASES="$CASES synq-syncookies-off udp-noport tcp-noport synq-syncookies-always icmp-frag udp-badcsum"

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

# ---------------------------------------------------------------- cookies for every SYN
# tcp_syncookies=2: every SYN gets a cookie, none a request sock.
case_synq_syncookies_always_setup()    { synq_setup 2; }
case_synq_syncookies_always_traffic()  { synq_traffic; }
case_synq_syncookies_always_scenario() { synq_scenario 2; }

# ---------------------------------------------------------------- fragmented pings
# 5 pings of 3000 bytes: each request arrives in 3 fragments (MTU 1500) and is reassembled;
# each reply leaves in 3 fragments.
case_icmp_frag_setup() { :; }
case_icmp_frag_traffic() {
    ns_c timeout 10 ping -n -c 5 -i 0.2 -W 1 -s 3000 "$IP_S" >"$WORK/ping.out" 2>&1 || true
    cp "$WORK/ping.out" "$OUT/ping.txt"
    sleep 0.3
}
case_icmp_frag_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "ping -c 5 -i 0.2 -s 3000 $IP_S (3008-byte ICMP echo requests, 3 IPv4 fragments each at MTU 1500)"},
    {"t": "+0.3 s after ping exits", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- UDP checksum errors
# 30 datagrams to a reading socket, every third with a wrong UDP checksum (scapy, L2).
case_udp_badcsum_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6300 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_udp_badcsum_traffic() {
    ns_c timeout 20 $PY - "$IF_C" "$IP_C" "$IP_S" "$MAC_C" "$MAC_S" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
iface, src, dst, smac, dmac = sys.argv[1:6]
frames = []
for i in range(30):
    u = UDP(sport=41000, dport=6300)
    if i % 3 == 2:
        u.chksum = 0x1234
    frames.append(Ether(src=smac, dst=dmac) / IP(src=src, dst=dst, id=2000 + i) / u / Raw(b"x" * 100))
sendp(frames, iface=iface, verbose=False)
PY
    sleep 0.5
}
case_udp_badcsum_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6300, "app": "reads every datagram"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "30 UDP datagrams (scapy sendp, L2) $IP_C:41000 -> $IP_S:6300, 100-byte payload, back-to-back; every third (i % 3 == 2) has UDP checksum 0x1234 (wrong)"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
