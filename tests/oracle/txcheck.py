#!/usr/bin/python3
"""Compare what a host sent, as rxsim wrote it (--tx), with what the kernel sent (full.pcap).

  txcheck.py KERNEL.pcap RXSIM.pcap MAC

Takes, from each capture, the IPv4 and IPv6 (unicast) frames whose source MAC is MAC (the server's device on
the captured link), in order, and compares each pair: the destination MAC (the next hop the
neighbour table gave), addresses, protocol, TTL and TOS of the IP header (next header, hop limit and traffic class of an IPv6 one), and the whole transport message (for an ICMP error: type, code, the MTU
field, the checksum and every byte of the header it quotes). The IP id is not compared (the
kernel draws it from a hashed per-destination generator). One line per difference; exit 0
when none. Reads pcap (micro or nano, either byte order) and pcapng with the standard library.
"""
import struct, sys


def frames(path):
    b = open(path, "rb").read()
    magic = b[:4]
    if magic == b"\x0a\x0d\x0d\x0a":
        off, order = 0, "<"
        while off + 12 <= len(b):
            btype = struct.unpack_from("<I", b, off)[0]
            if btype == 0x0A0D0D0A:
                order = "<" if b[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            blen = struct.unpack_from(order + "I", b, off + 4)[0]
            if btype == 6:
                caplen = struct.unpack_from(order + "I", b, off + 20)[0]
                yield b[off + 28:off + 28 + caplen]
            elif btype == 3:
                yield b[off + 12:off + blen - 4]
            off += blen
        return
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    while off + 16 <= len(b):
        caplen = struct.unpack_from(order + "I", b, off + 8)[0]
        yield b[off + 16:off + 16 + caplen]
        off += 16 + caplen


def sent(path, mac):
    out = []
    for f in frames(path):
        if len(f) < 34 or f[6:12] != mac:
            continue
        ip = f[14:]
        if f[12:14] == b"\x86\xdd" and len(ip) >= 40:
            # IPv6: the hop limit as the TTL, the traffic class as the TOS; the frames
            # compared carry no extension headers (multicast listener reports, which do,
            # are left out: rxsim sends none)
            if ip[24] == 0xff:
                continue
            plen = struct.unpack_from(">H", ip, 4)[0]
            out.append({"dmac": f[0:6], "src": ip[8:24], "dst": ip[24:40], "proto": ip[6],
                        "ttl": ip[7], "tos": ((ip[0] & 15) << 4) | (ip[1] >> 4),
                        "l4": ip[40:40 + plen]})
            continue
        if f[12:14] != b"\x08\x00":
            continue
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack_from(">H", ip, 2)[0]
        out.append({"dmac": f[0:6], "src": ip[12:16], "dst": ip[16:20], "proto": ip[9], "ttl": ip[8],
                    "tos": ip[1], "l4": ip[ihl:tot]})
    return out


def dotted(a):
    if len(a) == 16:
        return ":".join(a[i:i + 2].hex() for i in range(0, 16, 2))
    return ".".join(str(x) for x in a)


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    mac = bytes(int(x, 16) for x in sys.argv[3].split(":"))
    want, got = sent(sys.argv[1], mac), sent(sys.argv[2], mac)
    bad = 0
    if len(want) != len(got):
        print("frames: kernel sent %d, rxsim %d" % (len(want), len(got)))
        bad += 1
    for i, (w, g) in enumerate(zip(want, got), 1):
        for k in ("dmac", "src", "dst", "proto", "ttl", "tos"):
            if w[k] != g[k]:
                fmt = dotted if k in ("src", "dst") else (lambda m: m.hex(":")) if k == "dmac" else str
                print("frame %d: %s kernel %s, rxsim %s" % (i, k, fmt(w[k]), fmt(g[k])))
                bad += 1
        if w["l4"] != g["l4"]:
            at = next((j for j, (x, y) in enumerate(zip(w["l4"], g["l4"])) if x != y),
                      min(len(w["l4"]), len(g["l4"])))
            print("frame %d: transport message differs at byte %d (kernel %d bytes, rxsim %d)"
                  % (i, at, len(w["l4"]), len(g["l4"])))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
