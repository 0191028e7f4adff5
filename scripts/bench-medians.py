#!/usr/bin/env python3
"""Medians of alternated benchmark runs: the figures docs/performance.md reports.

    scripts/bench-medians.py [--build DIR] [--rounds N] [--packets N] [--workload W]...

One round runs `rxsim-bench --json` once per virtual-engine workload (each run times its own
libpcap loop over the same capture, so every ratio compares two timings taken moments
apart), then times whole `rxsim` processes on the udp-1flow capture: `rxsim replay
SCENARIO --format json` (the CLI's ratio, against that round's libpcap loop) and `rxsim
replay CAPTURE` with no scenario against `rxsim replay SCENARIO` (the bare capture's cost).
Rounds alternate the workloads, so a busy minute of a shared machine lands on all of them;
the table gives each figure's median and its spread. Run it on the build users get
(scripts/quickstart.sh's, or -DRXS_PGO=ON) and say which machine it ran on (lscpu).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOADS = ["udp-1flow", "udp-rss", "syn-flood", "filtered", "tcp-gro"]


def bench(build, workload, packets, keep_dir=None):
    cmd = [os.path.join(build, "bench", "rxsim-bench"), "--json", "--packets", str(packets),
           "--workload", workload]
    if keep_dir:
        cmd += ["--keep", "--dir", keep_dir]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]


def wall(cmd, cwd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def spread(xs):
    return "%.2f  (%.2f to %.2f)" % (statistics.median(xs), min(xs), max(xs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--packets", type=int, default=1000000)
    ap.add_argument("--workload", action="append", choices=WORKLOADS)
    a = ap.parse_args()
    workloads = a.workload or WORKLOADS
    rxsim = os.path.abspath(os.path.join(a.build, "rxsim"))
    ratios = {w: [] for w in workloads}
    mpps = {w: [] for w in workloads}
    cli, bare = [], []
    with tempfile.TemporaryDirectory() as d:
        # The udp-1flow capture and scenario, for the whole-process timings.
        bench(a.build, "udp-1flow", a.packets, keep_dir=d)
        scen = "udp-1flow-%d.yaml" % a.packets
        cap = "udp-1flow-%d.pcap" % a.packets
        for r in range(a.rounds):
            pcap_pps = None
            for w in workloads:
                res = bench(a.build, w, a.packets)
                if not res.get("conservation_ok", True):
                    sys.exit("bench-medians: %s broke conservation" % w)
                ratios[w].append(res["ratio"])
                mpps[w].append(res["packets_per_s"] / 1e6)
                if w == "udp-1flow":
                    pcap_pps = res["pcap_packets_per_s"]
            t_scen = wall([rxsim, "replay", scen, "--format", "json"], d)
            t_bare = wall([rxsim, "replay", cap], d)
            if pcap_pps:
                cli.append(a.packets / t_scen / pcap_pps)
            bare.append(t_bare / t_scen)
            print("round %d of %d done" % (r + 1, a.rounds), file=sys.stderr)
    print("%-44s %8s  %s" % ("workload (%d packets, %d rounds)" % (a.packets, a.rounds),
                              "Mpps", "sim / libpcap: median (spread)"))
    for w in workloads:
        print("%-44s %8.1f  %s" % (w, statistics.median(mpps[w]), spread(ratios[w])))
    if cli:
        print("%-44s %8s  %s" % ("rxsim replay SCENARIO --format json, udp-1flow", "",
                                  spread(cli)))
    print("%-44s %8s  %s" % ("bare capture / its scenario (time, udp-1flow)", "", spread(bare)))
    print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
