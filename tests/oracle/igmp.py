#!/usr/bin/env python3
"""IGMP to the server, sent with scapy from the client's veth for the oracle case igmp-rcv
(cases-igmp.sh), each with a router alert option as routers send them, 50 ms apart unless
said: an IGMPv3 general query to 224.0.0.1 (maximum response 100 ms; then 250 ms), a
group-specific one for the joined group (then 250 ms), a general query listing a source
(refused), a query of 10 bytes (refused), a message with a bad checksum, a v2 report of
another member of the joined group, a v3 report to 224.0.0.22 and a leave to 224.0.0.2 (not
joined), a v2 report sent to the server's own address, an unknown type to 224.0.0.1, then an
IGMPv2 general query (the host answers in v2 from then on; then 250 ms) and a v3 general
query after it (then 250 ms).

    igmp.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --group G
"""
import socket
import struct
import time

from scapy.all import IP, Ether, IPOption_Router_Alert, Raw, sendp

import scapyargs  # noqa: E402


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def igmp(type_, code, group, rest=b"", bad=False):
    b = struct.pack("!BBH4s", type_, code, 0, socket.inet_aton(group)) + rest
    c = csum(b) ^ (0x5555 if bad else 0)
    return b[:2] + struct.pack("!H", c) + b[4:]


def mac_of(group):
    o = socket.inet_aton(group)
    return "01:00:5e:%02x:%02x:%02x" % (o[1] & 0x7f, o[2], o[3])


def main():
    a = scapyargs.parse(__doc__, ("group", {"required": True}))

    def frame(dst, payload, unicast=False):
        return (Ether(src=a.smac, dst=a.dmac if unicast else mac_of(dst)) /
                IP(src=a.src, dst=dst, ttl=1, tos=0xc0, proto=2,
                   options=[IPOption_Router_Alert()]) / Raw(payload))

    v3q = struct.pack("!BBH", 0, 0, 0)          # S/QRV 0, QQIC 0, no sources
    v3q_src = struct.pack("!BBH4s", 0, 0, 1, socket.inet_aton("10.77.0.9"))
    v3rep = struct.pack("!HH", 0, 1) + struct.pack("!BBH4s", 2, 0, 0, socket.inet_aton(a.group))
    steps = [
        (frame("224.0.0.1", igmp(0x11, 1, "0.0.0.0", v3q)), 0.25),
        (frame(a.group, igmp(0x11, 1, a.group, v3q)), 0.25),
        (frame("224.0.0.1", igmp(0x11, 1, "0.0.0.0", v3q_src)), 0.05),
        (frame("224.0.0.1", igmp(0x11, 1, "0.0.0.0", b"\0\0")), 0.05),
        (frame("224.0.0.1", igmp(0x16, 0, "224.0.0.1", bad=True)), 0.05),
        (frame(a.group, igmp(0x16, 0, a.group)), 0.05),
        (frame("224.0.0.22", struct.pack("!BBH", 0x22, 0, 0) + v3rep), 0.05),
        (frame("224.0.0.2", igmp(0x17, 0, a.group)), 0.05),
        (frame(a.dst, igmp(0x16, 0, a.group), unicast=True), 0.05),
        (frame("224.0.0.1", igmp(0x42, 0, "0.0.0.0")), 0.05),
        (frame("224.0.0.1", igmp(0x11, 1, "0.0.0.0")), 0.25),
        (frame("224.0.0.1", igmp(0x11, 1, "0.0.0.0", v3q)), 0.25),
    ]
    for f, pause in steps:
        if f.haslayer(Raw) and f[Raw].load[0] == 0x22:   # the v3 report's checksum
            p = bytearray(f[Raw].load)
            p[2:4] = struct.pack("!H", csum(bytes(p[:2]) + b"\0\0" + bytes(p[4:])))
            f[Raw].load = bytes(p)
        sendp(f, iface=a.iface, verbose=False)
        time.sleep(pause)


if __name__ == "__main__":
    main()
