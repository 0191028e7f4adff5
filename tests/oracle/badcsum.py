#!/usr/bin/env python3
"""Datagrams and segments with wrong checksums, sent with scapy from the client's veth for the
oracle case ct-badcsum (cases-ctcsum.sh): UDP to a reader with a wrong and with no checksum,
a TCP SYN with a wrong one to a listener, an echo request with a wrong one, then the same
kinds with right checksums; each three times, 20 ms apart.

    badcsum.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --udp N --tcp N
"""
import time

from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


def main():
    a = scapyargs.parse(__doc__, ("udp", {"type": int, "required": True}),
                        ("tcp", {"type": int, "required": True}))
    base = Ether(src=a.smac, dst=a.dmac) / IP(src=a.src, dst=a.dst)
    kinds = [
        UDP(sport=46000, dport=a.udp, chksum=0x1234) / Raw(b"u" * 40),
        UDP(sport=46001, dport=a.udp, chksum=0) / Raw(b"u" * 40),
        TCP(sport=46002, dport=a.tcp, flags="S", seq=1000, chksum=0x1234),
        ICMP(type=8, id=6, seq=1, chksum=0x1234) / Raw(b"e" * 32),
        UDP(sport=46003, dport=a.udp) / Raw(b"u" * 40),
        ICMP(type=8, id=7, seq=1) / Raw(b"e" * 32),
    ]
    for k in kinds:
        for _ in range(3):
            sendp(base / k, iface=a.iface, verbose=False)
            time.sleep(0.02)


if __name__ == "__main__":
    main()
