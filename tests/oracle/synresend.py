#!/usr/bin/env python3
"""The same SYN sent again, sent with scapy from the client's veth for the oracle case
syn-resent (cases-synresend.sh): one SYN (MSS only), then the same SYN 100 ms, 300 ms and
700 ms after it, to a listener that never accepts.

    synresend.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --port N
"""
import time

from scapy.all import IP, TCP, Ether, sendp  # noqa: E402

import scapyargs  # noqa: E402


def main():
    a = scapyargs.parse(__doc__, ("port", {"type": int, "required": True}))
    syn = Ether(src=a.smac, dst=a.dmac) / IP(src=a.src, dst=a.dst) / \
        TCP(sport=46300, dport=a.port, flags="S", seq=9000000, window=64240,
            options=[("MSS", 1460)])
    t0 = time.monotonic()
    for at in (0.0, 0.1, 0.3, 0.7):
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        sendp(syn, iface=a.iface, verbose=False)


if __name__ == "__main__":
    main()
