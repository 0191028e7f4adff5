#!/usr/bin/python3
"""Helpers for rxsim's oracle cases of issue 21 (tests/oracle/cases.sh), run inside the
oracle's network namespaces. Every mode is bounded by --max-seconds and writes what it saw
to --status.

  tcp-server --addr A --port P --backlog N [--rcvbuf B] [--accept 0|1] [--defer SECONDS]
             [--read never|all|CHUNK:EVERY_MS|drain:EVERY_MS]
      listen(); SO_RCVBUF (and TCP_DEFER_ACCEPT) before listen() (the children inherit it
      and its lock); accept
      every connection (unless --accept 0) and read as --read says. drain:T accepts one
      connection and, every T ms after accept(), makes one non-blocking recv() of 4 MiB
      (everything queued, in one tcp_recvmsg()).
  tcp-paced --dst A --port P --chunks N,N,... --every MS --offset MS
      connect(), then chunk i with one blocking sendall() at connect + offset + i * every.
  tcp-push --dst A --port P --bytes N --wait S
      connect(), send N bytes non-blocking as the window lets them, for S seconds.
  scapy-tcp --script overwindow|dupdata|collapse|ofoprune|ofogrow --iface I --src A --dst A --port P --smac M --dmac M
      a raw connection (scapy, L2): SYN with MSS 1460, SACK permitted, window scale 7, no
      timestamps; the server's SYN-ACK read back, the handshake ACK, then the script's
      segments. Sequence numbers are relative to the client's ISN + 1.
  scapy-acceptq ...
      five raw connections from ports 45000..45004 against listen(2), their SYNs and
      handshake ACKs interleaved so that two request socks see the accept queue full.
  udp-multi --port P --bind A,B,... [--join G@IFADDR] [--rcvbufs B,...] [--sndbuf B] [--read all|0]
      one UDP socket per address (SO_REUSEADDR), each reading everything (or nothing).
  udp-send --dst A --port P --count N --size S [--bcast] [--v6] [--iface-addr A] [--iface I]
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time


def write_status(path, obj):
    if path:
        with open(path + ".tmp", "w") as f:
            json.dump(obj, f, indent=1, sort_keys=True)
        os.replace(path + ".tmp", path)


def stop(signum, frame):
    raise SystemExit(0)


def ready(a):
    if a.ready:
        open(a.ready, "w").close()


def tcp_drain(a, s, st, deadline, every):
    c, _ = s.accept()
    t0 = time.monotonic()
    c.setblocking(False)
    st.update({"accepted": 1, "read": [0], "reads": [0], "log": []})
    k = 1
    while time.monotonic() < deadline:
        time.sleep(max(0.0, t0 + k * every - time.monotonic()))
        try:
            n = len(c.recv(1 << 22))
        except BlockingIOError:
            n = -1
        st["log"].append([round(time.monotonic() - t0, 6), n])
        if n > 0:
            st["read"][0] += n
            st["reads"][0] += 1
        write_status(a.status, st)
        k += 1


def tcp_server(a, deadline):
    s = socket.socket(socket.AF_INET6 if ":" in a.addr else socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    if a.defer:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, a.defer)
    s.bind((a.addr, a.port))
    s.listen(a.backlog)
    st = {"rcvbuf_effective": s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
          "accepted": 0, "read": [], "reads": []}
    write_status(a.status, st)
    ready(a)
    if a.read.startswith("drain:"):
        return tcp_drain(a, s, st, deadline, float(a.read[6:]) / 1000.0)
    conns = []
    chunk, every = 0, 0.0
    if a.read not in ("never", "all"):
        c, e = a.read.split(":")
        chunk, every = int(c), float(e) / 1000.0
    next_read = 0.0
    while time.monotonic() < deadline:
        rl = [s] if a.accept else []
        if a.read == "all":
            rl += conns
        tmo = 0.2
        if chunk and conns:
            tmo = max(0.0, min(tmo, next_read - time.monotonic()))
        r, _, _ = select.select(rl, [], [], tmo)
        if s in r:
            c, _ = s.accept()
            c.setblocking(False)
            conns.append(c)
            st["accepted"] += 1
            st["read"].append(0)
            st["reads"].append(0)
            next_read = time.monotonic() + every
            write_status(a.status, st)
        for i, c in enumerate(conns):
            if a.read == "all" and c in r:
                try:
                    b = c.recv(65536)
                except BlockingIOError:
                    b = b""
                st["read"][i] += len(b)
                st["reads"][i] += 1
        if chunk and conns and time.monotonic() >= next_read:
            for i, c in enumerate(conns):
                try:
                    b = c.recv(chunk)
                    st["read"][i] += len(b)
                    st["reads"][i] += 1
                except BlockingIOError:
                    pass
            next_read += every
        if r or chunk:
            write_status(a.status, st)


def tcp_push(a, deadline):
    c = socket.create_connection((a.dst, a.port))
    c.setblocking(False)
    data = bytes(i % 251 for i in range(a.bytes))
    sent = 0
    end = min(deadline, time.monotonic() + a.wait)
    while time.monotonic() < end and sent < len(data):
        _, w, _ = select.select([], [c], [], 0.05)
        if w:
            try:
                sent += c.send(data[sent:])
            except BlockingIOError:
                pass
    st = {"sent": sent}
    write_status(a.status, st)
    ready(a)
    while time.monotonic() < deadline:    # keep the connection open until killed
        time.sleep(0.2)


def scapy_setup():
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import conf
    conf.verb = 0


SYN_OPTS = [("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b""), ("NOP", None),
            ("WScale", 7)]


class Conn:
    """One raw connection from the client: its ISN, the server's, and a segment builder."""

    def __init__(self, a, sport, isn):
        from scapy.all import Ether, IP, TCP
        self.a, self.sport, self.isn = a, sport, isn
        self.l2 = Ether(src=a.smac, dst=a.dmac)
        self.ip = lambda: IP(src=a.src, dst=a.dst, ttl=64)
        self.TCP = TCP
        self.sisn = None

    def syn(self):
        return self.l2 / self.ip() / self.TCP(sport=self.sport, dport=self.a.port, flags="S",
                                              seq=self.isn, window=64240, options=SYN_OPTS)

    def seg(self, rel, payload=b"", flags="A", window=502):
        from scapy.all import Raw
        p = self.l2 / self.ip() / self.TCP(sport=self.sport, dport=self.a.port, flags=flags,
                                           seq=(self.isn + 1 + rel) & 0xffffffff,
                                           ack=(self.sisn + 1) & 0xffffffff, window=window)
        return p / Raw(payload) if payload else p


