#!/usr/bin/env python3
"""Resets that end a connection and one that does not, sent with scapy from the client's veth
for the oracle case tcp-rst (cases-tcprst.sh), to a listener that accepts and never reads.
Three connections (tcppaws.py's Conn: MSS, SACK permitted, timestamps, window scale):

  A (port 46100): 100 bytes, a FIN, then a RST at the FIN's sequence (rcv_nxt - 1 once the
    FIN is in: tcp_reset_check()).
  B (port 46101): 100 bytes, 100 more with a hole before them (a SACK block 200-300), then a
    RST at the block's right edge.
  C (port 46102): 100 bytes, then a RST inside the window but not at rcv_nxt (a challenge
    ACK), then one at rcv_nxt.

    tcprst.py --iface IF --src IP --dst IP --smac MAC --dmac MAC --port N
"""
import time

import scapyargs  # noqa: E402
from tcppaws import Conn  # noqa: E402


def conn(a, sport, isn, steps):
    c = Conn(a, sport, isn, 100000 * (sport - 46099))
    c.open()
    t = c.tsval + 1
    c.send(0, t)                                # the handshake's ACK
    for rel, flags, size in steps:
        time.sleep(0.05)
        t += 1
        c.send(rel, t, flags, size)


def main():
    a = scapyargs.parse(__doc__, ("port", {"type": int, "required": True}))
    conn(a, 46100, 6000000, [(0, "PA", 100), (100, "FA", 0), (100, "R", 0)])
    conn(a, 46101, 7000000, [(0, "PA", 100), (200, "PA", 100), (300, "R", 0)])
    conn(a, 46102, 8000000, [(0, "PA", 100), (150, "R", 0), (100, "R", 0)])


if __name__ == "__main__":
    main()
