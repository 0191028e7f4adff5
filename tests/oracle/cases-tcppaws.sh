# Timestamps that go backwards (RFC 7323's PAWS): tcp_validate_incoming()'s check of an
# established connection (tcp_paws_check(), tcp_disordered_ack_check(): PAWSEstab,
# PAWSOldAck, TCPACKSkippedPAWS; a RST passes, a SYN is challenged) and tcp_check_req()'s
# of the handshake's ACK (its TSval against the SYN's, its TSecr against the SYN-ACKs
# sent: TSEcrRejected). tests/oracle/tcppaws.py sends them with scapy; the client's own
# kernel's resets are dropped at its output. Sourced by cases.sh; record with
#
#   sudo ORACLE_EXTRA_CASES=$PWD/tests/oracle/cases.sh \
#       ../shared/oracle/run.sh tcp-paws $PWD/tests/oracle/cases/tcp-paws

CASES="$CASES tcp-paws"

case_tcp_paws_setup() { tcpwin_client_norst; tcpwin_server 5060 0 never; }
case_tcp_paws_traffic() {
    oracle_scapy tcppaws.py --src "$IP_C" --dst "$IP_S" --port 5060
    sleep 0.3
    tcpwin_end
}
case_tcp_paws_scenario() {
    tcpwin_scenario "[{\"proto\": \"tcp\", \"addr\": \"$IP_S\", \"port\": 5060, \"backlog\": 16, \"app\": \"accepts, never reads\"}]" '{}' \
        "scapy (tests/oracle/tcppaws.py) from $IP_C: connection A (port 46000, ISN 3000000, TSval from 500000): handshake; data 0:100 (TSval +2); 100:100 with TSval -100000; 100:100 (+3); pure ACK at 200 (-97); 0.6 s; pure ACK (+4); the same ACK at -96 and -996; an ACK at 150 (-996); 0.6 s; RST at 205 (-996); SYN (-996); data 200:100 (+5)" \
        "connection B (port 46001, TSval 600000): the handshake's ACK with TSval -1000, twice 50 ms apart, then +1" \
        "connection C (port 46002, TSval 700000): the handshake's ACK echoing the SYN-ACK's TSval + 1000000, then a good one" \
        "the client's kernel RSTs are dropped by nft; +0.3 s ss, freeze, 0.5 s settle, 'after' snapshot"
}
