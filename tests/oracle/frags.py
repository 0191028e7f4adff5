#!/usr/bin/env python3
"""IPv4 fragments, sent with scapy from the client's veth for the oracle case ip-frag-timeout
(cases-frags.sh): datagrams whose first fragment alone arrives (the reassembly times out and
answers with a time exceeded), whose later fragment alone arrives (it times out silently),
whole ones in two fragments, one whose fragments overlap, and one with a fragment twice.

    frags.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --port N
"""
import time

from scapy.all import IP, UDP, Ether, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


def main():
    a = scapyargs.parse(__doc__, ("port", {"type": int, "required": True}))
    eth = Ether(src=a.smac, dst=a.dmac)
    n = 0

    def datagram(ident):
        """The bytes of a UDP datagram of 800 bytes of payload, its header included."""
        return bytes(UDP(sport=41000 + ident, dport=a.port) / Raw(b"f" * 800))

    def frag(ident, data, off, more):
        ip = IP(src=a.src, dst=a.dst, id=ident, proto=17, frag=off // 8, flags="MF" if more else 0)
        return eth / ip / Raw(data)

    sends = []
    for i in range(3):                       # the first fragment alone
        d = datagram(700 + i)
        sends.append(frag(700 + i, d[:400], 0, True))
    for i in range(2):                       # a later fragment alone
        d = datagram(710 + i)
        sends.append(frag(710 + i, d[400:], 400, False))
    for i in range(2):                       # whole, in two fragments
        d = datagram(720 + i)
        sends += [frag(720 + i, d[:400], 0, True), frag(720 + i, d[400:], 400, False)]
    d = datagram(730)                        # overlapping fragments
    sends += [frag(730, d[:400], 0, True), frag(730, d[200:], 200, False)]
    d = datagram(740)                        # a fragment twice, then the rest
    sends += [frag(740, d[:400], 0, True), frag(740, d[:400], 0, True), frag(740, d[400:], 400, False)]
    for p in sends:
        sendp(p, iface=a.iface, verbose=False)
        n += 1
        time.sleep(0.02)


if __name__ == "__main__":
    main()
