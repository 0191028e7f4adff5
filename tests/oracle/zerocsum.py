#!/usr/bin/env python3
"""UDP datagrams whose checksum field is zero, sent with scapy from the client's veth for the
oracle case udp-zerocsum (cases-zerocsum.sh): over IPv4 (no checksum: fine) and over IPv6
(RFC 6936: refused unless the socket allows it), to a port with a reader and to a closed
port, three of each, 20 ms apart; then one good IPv6 datagram to each.

    zerocsum.py --iface IF --src IP --dst IP --src6 IP6 --dst6 IP6 --smac MAC --dmac MAC \\
        --open N --closed N
"""
import time

from scapy.all import IP, UDP, Ether, IPv6, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


def main():
    a = scapyargs.parse(__doc__, ("open", {"type": int, "required": True}),
                        ("closed", {"type": int, "required": True}),
                        ("src6", {"required": True}), ("dst6", {"required": True}))
    l2 = Ether(src=a.smac, dst=a.dmac)
    nets = (IP(src=a.src, dst=a.dst), IPv6(src=a.src6, dst=a.dst6))
    for port in (a.open, a.closed):
        for net in nets:
            for i in range(3):
                sendp(l2 / net / UDP(sport=47100 + i, dport=port, chksum=0) / Raw(b"zero" * 8),
                      iface=a.iface, verbose=False)
                time.sleep(0.02)
        sendp(l2 / nets[1] / UDP(sport=47200, dport=port) / Raw(b"good" * 8),
              iface=a.iface, verbose=False)
        time.sleep(0.02)


if __name__ == "__main__":
    main()
