"""Crash safety: a lease acknowledged after commit() survives SIGKILL at any moment.

A child process plays the server: it allocates or renews leases in batches,
calls ``commit()``, and only then "sends the replies" by printing each lease on
its stdout pipe. The test kills it with SIGKILL at a random moment, restarts it
on the same file (so later rounds also exercise loading a killed server's
file), and finally checks that every lease the child ever reported is in the
file with at least the reported renewal time.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nestor.leases.memfile import MemfileConfig, MemfileStore4

CHILD = r"""
import random, sys
from nestor.leases import Lease4
from nestor.leases.memfile import MemfileConfig, MemfileStore4

path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
store = MemfileStore4(MemfileConfig(name=path, lfc_interval=0))
clock = 1_700_000_000 + seed * 10_000_000
sys.stdout.write("ready\n")
sys.stdout.flush()
for _ in range(100_000):  # bounded; the test kills it long before
    replies = []
    for _ in range(rng.randint(1, 40)):
        clock += 1
        addr = 0x0A000000 + rng.randrange(4096)
        lease = Lease4(addr, addr.to_bytes(6, "big"), None, 3600, clock, 1)
        if store.get(addr) is None:
            store.add(lease)
        else:
            store.update(lease)
        replies.append(f"{addr} {clock}")
    store.commit()  # durable before the replies leave
    sys.stdout.write("\n".join(replies) + "\n")
    sys.stdout.flush()
"""

ROUNDS = 4


def _run_and_kill(path: Path, seed: int, rng: random.Random) -> list[str]:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(seed)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    lines: list[str] = []
    ready = threading.Event()

    def reader() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            if line == "ready\n":
                ready.set()
            elif line.endswith("\n"):  # a line cut by the kill was never fully "sent"
                lines.append(line)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        assert ready.wait(60), "child did not start"
        time.sleep(rng.uniform(0.05, 0.6))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        thread.join(30)
    assert child.returncode == -signal.SIGKILL
    return lines


def test_every_acknowledged_lease_survives_sigkill(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "kea-leases4.csv"
    rng = random.Random(20240601)
    acked: dict[int, int] = {}
    for seed in range(ROUNDS):
        for line in _run_and_kill(path, seed, rng):
            addr, cltt = map(int, line.split())
            acked[addr] = max(acked.get(addr, 0), cltt)
    assert acked, "the child acknowledged nothing"
    store = MemfileStore4(MemfileConfig(name=str(path), lfc_interval=0))
    missing = [a for a, cltt in acked.items()
               if (got := store.get(a)) is None or got.cltt < cltt]
    assert missing == []
    assert "ROW_ERROR" not in caplog.text  # a kill never leaves half a row
    store.close()
