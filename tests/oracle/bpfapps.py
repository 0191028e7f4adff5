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
  tcp-reuseport-group --addr A --port P --socks N --backlog B,B,... [--filter-on I --filter TEXT]
             [--bpf-obj O --bpf-prog NAME --bpf-map NAME --slots S,S,...]
      N TCP listeners bound to A:P with SO_REUSEPORT, listen()ed in order (the group's socks[]
      order), never accepting; SO_ATTACH_FILTER of TEXT on listener I; the SEC("sk_reuseport")
      program NAME of object O attached to the first with SO_ATTACH_REUSEPORT_EBPF (libbpf by
      ctypes), and its REUSEPORT_SOCKARRAY NAME filled: slot k holds listener S[k].
  tcp-connect-ports --dst A --port P --sport-base B --count N [--wait S]
      N non-blocking connect()s from source ports B..B+N-1; each one's outcome after S seconds in
      --status; the sockets stay open until the end.
  udp-reuseport-group  (the same options, UDP sockets: bound, not listening; each reads every
      datagram, counted in --status by the source port's low two bits)
  udp-send-ports --dst A --port P --sport-base B --count N --size S [--gap S]
      N datagrams, each from its own source port B..B+N-1.
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
SO_ATTACH_REUSEPORT_EBPF = 52


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


def load_reuseport_prog(path, prog, mapname):
    """Open and load @path with libbpf (ctypes); the fds of program @prog and map @mapname."""
    lib = ctypes.CDLL("libbpf.so.1", use_errno=True)
    lib.bpf_object__open_file.restype = ctypes.c_void_p
    lib.bpf_object__open_file.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    lib.bpf_object__load.argtypes = [ctypes.c_void_p]
    lib.bpf_object__find_program_by_name.restype = ctypes.c_void_p
    lib.bpf_object__find_program_by_name.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.bpf_program__fd.argtypes = [ctypes.c_void_p]
    lib.bpf_object__find_map_fd_by_name.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.bpf_map_update_elem.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.c_uint64]
    obj = lib.bpf_object__open_file(path.encode(), None)
    if not obj or lib.bpf_object__load(obj):
        raise OSError("libbpf could not open or load %s" % path)
    p = lib.bpf_object__find_program_by_name(obj, prog.encode())
    if not p:
        raise OSError("%s: no program %s" % (path, prog))
    mfd = lib.bpf_object__find_map_fd_by_name(obj, mapname.encode())
    if mfd < 0:
        raise OSError("%s: no map %s" % (path, mapname))
    return lib, obj, lib.bpf_program__fd(p), mfd


def tcp_reuseport_group(a, st, deadline, ready):
    n = a.socks
    udp = a.mode == "udp-reuseport-group"
    backlogs = [int(x) for x in a.backlog.split(",")] if not udp else [0] * n
    keep, socks = [], []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if a.filter and i == a.filter_on:
            buf, prog = sock_fprog(a.filter)
            keep.append(buf)
            s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, prog)
        s.bind((a.addr, a.port))
        if not udp:
            s.listen(backlogs[i])
        socks.append(s)
    if a.bpf_obj:
        lib, obj, pfd, mfd = load_reuseport_prog(a.bpf_obj, a.bpf_prog, a.bpf_map)
        keep.append((lib, obj))
        socks[0].setsockopt(socket.SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, struct.pack("i", pfd))
        for k, i in enumerate(int(x) for x in a.slots.split(",")):
            key, val = ctypes.c_uint32(k), ctypes.c_uint64(socks[i].fileno())
            if lib.bpf_map_update_elem(mfd, ctypes.byref(key), ctypes.byref(val), 0):
                raise OSError(ctypes.get_errno(), "sockarray slot %d" % k)
    st.update(listeners=[{"index": i, "backlog": backlogs[i], "fd": s.fileno()}
                         for i, s in enumerate(socks)],
              filter_on=a.filter_on if a.filter else None, filter=a.filter,
              bpf_obj=a.bpf_obj, bpf_prog=a.bpf_prog, slots=a.slots)
    write_status(a.status, st)
    ready()
    if udp:
        for e in st["listeners"]:
            e.update(datagrams_read=0, sports={})
    while time.monotonic() < deadline:
        if not udp:
            time.sleep(0.2)
            continue
        r, _, _ = select.select(socks, [], [], 0.2)
        for s in r:
            data, peer = s.recvfrom(65535)
            e = st["listeners"][socks.index(s)]
            e["datagrams_read"] += 1
            k = str(peer[1] & 3)
            e["sports"][k] = e["sports"].get(k, 0) + 1
        if r:
            write_status(a.status, st)


def udp_send_ports(a, st, deadline, ready):
    sent = 0
    for i in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", a.sport_base + i))
        s.sendto(bytes((j % 251 for j in range(a.size))), (a.dst, a.port))
        s.close()
        sent += 1
        if a.gap:
            time.sleep(a.gap)
    st.update(sent=sent, sport_first=a.sport_base, sport_last=a.sport_base + a.count - 1)
    write_status(a.status, st)
    ready()


def tcp_connect_ports(a, st, deadline, ready):
    socks = []
    for i in range(a.count):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(("0.0.0.0", a.sport_base + i))
        c.setblocking(False)
        c.connect_ex((a.dst, a.port))
        socks.append(c)
    end = min(deadline, time.monotonic() + a.wait)
    while time.monotonic() < end:
        time.sleep(0.05)
    res = {}
    for i, c in enumerate(socks):
        err = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        try:
            c.getpeername()
            state = "connected"
        except OSError:
            state = errno.errorcode.get(err, str(err)) if err else "pending"
        res[str(a.sport_base + i)] = state
    st.update(results=res, counts={k: list(res.values()).count(k) for k in set(res.values())})
    write_status(a.status, st)
    ready()
    while time.monotonic() < deadline:	# the sockets stay open: no FIN before the freeze
        time.sleep(0.2)


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
    ap.add_argument("--backlog", default="16")
    ap.add_argument("--filter-on", type=int, default=0)
    ap.add_argument("--bpf-obj", default="")
    ap.add_argument("--bpf-prog", default="")
    ap.add_argument("--bpf-map", default="")
    ap.add_argument("--slots", default="")
    ap.add_argument("--sport-base", type=int, default=41000)
    ap.add_argument("--wait", type=float, default=0.3)
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
        elif a.mode in ("tcp-reuseport-group", "udp-reuseport-group"):
            tcp_reuseport_group(a, st, deadline, ready)
        elif a.mode == "tcp-connect-ports":
            tcp_connect_ports(a, st, deadline, ready)
        elif a.mode == "udp-send-ports":
            udp_send_ports(a, st, deadline, ready)
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
