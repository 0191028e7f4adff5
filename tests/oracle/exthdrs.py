#!/usr/bin/env python3
"""IPv6 datagrams with extension headers, sent with scapy from the client's veth for the
oracle case ip6-exthdrs (cases-exthdrs.sh): padding and options a host skips, unknown
options whose two high bits ask for a drop with or without a parameter problem, bad
padding, routing headers of type 0 with and without segments left, a hop-by-hop header
that is not first; each twice, 20 ms apart, UDP to a port with a reader.

    exthdrs.py --iface IF --src IP6 --dst IP6 --smac MAC --dmac MAC --port N [--flood N]

With --flood N, N datagrams whose hop-by-hop header is not first instead, 20 ms apart: as
many parameter problems as the rate limit lets out (ip6-paramprob-rate).
"""
import time

from scapy.all import UDP, Ether, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, Raw, sendp  # noqa
from scapy.all import IPv6ExtHdrRouting, PadN, HBHOptUnknown, Pad1  # noqa: E402

import scapyargs  # noqa: E402


def opt(t, data=b"\0\0"):
    return HBHOptUnknown(otype=t, optdata=data)


def main():
    a = scapyargs.parse(__doc__, ("port", {"type": int, "required": True}), ("flood", {"type": int, "default": 0}))
    base = Ether(src=a.smac, dst=a.dmac) / IPv6(src=a.src, dst=a.dst)
    kinds = [
        IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0\0\0\0")]),
        IPv6ExtHdrHopByHop(options=[opt(0x1E)]),          # 00: skip it
        IPv6ExtHdrHopByHop(options=[opt(0x5E)]),          # 01: discard
        IPv6ExtHdrHopByHop(options=[opt(0x9E)]),          # 10: discard, parameter problem
        IPv6ExtHdrHopByHop(options=[opt(0xDE)]),          # 11: the same unless multicast
        IPv6ExtHdrDestOpt(options=[opt(0x9E)]),
        IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\x07\0\0")]),  # padding not zero
        IPv6ExtHdrDestOpt(options=[Pad1()] * 14),         # 14 bytes of Pad1 in a row
        IPv6ExtHdrRouting(type=0, segleft=0, addresses=[a.src]),
        IPv6ExtHdrRouting(type=0, segleft=1, addresses=[a.src]),
        IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0\0\0")]) /
        IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0\0\0\0")]),  # hop-by-hop not first
    ]
    n = 0
    if a.flood:
        kinds, reps = kinds[-1:], a.flood
    else:
        reps = 2
    for ext in kinds:
        for _ in range(reps):
            p = base / ext / UDP(sport=43000 + n, dport=a.port) / Raw(b"x" * 24)
            sendp(p, iface=a.iface, verbose=False)
            n += 1
            time.sleep(0.02)


if __name__ == "__main__":
    main()
