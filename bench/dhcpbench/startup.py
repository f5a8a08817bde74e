"""Memory with a million leases, lease file load time, 10k-subnet configuration check."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .confgen import MILLION, lease_file_of, many_subnets, render, write_million
from .netns import Lab
from .servers import Server, check_config, rss_kib

SETTLE_S = 1.0  # let start-up allocations settle before reading VmRSS


@dataclass
class StartupFigures:
    server: str
    leases: int
    rss_empty_kib: int
    rss_full_kib: int
    load_s: float  # start to port 67 bound, with the big lease file
    empty_start_s: float
    subnets: int
    check_s: float
    check_rc: int

    @property
    def bytes_per_lease(self) -> float:
        return (self.rss_full_kib - self.rss_empty_kib) * 1024 / max(self.leases, 1)


def _start_once(kind: str, config: Path, workdir: Path, lab: Lab, cpu: int,
                pristine: Path | None) -> tuple[float, int]:
    leases = lease_file_of(config)
    for stale in leases.parent.glob(leases.name + "*"):
        stale.unlink()
    if pristine is not None:
        shutil.copyfile(pristine, leases)
    server = Server(kind, config, workdir, lab, cpu)
    try:
        took = server.start(ready_timeout=900)
        time.sleep(SETTLE_S)
        return took, rss_kib(server.pid)
    finally:
        server.stop(grace=60)


def prepare(workdir: Path, lab: Lab, leases: int, subnets: int) -> tuple[Path, Path, Path]:
    """The configuration, the pristine big lease file and the many-subnet configuration."""
    config = render(workdir, lab.server_if, MILLION, name="million")
    pristine = workdir / "million-pristine.csv"
    write_million(pristine, leases)
    return config, pristine, many_subnets(config, subnets)


def measure(kind: str, files: tuple[Path, Path, Path], workdir: Path, lab: Lab, cpu: int,
            leases: int, subnets: int, repeat: int) -> StartupFigures:
    config, pristine, big = files
    empty_start, rss_empty = _start_once(kind, config, workdir, lab, cpu, None)
    load_s, rss_full = _start_once(kind, config, workdir, lab, cpu, pristine)
    checks = [check_config(kind, lab, big, workdir) for _ in range(repeat)]
    check_s = min(t for t, _ in checks)
    return StartupFigures(kind, leases, rss_empty, rss_full, load_s, empty_start, subnets,
                          check_s, max(rc for _, rc in checks))