def synacks(a, n, timeout=3.0):
    """Sniff the server's SYN-ACKs on the client veth: {dport: server ISN}."""
    from scapy.all import AsyncSniffer
    sn = AsyncSniffer(iface=a.iface, filter="tcp and src host %s and tcp[13] & 18 == 18" % a.dst,
                      count=n, timeout=timeout, store=True)
    sn.start()
    time.sleep(0.3)
    return sn


def scapy_tcp(a, st):
    from scapy.all import sendp
    scapy_setup()
    c = Conn(a, 44000, 1000000)
    sn = synacks(a, 1)
    sendp(c.syn(), iface=a.iface)
    sn.join()
    got = sn.results or []
    if not got:
        st["error"] = "no SYN-ACK"
        return
    c.sisn = got[0]["TCP"].seq
    st["server_isn"] = c.sisn
    st["synack_window"] = got[0]["TCP"].window
    time.sleep(0.05)
    sendp(c.seg(0), iface=a.iface)          # the handshake's ACK
    time.sleep(0.1)
    steps = SCRIPTS[a.script]
    for gap, rel, size in steps:
        sendp(c.seg(rel, bytes((rel + i) % 251 for i in range(size)), flags="PA"), iface=a.iface)
        time.sleep(gap)
    st["segments"] = len(steps)


