#!/usr/bin/env python3
"""seeds.py - seed the corpora of the fuzz targets.

usage: seeds.py SOURCE_DIR OUT_DIR

Writes OUT_DIR/<target>/ for each target of tests/fuzz/, from the project's copy of tcpdump's
captures (tests/data/pcaps), the examples and the oracle cases (tests/oracle/cases). Each seed is named by the SHA-1 of its contents, so running it again
adds nothing twice and keeps what the fuzzer found. Needs nothing but Python 3; clang, when
there, builds tests/data/ebpf's programs for the eBPF targets.
"""
import glob
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

HOST_MAC = bytes.fromhex("020000000002")
VETH_MAC = bytes.fromhex("020000000003")
HOST_V4 = bytes([10, 0, 0, 2])
HOST_V6 = bytes.fromhex("fd000000000000000000000000000002")

# Captures whose frames seed fuzz_frame and fuzz_bpf: UDP, TCP, DNS, NTP, IPv6 extension
# headers, ICMP and ICMPv6, VLAN, tunnels, as found in tcpdump's test suite.
FRAME_CAPTURES = [
    "dns_udp.pcap", "dns_tcp.pcap", "ntp.pcap", "tftp.pcap", "accecn_handshake.pcap",
    "icmp6-rfc8335.pcap", "icmp-rfc8335.pcap", "bigtcp-ipv6-hbh.pcap", "cve2015-0261-ipv6.pcap",
    "espudp1.pcap", "vxlan.pcap", "print-flags.pcap", "dnssec.pcap", "igmpv3-queries.pcap",
    "heapoverflow-tcp_print.pcap", "icmp_ext_oob_poc.pcap", "802.1ad_QinQ.pcap",
    "ldp-common-session.pcap",
]

EXPRESSIONS = [
    "", "udp", "tcp", "udp or tcp", "icmp", "icmp6", "ip6", "arp", "vlan", "vlan 10 and udp",
    "port 53", "udp port 53", "tcp dst port 80", "tcp[tcpflags] & tcp-syn != 0",
    "tcp[13] & 0x12 == 0x12", "host 10.0.0.1", "src net 10.0.0.0/8", "dst host fd00::2",
    "ip[6:2] & 0x1fff != 0", "ip[0] & 0xf > 5", "len > 100", "less 64", "greater 1000",
    "ether dst 02:00:00:00:00:02", "ether broadcast", "ip multicast", "ip proto 47",
    "ip6 proto 17", "portrange 1000-2000", "not port 22 and (udp or icmp)",
    "icmp[icmptype] == icmp-echo", "ip[2:2] > 576", "ether[12:2] = 0x0800",
    "udp[8:4] = 0xdeadbeef", "tcp port 80 and (((ip[2:2] - ((ip[0]&0xf)<<2)) - "
    "((tcp[12]&0xf0)>>2)) != 0)", "tcp port", "port 99999", "ip[100000]", "host",
    "ether proto \\ip", "(udp", "udp[0:3] = 1",
]

