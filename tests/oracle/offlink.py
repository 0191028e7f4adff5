#!/usr/bin/env python3
"""Requests from a source off the server's link, sent with scapy from the client's veth for the
oracle case offlink-noroute (cases-offlink.sh): from 192.0.2.1 (TEST-NET-1; the server's
namespace has only its connected route), a UDP datagram to a closed port, a SYN to a
listener, an ICMP echo request and a bare ACK to the listener; each three times, 50 ms apart.

    offlink.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --udp N --tcp N
"""
import time

from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


def main():
    a = scapyargs.parse(__doc__, ("udp", {"type": int, "required": True}),
                        ("tcp", {"type": int, "required": True}))
    l2 = Ether(src=a.smac, dst=a.dmac)
    for i in range(3):
        ip = IP(src=a.src, dst=a.dst, id=2000 + i)
        for l4 in (UDP(sport=48000 + i, dport=a.udp) / Raw(b"u" * 20),
                   TCP(sport=48100 + i, dport=a.tcp, flags="S", seq=1000 + i),
                   ICMP(id=77, seq=i) / Raw(b"p" * 20),
                   TCP(sport=48200 + i, dport=a.tcp, flags="A", seq=5000 + i, ack=9)):
            sendp(l2 / ip / l4, iface=a.iface, verbose=False)
            time.sleep(0.05)


if __name__ == "__main__":
    main()