# (pause after, relative seq, payload bytes)
OFOGROW_B = 1460 * 41     # where ofogrow's small segments start
SCRIPTS = {
    # SO_RCVBUF 4096 (sk_rcvbuf 8192), never read: in order until the window is full and
    # after, three segments far past the window, a zero-window probe's byte.
    "overwindow": [(0.1, 0, 1000), (0.1, 1000, 1000), (0.1, 2000, 1000)]
    + [(0.1, 100000, 1000)] * 3
    + [(0.1, 3000 + 1000 * i, 1000) for i in range(8)]
    + [(0.3, 11000, 1), (0.1, 11000, 1)],
    # default buffer, never read: duplicates of in-order data (D-SACK old), a partial
    # duplicate, out-of-order data and its duplicate (D-SACK ofo), the hole filled.
    "dupdata": [(0.1, 0, 1000), (0.1, 1000, 1000), (0.1, 2000, 1000),
                (0.1, 1000, 1000),             # all old
                (0.1, 2500, 1000),             # half old
                (0.1, 5000, 1000),             # out of order
                (0.1, 5000, 1000),             # its duplicate
                (0.1, 3500, 1000),             # half the hole
                (0.1, 4500, 500),              # the rest of it
                (0.1, 0, 500)],                # old again
    # SO_RCVBUF 4096 (sk_rcvbuf 8192), never read: 10-byte segments in order, each a small
    # linear skb (truesize 832) that coalesces into the tail's tailroom until it is full:
    # memory passes sk_rcvbuf long before the window closes, and tcp_prune_queue()
    # collapses the receive queue (tcp_collapse()). Then past the window's right edge.
    "collapse": [(0.005, 10 * i, 10) for i in range(300)],
    # SO_RCVBUF 4096, never read, a hole at 0:10 until the end. A run of 10-byte segments
    # in descending order (contiguous, never coalesced: tcp_collapse_ofo_queue() collapses
    # the range), gapped ones ascending (tiny single ranges: not collapsed; the incoming
    # would land last, so nothing is pruned: RcvPruned, TCPOFODrop), gapped ones below
    # them (tcp_prune_ofo_queue() drops from the far end: OfoPruned), duplicates
    # (TCPOFOMerge), the hole filled, and more in order.
    "ofoprune": [(0.005, 10 * i, 10) for i in range(40, 0, -1)]
    + [(0.005, 1000 + 20 * i, 10) for i in range(30)]
    + [(0.005, 900 - 20 * i, 10) for i in range(20)]
    + [(0.05, 900, 10), (0.05, 10, 10), (0.05, 200, 20)]
    + [(0.1, 0, 10)]
    + [(0.005, 410 + 10 * i, 10) for i in range(10)],
    # Default buffers, a reader: a hole at 0:1460, then 40 MSS segments after it (linear
    # kmalloc-2k skbs, never coalesced; from the 36th the out-of-order span makes
    # tcp_rcvbuf_grow() raise sk_rcvbuf), 10-byte ones appended to the last
    # (tcp_ooo_try_coalesce() into its tailroom), gapped ones, a duplicate (TCPOFOMerge), a
    # partial overlap, gaps filled by coalescing into the skb before them (the rbtree walk),
    # one covering a queued skb (replaced), the hole filled, 5 MSS segments in order 50 ms
    # apart.
    "ofogrow": [(0.005, 1460 * i, 1460) for i in range(1, 41)]
    + [(0.005, OFOGROW_B + 10 * i, 10) for i in range(10)]
    + [(0.005, OFOGROW_B + 120, 10), (0.005, OFOGROW_B + 140, 10),
       (0.005, OFOGROW_B + 120, 10),                    # all present: TCPOFOMerge
       (0.005, OFOGROW_B + 125, 10),                    # partial overlap
       (0.005, OFOGROW_B + 100, 10), (0.005, OFOGROW_B + 110, 10),  # into the skb before
       (0.005, OFOGROW_B + 140, 20),                    # covers [140, 150): replaces it
       (0.005, OFOGROW_B + 135, 5)]                     # into [125, 135)
    + [(0.1, 0, 1460)]
    + [(0.05, OFOGROW_B + 160 + 1460 * i, 1460) for i in range(5)],
}


