#!/usr/bin/env python3
"""Write attack.pcap, the xdp-ddos example's traffic (python3 alone, no scapy), 20 ms of it:

- 200 DNS-like queries from a client, 10.0.0.1 -> 10.0.0.2:5353, 64 bytes (legitimate);
- 1000 amplified answers, 1200 bytes, from 40 reflectors 198.51.100.1..40 (source port 53,
  and 123 for one in four) -> 10.0.0.2:5353;
- 2000 SYNs from one flooding source, 203.0.113.9, to port 80;
- 40 SYNs of real clients 10.0.1.1..40, to port 80 (legitimate);
- 100 UDP datagrams from 192.0.2.66, which the scenario's blocklist names.

All interleaved by time, each with valid checksums."""
import struct

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip4(a):
    return bytes(int(x) for x in a.split("."))

def frame(src, dst, proto, l4):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0,
                     ip4(src), ip4(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex("020000000002") + bytes.fromhex("020000000001") + b"\x08\x00"
    return eth + ip + l4

def pseudo(src, dst, proto, l4):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, len(l4)) + l4

def udp(src, dst, sport, dport, size):
    payload = bytes((i * 7) & 0xff for i in range(size - 42))
    l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(pseudo(src, dst, 17, l4)) or 0xffff
    return frame(src, dst, 17, l4[:6] + struct.pack("!H", c) + l4[8:])

def syn(src, dst, sport, dport, seq):
    opts = bytes.fromhex("020405b4")           # MSS 1460
    l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, (20 + len(opts)) // 4 << 4, 0x02,
                     64240, 0, 0) + opts
    c = csum(pseudo(src, dst, 6, l4))
    return frame(src, dst, 6, l4[:16] + struct.pack("!H", c) + l4[18:])

events = []
for i in range(200):
    events.append((i * 100_000, udp("10.0.0.1", "10.0.0.2", 40000 + i, 5353, 64)))
for i in range(1000):
    r = 1 + i % 40
    events.append((3_000 + i * 20_000, udp("198.51.100.%d" % r, "10.0.0.2",
                                           123 if r % 4 == 0 else 53, 5353, 1200)))
for i in range(2000):
    events.append((5_000 + i * 10_000, syn("203.0.113.9", "10.0.0.2", 1024 + i, 80,
                                           0x10000000 + i * 7919)))
for i in range(40):
    events.append((7_000 + i * 500_000, syn("10.0.1.%d" % (1 + i), "10.0.0.2", 50000 + i, 80,
                                            0x20000000 + i)))
for i in range(100):
    events.append((9_000 + i * 200_000, udp("192.0.2.66", "10.0.0.2", 7777, 5353, 64)))
events.sort(key=lambda e: e[0])

with open("attack.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))   # nanosecond pcap
    for t, fr in events:
        t += 1_700_000_000 * 10**9
        f.write(struct.pack("<IIII", t // 10**9, t % 10**9, len(fr), len(fr)) + fr)
