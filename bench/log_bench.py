"""Cost of one log line, end to end, as the DHCPv4 engine writes it at INFO.

Run: ``.venv/bin/python bench/log_bench.py [--lines N] [--repeat R] [--pattern P]
[--no-flush] [--maxsize BYTES]``

``logger.info("DHCP4_LEASE_ALLOC", label, address, lifetime)`` on ``kea-dhcp4.leases``
into a log file (in a temporary folder) with Kea's default pattern and ``flush: true``:
the catalogue lookup and placeholder substitution, the record, the layout and the
``write(2)``. Also reported: the layout alone, a disabled call, and a bare ``os.write``
of the same line (the floor no formatting work can go under). Figures are µs per
line, best of R rounds of this process's CPU time, so other work on a shared machine
does not inflate them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable

from nestor.logs.config import OutputOptions
from nestor.logs.core import LogManager, Spec
from nestor.logs.levels import Severity
from nestor.logs.pattern import DEFAULT_PATTERN, Layout, Record
from nestor.logs.setup import Builder

LABEL = "[hwtype=1 02:00:00:00:12:34], cid=[no info], tid=0x1234"


def best_of(repeat: int, lines: int, body: Callable[[], object]) -> float:
    """µs per call of ``body``, best of ``repeat`` rounds of ``lines`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(lines):
            body()
        best = min(best, time.process_time() - start)
    return best / lines * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pattern", default=DEFAULT_PATTERN)
    ap.add_argument("--no-flush", action="store_true")
    ap.add_argument("--maxsize", type=int, default=0, help="rotate at this size (0: never)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="log_bench.") as folder:
        path = os.path.join(folder, "kea-dhcp4.log")
        options = OutputOptions(output=path, flush=not args.no_flush, maxsize=args.maxsize,
                                maxver=2, pattern=args.pattern)
        output = Builder("kea-dhcp4").output(options)
        manager = LogManager()
        manager.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.INFO, 0, (output,))])
        log = manager.logger("leases")

        def line() -> None:
            log.info("DHCP4_LEASE_ALLOC", LABEL, "10.0.1.1", "4000")

        def hidden() -> None:
            log.debug(50, "DHCP4_LEASE_ALLOC", LABEL, "10.0.1.1", "4000")

        layout = Layout(args.pattern)
        record = Record(time.time(), Severity.INFO, "kea-dhcp4.leases",
                        "DHCP4_LEASE_ALLOC " + LABEL, os.getpid(), threading.get_ident(),
                        threading.get_native_id())
        data = layout(record).encode()
        fd = os.open(os.path.join(folder, "floor.log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        figures = {
            "logger.info -> file": best_of(args.repeat, args.lines, line),
            "layout only": best_of(args.repeat, args.lines, lambda: layout(record)),
            "disabled debug call": best_of(args.repeat, args.lines, hidden),
            "os.write floor": best_of(args.repeat, args.lines, lambda: os.write(fd, data)),
        }
        os.close(fd)
        manager.install("kea-dhcp4", [Spec("kea-dhcp4")])  # closes the log file
    print(f"pattern {args.pattern!r}, flush {not args.no_flush}, maxsize {args.maxsize}, "
          f"best of {args.repeat} x {args.lines} (cpu time)")
    for name, micros in figures.items():
        print(f"{name:22s} {micros:7.3f} µs")


if __name__ == "__main__":
    main()
