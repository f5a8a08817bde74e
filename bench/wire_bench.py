"""Micro-benchmark of the DHCPv4 wire codec (parse and serialise).

Run: ``.venv/bin/python bench/wire_bench.py [--number N] [--repeat R]``

Times the four operations of one DISCOVER/OFFER exchange, each as the best of
several ``timeit`` repeats, in microseconds per operation. By default the
clock is this process's CPU time, so that other work on a shared machine
does not inflate the figure; ``--wall`` uses the wall clock instead. The packets are
what a real ISC dhclient DISCOVER (message type, requested address, host
name, a 13-code parameter request list, client identifier) and a Kea-style
OFFER (53, 54, 51, 58, 59, 1, 3, 6, 15, 28) look like on the wire.
"""

from __future__ import annotations

import argparse
import time
import timeit
from collections.abc import Callable

from nestor.wire.packet4 import BOOTREPLY, BOOTREQUEST, Packet4, parse4

MAC = bytes.fromhex("1ae1c4bb2765")


def discover() -> bytes:
    p = Packet4(BOOTREQUEST, 0x22A9AA42, MAC, options={
        53: b"\x01",
        50: bytes((192, 0, 2, 100)),
        12: b"client-host",
        55: bytes((1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42)),
        61: b"\x01" + MAC,
    })
    return p.serialize()


def offer() -> bytes:
    p = Packet4(BOOTREPLY, 0x22A9AA42, MAC, yiaddr=0xC0000264, options={
        53: b"\x02",
        54: bytes((192, 0, 2, 1)),
        51: (4000).to_bytes(4, "big"),
        58: (1000).to_bytes(4, "big"),
        59: (2000).to_bytes(4, "big"),
        1: bytes((255, 255, 255, 0)),
        3: bytes((192, 0, 2, 1)),
        6: bytes((192, 0, 2, 1, 192, 0, 2, 2)),
        15: b"example.org",
        28: bytes((192, 0, 2, 255)),
    })
    return p.serialize()


def best_us(stmt: Callable[[], object], number: int, repeat: int, wall: bool) -> float:
    timer = time.perf_counter if wall else time.process_time
    times = timeit.repeat(stmt, number=number, repeat=repeat, timer=timer)
    return min(times) / number * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--number", type=int, default=20000, help="calls per repeat")
    ap.add_argument("--repeat", type=int, default=15, help="repeats; the best one counts")
    ap.add_argument("--wall", action="store_true",
                    help="time with the wall clock instead of this process's CPU time")
    args = ap.parse_args()
    d_wire, o_wire = discover(), offer()
    d_pkt, o_pkt = parse4(d_wire), parse4(o_wire)
    assert d_pkt.serialize() == d_wire and o_pkt.serialize() == o_wire
    rows: list[tuple[str, Callable[[], object]]] = [
        ("parse DISCOVER", lambda: parse4(d_wire)),
        ("serialize DISCOVER", d_pkt.serialize),
        ("parse OFFER", lambda: parse4(o_wire)),
        ("serialize OFFER", o_pkt.serialize),
    ]
    total = 0.0
    print(f"DISCOVER {len(d_wire)} octets, OFFER {len(o_wire)} octets; "
          f"best of {args.repeat} x {args.number} calls, "
          f"{'wall clock' if args.wall else 'process CPU time'}")
    for name, fn in rows:
        us = best_us(fn, args.number, args.repeat, args.wall)
        total += us
        print(f"  {name:<20} {us:6.2f} us")
    print(f"  {'all four':<20} {total:6.2f} us")


if __name__ == "__main__":
    main()