def scapy_acceptq(a, st):
    """listen(2): SYN A, B, C; ACK A; SYN D; ACK B; SYN E; ACK C (the accept queue is full
    now, D and E are request socks); ACK D, ACK E; 0.3 s; ACK D again."""
    from scapy.all import AsyncSniffer, sendp
    scapy_setup()
    conns = {n: Conn(a, 45000 + i, 2000000 * (i + 1)) for i, n in enumerate("ABCDE")}
    isn = {}
    sn = AsyncSniffer(iface=a.iface, filter="tcp and src host %s and tcp[13] & 18 == 18" % a.dst,
                      prn=lambda p: isn.setdefault(p["TCP"].dport, p["TCP"].seq), store=False)
    sn.start()
    time.sleep(0.5)
    log = []

    def syn(n):
        sendp(conns[n].syn(), iface=a.iface)
        log.append("SYN " + n)

    def ack(n):
        c = conns[n]
        end = time.monotonic() + 2.0
        while c.sport not in isn and time.monotonic() < end:
            time.sleep(0.01)
        if c.sport not in isn:
            log.append("no SYN-ACK for " + n)
            return
        c.sisn = isn[c.sport]
        sendp(c.seg(0), iface=a.iface)
        log.append("ACK " + n)

    for step in ["SYN A", "SYN B", "SYN C", "ACK A", "SYN D", "ACK B", "SYN E", "ACK C",
                 "ACK D", "ACK E", "wait", "ACK D"]:
        if step == "wait":
            time.sleep(0.2)
        elif step.startswith("SYN"):
            syn(step[-1])
        else:
            ack(step[-1])
        time.sleep(0.1)
    sn.stop()
    st["steps"] = log


