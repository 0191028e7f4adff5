#!/usr/bin/env python3
"""Neighbour solicitations and other neighbour discovery messages, sent with scapy from the
client's veth for the oracle case ndisc-ns (cases-ndisc.sh), 50 ms apart: a solicitation
for the server's address to that address and to its solicited-node group, one for an
address the server does not have, one with a hop limit of 64, one with code 1, a duplicate
address detection probe (from ::, no link-layer option), an unsolicited advertisement and a
router solicitation.

    ndisc.py --iface IF --src IP6 --dst IP6 --smac MAC --dmac MAC --other IP6
"""
import time

from scapy.all import (ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RS, ICMPv6NDOptDstLLAddr,  # noqa
                       ICMPv6NDOptSrcLLAddr, Ether, IPv6, in6_getnsma, in6_getnsmac,
                       inet_pton, inet_ntop, sendp)
import socket

import scapyargs  # noqa: E402


def snm(addr):
    """The solicited-node group of @addr and its MAC."""
    n = in6_getnsma(inet_pton(socket.AF_INET6, addr))
    return inet_ntop(socket.AF_INET6, n), in6_getnsmac(n)


def main():
    a = scapyargs.parse(__doc__, ("other", {"required": True}))
    group, gmac = snm(a.dst)
    lla = ICMPv6NDOptSrcLLAddr(lladdr=a.smac)
    frames = [
        Ether(src=a.smac, dst=a.dmac) / IPv6(src=a.src, dst=a.dst, hlim=255) /
        ICMPv6ND_NS(tgt=a.dst) / lla,
        Ether(src=a.smac, dst=gmac) / IPv6(src=a.src, dst=group, hlim=255) /
        ICMPv6ND_NS(tgt=a.dst) / lla,
        Ether(src=a.smac, dst=a.dmac) / IPv6(src=a.src, dst=a.dst, hlim=255) /
        ICMPv6ND_NS(tgt=a.other) / lla,
        Ether(src=a.smac, dst=a.dmac) / IPv6(src=a.src, dst=a.dst, hlim=64) /
        ICMPv6ND_NS(tgt=a.dst) / lla,
        Ether(src=a.smac, dst=a.dmac) / IPv6(src=a.src, dst=a.dst, hlim=255) /
        ICMPv6ND_NS(tgt=a.dst, code=1) / lla,
        Ether(src=a.smac, dst=gmac) / IPv6(src="::", dst=group, hlim=255) / ICMPv6ND_NS(tgt=a.dst),
        Ether(src=a.smac, dst="33:33:00:00:00:01") / IPv6(src=a.src, dst="ff02::1", hlim=255) /
        ICMPv6ND_NA(tgt=a.src, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=a.smac),
        Ether(src=a.smac, dst="33:33:00:00:00:02") / IPv6(src=a.src, dst="ff02::2", hlim=255) /
        ICMPv6ND_RS() / lla,
    ]
    for f in frames:
        sendp(f, iface=a.iface, verbose=False)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
