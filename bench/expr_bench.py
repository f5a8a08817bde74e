"""Cost of classification expressions per packet, for a configuration of 50 classes.

Run: ``.venv/bin/python bench/expr_bench.py [--number N] [--repeat R] [--wall]``

Fifty class tests of the kinds people write (vendor class identifier, client-id
prefixes, relay agent sub-options, MAC address prefixes, membership of earlier
classes, a few string functions) are compiled once, then evaluated in order on a
relayed DHCPv4 DISCOVER, the way the engine classifies a query: each match is
appended to the packet's classes, which later tests read through ``member()``.

Reported: parse+compile time per class, ns per expression (each timed on its own,
best of the repeats), and µs per packet for all fifty including context creation.
By default the clock is this process's CPU time (``--wall`` for the wall clock),
so that other work on a shared machine does not inflate the figures.
"""

from __future__ import annotations

import argparse
import time
import timeit
from functools import partial

from nestor.expr import Context4, class_checker, compile_expression
from nestor.expr.expression import Expression
from nestor.wire.options4 import build_rai, build_vivco
from nestor.wire.packet4 import Packet4, parse4

MAC = bytes.fromhex("001a2b3c4d5e")

TEMPLATES = [
    "option[60].text == 'PXEClient:Arch:0000{i}'",
    "substring(option[61].hex, 0, 3) == 0x0100{i:02x}",
    "relay4[1].hex == 'eth0/{i}'",
    "pkt4.mac == 0x001a2b3c4d{i:02x}",
    "member('c{j}') and not member('c{k}')",
    "substring(option[60].text, 0, 9) == 'PXEClient' and pkt4.htype == {i}",
    "option[12].exists and split(option[12].text, '-', 1) == 'host{i}'",
    "vendor-class[4491].exists or relay4[2].hex == 0x{i:02x}",
    "hexstring(substring(pkt4.mac, 0, 3), ':') == '00:1a:{i:02x}'",
    "option[dhcp-client-identifier].exists and pkt4.giaddr == 192.0.2.{i}",
]


def class_tests(count: int = 50) -> list[tuple[str, str]]:
    out = []
    for n in range(count):
        i, j, k = n // len(TEMPLATES), max(n - 3, 0), max(n - 1, 0)
        out.append((f"c{n}", TEMPLATES[n % len(TEMPLATES)].format(i=i, j=j, k=k)))
    return out


def query() -> Packet4:
    p = Packet4(1, 0x22A9AA42, MAC, giaddr=0xC0000201, hops=1, options={
        53: b"\x01", 12: b"host3-lab", 55: bytes((1, 3, 6, 15, 28, 42)),
        60: b"PXEClient:Arch:00003:UNDI:003016", 61: b"\x01\x00\x03" + MAC[2:],
        124: build_vivco([(4491, [b"docsis3.0"])]),
        82: build_rai([(1, b"eth0/3"), (2, b"\x03")]),
    })
    return parse4(p.serialize())


def compile_all(tests: list[tuple[str, str]]) -> list[tuple[str, Expression]]:
    defined: list[str] = []
    out = []
    for name, text in tests:
        out.append((name, compile_expression(text, 4, is_defined=class_checker(defined),
                                             class_name=name)))
        defined.append(name)
    return out


def classify(packet: Packet4, compiled: list[tuple[str, Expression]]) -> list[str]:
    assigned = ["ALL"]
    ctx = Context4(packet, iface="eth0", src="192.0.2.1", dst="192.0.2.10", classes=assigned)
    for name, expr in compiled:
        if expr.matches(ctx):
            assigned.append(name)
    return assigned


def best(fn: timeit.Timer, number: int, repeat: int) -> float:
    return min(fn.repeat(repeat=repeat, number=number)) / number


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--number", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--wall", action="store_true", help="time with the wall clock")
    args = ap.parse_args()
    clock = time.perf_counter if args.wall else time.process_time
    tests = class_tests()
    packet = query()

    start = clock()
    compiled = compile_all(tests)
    compile_us = (clock() - start) / len(tests) * 1e6
    matched = classify(packet, compiled)

    ctx = Context4(packet, iface="eth0", src="192.0.2.1", dst="192.0.2.10",
                   classes=set(matched))
    per_expr = []
    for (_, expr), (_, text) in zip(compiled, tests, strict=True):
        timer = timeit.Timer(partial(expr.matches, ctx), timer=clock)
        per_expr.append((best(timer, args.number, args.repeat) * 1e9, text))
    packet_s = best(timeit.Timer(lambda: classify(packet, compiled), timer=clock),
                    max(args.number // 10, 1), args.repeat)

    print(f"{len(tests)} classes, {len(matched) - 1} matched the query")
    print(f"parse+compile: {compile_us:8.1f} us per class")
    for ns, text in sorted(per_expr, reverse=True)[:10]:
        print(f"  {ns:7.0f} ns  {text}")
    mean = sum(ns for ns, _ in per_expr) / len(per_expr)
    print(f"expression:    {mean:8.0f} ns mean, "
          f"{sorted(ns for ns, _ in per_expr)[len(per_expr) // 2]:.0f} ns median")
    print(f"packet:        {packet_s * 1e6:8.1f} us for all {len(tests)} classes")


if __name__ == "__main__":
    main()