# SYNs whose options differ in what a cookie can keep: with no timestamp there is nowhere to
# keep window scaling and SACK (tcp_conn_request(): tcp_clear_options() under want_cookie).
SYNOPTS = [
    [("MSS", 1460)],
    [("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b""), ("NOP", None), ("WScale", 7)],
    [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)), ("NOP", None), ("WScale", 7)],
    [("MSS", 1460), ("NOP", None), ("NOP", None), ("Timestamp", (12345, 0))],
    [("MSS", 1460), ("NOP", None), ("WScale", 7)],
    [("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b"")],
]


def scapy_synopts(a, st):
    """One SYN of each SYNOPTS option set, 0.1 s apart, from ports 46000...; the SYN-ACKs'
    options as the client saw them go into the status."""
    from scapy.all import sendp
    scapy_setup()
    sn = synacks(a, len(SYNOPTS), timeout=3.0)
    for i, opts in enumerate(SYNOPTS):
        c = Conn(a, 46000 + i, 3000000 * (i + 1))
        p = c.syn()
        p["TCP"].options = opts
        sendp(p, iface=a.iface)
        time.sleep(0.1)
    sn.join()
    st["synacks"] = {str(p["TCP"].dport): {"len": len(p["IP"]), "options": repr(p["TCP"].options)}
                     for p in (sn.results or [])}


def udp_multi(a, deadline):
    socks = []
    bufs = [int(x) for x in a.rcvbufs.split(",")] if a.rcvbufs else []
    st = {"bind": [], "rcvbuf_effective": [], "read": []}
    for i, addr in enumerate(a.bind.split(",")):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if i < len(bufs) and bufs[i]:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, bufs[i])
        if a.sndbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, a.sndbuf)
        s.bind((addr, a.port))
        if a.join and i == 0:
            g, ifaddr = a.join.split("@")
            mreq = struct.pack("4s4s", socket.inet_aton(g), socket.inet_aton(ifaddr))
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        socks.append(s)
        st["bind"].append(addr)
        st["rcvbuf_effective"].append(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
        st.setdefault("sndbuf_effective", []).append(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
        st["read"].append(0)
    write_status(a.status, st)
    ready(a)
    reading = a.read not in ("0", "never")
    while time.monotonic() < deadline:
        if not reading:
            time.sleep(0.2)
            continue
        r, _, _ = select.select(socks, [], [], 0.2)
        for s in r:
            s.recvfrom(65535)
            st["read"][socks.index(s)] += 1
            write_status(a.status, st)


def udp_send(a):
    fam = socket.AF_INET6 if a.v6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if a.bcast:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    if a.iface:
        # 255.255.255.255 has no route in the client netns: out of this device
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    if a.iface_addr:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(a.iface_addr))
        s.bind((a.iface_addr, 0))
    payload = bytes(i % 251 for i in range(a.size))
    sent, errs = 0, 0
    for i in range(a.count):
        try:
            s.sendto(payload, (a.dst, a.port))
            sent += 1
        except OSError:
            errs += 1
    write_status(a.status, {"sent": sent, "errors": errs})


def tcp_paced(a, deadline):
    c = socket.create_connection((a.dst, a.port))
    t0 = time.monotonic()
    chunks = [int(x) for x in a.chunks.split(",")]
    st = {"sent": [], "at": []}
    for i, n in enumerate(chunks):
        time.sleep(max(0.0, t0 + (a.offset + i * a.every) / 1000.0 - time.monotonic()))
        st["at"].append(round(time.monotonic() - t0, 6))
        c.sendall(bytes(j % 251 for j in range(n)))
        st["sent"].append(n)
    write_status(a.status, st)
    ready(a)
    while time.monotonic() < deadline:    # keep the connection open until killed
        time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--addr", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--backlog", type=int, default=16)
    ap.add_argument("--rcvbuf", type=int, default=0)
    ap.add_argument("--rcvbufs", default="")
    ap.add_argument("--sndbuf", type=int, default=0)
    ap.add_argument("--accept", type=int, default=1)
    ap.add_argument("--defer", type=int, default=0)
    ap.add_argument("--read", default="all")
    ap.add_argument("--dst")
    ap.add_argument("--src")
    ap.add_argument("--bytes", type=int, default=0)
    ap.add_argument("--wait", type=float, default=1.0)
    ap.add_argument("--script", default="")
    ap.add_argument("--chunks", default="")
    ap.add_argument("--every", type=float, default=200.0)
    ap.add_argument("--offset", type=float, default=100.0)
    ap.add_argument("--iface")
    ap.add_argument("--smac")
    ap.add_argument("--dmac")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--bind", default="")
    ap.add_argument("--join", default="")
    ap.add_argument("--bcast", action="store_true")
    ap.add_argument("--v6", action="store_true")
    ap.add_argument("--iface-addr", default="")
    ap.add_argument("--status")
    ap.add_argument("--ready")
    ap.add_argument("--max-seconds", type=float, default=60.0)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + a.max_seconds
    st = {"mode": a.mode}
    try:
        if a.mode == "tcp-server":
            tcp_server(a, deadline)
        elif a.mode == "tcp-push":
            tcp_push(a, deadline)
        elif a.mode == "tcp-paced":
            tcp_paced(a, deadline)
        elif a.mode == "scapy-tcp":
            scapy_tcp(a, st)
        elif a.mode == "scapy-acceptq":
            scapy_acceptq(a, st)
        elif a.mode == "scapy-synopts":
            scapy_synopts(a, st)
        elif a.mode == "udp-multi":
            udp_multi(a, deadline)
        elif a.mode == "udp-send":
            udp_send(a)
        else:
            print("unknown mode", a.mode, file=sys.stderr)
            return 2
    except Exception as e:                  # noqa: BLE001 - the status says what broke
        st["error"] = repr(e)
        raise
    finally:
        if a.mode.startswith("scapy"):
            write_status(a.status, st)
            ready(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
