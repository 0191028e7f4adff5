#!/usr/bin/env python3
"""ICMP messages of every kind icmp_rcv() tells apart, sent with scapy from the client's
veth for the oracle case icmp-types (cases-icmptypes.sh): each kind twice or more, 50 ms
apart, so the server's counters say what each one did. With --v6, the ICMPv6 kinds
icmpv6_rcv() tells apart, for icmp6-types.

    icmptypes.py [--v6 | --timestamps N] --iface IF --src IP --dst IP --smac MAC --dmac MAC
"""
import time

from scapy.all import ICMP, IP, UDP, Ether, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


def quoted(a, l4=True):
    """The header of a datagram the server sent to the client, as an ICMP error quotes it:
    its IP header and (l4) the first 8 bytes of its UDP header."""
    q = bytes(IP(src=a.dst, dst=a.src, id=7, proto=17, len=28 + 100))
    return q + (bytes(UDP(sport=6500, dport=33000, len=108)) if l4 else b"")


def quoted6(a, l4=True):
    """The start of a UDP datagram the server sent to the client, as an ICMPv6 error quotes
    it: its IPv6 header and (l4) the UDP header."""
    from scapy.all import IPv6
    q = bytes(IPv6(src=a.dst, dst=a.src, nh=17, plen=108))
    return q + (bytes(UDP(sport=6500, dport=33000, len=108)) + b"\0" * 100 if l4 else b"")


def main6(a):
    from scapy.all import IPv6, ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6Unknown
    base = Ether(src=a.smac, dst=a.dmac) / IPv6(src=a.src, dst=a.dst)

    def err(t, code, body, word=0):
        return ICMPv6Unknown(type=t, code=code, msgbody=word.to_bytes(4, "big") + body)
    kinds = [
        (2, err(1, 4, quoted6(a))),                    # port unreachable, whole quote
        (2, err(1, 4, quoted6(a)[:30])),               # a quote cut inside the IPv6 header
        (2, err(1, 4, quoted6(a)[:44])),               # the header and 4 bytes of UDP
        (2, err(2, 0, quoted6(a), 1280)),              # packet too big
        (2, err(3, 0, quoted6(a))),                    # time exceeded
        (2, err(4, 0, quoted6(a), 6)),                 # parameter problem
        (2, err(100, 0, quoted6(a))),                  # an error type no one knows
        (2, ICMPv6EchoReply(id=9, seq=1, data=b"r" * 16)),   # a reply nobody asked for
        (2, ICMPv6Unknown(type=200, code=0, msgbody=b"\0" * 8)),  # an informational unknown
        (2, ICMPv6Unknown(type=139, code=0, msgbody=b"\0" * 16)),  # node information query
        (2, ICMPv6EchoRequest(id=4, seq=1, data=b"y" * 16, cksum=0x1234)),  # bad checksum
        (3, ICMPv6EchoRequest(id=5, seq=1, data=b"z" * 16)),  # answered
    ]
    for n, msg in kinds:
        for _ in range(n):
            sendp(base / msg, iface=a.iface, verbose=False)
            time.sleep(0.05)


def main():
    a = scapyargs.parse(__doc__, ("v6", {"action": "store_true"}),
                        ("timestamps", {"type": int, "default": 0}))
    if a.v6:
        return main6(a)
    if a.timestamps:		# that many timestamp requests, 20 ms apart
        for i in range(a.timestamps):
            sendp(Ether(src=a.smac, dst=a.dmac) / IP(src=a.src, dst=a.dst, id=800 + i) /
                  ICMP(type=13, id=2, seq=i), iface=a.iface, verbose=False)
            time.sleep(0.02)
        return None
    base = Ether(src=a.smac, dst=a.dmac) / IP(src=a.src, dst=a.dst, id=500)
    ts = b"\x00\x00\x00\x01" + b"\x00" * 8
    kinds = [
        (5, ICMP(type=13, id=1, seq=1) / Raw(ts)),          # timestamp: answered
        (2, ICMP(type=13, id=1, seq=2)),                    # timestamp cut short: InErrors
        (3, ICMP(type=17) / Raw(b"\x00" * 4)),              # address mask: discarded
        (2, ICMP(type=4) / Raw(quoted(a))),                 # source quench
        (2, ICMP(type=3, code=3) / Raw(quoted(a))),         # port unreachable, whole quote
        (2, ICMP(type=3, code=3) / Raw(quoted(a, False))),  # quote without its 8 bytes
        (2, ICMP(type=3, code=1)),                          # no quote at all
        (2, ICMP(type=12, ptr=4) / Raw(quoted(a))),         # parameter problem
        (2, ICMP(type=11, code=0) / Raw(quoted(a))),        # time exceeded in transit
        (2, ICMP(type=11, code=1) / Raw(quoted(a))),        # reassembly time exceeded
        (2, ICMP(type=5, code=1, gw=a.src) / Raw(quoted(a))),  # redirect
        (2, ICMP(type=0, id=9, seq=1) / Raw(b"x" * 16)),    # an echo reply nobody asked for
        (2, ICMP(type=15)),                                 # information request (obsolete)
        (2, ICMP(type=42, id=3, seq=1) / Raw(b"\x00" * 8)), # extended echo (PROBE), off
        (2, ICMP(type=30)),                                 # traceroute: above 18
        (2, ICMP(type=8, id=4, seq=1, chksum=0x1234) / Raw(b"y" * 16)),  # bad checksum
    ]
    for n, msg in kinds:
        for _ in range(n):
            sendp(base / msg, iface=a.iface, verbose=False)
            time.sleep(0.05)


if __name__ == "__main__":
    main()
