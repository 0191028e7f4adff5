#!/usr/bin/env python3
"""Timestamps that go backwards (RFC 7323's PAWS) for the oracle case tcp-paws
(cases-tcppaws.sh), sent with scapy from the client's veth to a listener that accepts and
never reads. Three connections, each SYN with MSS, SACK permitted, a timestamp and window
scale 7 (Linux's order), the SYN-ACK sniffed for the server's ISN and TSval:

  A (port 46000): established, then data and ACKs whose TSval is older than the last one
    the server keeps (ts_recent): rejected data, a pure ACK inside and outside the replay
    window, an old ACK, a RST and a SYN with an old TSval, data again.
  B (port 46001): the handshake's ACK with a TSval older than the SYN's (twice), then a good
    one.
  C (port 46002): the handshake's ACK echoing a TSecr the server never sent, then a good one.

    tcppaws.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --port N
"""
import time

from scapy.all import IP, TCP, AsyncSniffer, Ether, Raw, sendp  # noqa: E402

import scapyargs  # noqa: E402


class Conn:
    def __init__(self, a, sport, isn, tsval):
        self.a, self.sport, self.isn, self.tsval = a, sport, isn, tsval
        self.base = Ether(src=a.smac, dst=a.dmac) / IP(src=a.src, dst=a.dst)
        self.sisn = self.stsval = None

    def send(self, rel, tsval, flags="A", size=0, tsecr=None, window=502, seq=None):
        opts = [("NOP", None), ("NOP", None),
                ("Timestamp", (tsval, self.stsval if tsecr is None else tsecr))]
        seg = TCP(sport=self.sport, dport=self.a.port, flags=flags, window=window, options=opts,
                  seq=(self.isn + 1 + rel) & 0xffffffff if seq is None else seq,
                  ack=(self.sisn + 1) & 0xffffffff)
        p = self.base / seg
        if size:
            p = p / Raw(bytes((rel + i) % 251 for i in range(size)))
        sendp(p, iface=self.a.iface, verbose=False)

    def open(self):
        """SYN, and the SYN-ACK's ISN and TSval."""
        got = {}

        def seen(p):
            for kind, val in p[TCP].options:
                if kind == "Timestamp":
                    got["tsval"] = val[0]
            got["isn"] = p[TCP].seq

        sn = AsyncSniffer(iface=self.a.iface, prn=seen, count=1, timeout=3, store=False,
                          filter="tcp and src host %s and src port %d and dst port %d and "
                                 "tcp[13] & 18 == 18" % (self.a.dst, self.a.port, self.sport))
        sn.start()
        time.sleep(0.3)
        syn = TCP(sport=self.sport, dport=self.a.port, flags="S", seq=self.isn, window=64240,
                  options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (self.tsval, 0)),
                           ("NOP", None), ("WScale", 7)])
        sendp(self.base / syn, iface=self.a.iface, verbose=False)
        sn.join()
        if "isn" not in got:
            raise SystemExit("no SYN-ACK on port %d" % self.sport)
        self.sisn, self.stsval = got["isn"], got.get("tsval", 0)
        time.sleep(0.05)


def conn_a(a):
    c = Conn(a, 46000, 3000000, 500000)
    c.open()
    t = c.tsval
    c.send(0, t + 1)                            # the handshake's ACK
    time.sleep(0.05)
    c.send(0, t + 2, "PA", 100)                 # in order: ts_recent = t + 2
    time.sleep(0.05)
    c.send(100, t - 100000, "PA", 100)          # old TSval: PAWS, a duplicate ACK
    time.sleep(0.05)
    c.send(100, t + 3, "PA", 100)               # the same data, a good TSval
    time.sleep(0.05)
    c.send(200, t - 97)                         # pure ACK, old TSval, new seq: PAWS (ACK limited)
    time.sleep(0.6)
    c.send(200, t + 4)                          # pure ACK, good
    time.sleep(0.05)
    c.send(200, t - 96)                         # the same ACK, 100 older: a disordered ACK
    time.sleep(0.05)
    c.send(200, t - 996)                        # 1000 older: past the replay window
    time.sleep(0.05)
    c.send(150, t - 996)                        # below rcv_nxt: an old ACK
    time.sleep(0.6)
    c.send(205, t - 996, "R")                   # RST, old TSval, not at rcv_nxt
    time.sleep(0.05)
    c.send(0, t - 996, "S", seq=c.isn + 7)      # SYN, old TSval
    time.sleep(0.05)
    c.send(200, t + 5, "PA", 100)               # data again


def conn_b(a):
    c = Conn(a, 46001, 4000000, 600000)
    c.open()
    c.send(0, c.tsval - 1000)                   # the handshake's ACK, older than the SYN
    time.sleep(0.05)
    c.send(0, c.tsval - 1000)                   # again: its ACK rate-limited
    time.sleep(0.05)
    c.send(0, c.tsval + 1)                      # good


def conn_c(a):
    c = Conn(a, 46002, 5000000, 700000)
    c.open()
    c.send(0, c.tsval + 1, tsecr=(c.stsval + 1000000) & 0xffffffff)   # a TSecr never sent
    time.sleep(0.05)
    c.send(0, c.tsval + 2)                      # good


def main():
    a = scapyargs.parse(__doc__, ("port", {"type": int, "required": True}))
    for f in (conn_a, conn_b, conn_c):
        f(a)
        time.sleep(0.1)


if __name__ == "__main__":
    main()
