# rxsim's own real-kernel oracle cases: more of what ../shared/oracle/lib/cases.sh records,
# in its pattern (setup, traffic, scenario), recorded with the shared tooling:
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh NAME $PWD/tests/oracle/cases/NAME
#
# then scenario.yaml (the server host in rxsim's format) and expect.json (the kernel's
# counters in rxsim's JSON keys) are written from kernel.json and the snapshots, by hand,
# as the shared cases' are. The shared oracle's own five cases are copied beside these
# (tests/oracle/cases/{udp-rcvbuf,icmp-echo,nft-input-drop,accept-overflow,synq-syncookies-on}),
# with its checker (tests/oracle/check.py): test_oracle replays them all from this tree.

CASES="$CASES synq-syncookies-off udp-noport tcp-noport synq-syncookies-always icmp-frag udp-badcsum ip-bad-headers accept-cookies tcp-data nft-reject"

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

# ---------------------------------------------------------------- IPv4 headers that fail
# To a reading UDP socket (scapy, L2): 10 good datagrams, 5 with a wrong IP header checksum,
# 5 whose total length is longer than the frame, 5 to an address not the host's (forwarding
# off), 5 whose UDP length is longer than the datagram.
case_ip_bad_headers_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr 0.0.0.0 --port 6400 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_ip_bad_headers_traffic() {
    ns_c timeout 20 $PY - "$IF_C" "$IP_C" "$IP_S" "$MAC_C" "$MAC_S" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
iface, src, dst, smac, dmac = sys.argv[1:6]
def dgram(i, daddr=dst):
    return Ether(src=smac, dst=dmac) / IP(src=src, dst=daddr, id=3000 + i) / UDP(sport=42000, dport=6400) / Raw(b"y" * 64)
frames = []
for i in range(10):
    frames.append(bytes(dgram(i)))
for i in range(10, 15):                     # IP header checksum wrong
    p = dgram(i); p[IP].chksum = 0x4242; frames.append(bytes(p))
for i in range(15, 20):                     # IP total length past the frame
    p = dgram(i); p[IP].len = 200; frames.append(bytes(p))
for i in range(20, 25):                     # not our address
    frames.append(bytes(dgram(i, "10.77.0.99")))
for i in range(25, 30):                     # UDP length past the datagram
    p = dgram(i); p[UDP].len = 120; frames.append(bytes(p))
sendp([Ether(f) for f in frames], iface=iface, verbose=False)
PY
    sleep 0.5
}
case_ip_bad_headers_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "0.0.0.0", "port": 6400, "app": "reads every datagram"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "30 UDP datagrams (scapy sendp, L2) $IP_C:42000 -> :6400, 64-byte payload, back-to-back: 10 good; 5 with IP checksum 0x4242; 5 with IP total length 200 (frame shorter); 5 to 10.77.0.99 (not the server's, server MAC); 5 with UDP length 120 (datagram shorter)"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- cookies that come back
# tcp_syncookies=2 and listen(4), never accept()ed: 20 real connect()s, every SYN answered
# with a cookie, every handshake's ACK checked against it while the accept queue fills.
case_accept_cookies_setup() {
    ns_s sysctl -qw net.ipv4.tcp_syncookies=2
    bg srv ip netns exec "$NS_S" $PY "$APPS" tcp-listen-noaccept --addr "$IP_S" --port 5002 --backlog 4 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_accept_cookies_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5002 --count 20 --wait 3.5 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
}
case_accept_cookies_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv4.tcp_syncookies": 2},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": 5002, "backlog": 4, "app": "never calls accept()"}],
  "nft_rules": {"server": "", "client": "freeze at end: table inet oracle_freeze (output policy drop)"},
  "client_actions": [
    {"t": 0, "action": "20 non-blocking TCP connect() to $IP_S:5002 in a tight loop from one process (ephemeral ports), sockets kept open"},
    {"t": 3.5, "action": "client output frozen (nft drop all), 0.5 s settle, then 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- data on a connection
# A server that accepts and reads everything; one client connects, sends 20000 bytes in
# one send(), waits 0.3 s, and closes. The server keeps its end open (no FIN of its own).
case_tcp_data_setup() {
    bg srv ip netns exec "$NS_S" timeout $APP_MAX $PY -c '
import socket, sys, time, pathlib
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5003)); s.listen(16); pathlib.Path(sys.argv[2]).touch()
c, _ = s.accept(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
pathlib.Path(sys.argv[3]).write_text("{\"read\": %d}" % n)
time.sleep(30)' "$IP_S" "$WORK/srv.ready" "$WORK/srv.json"
    server_ready srv
}
case_tcp_data_traffic() {
    ns_c timeout 20 $PY -c '
import socket, sys, time
c = socket.create_connection((sys.argv[1], 5003)); c.sendall(b"z" * 20000)
time.sleep(0.3); c.close(); time.sleep(0.3)' "$IP_S"
    sleep 0.3
}
case_tcp_data_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "tcp", "addr": "$IP_S", "port": 5003, "backlog": 16, "app": "accepts, reads until EOF, keeps its end open"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "connect() to $IP_S:5003, sendall() of 20000 bytes"},
    {"t": 0.3, "action": "close() (FIN), then 0.3 s, then 0.3 s more"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ---------------------------------------------------------------- REJECT
# The server's INPUT chain rejects UDP to 6500 (ICMP port unreachable) and TCP to 5500 (a
# RST): 20 datagrams and 10 connect()s.
NFT_REJECT_RULES='table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport 6500 counter reject
    tcp dport 5500 counter reject with tcp reset
  }
}'
case_nft_reject_setup() {
    echo "$NFT_REJECT_RULES" | ns_s nft -f -
}
case_nft_reject_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6500 --count 20 --size 100 \
        --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" tcp-connect-burst --dst "$IP_S" --port 5500 --count 10 --wait 1.0 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli2.ready" 15
}
case_nft_reject_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [],
  "nft_rules": {"server": $(jstr "$NFT_REJECT_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "20 UDP datagrams, 100-byte payload, back-to-back to $IP_S:6500"},
    {"t": "after them", "action": "10 non-blocking TCP connect() to $IP_S:5500, then 1 s"},
    {"t": "+1 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES nft-set-limit"

# ---------------------------------------------------------------- nft sets and limits
# The server's input chain: a named interval set of trusted sources (the client is not in
# it), a named set of ports whose datagrams pass a shared limit of 10/s (burst 5) and are
# dropped above it, and a meter: a dynamic set keyed by source . port whose elements each
# carry their own limit (20/s, burst 3), over which datagrams are dropped. Traffic: 40
# datagrams to 7001 and then 40 to 7003, 10 ms apart; sinks read both ports.
NFT_SET_LIMIT_RULES='table inet filter {
  set trusted {
    type ipv4_addr
    flags interval
    elements = { 10.77.0.100/30, 192.0.2.0/24 }
  }
  set limited_ports {
    type inet_service
    elements = { 7001, 7002 }
  }
  set flows {
    type ipv4_addr . inet_service
    size 1024
    flags dynamic,timeout
    timeout 30s
  }
  chain input {
    type filter hook input priority 0; policy accept;
    ip saddr @trusted counter accept
    udp dport @limited_ports limit rate 10/second burst 5 packets counter accept
    udp dport @limited_ports counter drop
    udp dport 7003 update @flows { ip saddr . udp dport limit rate over 20/second burst 3 packets } counter drop
    udp dport 7003 counter
  }
}'
case_nft_set_limit_setup() {
    echo "$NFT_SET_LIMIT_RULES" | ns_s nft -f -
    bg srv1 ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 7001 --read 1 \
        --status "$WORK/srv1.json" --ready "$WORK/srv1.ready" --max-seconds $APP_MAX
    server_ready srv1
    bg srv2 ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 7003 --read 1 \
        --status "$WORK/srv2.json" --ready "$WORK/srv2.ready" --max-seconds $APP_MAX
    server_ready srv2
}
case_nft_set_limit_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 7001 --count 40 --size 100 \
        --gap 0.01 --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 7003 --count 40 --size 100 \
        --gap 0.01 --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    sleep 0.5
}
case_nft_set_limit_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 7001, "app": "reads every datagram"},
                {"proto": "udp", "addr": "$IP_S", "port": 7003, "app": "reads every datagram"}],
  "nft_rules": {"server": $(jstr "$NFT_SET_LIMIT_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "40 UDP datagrams, 100-byte payload, 10 ms apart, to $IP_S:7001"},
    {"t": "after them", "action": "40 UDP datagrams, 100-byte payload, 10 ms apart, to $IP_S:7003"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES nft-ingress"

# ---------------------------------------------------------------- nft netdev ingress
# A netdev table on the server's veth: its ingress chain drops UDP to 6000 and counts the
# rest, before IP (the taps see every frame). 30 datagrams to 6000 and 30 to 6001, where a
# sink reads; nothing on 6000 answers, since nothing reaches it.
nft_ingress_rules() {
    cat <<NFT
table netdev edge {
  chain in {
    type filter hook ingress device "$IF_S" priority -10; policy accept;
    udp dport 6000 counter drop
    counter
  }
}
NFT
}
case_nft_ingress_setup() {
    nft_ingress_rules | ns_s nft -f -
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6001 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_nft_ingress_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6000 --count 30 --size 100 \
        --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6001 --count 30 --size 100 \
        --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    sleep 0.5
}
case_nft_ingress_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6001, "app": "reads every datagram"}],
  "nft_rules": {"server": $(jstr "$(nft_ingress_rules)"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "30 UDP datagrams, 100-byte payload, back-to-back to $IP_S:6000"},
    {"t": "after them", "action": "30 UDP datagrams, 100-byte payload, back-to-back to $IP_S:6001"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES nft-quota-bytes"

# ---------------------------------------------------------------- nft quota, byte limits, vmap
# A verdict map sends UDP to 7101 into a chain with a quota (2 kbytes, then drop) and to 7102
# into one with a byte-rate limit (1 kbytes/second, over it drop); what those chains do not
# drop returns to the input chain's last rule. 30 datagrams to 7101 back-to-back, then 40 to
# 7102 10 ms apart; sinks read both ports.
NFT_QUOTA_BYTES_RULES='table inet filter {
  map ports {
    type inet_service : verdict
    elements = { 7101 : jump quota_in, 7102 : jump bytes_in }
  }
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport vmap @ports
    udp dport 7101-7102 counter
  }
  chain quota_in {
    quota over 2 kbytes counter drop
    counter
  }
  chain bytes_in {
    limit rate over 1 kbytes/second counter drop
    counter
  }
}'
case_nft_quota_bytes_setup() {
    echo "$NFT_QUOTA_BYTES_RULES" | ns_s nft -f -
    bg srv1 ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 7101 --read 1 \
        --status "$WORK/srv1.json" --ready "$WORK/srv1.ready" --max-seconds $APP_MAX
    server_ready srv1
    bg srv2 ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 7102 --read 1 \
        --status "$WORK/srv2.json" --ready "$WORK/srv2.ready" --max-seconds $APP_MAX
    server_ready srv2
}
case_nft_quota_bytes_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 7101 --count 30 --size 100 \
        --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 7102 --count 40 --size 100 \
        --gap 0.01 --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    sleep 0.5
}
case_nft_quota_bytes_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 7101, "app": "reads every datagram"},
                {"proto": "udp", "addr": "$IP_S", "port": 7102, "app": "reads every datagram"}],
  "nft_rules": {"server": $(jstr "$NFT_QUOTA_BYTES_RULES"), "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "30 UDP datagrams, 100-byte payload, back-to-back to $IP_S:7101"},
    {"t": "after them", "action": "40 UDP datagrams, 100-byte payload, 10 ms apart, to $IP_S:7102"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES client-txcsum"

# ---------------------------------------------------------------- a capture from the sender
# TX checksum offload ON at the client's end of the veth (run.sh turns it off), and the
# capture taken there, in the client netns, both directions (client-tx.pcap): every UDP and
# TCP frame the client sends is CHECKSUM_PARTIAL, so tcpdump sees in its L4 checksum field
# the folded pseudo-header sum the stack left for the NIC (__tcp_v4_send_check(),
# udp4_hwcsum()), not a checksum; veth hands the skb over as it is and the server trusts
# it. The server's frames (SYN-ACKs, ACKs) carry real checksums (its veth's TX is off).
# Replayed bare (`rxsim replay client-tx.pcap`, host = the server, its own frames skipped
# and its ISNs learned): with checksums: auto rxsim must count what the server counted.
# Traffic: 30 UDP datagrams to a reading socket on 514, then 3 TCP connections that each
# send 3000 bytes and close; the server reads each to EOF and keeps its end open.
case_client_txcsum_setup() {
    ns_c ethtool -K "$IF_C" tx on >/dev/null
    ns_c ethtool -k "$IF_C" >"$SNAP/ethtool-k-client.txt" 2>&1 || true
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr 0.0.0.0 --port 514 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    bg srvtcp ip netns exec "$NS_S" timeout $APP_MAX $PY -c '
import socket, sys, time, pathlib
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5004)); s.listen(16); pathlib.Path(sys.argv[2]).touch()
keep = []; n = 0
for i in range(3):
    c, _ = s.accept(); keep.append(c)
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    pathlib.Path(sys.argv[3]).write_text("{\"read\": %d, \"connections\": %d}" % (n, i + 1))
time.sleep(30)' "$IP_S" "$WORK/srvtcp.ready" "$WORK/srvtcp.json"
    wait_file "$WORK/srvtcp.ready" 15
    bg tcpdump-client ip netns exec "$NS_C" tcpdump -n -i "$IF_C" -U -s 0 -w "$OUT/client-tx.pcap"
    local i
    for i in $(seq 1 100); do
        grep -q "listening on" "$WORK/tcpdump-client.err" 2>/dev/null && break
        sleep 0.05
    done
}
case_client_txcsum_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 514 --count 30 --size 100 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 20
    sleep 0.2
    ns_c timeout 20 $PY -c '
