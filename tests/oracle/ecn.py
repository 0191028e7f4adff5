#!/usr/bin/env python3
"""UDP datagrams with each ECN codepoint (not-ECT, ECT(1), ECT(0), CE), over IPv4 and IPv6,
sent with scapy from the client's veth for the oracle case ip-ecn (cases-ecn.sh): for each
codepoint, three datagrams over each family, the last with a DSCP too (EF, 46), 20 ms apart,
to a port with a reader on each family.

    ecn.py --iface IF --src IP --dst IP --src6 IP6 --dst6 IP6 --smac MAC --dmac MAC --port N
"""
import time

from scapy.all import IP, UDP, Ether, IPv6, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


def main():
    a = scapyargs.parse(__doc__, ("port", {"type": int, "required": True}),
                        ("src6", {"required": True}), ("dst6", {"required": True}))
    l2 = Ether(src=a.smac, dst=a.dmac)
    for ecn in range(4):
        for tos in (ecn, ecn, 46 << 2 | ecn):
            for net in (IP(src=a.src, dst=a.dst, tos=tos), IPv6(src=a.src6, dst=a.dst6, tc=tos)):
                sendp(l2 / net / UDP(sport=47000 + ecn, dport=a.port) / Raw(b"ecn" * 10),
                      iface=a.iface, verbose=False)
                time.sleep(0.02)


if __name__ == "__main__":
    main()
