#!/usr/bin/env python3
"""IPv4 datagrams with options, sent with scapy from the client's veth for the oracle case
ip-options (cases-ipopts.sh): valid options a host takes (record route, timestamp, router
alert, an unknown option, padding), a malformed one, loose source routing, and echo requests
with record route (ping -R), which the reply echoes. Each kind 50 ms apart.

    ipopts.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --port N
"""
import time

from scapy.all import ICMP, IP, UDP, Ether, IPOption, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


def main():
    a = scapyargs.parse(__doc__, ("port", {"type": int, "required": True}))
    rr = b"\x07\x0b\x04" + b"\x00" * 8 + b"\x00"            # record route, 2 slots, + EOL
    ts = b"\x44\x0c\x05\x00" + b"\x00" * 8                   # timestamp, ms only, 2 slots
    ra = b"\x94\x04\x00\x00"                                 # router alert
    unknown = b"\x9e\x04\x00\x00"                            # an option no one knows
    pad = b"\x01\x01\x01\x00"                                # NOPs and EOL
    bad = b"\x07\x01\x00\x00"                                # record route of length 1
    short_rr = b"\x07\x03\x04\x00"                           # record route with no slot
    lsrr = b"\x83\x07\x04" + bytes(map(int, a.src.split("."))) + b"\x00"  # loose source route
    kinds = [
        (3, rr, "udp"), (2, ts, "udp"), (3, ra, "udp"), (2, unknown, "udp"), (2, pad, "udp"),
        (3, bad, "udp"), (2, short_rr, "udp"), (2, lsrr, "udp"), (3, rr, "ping"),
    ]
    n = 0
    for count, opt, kind in kinds:
        for _ in range(count):
            ip = IP(src=a.src, dst=a.dst, id=600 + n, options=[IPOption(opt)])
            if kind == "udp":
                l4 = UDP(sport=40000 + n, dport=a.port) / Raw(b"d" * 32)
            else:
                l4 = ICMP(type=8, id=77, seq=n) / Raw(b"p" * 32)
            sendp(Ether(src=a.smac, dst=a.dmac) / ip / l4, iface=a.iface, verbose=False)
            n += 1
            time.sleep(0.05)


if __name__ == "__main__":
    main()
