#!/usr/bin/env python3
"""MLD queries to the server, sent with scapy from the client's veth for the oracle case
mld-query (cases-mld.sh), from the client's link-local address with hop limit 1 and a
hop-by-hop router alert unless said, 50 ms apart unless said: an MLDv2 general query to
ff02::1 (maximum response 100 ms; then 250 ms), an MLDv2 query for the solicited-node group
of the server's address (then 250 ms), general queries from a global source, with hop limit
64, without the router alert and listing a source, another listener's MLDv1 report of the
group, an MLDv1 general query (then 250 ms: the server answers in MLDv1 from then on) and an
MLDv2 general query after it (then 250 ms).

    mld.py --iface IF --src LL6 --dst IP6 --smac MAC --dmac MAC --global IP6 --group G
"""
import time

from scapy.all import Ether, IPv6, sendp
from scapy.layers.inet6 import (ICMPv6MLQuery, ICMPv6MLQuery2, ICMPv6MLReport,  # noqa
                                IPv6ExtHdrHopByHop, RouterAlert, in6_getnsmac, inet_pton)
import socket

import scapyargs  # noqa: E402


def gmac(group):
    return in6_getnsmac(inet_pton(socket.AF_INET6, group)) if group.startswith("ff02::1:ff") \
        else "33:33:" + ":".join("%02x" % b for b in inet_pton(socket.AF_INET6, group)[12:])


def main():
    a = scapyargs.parse(__doc__, ("global", {"required": True}),
                        ("group", {"required": True}))

    def q(body, dst="ff02::1", src=None, hlim=1, ra=True):
        ip = IPv6(src=src or a.src, dst=dst, hlim=hlim)
        if ra:
            ip = ip / IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])
        return Ether(src=a.smac, dst=gmac(dst)) / ip / body

    steps = [
        (q(ICMPv6MLQuery2(mrd=100)), 0.25),
        (q(ICMPv6MLQuery2(mrd=100, mladdr=a.group), dst=a.group), 0.25),
        (q(ICMPv6MLQuery2(mrd=100), src=getattr(a, "global")), 0.05),
        (q(ICMPv6MLQuery2(mrd=100), hlim=64), 0.05),
        (q(ICMPv6MLQuery2(mrd=100), ra=False), 0.05),
        (q(ICMPv6MLQuery2(mrd=100, sources_number=1, sources=["fd77::9"])), 0.05),
        (q(ICMPv6MLReport(mladdr=a.group), dst=a.group), 0.05),
        (q(ICMPv6MLQuery(mrd=100)), 0.25),
        (q(ICMPv6MLQuery2(mrd=100)), 0.25),
    ]
    for f, pause in steps:
        sendp(f, iface=a.iface, verbose=False)
        time.sleep(pause)


if __name__ == "__main__":
    main()
