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
    ns_c timeout 30 $PY "$(dirname "${BASH_SOURCE[0]}")/icmptypes.py" --iface "$IF_C" \
        --src "$IP_C" --dst "$IP_S" --smac "$MAC_C" --dmac "$MAC_S" \
        >"$WORK/icmptypes.out" 2>&1 || cat "$WORK/icmptypes.out" >&2
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
