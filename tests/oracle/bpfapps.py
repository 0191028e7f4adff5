#!/usr/bin/python3
"""Helper programs for rxsim's eBPF oracle cases (tests/oracle/cases-ebpf.sh), in the shared
apps' manner (../shared/oracle/lib/apps.py): bounded by --max-seconds, results as JSON in
--status, --ready touched once set up.

Modes:
  udp-group  --addr A --port P --socks N [--reuseport] [--reuseport-cbpf TEXT]
             [--filter TEXT] [--rcvbuf B,B,...] [--read 1,1,0,...]
      N UDP sockets bound to A:P in order (with SO_REUSEPORT when asked: one group, its
      socks[] in this order); SO_ATTACH_REUSEPORT_CBPF of TEXT on the first, SO_ATTACH_FILTER
      of TEXT on each; each read (1) or never read (0). TEXT is classic BPF as tcpdump -ddd
      prints it: the count, then "code jt jf k" a line.
  udp-send-seq --dst A --port P --count N --size S [--gap S]
      N datagrams from one socket whose first payload byte is the datagram's number mod 256
      (the rest 1, 2, 3...), so that classic BPF can tell them apart.
"""
import argparse
import ctypes
import errno
import json
import os
import select
import signal
import socket
import struct
import sys
import time

SO_ATTACH_FILTER = 26
SO_ATTACH_REUSEPORT_CBPF = 51


def write_status(path, obj):
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


class Stop(Exception):
    pass


def _on_term(signum, frame):
    raise Stop()


def sock_fprog(text):
    """struct sock_fprog for classic BPF in tcpdump -ddd's text; keep the buffer alive."""
    nums = [int(x) for x in text.replace(",", " ").split()]
    n, rest = nums[0], nums[1:]
    if len(rest) != 4 * n:
        raise ValueError("classic BPF: %d instructions announced, %d numbers" % (n, len(rest)))
    buf = ctypes.create_string_buffer(b"".join(
        struct.pack("=HBBI", rest[4 * i], rest[4 * i + 1], rest[4 * i + 2], rest[4 * i + 3])
        for i in range(n)))
    return buf, struct.pack("@HP", n, ctypes.addressof(buf))


def udp_group(a, st, deadline, ready):
    n = a.socks
    rcvbufs = [int(x) for x in a.rcvbuf.split(",")] if a.rcvbuf else [0] * n
    reads = [int(x) for x in a.read.split(",")] if a.read else [1] * n
    keep = []
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if a.reuseport:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if rcvbufs[i]:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbufs[i])
        if a.filter:
            buf, prog = sock_fprog(a.filter)
            keep.append(buf)
            s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, prog)
        s.bind((a.addr, a.port))
        if i == 0 and a.reuseport_cbpf:
            buf, prog = sock_fprog(a.reuseport_cbpf)
            keep.append(buf)
            s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, prog)
        socks.append(s)
    st.update(sockets=[{"index": i, "read": reads[i],
                        "rcvbuf_requested": rcvbufs[i],
                        "rcvbuf_effective": s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
                        "datagrams_read": 0, "bytes_read": 0, "sizes": {}, "first_bytes": {}}
                       for i, s in enumerate(socks)],
              reuseport=bool(a.reuseport), reuseport_cbpf=a.reuseport_cbpf, filter=a.filter)
    write_status(a.status, st)
    ready()
    readers = [s for i, s in enumerate(socks) if reads[i]]
    while time.monotonic() < deadline:
        if not readers:
            time.sleep(0.2)
            continue
        r, _, _ = select.select(readers, [], [], 0.2)
        for s in r:
            data = s.recv(65535)
            e = st["sockets"][socks.index(s)]
            e["datagrams_read"] += 1
            e["bytes_read"] += len(data)
            k = str(len(data))
            e["sizes"][k] = e["sizes"].get(k, 0) + 1
            if data:
                k = str(data[0] & 3)
                e["first_bytes"][k] = e["first_bytes"].get(k, 0) + 1
        if r:
            write_status(a.status, st)


def udp_send_seq(a, st, deadline, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent, errs = 0, {}
    for i in range(a.count):
        if time.monotonic() >= deadline:
            break
        payload = bytes([i % 256]) + bytes((j % 251 for j in range(1, a.size)))
        try:
            s.sendto(payload, (a.dst, a.port))
            sent += 1
        except OSError as e:
            k = errno.errorcode.get(e.errno, e.errno)
            errs[k] = errs.get(k, 0) + 1
        if a.gap:
            time.sleep(a.gap)
    st.update(sent=sent, errors=errs, sport=s.getsockname()[1])
    write_status(a.status, st)
    ready()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--addr", default="0.0.0.0")
    ap.add_argument("--dst", default=None)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--socks", type=int, default=1)
    ap.add_argument("--reuseport", action="store_true")
    ap.add_argument("--reuseport-cbpf", default="")
    ap.add_argument("--filter", default="")
    ap.add_argument("--rcvbuf", default="")
    ap.add_argument("--read", default="")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--gap", type=float, default=0.0)
    ap.add_argument("--status", default=None)
    ap.add_argument("--ready", default=None)
    ap.add_argument("--max-seconds", type=float, default=60.0)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, _on_term)
    deadline = time.monotonic() + a.max_seconds
    st = {"mode": a.mode, "pid": os.getpid()}

    def ready():
        if a.ready:
            open(a.ready, "w").close()

    try:
        if a.mode == "udp-group":
            udp_group(a, st, deadline, ready)
        elif a.mode == "udp-send-seq":
            udp_send_seq(a, st, deadline, ready)
        else:
            print("unknown mode", a.mode, file=sys.stderr)
            return 2
    except Stop:
        pass
    st["exited"] = True
    write_status(a.status, st)
    return 0


if __name__ == "__main__":
    sys.exit(main())
