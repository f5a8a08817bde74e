"""Cost of the DHCPv4 engine's decisions per message, sans I/O.

Run: ``.venv/bin/python bench/engine_bench.py [--clients N] [--repeat R] [--wall] [--profile]``

A /16 subnet with one pool of 65,000 addresses, routers, DNS servers and a
domain name; an in-memory memfile store (``persist: false``) and the statistics
set Kea 3.0 keeps. ``N`` clients (distinct MAC addresses, dhclient-like parameter
request list) each do DISCOVER -> OFFER then REQUEST -> ACK through
``Engine4.handle``; queries are built before timing (parsing is the codec's
benchmark, ``bench/wire_bench.py``) and replies are not serialised.

Reported: µs per DISCOVER->OFFER and per REQUEST->ACK, best of R rounds (each
round starts from an empty store), and the implied DORA rate. The clock is this
process's CPU time by default (``--wall`` for wall time), so that other work on
a shared machine does not inflate the figures. ``--profile`` prints the top of a
cProfile run of one round.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time

from nestor.config.loader import load_text
from nestor.engine.v4 import Engine4, Link4, Query4Meta
from nestor.leases.memfile import MemfileConfig, MemfileStore4
from nestor.stats import ServerStats, StatsManager, SubnetInfo
from nestor.wire.packet4 import Packet4

CONFIG = {"Dhcp4": {
    "interfaces-config": {"interfaces": ["eth0"]},
    "lease-database": {"type": "memfile", "persist": False},
    "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
    "option-data": [{"name": "domain-name-servers", "data": "10.0.0.53, 10.0.0.54"},
                    {"name": "domain-name", "data": "example.org"}],
    "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "interface": "eth0",
                 "pools": [{"pool": "10.0.1.0 - 10.0.254.255"}],
                 "option-data": [{"name": "routers", "data": "10.0.0.1"}]}]}}
SERVER = (10 << 24) | 1
PRL = bytes((1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42))
META = Query4Meta(2, "eth0", 0, 68, 0xFFFFFFFF)


def make_engine() -> Engine4:
    config = load_text(json.dumps(CONFIG), universe=4).config
    stats = StatsManager()
    life = ServerStats(stats, 4)
    life.start()
    life.commit([SubnetInfo(1, [p.size for p in config.subnets[0].pools])])
    store = MemfileStore4(MemfileConfig(persist=False))
    return Engine4(config, store, stats, {2: Link4(2, "eth0", ((SERVER, 16),))})


def queries(n: int) -> tuple[list[Packet4], list[Packet4]]:
    discovers, requests = [], []
    for i in range(n):
        mac = bytes((0x02, 0, 0, (i >> 16) & 255, (i >> 8) & 255, i & 255))
        discovers.append(Packet4(1, i, mac, options={53: b"\x01", 55: PRL}))
        requests.append(Packet4(1, i, mac, options={
            53: b"\x03", 54: SERVER.to_bytes(4, "big"), 55: PRL}))
    return discovers, requests


def one_round(n: int, clock: type[float] | None = None) -> tuple[float, float]:
    timer = time.process_time if clock is None else time.perf_counter
    engine = make_engine()
    discovers, requests = queries(n)
    handle = engine.handle
    t0 = timer()
    offers = [handle(q, META) for q in discovers]
    t1 = timer()
    for q, o in zip(requests, offers, strict=True):
        assert o is not None
        q.options[50] = o.packet.yiaddr.to_bytes(4, "big")
    t2 = timer()
    acks = [handle(q, META) for q in requests]
    t3 = timer()
    assert all(a is not None and a.packet.options[53] == b"\x05" for a in acks)
    return (t1 - t0) / n * 1e6, (t3 - t2) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--wall", action="store_true")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(one_round, args.clients)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    clock = float if args.wall else None
    best_d, best_r = float("inf"), float("inf")
    for _ in range(args.repeat):
        d, r = one_round(args.clients, clock)
        best_d, best_r = min(best_d, d), min(best_r, r)
    kind = "wall" if args.wall else "cpu"
    print(f"clients per round:      {args.clients} ({kind} time, best of {args.repeat})")
    print(f"DISCOVER -> OFFER:      {best_d:8.1f} µs")
    print(f"REQUEST  -> ACK:        {best_r:8.1f} µs")
    print(f"DORA rate (engine only): {1e6 / (best_d + best_r):8.0f} /s")


if __name__ == "__main__":
    main()
