"""Cost of the DHCPv4 engine's decisions per message, sans I/O.

Run: ``.venv/bin/python bench/engine_bench.py [--clients N] [--repeat R] [--severity S]
[--direct] [--wall] [--profile]``

A /16 subnet with one pool of 65,000 addresses, routers, DNS servers and a
domain name; an in-memory memfile store (``persist: false``) and the statistics
set Kea 3.0 keeps. ``N`` clients (distinct MAC addresses, dhclient-like parameter
request list) each do DISCOVER -> OFFER then REQUEST -> ACK through
``Engine4.handle``, then renew (a RENEWING-state REQUEST with ciaddr, RFC 2131
section 4.3.2, for the lease the client holds) -> ACK. Queries are built before
timing (parsing is the codec's benchmark, ``bench/wire_bench.py``) and replies
are not serialised.

Like the side-by-side benchmark (``bench/run``: perfdhcp acts as a relay, the
server logs at WARN), queries come through a relay (giaddr set, unicast to the
server) and logging is at WARN unless ``--direct`` (clients on the server's
link, broadcasting) or ``--severity INFO`` (Kea's per-lease ``DHCP4_LEASE_*``
lines written to a log file, flushed per line as Kea's default ``flush: true``).

Reported: µs per DISCOVER->OFFER, REQUEST->ACK and renewal, best of R rounds
(each round starts from an empty store), and the implied DORA rate. The clock is
this process's CPU time by default (``--wall`` for wall time), so that other work
on a shared machine does not inflate the figures. ``--profile`` prints the top of
a cProfile run of one round.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import tempfile
import time
from dataclasses import dataclass

from nestor.config.loader import load_text
from nestor.engine.v4 import Engine4, Link4, Query4Meta
from nestor.leases.memfile import MemfileConfig, MemfileStore4
from nestor.logs.config import OutputOptions
from nestor.logs.core import MANAGER, Spec
from nestor.logs.levels import Severity
from nestor.logs.setup import Builder
from nestor.stats import ServerStats, StatsManager, SubnetInfo
from nestor.wire.packet4 import Packet4

RELAY = (10 << 24) | (1 << 16) | 1  # 10.1.0.1: outside the subnet, listed in its relay
CONFIG = {"Dhcp4": {
    "interfaces-config": {"interfaces": ["eth0"]},
    "lease-database": {"type": "memfile", "persist": False},
    "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
    "option-data": [{"name": "domain-name-servers", "data": "10.0.0.53, 10.0.0.54"},
                    {"name": "domain-name", "data": "example.org"}],
    "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "interface": "eth0",
                 "relay": {"ip-addresses": ["10.1.0.1"]},
                 "pools": [{"pool": "10.0.1.0 - 10.0.254.255"}],
                 "option-data": [{"name": "routers", "data": "10.0.0.1"}]}]}}
SERVER = (10 << 24) | 1
PRL = bytes((1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42))
BROADCAST = 0xFFFFFFFF


@dataclass(frozen=True)
class Scenario:
    """How queries reach the server."""

    relayed: bool

    def meta(self, client: int = 0) -> Query4Meta:
        """Receive context: from the relay to the server, or from the client's link
        (broadcast without an address, unicast to the server when renewing)."""
        if self.relayed:
            return Query4Meta(2, "eth0", RELAY, 67, SERVER)
        if client:
            return Query4Meta(2, "eth0", client, 68, SERVER)
        return Query4Meta(2, "eth0", 0, 68, BROADCAST)

    def packet(self, xid: int, mac: bytes, options: dict[int, bytes],
               ciaddr: int = 0) -> Packet4:
        giaddr, hops = (RELAY, 1) if self.relayed else (0, 0)
        return Packet4(1, xid, mac, giaddr=giaddr, hops=hops, ciaddr=ciaddr,
                       options=options)


def set_severity(name: str, folder: str) -> None:
    """The whole ``kea-dhcp4`` hierarchy at this severity, writing to a file in
    ``folder`` with Kea's default layout and flushing (as the live benchmark's server)."""
    path = os.path.join(folder, "kea-dhcp4.log")
    output = Builder("kea-dhcp4").output(OutputOptions(output=path, maxsize=0))
    MANAGER.install("kea-dhcp4", [Spec("kea-dhcp4", Severity[name],
                                       99 if name == "DEBUG" else 0, (output,))])


def make_engine() -> Engine4:
    config = load_text(json.dumps(CONFIG), universe=4).config
    stats = StatsManager()
    life = ServerStats(stats, 4)
    life.start()
    life.commit([SubnetInfo(1, [p.size for p in config.subnets[0].pools])])
    store = MemfileStore4(MemfileConfig(persist=False))
    return Engine4(config, store, stats, {2: Link4(2, "eth0", ((SERVER, 16),))})


def mac_of(i: int) -> bytes:
    return bytes((0x02, 0, 0, (i >> 16) & 255, (i >> 8) & 255, i & 255))


def queries(n: int, how: Scenario) -> tuple[list[Packet4], list[Packet4]]:
    discovers, requests = [], []
    for i in range(n):
        discovers.append(how.packet(i, mac_of(i), {53: b"\x01", 55: PRL}))
        requests.append(how.packet(i, mac_of(i), {
            53: b"\x03", 54: SERVER.to_bytes(4, "big"), 55: PRL}))
    return discovers, requests


def one_round(n: int, how: Scenario, clock: type[float] | None = None
              ) -> tuple[float, float, float]:
    timer = time.process_time if clock is None else time.perf_counter
    engine = make_engine()
    discovers, requests = queries(n, how)
    handle = engine.handle
    meta = how.meta()
    t0 = timer()
    offers = [handle(q, meta) for q in discovers]
    t1 = timer()
    addrs = []
    for q, o in zip(requests, offers, strict=True):
        assert o is not None
        addrs.append(o.packet.yiaddr)
        q.options[50] = o.packet.yiaddr.to_bytes(4, "big")
    t2 = timer()
    acks = [handle(q, meta) for q in requests]
    t3 = timer()
    assert all(a is not None and a.packet.options[53] == b"\x05" for a in acks)
    # RFC 2131 section 4.3.2 RENEWING: ciaddr filled in, no options 50 and 54.
    renewals = [(how.packet(n + i, mac_of(i), {53: b"\x03", 55: PRL}, ciaddr=addr),
                 how.meta(addr)) for i, addr in enumerate(addrs)]
    t4 = timer()
    renewed = [handle(q, m) for q, m in renewals]
    t5 = timer()
    assert all(a is not None and a.packet.options[53] == b"\x05" for a in renewed)
    return (t1 - t0) / n * 1e6, (t3 - t2) / n * 1e6, (t5 - t4) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--severity", default="WARN", choices=[s.name for s in Severity],
                    help="logging severity of kea-dhcp4 (the live benchmark: WARN)")
    ap.add_argument("--direct", action="store_true",
                    help="clients on the server's link instead of behind a relay")
    ap.add_argument("--wall", action="store_true")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="engine_bench.") as folder:
        set_severity(args.severity, folder)
        run(args)
        MANAGER.install("kea-dhcp4", [Spec("kea-dhcp4")])  # closes the log file


def run(args: argparse.Namespace) -> None:
    how = Scenario(relayed=not args.direct)
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(one_round, args.clients, how)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return
    clock = float if args.wall else None
    best = [float("inf")] * 3
    for _ in range(args.repeat):
        best = [min(b, t) for b, t in zip(best, one_round(args.clients, how, clock),
                                          strict=True)]
    kind = "wall" if args.wall else "cpu"
    path = "direct" if args.direct else "relayed"
    print(f"clients per round:      {args.clients} ({kind} time, best of {args.repeat}, "
          f"{path}, severity {args.severity})")
    print(f"DISCOVER -> OFFER:      {best[0]:8.1f} µs")
    print(f"REQUEST  -> ACK:        {best[1]:8.1f} µs")
    print(f"renewal REQUEST -> ACK: {best[2]:8.1f} µs")
    print(f"DORA rate (engine only): {1e6 / (best[0] + best[1]):8.0f} /s")


if __name__ == "__main__":
    main()
