# The link-local address the kernel gives each device with IPv6 on (addrconf_addr_gen():
# fe80:: and the EUI-64 of the MAC, addr_gen_mode 0): it is the device's own like any other,
# so a neighbour solicitation for it is answered, and echo requests, a UDP datagram and a SYN
# to it are answered as to any local address. tests/oracle/ll6.py sends them with scapy. IPv6
# as tcpwin_ipv6_on() sets it up, plus static neighbours for the client's link-local address
# on both ends. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh ndisc-linklocal $PWD/tests/oracle/cases/ndisc-linklocal

CASES="$CASES ndisc-linklocal"

LL6_C=fe80::aff:fe4d:1		# the EUI-64 link-local addresses of MAC_C and MAC_S
LL6_S=fe80::aff:fe4d:2

case_ndisc_linklocal_setup() {
    tcpwin_ipv6_on
    ip -n "$NS_S" -6 neigh replace "$LL6_C" lladdr "$MAC_C" dev "$IF_S" nud permanent
    ip -n "$NS_C" -6 neigh replace "$LL6_S" lladdr "$MAC_S" dev "$IF_C" nud permanent
    ip -n "$NS_S" -6 addr show dev "$IF_S" >"$SNAP/server-ipv6-addrs.txt" 2>&1 || true
}
case_ndisc_linklocal_traffic() {
    oracle_scapy ll6.py --src "$LL6_C" --dst "$LL6_S" --global fd77::1 --other fe80::99
    sleep 0.3
    tcpwin_end
}
case_ndisc_linklocal_scenario() {
    tcpwin_scenario '[]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up, static neighbours $LL6_C and $LL6_S; t 0: scapy (tests/oracle/ll6.py), 50 ms apart, from $LL6_C: NS for $LL6_S to its solicited-node group and to it, a DAD NS for it from ::, an echo request, UDP to port 9, a SYN to port 81, an echo request from fd77::1, one to fe80::99" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}
