#!/usr/bin/python3
"""Multicast helpers for rxsim's oracle case mcast-join, run inside the oracle's netns
(the shared apps.py has no socket that joins a group). Bounded by --max-seconds.

  server --port P --join G --iface-addr A --status F --ready F
      two UDP sockets bound to 0.0.0.0:P (SO_REUSEADDR), the first joins G on the NIC of A
      (IP_ADD_MEMBERSHIP), the second joins nothing (IP_MULTICAST_ALL stays 1); both read
      everything; the datagrams each read go to --status.
  send --dst G --port P --count N --size S --iface-addr A
      N datagrams to G:P out of the NIC of A (IP_MULTICAST_IF; the client has no route).
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import time


def write_status(path, obj):
    if path:
        with open(path + ".tmp", "w") as f:
            json.dump(obj, f, indent=1, sort_keys=True)
        os.replace(path + ".tmp", path)


def stop(signum, frame):
    raise SystemExit(0)


def server(a, deadline):
    socks = []
    for joined in (True, False):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", a.port))
        if joined:
            mreq = struct.pack("4s4s", socket.inet_aton(a.join), socket.inet_aton(a.iface_addr))
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        socks.append(s)
    st = {"joined": [a.join, None], "read": [0, 0], "dests": [{}, {}]}
    write_status(a.status, st)
    open(a.ready, "w").close()
    while time.monotonic() < deadline:
        r, _, _ = select.select(socks, [], [], 0.2)
        for s in r:
            i = socks.index(s)
            data, peer = s.recvfrom(65535)
            st["read"][i] += 1
            write_status(a.status, st)


def send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(a.iface_addr))
    s.bind((a.iface_addr, 0))
    payload = bytes(i % 251 for i in range(a.size))
    for _ in range(a.count):
        s.sendto(payload, (a.dst, a.port))
    write_status(a.status, {"sent": a.count, "dst": a.dst, "port": a.port,
                            "sport": s.getsockname()[1]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["server", "send"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--join")
    ap.add_argument("--dst")
    ap.add_argument("--iface-addr", required=True)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--status")
    ap.add_argument("--ready")
    ap.add_argument("--max-seconds", type=float, default=60.0)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if a.mode == "server":
        server(a, time.monotonic() + a.max_seconds)
    else:
        send(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
