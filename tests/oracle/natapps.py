#!/usr/bin/python3
"""Client senders for rxsim's NAT, conntrack and forwarding oracle cases (tests/oracle/nat.sh).

  udp-flows  --dst A --port P --count N --sport-base S [--size B]
             N datagrams, each from its own source port S+i: N conntrack flows.
  udp-opts   --dst A --port P --count N [--size B] [--ttl T] [--df 0|1] [--ttls T1,T2,..]
             N datagrams from one socket with the IP TTL and DF chosen
             (IP_MTU_DISCOVER: DO sets DF, DONT clears it); --ttls gives each
             datagram its own TTL (one flow whose later packets expire).
  udp-plan   --plan A:P@MS[/B],A:P@MS[/B],..  [--size B]
             one socket; each datagram to A:P at MS milliseconds after the first,
             of B bytes (else --size)
             (timed sends whose spacing the receiver's rate limits see).
Every mode writes a JSON status, touches --ready when done and lives at most --max-seconds.
"""
import argparse, errno, json, socket, sys, time

IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IP_PMTUDISC_DO = 10, 0, 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--dst", default=None)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--sport-base", type=int, default=41000)
    ap.add_argument("--ttl", type=int, default=64)
    ap.add_argument("--df", type=int, default=0)
    ap.add_argument("--ttls", default=None)
    ap.add_argument("--gap", type=float, default=0.0)
    ap.add_argument("--plan", default="")
    ap.add_argument("--status", default=None)
    ap.add_argument("--ready", default=None)
    ap.add_argument("--max-seconds", type=float, default=30.0)
    a = ap.parse_args()
    deadline = time.monotonic() + a.max_seconds
    payload = bytes(i % 251 for i in range(a.size))
    st = {"mode": a.mode, "sent": 0, "errors": {}}

    def err(e):
        k = errno.errorcode.get(e.errno, str(e.errno))
        st["errors"][k] = st["errors"].get(k, 0) + 1

    if a.mode == "udp-flows":
        for i in range(a.count):
            if time.monotonic() >= deadline:
                break
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind(("", a.sport_base + i))
                s.sendto(payload, (a.dst, a.port))
                st["sent"] += 1
            except OSError as e:
                err(e)
            s.close()
            if a.gap:
                time.sleep(a.gap)
    elif a.mode == "udp-opts":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO if a.df else IP_PMTUDISC_DONT)
        ttls = [int(t) for t in a.ttls.split(",")] if a.ttls else []
        for i in range(max(a.count, len(ttls))):
            if time.monotonic() >= deadline:
                break
            try:
                if ttls:
                    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttls[i])
                s.sendto(payload, (a.dst, a.port))
                st["sent"] += 1
            except OSError as e:
                err(e)
            if a.gap:
                time.sleep(a.gap)
        st["sport"] = s.getsockname()[1]
    elif a.mode == "udp-plan":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t0 = time.monotonic()
        for item in a.plan.split(","):
            dst, at = item.split("@")
            at, _, size = at.partition("/")
            data = bytes(i % 251 for i in range(int(size))) if size else payload
            host, port = dst.rsplit(":", 1)
            delay = t0 + float(at) / 1000.0 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                s.sendto(data, (host, int(port)))
                st["sent"] += 1
            except OSError as e:
                err(e)
        st["sport"] = s.getsockname()[1]
    else:
        print("unknown mode", a.mode, file=sys.stderr)
        return 2
    if a.status:
        with open(a.status, "w") as f:
            json.dump(st, f)
    if a.ready:
        open(a.ready, "w").close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