# Hand-written rule sets for fuzz_iptables, beside the netfilter: blocks of the scenarios.
RULE_SETS = [
    """*filter
:INPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -p icmp -m limit --limit 10/s --limit-burst 5 -j ACCEPT
-A INPUT -p icmp -j DROP
-A INPUT -p tcp --dport 81 -j REJECT --reject-with tcp-reset
-A INPUT -p udp --dport 7 -j REJECT
COMMIT
""",
    """*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p udp --dport 123 -j NOTRACK
-A PREROUTING -p udp --dport 53 -j CT --notrack
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
-A PREROUTING -p tcp --syn -j MARK --set-mark 0x1
-A INPUT -m length --length 0:100 -j MARK --or-mark 2
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:LOGDROP - [0:0]
:SVC - [0:0]
-A INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT
-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
-A INPUT -p tcp -m multiport --dports 22,80,443,8000:8100 -j SVC
-A INPUT -s 10.0.0.0/8 ! -d 10.0.0.255 -p udp -m udp --sport 1000:2000 -j ACCEPT
-A INPUT -i eth+ -p tcp --tcp-flags SYN,RST,ACK,FIN SYN -m limit --limit 3/min -j LOG --log-prefix "syn: "
-A INPUT -m comment --comment "the rest" -j LOGDROP
-A SVC -p tcp --dport 80 -j ACCEPT
-A SVC -j RETURN
-A LOGDROP -j LOG
-A LOGDROP -g SVC
-A LOGDROP -j REJECT --reject-with icmp-host-prohibited
COMMIT
""",
    """*filter
:INPUT ACCEPT [12:3456]
-A INPUT -p udp --dport 6000 -j DROP
-A INPUT -p udp --dport 6001
COMMIT
""",
    """*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j TRACE
-A PREROUTING -p udp --dport 123 -j CT --notrack
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A PREROUTING -p udp -m mark --mark 0x0/0xff -j MARK --set-xmark 0x7/0xff
-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A POSTROUTING -o eth0 -m connmark --mark 0x7 -j CONNMARK --set-xmark 0x1/0x1
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate UNTRACKED,SNAT -j ACCEPT
-A INPUT -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -m addrtype --dst-type LOCAL --limit-iface-in -j NFLOG --nflog-group 5 --nflog-prefix "new: "
-A INPUT -p icmp -m icmp --icmp-type 8 -m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 3 --hashlimit-mode srcip --hashlimit-name ping --hashlimit-htable-expire 1000 -j ACCEPT
-A INPUT -p icmp --icmp-type destination-unreachable -j ACCEPT
-A INPUT -p tcp --dport 22 -m recent --update --seconds 60 --hitcount 3 --name SSH --mask 255.255.255.255 --rsource -j DROP
-A INPUT -p tcp --dport 22 -m recent --set --name SSH --mask 255.255.255.255 --rsource -j ACCEPT
-A INPUT -p tcp --syn -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with tcp-reset
-A INPUT -p tcp -m tcpmss ! --mss 536:1460 -j DROP
-A INPUT -m pkttype --pkt-type broadcast -m ttl --ttl-lt 2 -j DROP
-A INPUT -m statistic --mode nth --every 3 --packet 1 -j ACCEPT
-A INPUT -m statistic --mode random --probability 0.33333333349 -j ACCEPT
-A INPUT -m set --match-set blk src -j DROP
-A INPUT -m set --match-set svc dst,dst -j ACCEPT
-A INPUT -m u32 --u32 "0x0>>0x16&0x3c@0x8=0x1" -j DROP
-A OUTPUT -o lo -j ACCEPT
COMMIT
""",
]

# A scenario with every section, for fuzz_scenario.
HOST_YAML = """host: { cpus: 2, hz: 250 }
sysctl:
  net.ipv4.ipfrag_high_thresh: 262144
  net.netfilter.nf_conntrack_max: 64
  net.ipv4.tcp_rmem: 4096 131072 6291456
nics:
  - { name: eth0, mac: '02:00:00:00:00:02', addresses: [10.0.0.2/24, fd00::2/64],
      ring_size: 64, rx_queues: 2, irq_affinity: [0, 1], rps_cpus: ["3", "3"],
      coalesce: { rx_usecs: 10, rx_frames: 4 },
      vlans: [{ id: 202, addresses: [10.2.0.2/24, fd02::2/64] }, { id: 0, name: prio }] }
  - { name: veth0, driver: veth, addresses: [10.1.0.2/24], promisc: true, mtu: 9000,
      vlans: [{ id: 7, mac: '02:00:00:00:07:07', addresses: [10.7.0.2/24] }] }
sockets:
  - { name: dns, proto: udp, bind: '[::]:53', rcvbuf: 4096, app: { read: 10kpps, cpu: 1 } }
  - { name: bulk, proto: udp, bind: '10.0.0.2:9', app: { read: { batch: 64, every: 1ms } } }
  - { name: web, proto: tcp, bind: '0.0.0.0:80', backlog: 4, app: { accept: never } }
taps:
  - { name: tcpdump, filter: 'udp or tcp', ring_frames: 8 }
netfilter: |
  *filter
  :INPUT ACCEPT [0:0]
  -A INPUT -m conntrack --ctstate INVALID -j DROP
  -A INPUT -p udp --dport 7 -j REJECT
  COMMIT
traffic:
  - { pcap: flood.pcap, nic: eth0, speed: 2.0, start: 10ms }
  - { generate: udp_flood, rate: 1Mpps, flows: 4, size: 64, count: 1000, dport: 53 }
cost: { udp_rcv: 200, per_kbyte: 40 }
run: { until: end+500ms }
"""


def put(folder, data):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)


