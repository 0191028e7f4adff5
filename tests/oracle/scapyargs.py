"""The arguments every scapy sender of tests/oracle takes (cases.sh's oracle_scapy passes
them): the client's veth and both ends' addresses."""
import argparse


def parse(doc, *extra):
    """--iface --src --dst --smac --dmac, and @extra: (name, kwargs) pairs."""
    ap = argparse.ArgumentParser(description=doc)
    for o in ("iface", "src", "dst", "smac", "dmac"):
        ap.add_argument("--" + o, required=True)
    for name, kw in extra:
        ap.add_argument("--" + name, **kw)
    return ap.parse_args()
