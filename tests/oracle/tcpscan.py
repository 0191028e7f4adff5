#!/usr/bin/env python3
"""A port scanner's TCP segments, sent with scapy from the client's veth for the oracle case
tcp-scan (cases-tcpscan.sh): to a listening port and to a closed one, each of SYN, ACK, FIN,
no flags, FIN+PSH+URG, SYN+FIN, SYN+RST, RST, SYN+ACK, and a header whose data offset is
below 5; 20 ms apart, each from a port of its own.

    tcpscan.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --open N --closed N
"""
import time

from scapy.all import IP, TCP, Ether, sendp  # noqa: E402

import scapyargs  # noqa: E402

FLAGS = ["S", "A", "F", "", "FPU", "SF", "SR", "R", "SA"]


def main():
    a = scapyargs.parse(__doc__, ("open", {"type": int, "required": True}), ("closed", {"type": int, "required": True}))
    base = Ether(src=a.smac, dst=a.dmac) / IP(src=a.src, dst=a.dst)
    sport = 45000
    for dport in (a.open, a.closed):
        for flags in FLAGS:
            seg = TCP(sport=sport, dport=dport, flags=flags, seq=1000 * sport, ack=7777,
                      window=1024)
            sendp(base / seg, iface=a.iface, verbose=False)
            sport += 1
            time.sleep(0.02)
        seg = TCP(sport=sport, dport=dport, flags="S", seq=1000 * sport, dataofs=4)
        sendp(base / seg, iface=a.iface, verbose=False)
        sport += 1
        time.sleep(0.02)


if __name__ == "__main__":
    main()
