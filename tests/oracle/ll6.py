#!/usr/bin/env python3
"""Traffic to the server's IPv6 link-local address (fe80:: and the EUI-64 of its MAC, which
the kernel gives every device with IPv6 on), sent with scapy from the client's veth for the
oracle case ndisc-linklocal (cases-ll6.sh), 50 ms apart: a neighbour solicitation for it to
its solicited-node group and one to the address, a duplicate address probe for it, an echo
request, a UDP datagram to a port nobody has, a TCP SYN to a closed port, an echo request
from the client's global address, and one to a link-local address the server does not have.

    ll6.py --iface IF --src IP6 --dst IP6 --smac MAC --dmac MAC --global IP6 --other IP6
"""
import socket
import time

from scapy.all import (ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, TCP, UDP,  # noqa
                       Ether, IPv6, in6_getnsma, in6_getnsmac, inet_ntop, inet_pton, sendp)

import scapyargs  # noqa: E402


def snm(addr):
    """The solicited-node group of @addr and its MAC."""
    n = in6_getnsma(inet_pton(socket.AF_INET6, addr))
    return inet_ntop(socket.AF_INET6, n), in6_getnsmac(n)


def main():
    a = scapyargs.parse(__doc__, ("global", {"required": True}),
                        ("other", {"required": True}))
    group, gmac = snm(a.dst)
    lla = ICMPv6NDOptSrcLLAddr(lladdr=a.smac)
    uni = Ether(src=a.smac, dst=a.dmac)
    frames = [
        Ether(src=a.smac, dst=gmac) / IPv6(src=a.src, dst=group, hlim=255) /
        ICMPv6ND_NS(tgt=a.dst) / lla,
        uni / IPv6(src=a.src, dst=a.dst, hlim=255) / ICMPv6ND_NS(tgt=a.dst) / lla,
        Ether(src=a.smac, dst=gmac) / IPv6(src="::", dst=group, hlim=255) / ICMPv6ND_NS(tgt=a.dst),
        uni / IPv6(src=a.src, dst=a.dst) / ICMPv6EchoRequest(id=0x77, seq=1, data=b"x" * 56),
        uni / IPv6(src=a.src, dst=a.dst) / UDP(sport=40000, dport=9) / (b"u" * 20),
        uni / IPv6(src=a.src, dst=a.dst) / TCP(sport=40001, dport=81, flags="S", seq=1000),
        uni / IPv6(src=getattr(a, "global"), dst=a.dst) /
        ICMPv6EchoRequest(id=0x77, seq=2, data=b"y" * 56),
        uni / IPv6(src=a.src, dst=a.other) / ICMPv6EchoRequest(id=0x77, seq=3, data=b"z" * 56),
    ]
    for f in frames:
        sendp(f, iface=a.iface, verbose=False)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