import socket, sys, time
for i in range(3):
    c = socket.create_connection((sys.argv[1], 5004)); c.sendall(bytes([65 + i]) * 3000)
    time.sleep(0.1); c.close(); time.sleep(0.1)' "$IP_S"
    sleep 0.3
}
case_client_txcsum_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "offloads": {"client": "ethtool -K $IF_C tx on (TX checksum offload), tso/gso/gro off", "server": "tx off tso off gso off gro off"},
  "capture_client": "client-tx.pcap: tcpdump -i $IF_C (client netns), both directions",
  "listeners": [{"proto": "udp", "addr": "0.0.0.0", "port": 514, "app": "reads every datagram"},
                {"proto": "tcp", "addr": "$IP_S", "port": 5004, "backlog": 16, "app": "accepts, reads each connection to EOF, keeps its end open"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "30 UDP datagrams, 100-byte payload, one socket, back-to-back to $IP_S:514"},
    {"t": "+0.2 s", "action": "3 times: connect() to $IP_S:5004, sendall() of 3000 bytes, 0.1 s, close(), 0.1 s"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES mcast-join"

# ---------------------------------------------------------------- a joined multicast group
# The server has two UDP sockets on 0.0.0.0:5353 (SO_REUSEADDR): the first joined 239.1.1.1
# (IP_ADD_MEMBERSHIP on its veth), the second joined nothing; both read everything. The
# client (IP_MULTICAST_IF, no route needed) sends 10 datagrams to 239.1.1.1:5353, 5 to
# 239.2.2.2:5353 (a group nobody joined) and 5 to 239.1.1.1:5354 (no socket on the port).
MCAST_PY="${ORACLE_EXTRA_CASES%/*}/mcast.py"
case_mcast_join_setup() {
    bg srv ip netns exec "$NS_S" $PY "$MCAST_PY" server --port 5353 --join 239.1.1.1 \
        --iface-addr "$IP_S" --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    sleep 0.3   # the IGMP reports of the join leave the server before the captures start
}
case_mcast_join_traffic() {
    local dst port n i=0
    for spec in 239.1.1.1:5353:10 239.2.2.2:5353:5 239.1.1.1:5354:5; do
        IFS=: read -r dst port n <<<"$spec"
        i=$((i + 1))
        ns_c timeout 10 $PY "$MCAST_PY" send --dst "$dst" --port "$port" --count "$n" --size 100 \
            --iface-addr "$IP_C" --status "$WORK/cli$i.json"
        sleep 0.1
    done
    sleep 0.3
}
case_mcast_join_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "0.0.0.0", "port": 5353, "joined": "239.1.1.1 on the server veth", "app": "reads everything"},
                {"proto": "udp", "addr": "0.0.0.0", "port": 5353, "joined": "nothing (IP_MULTICAST_ALL 1, the default)", "app": "reads everything"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "10 UDP datagrams, 100-byte payload, to 239.1.1.1:5353 (IP_MULTICAST_IF $IP_C), back-to-back"},
    {"t": "+0.1 s", "action": "5 to 239.2.2.2:5353 (nobody joined it)"},
    {"t": "+0.1 s", "action": "5 to 239.1.1.1:5354 (no socket on the port)"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

CASES="$CASES vlan-notags"

# ---------------------------------------------------------------- 802.1Q tags, no VLAN device
# This kernel is built without CONFIG_VLAN_8021Q, so no VLAN device can be created; what it
# can show is the path of a tag that no device takes (__netif_receive_skb_core: skb_vlan_untag,
# vlan_do_receive finds nothing, a non-zero id marks the frame PACKET_OTHERHOST and ip_rcv_core
# drops it). To a reading UDP socket (scapy, L2): 10 untagged datagrams, 10 in an 802.1Q tag
# id 202, 10 priority-tagged (id 0, PCP 5), 5 Q-in-Q (802.1ad id 100 over 802.1Q id 202),
# 5 priority-tagged over an inner 802.1Q id 202, 5 priority-tagged over an inner priority tag.
case_vlan_notags_setup() {
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr 0.0.0.0 --port 6600 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_vlan_notags_traffic() {
    ns_c timeout 20 $PY - "$IF_C" "$IP_C" "$IP_S" "$MAC_C" "$MAC_S" <<'PY'
import sys
from scapy.all import Ether, Dot1Q, Dot1AD, IP, UDP, Raw, sendp
iface, src, dst, smac, dmac = sys.argv[1:6]
def inner(i):
    return IP(src=src, dst=dst, id=4000 + i) / UDP(sport=43000, dport=6600) / Raw(b"v" * 64)
eth = Ether(src=smac, dst=dmac)
frames = []
for i in range(10):                         # untagged
    frames.append(eth / inner(i))
for i in range(10, 20):                     # 802.1Q id 202
    frames.append(eth / Dot1Q(vlan=202) / inner(i))
for i in range(20, 30):                     # priority tag: id 0, PCP 5
    frames.append(eth / Dot1Q(prio=5, vlan=0) / inner(i))
for i in range(30, 35):                     # Q-in-Q: 802.1ad id 100 over 802.1Q id 202
    frames.append(eth / Dot1AD(vlan=100) / Dot1Q(vlan=202) / inner(i))
for i in range(35, 40):                     # priority tag over 802.1Q id 202
    frames.append(eth / Dot1Q(vlan=0) / Dot1Q(vlan=202) / inner(i))
for i in range(40, 45):                     # priority tag over a priority tag
    frames.append(eth / Dot1Q(vlan=0) / Dot1Q(prio=3, vlan=0) / inner(i))
sendp(frames, iface=iface, verbose=False)
PY
    sleep 0.5
}
case_vlan_notags_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [{"proto": "udp", "addr": "0.0.0.0", "port": 6600, "app": "reads every datagram"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "45 UDP datagrams (scapy sendp, L2) $IP_C:43000 -> $IP_S:6600, 64-byte payload, back-to-back: 10 untagged; 10 in 802.1Q id 202; 10 priority-tagged (802.1Q id 0, PCP 5); 5 802.1ad id 100 over 802.1Q id 202; 5 802.1Q id 0 over 802.1Q id 202; 5 802.1Q id 0 over 802.1Q id 0 (PCP 3)"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# ================================================================ issue 21
# The receive window and receive memory, and the other mechanisms a 6.18 kernel disagreed
# with rxsim on. Helpers: tests/oracle/tcpwin.py. Recorded into tests/oracle/pending/NAME
# (run-all.sh -o, twice each), which test_oracle does not replay: a case moves to
# tests/oracle/cases/ and test_oracle's table once rxsim matches it (docs/tcp-window.md). The TCP cases also keep `ss -tnmie` of
# both ends at the end of the traffic (snapshots/ss-tnmie-{server,client}.txt): rcv_wnd,
# rcv_ssthresh, rcv_space and skmem of each connection.
CASES="$CASES tcp-rcvbuf-noread tcp-rcvbuf-slowread tcp-overwindow tcp-dupdata udp6-noport udp-bcast-bound tcp-acceptq-full sock-min-rcvbuf"
TCPWIN_PY="${ORACLE_EXTRA_CASES%/*}/tcpwin.py"

tcpwin_snap_ss() {
    ns_s ss -tnmie >"$SNAP/ss-tnmie-server.txt" 2>&1 || true
    ns_c ss -tnmie >"$SNAP/ss-tnmie-client.txt" 2>&1 || true
    ns_s ss -ltnm >"$SNAP/ss-ltnm-server.txt" 2>&1 || true
}
# The end of every case here: ss, then the client frozen a second before run.sh freezes it
# again. tcpdump (TPACKET_V3) hands over a block of frames when it fills or when its 1 s
# timeout retires it, and stops at SIGINT without reading the block in progress: frames of
# the last second before the captures stop can be missing from the pcaps though the kernel
# counted them (seen once: a full.pcap with 0 of 30 frames). A quiet second keeps them.
tcpwin_end() {
    tcpwin_snap_ss
    freeze_client
    sleep 0.6
}
# A raw (scapy) client: its kernel must not answer the server's segments with RSTs.
# A raw (scapy) client of tcpwin.py's MODE against PORT, then SETTLE seconds and the end.
tcpwin_scapy_client() {   # mode port settle
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" "$1" --iface "$IF_C" \
        --src "$IP_C" --dst "$IP_S" --port "$2" --smac "$MAC_C" --dmac "$MAC_S" \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 25
    sleep "$3"
    tcpwin_end
}
tcpwin_client_norst() {
    ns_c nft -f - <<'NFT'
table inet oracle_client {
  chain out { type filter hook output priority 0; tcp flags & rst == rst counter drop; }
}
NFT
}
tcpwin_server() {   # port rcvbuf read [backlog accept]
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" tcp-server --addr "$IP_S" --port "$1" --rcvbuf "$2" \
        --read "$3" --backlog "${4:-16}" --accept "${5:-1}" \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
tcpwin_scenario() {   # listeners-json sysctls-json client-action...
    local l=$1 s=$2; shift 2
    local acts="" a
    for a in "$@"; do acts="$acts${acts:+,
    }{\"action\": $(jstr "$a")}"; done
    cat <<JSON
{
$(scn_common)
  "sysctls_set": $s,
  "listeners": $l,
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    $acts
  ]
}
JSON
}

# ---------------------------------------------------------------- a buffer that fills
# A listener with SO_RCVBUF 8192 (sk_rcvbuf 16384, locked) accepts and never reads; the
# client pushes 200 KB: the window closes, the client probes it.
case_tcp_rcvbuf_noread_setup() { tcpwin_server 5010 8192 never; }
case_tcp_rcvbuf_noread_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-push --dst "$IP_S" --port 5010 --bytes 200000 \
        --wait 1.0 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
    tcpwin_end
}
case_tcp_rcvbuf_noread_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5010, \"backlog\": 16, \"SO_RCVBUF\": 8192, \"app\": \"accepts, never reads\"}]" '{}' \
        "t 0: connect() to $IP_S:5010, non-blocking send() of 200000 bytes as the window allows, for 1.0 s" \
        "then ss -tnmie on both ends, client output frozen, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- a slow reader
# Default buffers; the server reads 8192 bytes every 10 ms (receive autotuning); the client
# pushes 400 KB.
# A reader the scenario states exactly: every 200 ms after accept() one recv() takes all
# that is queued; the client sends chunk i at connect + 100 ms + i * 200 ms, each chunk
# smaller than the window then open, so nothing arrives while the reader holds the socket
# (no backlog) and no read's ACK makes the client send. Chunk sizes vary so that
# tcp_rcv_space_adjust() grows sk_rcvbuf and some reads send a window update.
# Without timestamps the receiver's RTT (rcv_rtt_est) comes from the window alone and only
# ever falls: the first chunk, more than one window, gives a sample of a millisecond or less,
# so every read (200 ms apart) measures. With timestamps each chunk's first segment echoed a
# TSval 100-160 ms old, the estimate came near the read interval, and two runs differed in
# which reads measured.
SLOWREAD_CHUNKS=70000,8000,24000,36000,12000,36000,20000,8000,30000,6000
# The client's tail loss probe (2 ms after a chunk's end, before the server's 40 ms delayed
# ACK) raced the delayed ACK (3 and 5 probes in two runs): net.ipv4.tcp_early_retrans=0 in
# the client netns turns it off.
case_tcp_rcvbuf_slowread_setup() {
    ns_c sysctl -qw net.ipv4.tcp_early_retrans=0 net.ipv4.tcp_timestamps=0
    tcpwin_server 5011 0 drain:200
}
case_tcp_rcvbuf_slowread_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-paced --dst "$IP_S" --port 5011 \
        --chunks $SLOWREAD_CHUNKS --every 200 --offset 100 \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
    sleep 0.25
    tcpwin_end
}
case_tcp_rcvbuf_slowread_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5011, \"backlog\": 16, \"app\": \"accepts one connection; every 200 ms after accept() one non-blocking recv(4 MiB)\"}]" '{"client: net.ipv4.tcp_early_retrans": 0, "client: net.ipv4.tcp_timestamps": 0}' \
        "t 0: connect() to $IP_S:5011; chunk i (bytes: $SLOWREAD_CHUNKS) with one blocking sendall() at connect + 100 ms + i * 200 ms" \
        "0.25 s after the last chunk: ss -tnmie on both ends, client output frozen, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- data past the window
case_tcp_overwindow_setup() { tcpwin_client_norst; tcpwin_server 5012 4096 never; }
case_tcp_overwindow_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" scapy-tcp --script overwindow --iface "$IF_C" \
        --src "$IP_C" --dst "$IP_S" --port 5012 --smac "$MAC_C" --dmac "$MAC_S" \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 25
    sleep 0.3
    tcpwin_end
}
case_tcp_overwindow_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5012, \"backlog\": 16, \"SO_RCVBUF\": 4096, \"app\": \"accepts, never reads\"}]" '{}' \
        "scapy (L2) from $IP_C:44000, ISN 1000000: SYN (MSS 1460, SACK perm, wscale 7, no timestamps), the SYN-ACK read, the handshake ACK" \
        "then, 0.1 s apart (relative seq:bytes): 0:1000 1000:1000 2000:1000, 100000:1000 three times, 3000..10000 in 1000-byte steps, 0.3 s, 11000:1 twice" \
        "the client's kernel RSTs are dropped by nft (table inet oracle_client); +0.3 s ss, freeze, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- duplicate data
case_tcp_dupdata_setup() { tcpwin_client_norst; tcpwin_server 5013 0 never; }
case_tcp_dupdata_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" scapy-tcp --script dupdata --iface "$IF_C" \
        --src "$IP_C" --dst "$IP_S" --port 5013 --smac "$MAC_C" --dmac "$MAC_S" \
        --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds 30
    wait_file "$WORK/cli.ready" 25
    sleep 0.3
    tcpwin_end
}
case_tcp_dupdata_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5013, \"backlog\": 16, \"app\": \"accepts, never reads\"}]" '{}' \
        "scapy (L2) from $IP_C:44000, ISN 1000000: SYN (MSS 1460, SACK perm, wscale 7, no timestamps), the SYN-ACK read, the handshake ACK" \
        "then, 0.1 s apart (relative seq:bytes): 0:1000 1000:1000 2000:1000, 1000:1000 (old), 2500:1000 (half old), 5000:1000 (ahead), 5000:1000 (again), 3500:1000 4500:500 (the hole), 0:500 (old)" \
        "the client's kernel RSTs are dropped by nft; +0.3 s ss, freeze, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- ICMPv6 rate limits
# IPv6 on in both netns (fd77::1, fd77::2 /64, nodad, static neighbours; the client's
# own ND, MLD and RS are dropped at its output so the capture holds only the datagrams):
# 200 datagrams to a closed port.
tcpwin_ipv6_on() {
    local ns
    for ns in "$NS_C" "$NS_S"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
            net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
            net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    done
    ns_c sysctl -qw net.ipv6.conf.$IF_C.accept_dad=0 net.ipv6.conf.$IF_C.router_solicitations=0 \
        net.ipv6.conf.$IF_C.disable_ipv6=0
    ns_s sysctl -qw net.ipv6.conf.$IF_S.accept_dad=0 net.ipv6.conf.$IF_S.router_solicitations=0 \
        net.ipv6.conf.$IF_S.disable_ipv6=0
    ns_c nft -f - <<'NFT'
table inet oracle_client6 {
  chain out { type filter hook output priority 0; icmpv6 type { 130, 131, 132, 133, 134, 135, 136, 143 } counter drop; }
}
NFT
    ip -n "$NS_C" addr add fd77::1/64 dev "$IF_C" nodad
    ip -n "$NS_S" addr add fd77::2/64 dev "$IF_S" nodad
    ip -n "$NS_C" -6 neigh replace fd77::2 lladdr "$MAC_S" dev "$IF_C" nud permanent
    ip -n "$NS_S" -6 neigh replace fd77::1 lladdr "$MAC_C" dev "$IF_S" nud permanent
    ns_s sysctl net.ipv6.icmp.ratelimit net.ipv6.icmp.ratemask net.ipv6.icmp.echo_ignore_all \
        net.ipv4.icmp_msgs_per_sec net.ipv4.icmp_msgs_burst >"$SNAP/sysctl-server-ipv6.txt" 2>&1 || true
    # MLDv2's unsolicited reports of the groups the addresses joined (2, up to 1 s apart)
    # leave before the 'before' snapshot
    sleep 3.5
}
case_udp6_noport_setup() { tcpwin_ipv6_on; }
case_udp6_noport_traffic() {
    ns_c timeout 20 $PY "$TCPWIN_PY" udp-send --v6 --dst fd77::2 --port 6200 --count 200 --size 100 \
        --status "$WORK/cli.json"
    sleep 0.5
    tcpwin_end
}
case_udp6_noport_scenario() {
    tcpwin_scenario '[{"proto": "udp", "port": 6200, "app": "NO listener on 6200"}]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours; client output of ICMPv6 types 130-136 and 143 dropped (no ND/MLD/RS in the capture)" \
        "t 0: 200 UDP datagrams, 100-byte payload, one socket, back-to-back to [fd77::2]:6200" \
        "+0.5 s: client output frozen, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- broadcast, multicast, bound addresses
# Five UDP sockets on port 7000, each bound to another address, all reading: 0.0.0.0,
# 10.77.0.2, 10.77.0.255, 255.255.255.255, 239.1.1.1 (which joined 239.1.1.1 on the veth).
# The client sends 5 datagrams to each of 10.77.0.255, 255.255.255.255, 239.1.1.1 and
# 10.77.0.2, then 3 pings to 10.77.0.255 (icmp_echo_ignore_broadcasts 1, the default).
case_udp_bcast_bound_setup() {
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" udp-multi --port 7000 \
        --bind 239.1.1.1,0.0.0.0,10.77.0.2,10.77.0.255,255.255.255.255 --join "239.1.1.1@$IP_S" \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    ns_s sysctl net.ipv4.icmp_echo_ignore_broadcasts >"$SNAP/sysctl-server-bcast.txt" 2>&1 || true
    sleep 2.5   # the join's IGMP reports (2, up to 1 s apart) leave before the captures start
}
case_udp_bcast_bound_traffic() {
    local i=0 d
    for d in 10.77.0.255 255.255.255.255 10.77.0.2; do
        i=$((i + 1))
        ns_c timeout 10 $PY "$TCPWIN_PY" udp-send --bcast --iface "$IF_C" --dst $d --port 7000 --count 5 --size 100 \
            --status "$WORK/cli$i.json"
        sleep 0.1
    done
    ns_c timeout 10 $PY "$TCPWIN_PY" udp-send --dst 239.1.1.1 --port 7000 --count 5 --size 100 \
        --iface-addr "$IP_C" --status "$WORK/cli4.json"
    sleep 0.1
    ns_c timeout 10 ping -n -b -c 3 -i 0.2 -W 1 10.77.0.255 >"$WORK/ping.out" 2>&1 || true
    cp "$WORK/ping.out" "$OUT/ping.txt"
    sleep 0.3
    tcpwin_end
}
case_udp_bcast_bound_scenario() {
    tcpwin_scenario '[{"proto": "udp", "port": 7000, "bind": ["239.1.1.1 (joined 239.1.1.1 on the veth)", "0.0.0.0", "10.77.0.2", "10.77.0.255", "255.255.255.255"], "app": "each reads everything"}]' '{}' \
        "5 UDP datagrams (100 bytes, SO_BROADCAST) to 10.77.0.255:7000, +0.1 s 5 to 255.255.255.255:7000, +0.1 s 5 to 10.77.0.2:7000" \
        "+0.1 s: 5 to 239.1.1.1:7000 (IP_MULTICAST_IF $IP_C)" \
        "+0.1 s: ping -b -c 3 -i 0.2 10.77.0.255; +0.3 s freeze, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- an accept queue full of handshakes
# listen(2), never accept(): five raw (scapy) connections whose SYNs and handshake ACKs are
# interleaved (SYN A B C, ACK A, SYN D, ACK B, SYN E, ACK C) so that every SYN finds room in
# the SYN queue (qlen <= 2) and the accept queue (ack_backlog <= 2), then the ACKs of D and
# E find the accept queue full (3 > 2), and D's ACK comes once more 0.3 s later.
case_tcp_acceptq_full_setup() { tcpwin_client_norst; tcpwin_server 5014 0 never 2 0; }
case_tcp_acceptq_full_traffic() { tcpwin_scapy_client scapy-acceptq 5014 0.2; }
case_tcp_acceptq_full_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5014, \"backlog\": 2, \"app\": \"never calls accept()\"}]" '{}' \
        "scapy (L2), connections A..E from $IP_C:45000..45004 (ISN 2000000*(i+1), MSS 1460, SACK perm, wscale 7), about 0.1 s apart: SYN A, SYN B, SYN C, ACK A, SYN D, ACK B, SYN E, ACK C, ACK D, ACK E, 0.2 s, ACK D" \
        "each ACK sent once its SYN-ACK was seen; the client's kernel RSTs dropped by nft; +0.2 s ss, freeze, 0.5 s settle, 'after' snapshot"
}

# ---------------------------------------------------------------- the smallest receive buffers
# Three UDP sockets on 10.77.0.2:7100, :7101, :7102 with SO_RCVBUF 2048, 1000 and 1
# (SO_SNDBUF 1000 on each), never reading; 10 datagrams of 100 bytes to each.
case_sock_min_rcvbuf_setup() {
    local p b i=0
    for b in 2048 1000 1; do
        p=$((7100 + i)); i=$((i + 1))
        bg srv$i ip netns exec "$NS_S" $PY "$TCPWIN_PY" udp-multi --port $p --bind "$IP_S" --rcvbufs $b \
            --sndbuf 1000 --read 0 --status "$WORK/srv$i.json" --ready "$WORK/srv$i.ready" --max-seconds $APP_MAX
        server_ready srv$i
    done
}
case_sock_min_rcvbuf_traffic() {
    local p
    for p in 7100 7101 7102; do
        ns_c timeout 10 $PY "$TCPWIN_PY" udp-send --dst "$IP_S" --port $p --count 10 --size 100 \
            --status "$WORK/cli$p.json"
        sleep 0.1
    done
    sleep 0.3
    tcpwin_end
}
case_sock_min_rcvbuf_scenario() {
    tcpwin_scenario "[{\"proto\": \"udp\", \"addr\": \"$IP_S\", \"port\": 7100, \"SO_RCVBUF\": 2048, \"app\": \"never reads\"}, {\"proto\": \"udp\", \"addr\": \"$IP_S\", \"port\": 7101, \"SO_RCVBUF\": 1000, \"app\": \"never reads\"}, {\"proto\": \"udp\", \"addr\": \"$IP_S\", \"port\": 7102, \"SO_RCVBUF\": 1, \"app\": \"never reads\"}]" '{}' \
        "each socket also SO_SNDBUF 1000; 10 UDP datagrams (100 bytes) to $IP_S:7100, +0.1 s 10 to :7101, +0.1 s 10 to :7102" \
        "+0.3 s freeze, 0.5 s settle, 'after' snapshot"
}

CASES="$CASES tcp6-rcvbuf-noread"

# ---------------------------------------------------------------- the same over IPv6
# tcp-rcvbuf-noread between fd77::1 and fd77::2 (IPv6 set up as for udp6-noport): the same
# window arithmetic with IPv6's MSS (1440, 1428 with timestamps).
case_tcp6_rcvbuf_noread_setup() {
    tcpwin_ipv6_on
    bg srv ip netns exec "$NS_S" $PY "$TCPWIN_PY" tcp-server --addr fd77::2 --port 5010 --rcvbuf 8192 \
        --read never --backlog 16 --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
}
case_tcp6_rcvbuf_noread_traffic() {
    bg cli ip netns exec "$NS_C" $PY "$TCPWIN_PY" tcp-push --dst fd77::2 --port 5010 --bytes 200000 \
        --wait 1.0 --status "$WORK/cli.json" --ready "$WORK/cli.ready" --max-seconds $APP_MAX
    wait_file "$WORK/cli.ready" 15
    tcpwin_end
}
case_tcp6_rcvbuf_noread_scenario() {
    tcpwin_scenario '[{"proto": "tcp", "addr": "fd77::2", "port": 5010, "backlog": 16, "SO_RCVBUF": 8192, "app": "accepts, never reads"}]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours; client output of ICMPv6 types 130-136 and 143 dropped" \
        "t 0: connect() to [fd77::2]:5010, non-blocking send() of 200000 bytes as the window allows, for 1.0 s" \
        "then ss -tnmie on both ends, client output frozen, 0.5 s settle, 'after' snapshot"
}

CASES="$CASES xdp-generic-drop"

# ---------------------------------------------------------------- an XDP program, generic
# tests/oracle/xdp_oracle.bpf.c, built by clang (kept as xdp_oracle.o beside the case: the
# very object the kernel ran), attached to the server's veth with `ip link set dev IF
# xdpgeneric obj xdp_oracle.o sec xdp`: UDP to 6301 is dropped in netif_receive_skb, before
# the taps, so the server's tcpdump never sees it; the capture replayed is the client's
# (tcpdump --direction=out on its veth: what the server's veth received). UDP to 6300 passes
# to a socket that reads every datagram. The client sends 100 datagrams to 6300, then 100 to
# 6301, 2 ms apart.
XDP_ORACLE_SRC="${ORACLE_EXTRA_CASES%/*}/xdp_oracle.bpf.c"
case_xdp_generic_drop_setup() {
    clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" -c "$XDP_ORACLE_SRC" \
        -o "$OUT/xdp_oracle.o"
    ns_s ip link set dev "$IF_S" xdpgeneric obj "$OUT/xdp_oracle.o" sec xdp
    ns_s ip -d link show dev "$IF_S" >"$SNAP/ip-link-xdp.txt" 2>&1 || true
    bg srv ip netns exec "$NS_S" $PY "$APPS" udp-sink --addr "$IP_S" --port 6300 --read 1 \
        --status "$WORK/srv.json" --ready "$WORK/srv.ready" --max-seconds $APP_MAX
    server_ready srv
    bg tcpdump-client ip netns exec "$NS_C" tcpdump -n -i "$IF_C" --direction=out -U -s 0 \
        -w "$OUT/client-tx.pcap"
    local i
    for i in $(seq 1 100); do
        grep -q "listening on" "$WORK/tcpdump-client.err" 2>/dev/null && break
        sleep 0.05
    done
}
case_xdp_generic_drop_traffic() {
    bg cli1 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6300 --count 100 --size 100 \
        --gap 0.002 --status "$WORK/cli1.json" --ready "$WORK/cli1.ready" --max-seconds 30
    wait_file "$WORK/cli1.ready" 20
    bg cli2 ip netns exec "$NS_C" $PY "$APPS" udp-send --dst "$IP_S" --port 6301 --count 100 --size 100 \
        --gap 0.002 --status "$WORK/cli2.json" --ready "$WORK/cli2.ready" --max-seconds 30
    wait_file "$WORK/cli2.ready" 20
    sleep 0.5
    ns_s ip -s -d link show dev "$IF_S" >"$SNAP/ip-link-xdp-after.txt" 2>&1 || true
}
case_xdp_generic_drop_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {},
  "xdp": "ip link set dev $IF_S xdpgeneric obj xdp_oracle.o sec xdp (tests/oracle/xdp_oracle.bpf.c: UDP to 6301 XDP_DROP, the rest XDP_PASS)",
  "capture_client": "client-tx.pcap: tcpdump -i $IF_C --direction=out (client netns)",
  "listeners": [{"proto": "udp", "addr": "$IP_S", "port": 6300, "app": "reads every datagram"}],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "100 UDP datagrams, 100-byte payload, 2 ms apart, to $IP_S:6300"},
    {"t": "after them", "action": "100 UDP datagrams, 100-byte payload, 2 ms apart, to $IP_S:6301"},
    {"t": "+0.5 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}

# A scapy sender of tests/oracle (SCRIPT ARGS...) from the client's veth, with its addresses:
# --iface, --smac, --dmac here, --src and --dst in ARGS (an IPv4 or an IPv6 pair).
oracle_scapy() {
    local script=$1
    shift
    ns_c timeout 60 $PY "$(dirname "${BASH_SOURCE[0]}")/$script" --iface "$IF_C" \
        --smac "$MAC_C" --dmac "$MAC_S" "$@" >"$WORK/$script.out" 2>&1 || cat "$WORK/$script.out" >&2
}

# More cases, a file per topic beside this one (cases-TOPIC.sh), each adding to $CASES.
for extra in "$(dirname "${BASH_SOURCE[0]}")"/cases-*.sh; do
    [ -e "$extra" ] && source "$extra"
done
