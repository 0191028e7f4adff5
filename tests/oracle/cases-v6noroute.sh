# IPv6 to addresses not the server's with forwarding OFF: which are Ip6InAddrErrors (a route
# exists, ip6_forward() finds forwarding off) and which Ip6InNoRoutes (no route: the null
# entry's ip6_pkt_discard(), with an ICMPv6 destination unreachable, no route). Sourced by
# cases.sh (its header says how to record); IPv6 on as tcpwin_ipv6_on() sets it up (fd77::1/64
# client, fd77::2/64 server, no DAD, static neighbours); fwd6_send() from cases-fwd6.sh.

CASES="$CASES v6-noroute-nofwd"

# ---------------------------------------------------------------- not ours, forwarding off
# The server keeps net.ipv6.conf.all.forwarding=0. The client reaches fd77::9 (in the server's
# connected fd77::/64, not its address), fd79::/64 (the server has no route for it) and
# fe80::9 (link-local, not the server's) through the server's MAC (static neighbours / a route
# via fd77::2), and sends:
#    5 datagrams of 100 bytes to [fd77::9]:6300  (connected prefix: a route exists);
#    8 to [fd79::1]:6300                         (no route: unreachables, rate-limited);
#    3 to [fe80::9]:6300                         (link-local, fe80::/64 is connected);
#    3 to [ff02::99]:6300                         (link-local multicast, a group nobody joined).
case_v6_noroute_nofwd_setup() {
    tcpwin_ipv6_on
    ns_s sysctl -qw net.ipv6.conf.all.forwarding=0
    ip -n "$NS_C" -6 neigh replace fd77::9 lladdr "$MAC_S" dev "$IF_C" nud permanent
    ip -n "$NS_C" -6 neigh replace fe80::9 lladdr "$MAC_S" dev "$IF_C" nud permanent
    ip -n "$NS_C" -6 route add fd79::/64 via fd77::2
    sleep 1.5
}
case_v6_noroute_nofwd_traffic() {
    fwd6_send 5 100 fd77::9 6300 64
    fwd6_send 8 100 fd79::1 6300 64
    fwd6_send 3 100 "fe80::9%$IF_C" 6300 64
    fwd6_send 3 100 "ff02::99%$IF_C" 6300 64
    sleep 0.3
    ns_s sysctl net.ipv6.conf.all.forwarding net.ipv6.conf.$IF_S.forwarding >"$SNAP/sysctl-server-fwd.txt" 2>&1
    ns_s ip -6 route show table all >"$SNAP/route6-server.txt" 2>&1
    ns_s ip -6 maddr show >"$SNAP/maddr6-server.txt" 2>&1
    tcpwin_end
}
case_v6_noroute_nofwd_scenario() {
    cat <<JSON
{
$(scn_common)
  "sysctls_set": {"net.ipv6.conf.all.forwarding": 0, "net.ipv6.conf.all.disable_ipv6": 0},
  "listeners": [],
  "nft_rules": {"server": "", "client": "freeze at end; ICMPv6 types 130-136 and 143 dropped"},
  "client_actions": [
    {"t": 0, "action": "IPv6: fd77::1/64 (client), fd77::2/64 (server), nodad, static neighbours; client: fd77::9 and fe80::9 at the server's MAC, fd79::/64 via fd77::2"},
    {"action": "5 UDP datagrams of 100 bytes to [fd77::9]:6300 (in the server's connected prefix, not its address)"},
    {"action": "8 to [fd79::1]:6300 (no route on the server)"},
    {"action": "3 to [fe80::9]:6300 (link-local, not the server's)"},
    {"action": "3 to [ff02::99]:6300 (multicast, not joined)"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
JSON
}
