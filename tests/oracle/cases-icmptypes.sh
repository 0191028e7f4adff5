# What icmp_rcv() does with each kind of ICMP message: timestamps answered (and one cut
# short), address masks and information requests discarded, errors (source quench, port
# and host unreachable, parameter problem, time exceeded, redirect) passed to the protocol
# when they quote an IP header and 8 bytes of it and counted as errors when they do not,
# an unsolicited echo reply, an extended echo with PROBE off, a type above 18, a bad
# checksum. tests/oracle/icmptypes.py sends them with scapy. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh icmp-types $PWD/tests/oracle/cases/icmp-types

CASES="$CASES icmp-types"

case_icmp_types_setup() { :; }
case_icmp_types_traffic() {
    oracle_scapy icmptypes.py --src "$IP_C" --dst "$IP_S"
    sleep 0.3
}
case_icmp_types_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {},
  "listeners": [],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/icmptypes.py): 36 ICMP messages of 16 kinds, 50 ms apart: timestamp x5, short timestamp x2, address mask x3, source quench x2, port unreachable x2, port unreachable quoting no L4 x2, host unreachable quoting nothing x2, parameter problem x2, time exceeded codes 0 and 1 x2 each, redirect x2, echo reply x2, information request x2, extended echo x2, type 30 x2, echo request with a bad checksum x2"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}

# ---------------------------------------------------------------- the same over IPv6
# What icmpv6_rcv() does with each kind: errors (unreachable, packet too big, time exceeded,
# parameter problem, an unknown error type) go to icmpv6_notify(), which needs the quoted
# IPv6 header and 8 bytes more, then to UDP, which counts Icmp6InErrors when no socket sent
# the datagram; an unsolicited echo reply, unknown informational types and node information
# queries are dropped; a bad checksum; echo requests answered. IPv6 as tcpwin_ipv6_on() sets
# it up.

CASES="$CASES icmp6-types"

case_icmp6_types_setup() { tcpwin_ipv6_on; }
case_icmp6_types_traffic() {
    oracle_scapy icmptypes.py --v6 --src fd77::1 --dst fd77::2
    sleep 0.3
    tcpwin_end
}
case_icmp6_types_scenario() {
    tcpwin_scenario '[]' '{"net.ipv6.conf.all.disable_ipv6": 0}' \
        "IPv6 as udp6-noport sets it up; t 0: scapy (tests/oracle/icmptypes.py --v6): 25 ICMPv6 messages of 12 kinds, 50 ms apart: port unreachable quoting a whole UDP datagram x2, quoting 30 bytes x2, quoting 44 bytes x2, packet too big x2, time exceeded x2, parameter problem x2, type 100 x2, echo reply x2, type 200 x2, node information query x2, echo request with a bad checksum x2, echo request x3" \
        "+0.3 s: ss, client output frozen, 0.5 s settle, 'after' snapshot"
}

CASES="$CASES icmp-timestamp-ratemask"

# ---------------------------------------------------------------- timestamp replies limited
# 30 timestamp requests 20 ms apart with icmp_ratemask's bit 14 (timestamp reply) set: the
# replies are limited as type 14, and counted as echo replies (icmp-types).
case_icmp_timestamp_ratemask_setup() { ns_s sysctl -qw net.ipv4.icmp_ratemask=22552; }
case_icmp_timestamp_ratemask_traffic() {
    oracle_scapy icmptypes.py --timestamps 30 --src "$IP_C" --dst "$IP_S"
    sleep 0.3
}
case_icmp_timestamp_ratemask_scenario() {
    cat <<EOF
{
$(scn_common)
  "sysctls_set": {"net.ipv4.icmp_ratemask": 22552},
  "listeners": [],
  "nft_rules": {"server": "", "client": "freeze at end"},
  "client_actions": [
    {"t": 0, "action": "scapy (tests/oracle/icmptypes.py --timestamps 30): 30 ICMP timestamp requests to $IP_S, 20 ms apart"},
    {"t": "+0.3 s", "action": "client output frozen, 0.5 s settle, 'after' snapshot"}
  ]
}
EOF
}