def pcap_frames(path, limit=64):
    """Frames of a microsecond or nanosecond pcap of link type Ethernet, or []."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    if len(data) < 24:
        return []
    for order in "<>":
        magic, = struct.unpack(order + "I", data[:4])
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            break
    else:
        return []
    if struct.unpack(order + "I", data[20:24])[0] != 1:
        return []
    frames, off = [], 24
    while off + 16 <= len(data) and len(frames) < limit:
        caplen, = struct.unpack(order + "I", data[off + 8:off + 12])
        frame = data[off + 16:off + 16 + caplen]
        if len(frame) != caplen:
            break
        frames.append(frame)
        off += 16 + caplen
    return frames


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def l4_fix(frame, l4, proto, pseudo):
    """Recompute the TCP, UDP, ICMP or ICMPv6 checksum at @l4 over the given pseudo-header."""
    where = {6: 16, 17: 6, 1: 2, 58: 2}.get(proto)
    if where is None or len(frame) < l4 + where + 2:
        return frame
    seg = bytearray(frame[l4:])
    seg[where:where + 2] = b"\0\0"
    c = csum((pseudo if proto != 1 else b"") + bytes(seg))
    if proto == 17 and c == 0:
        c = 0xffff
    seg[where:where + 2] = struct.pack("!H", c)
    return frame[:l4] + bytes(seg)


def readdress(frame, mac):
    """The frame sent to the fuzz host: its MAC, and its IPv4 or IPv6 destination address,
    with the checksums that cover them made right again (unless the frame is cut short)."""
    f = bytearray(frame)
    if len(f) < 14:
        return bytes(f)
    f[0:6] = mac
    etype, l3 = struct.unpack("!H", f[12:14])[0], 14
    if etype == 0x8100 and len(f) >= 18:
        etype, l3 = struct.unpack("!H", f[16:18])[0], 18
    if etype == 0x0800 and len(f) >= l3 + 20:
        ihl = (f[l3] & 15) * 4
        f[l3 + 16:l3 + 20] = HOST_V4
        f[l3 + 10:l3 + 12] = b"\0\0"
        f[l3 + 10:l3 + 12] = struct.pack("!H", csum(bytes(f[l3:l3 + ihl])))
        tot = struct.unpack("!H", f[l3 + 2:l3 + 4])[0]
        proto, frag = f[l3 + 9], struct.unpack("!H", f[l3 + 6:l3 + 8])[0]
        if ihl >= 20 and tot <= len(f) - l3 and not frag & 0x3fff:
            f = bytearray(f[:l3 + tot])
            pseudo = bytes(f[l3 + 12:l3 + 20]) + struct.pack("!HH", proto, tot - ihl)
            f = bytearray(l4_fix(bytes(f), l3 + ihl, proto, pseudo))
    elif etype == 0x86dd and len(f) >= l3 + 40:
        f[l3 + 24:l3 + 40] = HOST_V6
        plen, nh = struct.unpack("!H", f[l3 + 4:l3 + 6])[0], f[l3 + 6]
        if plen <= len(f) - l3 - 40:
            f = bytearray(f[:l3 + 40 + plen])
            pseudo = bytes(f[l3 + 8:l3 + 40]) + struct.pack("!I3xB", plen, nh)
            f = bytearray(l4_fix(bytes(f), l3 + 40, nh, pseudo))
    return bytes(f)


def record(frame, nic=0, gap=1):
    return bytes([(gap << 1) | nic]) + struct.pack("!H", len(frame)) + frame


def ipv4(proto, payload, sport=1000, dport=53, flags=0x02, frag=0, ident=1, tot=None):
    """An IPv4 frame from 10.0.0.1 to the fuzz host with correct checksums."""
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, flags, 65535, 0, 0)
    elif proto == 17:
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    else:
        l4 = struct.pack("!BBHHH", 8, 0, 0, dport, 1)
    seg = l4 + payload
    length = 20 + len(seg) if tot is None else tot
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, length, ident, frag, 64, proto, 0,
                               bytes([10, 0, 0, 1]), HOST_V4))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    frame = HOST_MAC + bytes.fromhex("020000000001") + b"\x08\x00" + bytes(ip) + seg
    pseudo = bytes(ip[12:20]) + struct.pack("!HH", proto, len(seg))
    return l4_fix(frame, 34, proto, pseudo) if not frag & 0x1fff else frame


def fragment(data, off, more, ident):
    """An IPv4 fragment of a UDP datagram: @data at byte @off, MF when @more."""
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), ident,
                               (0x2000 if more else 0) | off // 8, 64, 17, 0,
                               bytes([10, 0, 0, 1]), HOST_V4))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    return HOST_MAC + bytes.fromhex("020000000001") + b"\x08\x00" + bytes(ip) + data


def frame_seeds(pcaps, oracle, examples):
    paths = [os.path.join(pcaps, n) for n in FRAME_CAPTURES]
    paths += sorted(glob.glob(os.path.join(examples, "*/*.pcap")))
    paths += sorted(glob.glob(os.path.join(oracle, "*/ingress.pcap")))
    seeds, packets = [], []
    for p in paths:
        frames = [readdress(f, HOST_MAC) for f in pcap_frames(p, 16)]
        if not frames:
            continue
        packets += frames[:4]
        seeds += [record(f) for f in frames[:8]]
        seeds.append(b"".join(record(f, gap=0) for f in frames))
        seeds.append(b"".join(record(readdress(f, VETH_MAC), nic=1) for f in frames[:4]))
    # By hand: a TCP handshake start, closed and REJECTed ports, fragments (in order,
    # overlapping, a lone first one), an ICMP burst past the limit, a ring-filling burst.
    body = bytes(range(48))
    dg = struct.pack("!HHHH", 1000, 53, 8 + len(body), 0) + body
    seeds.append(record(ipv4(6, b"", dport=80)) + record(ipv4(6, b"", dport=80, flags=0x10)))
    seeds.append(b"".join(record(ipv4(17, body, dport=p)) for p in (53, 9, 7, 123, 5000)))
    seeds.append(record(fragment(dg[:16], 0, True, 7)) + record(fragment(dg[16:], 16, False, 7)))
    seeds.append(record(fragment(dg[:24], 0, True, 8)) + record(fragment(dg[8:32], 8, True, 8)))
    seeds.append(b"".join(record(fragment(dg[:16], 0, True, i), gap=0) for i in range(64)))
    seeds.append(b"".join(record(ipv4(1, b"x" * 56, dport=i), gap=0) for i in range(12)))
    seeds.append(b"".join(record(ipv4(17, body, sport=i, dport=9), gap=0) for i in range(80)))
    return seeds, packets


def netfilter_blocks(text):
    """The literal netfilter: blocks of a scenario file, dedented."""
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if not re.match(r"^netfilter:\s*\|", line):
            continue
        block = []
        for nxt in lines[i + 1:]:
            if nxt.strip() and not nxt.startswith(" "):
                break
            block.append(nxt)
        indent = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
        out.append("\n".join(b[indent:] for b in block).strip() + "\n")
    return out


def ebpf_objects(source):
    """tests/data/ebpf/*.bpf.c built as the test build does, or [] without clang."""
    objs = []
    arch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        for src in sorted(glob.glob(os.path.join(source, "tests/data/ebpf/*.bpf.c"))):
            out = os.path.join(tmp, "o")
            cpu = ["-mcpu=v3"] if src.endswith("_v3.bpf.c") else []
            try:
                subprocess.run(["clang", "-O2", "-g", "-target", "bpf"] + cpu +
                               ["-I/usr/include/" + arch.strip(), "-c", src, "-o", out],
                               check=True, capture_output=True)
            except (OSError, subprocess.CalledProcessError):
                continue
            with open(out, "rb") as f:
                objs.append(f.read())
    return objs


def ebpf_programs(obj):
    """The executable sections of an ELF64 little-endian object: raw eBPF instructions."""
    progs = []
    if obj[:4] != b"\x7fELF" or len(obj) < 64:
        return progs
    shoff, = struct.unpack_from("<Q", obj, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", obj, 0x3a)
    for i in range(shnum):
        off = shoff + i * shentsize
        if off + 64 > len(obj):
            break
        _, typ, flags, _, sec_off, size = struct.unpack_from("<IIQQQQ", obj, off)
        if typ == 1 and flags & 4 and size and sec_off + size <= len(obj):
            progs.append(obj[sec_off:sec_off + size])
    return progs


# Small hand-written programs for fuzz_ebpf (type byte, length byte, instructions).
EBPF_SEEDS = [
    "b700000002000000" "9500000000000000",                      # r0 = 2; exit
    "6112000000000000" "6113040000000000" "bf30000000000000"    # r0 = data_end - data
    "1f20000000000000" "9500000000000000",
    "b701000003000000" "8510000002000000" "0700000001000000"    # a bpf-to-bpf call
    "9500000000000000" "bf10000000000000" "2700000002000000" "9500000000000000",
    "7a0af8ff05000000" "bfa2000000000000" "07020000f8ffffff"    # hash lookup of 5
    "1851000001000000" "0000000000000000" "8500000001000000"
    "b700000000000000" "9500000000000000",
]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out = sys.argv[1:]
    examples = os.path.join(source, "examples")
    pcaps = os.path.join(source, "tests/data/pcaps/tcpdump-tests")
    oracle = os.path.join(source, "tests/oracle/cases")
    corpus = sorted(glob.glob(os.path.join(pcaps, "*")))
    if not corpus:
        sys.exit("seeds.py: no captures in %s" % pcaps)
    for p in corpus + sorted(glob.glob(os.path.join(examples, "*/*.pcap"))) + \
            sorted(glob.glob(os.path.join(oracle, "*/ingress.pcap"))):
        with open(p, "rb") as f:
            put(os.path.join(out, "fuzz_pcap"), f.read())
    frames, packets = frame_seeds(pcaps, oracle, examples)
    for s in frames:
        put(os.path.join(out, "fuzz_frame"), s)
    scenarios = sorted(glob.glob(os.path.join(examples, "*/scenario.yaml")))
    scenarios += sorted(glob.glob(os.path.join(oracle, "*/scenario.yaml")))
    rules = list(RULE_SETS)
    for name in sorted(glob.glob(os.path.join(source, "tests/data/netfilter/*.rules"))):
        with open(name, encoding="utf-8") as f:
            rules.append(f.read())
    put(os.path.join(out, "fuzz_scenario"), HOST_YAML.encode())
    for p in scenarios:
        with open(p, "rb") as f:
            text = f.read()
        put(os.path.join(out, "fuzz_scenario"), text)
        rules += netfilter_blocks(text.decode("utf-8", "replace"))
    for r in rules:
        put(os.path.join(out, "fuzz_iptables"), r.encode())
    for i, e in enumerate(EXPRESSIONS):
        for p in packets[i % 5::5][:6] or [b""]:
            put(os.path.join(out, "fuzz_bpf"), e.encode() + b"\0" + p)
    for i, hexa in enumerate(EBPF_SEEDS):
        for kind in range(4):
            put(os.path.join(out, "fuzz_ebpf"), bytes([kind, 40 + i]) + bytes.fromhex(hexa))
    for obj in ebpf_objects(source):
        put(os.path.join(out, "fuzz_ebpf_elf"), obj)
        for i, prog in enumerate(ebpf_programs(obj)):
            for kind in range(4):
                put(os.path.join(out, "fuzz_ebpf"), bytes([kind, i]) + prog[:8 * 512])
    os.makedirs(os.path.join(out, "fuzz_ebpf_elf"), exist_ok=True)
    # nftables rule sets: the typical servers' and the oracle cases' texts and JSON.
    for path in glob.glob(os.path.join(source, "tests", "data", "nft-*.nft")) + \
            glob.glob(os.path.join(source, "tests", "oracle", "cases", "*", "scenario.json")):
        with open(path, "rb") as f:
            data = f.read()
        if path.endswith(".json"):
            data = json.loads(data).get("nft_rules", {}).get("server", "").encode()
        if data:
            put(os.path.join(out, "fuzz_nft"), data)
    for path in glob.glob(os.path.join(source, "tests", "data", "nft-*.json")) + \
            glob.glob(os.path.join(source, "tests", "oracle", "cases", "*", "nft-rules.json")):
        with open(path, "rb") as f:
            put(os.path.join(out, "fuzz_nft_json"), f.read())
    for t in ("fuzz_pcap", "fuzz_frame", "fuzz_scenario", "fuzz_iptables", "fuzz_bpf",
              "fuzz_ebpf", "fuzz_ebpf_elf", "fuzz_nft", "fuzz_nft_json"):
        n = len(os.listdir(os.path.join(out, t)))
        print("seeds: %s: %d files in %s" % (t, n, os.path.join(out, t)))


if __name__ == "__main__":
    main()
