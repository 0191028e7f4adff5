#!/usr/bin/env python3
"""Replay every capture in a folder bare (`rxsim replay CAPTURE --format json`) and print, per
capture, how many frames were offered and what share reached the host (consumed or still
queued) rather than being dropped, with the commonest drop reason.

    scripts/pcap-survey.py build/rxsim DIR > table.tsv     # one row a capture, then a summary

A capture rxsim refuses (not a link type it reads) or that stops on damage is listed with its
exit status; a crash or a hang (60 s) is reported as such and makes the exit status 1."""
import concurrent.futures
import json
import os
import subprocess
import sys


def replay(rxsim, path):
    try:
        p = subprocess.run([rxsim, "replay", path, "--format", "json", "--quiet"],
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return {"status": "hang"}
    if p.returncode < 0 or p.returncode > 3:
        return {"status": "crash %d" % p.returncode}
    try:
        d = json.loads(p.stdout)
    except ValueError:
        return {"status": "exit %d" % p.returncode}
    c = d["conservation"]
    drops = sorted(d.get("drops", {}).items(), key=lambda kv: -kv[1])
    return {"status": "ok" if p.returncode == 0 else "exit %d" % p.returncode,
            "offered": c["offered"], "delivered": c["consumed"] + c["queued"],
            "dropped": c["dropped"],
            "top": "%s×%d" % drops[0] if drops else "-"}


def main():
    rxsim, folder = sys.argv[1], sys.argv[2]
    files = sorted(f for f in os.listdir(folder) if f.endswith((".pcap", ".pcapng", ".cap")))
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        rows = list(ex.map(lambda f: (f, replay(rxsim, os.path.join(folder, f))), files))
    print("capture\tstatus\toffered\tdelivered\tshare\ttop_drop")
    bad = 0
    most = 0
    ran = 0
    for f, r in rows:
        if "offered" not in r:
            print("%s\t%s\t-\t-\t-\t-" % (f, r["status"]))
            bad += r["status"] in ("hang",) or r["status"].startswith("crash")
            continue
        share = r["delivered"] / r["offered"] if r["offered"] else 0.0
        ran += 1
        most += r["offered"] > 0 and share > 0.5
        print("%s\t%s\t%d\t%d\t%.2f\t%s" % (f, r["status"], r["offered"], r["delivered"],
                                            share, r["top"]))
    print("# %d captures, %d replayed, %d deliver most (>50%%) of their frames, %d crashed or hung"
          % (len(rows), ran, most, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
