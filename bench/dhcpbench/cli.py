"""``bench/run``: Nestor against Kea 2.2 side by side, as root, in throw-away namespaces."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from . import report, runner, startup
from .confgen import LOAD, render
from .netns import Lab
from .search import SCENARIOS

# program -> Debian package that brings it (Kea 2.2 on Debian 12)
TOOLS = {"kea-dhcp4": "kea-dhcp4-server", "perfdhcp": "kea-admin", "ip": "iproute2",
         "taskset": "util-linux"}


@dataclasses.dataclass(frozen=True)
class Mode:
    search_period: float
    search_steps: int
    final_period: float
    final_runs: int
    leases: int
    subnets: int
    check_repeat: int
    retries: int  # extra attempts of a failing search step
    stepdowns: int  # long-run groups at a 10 % lower rate when most runs of a group fail


FULL = Mode(10, 8, 30, 3, 1_000_000, 10_000, 3, 1, 2)
QUICK = Mode(3, 2, 3, 3, 100_000, 1_000, 1, 0, 0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    p.add_argument("--quick", action="store_true", help="3 s runs, 2 search steps, 100k leases")
    p.add_argument("--server", choices=("kea", "nestor", "both"), default="both")
    p.add_argument("--scenarios", default="dora,renew,release",
                   help="comma-separated subset of: " + ", ".join(SCENARIOS))
    p.add_argument("--no-startup", action="store_true", help="skip memory/load/-t figures")
    p.add_argument("--clients", type=int, default=50_000,
                   help="perfdhcp -R (distinct clients; below the /16 pool size)")
    p.add_argument("--start-rate", type=int, default=2000)
    p.add_argument("--threads", choices=("single", "multi"), default="single",
                   help="perfdhcp -g (it is pinned to one core)")
    p.add_argument("--workdir", type=Path, help="keep files here (default: a temp dir)")
    p.add_argument("--json", type=Path, help="also write all figures as JSON here")
    return p.parse_args(argv)


def ensure_tools() -> None:
    missing = sorted({pkg for prog, pkg in TOOLS.items() if shutil.which(prog) is None})
    if not missing:
        return
    print("installing " + " ".join(missing), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *missing],
                   check=True, env=env, timeout=1200)


def machine_facts() -> str:
    model = next((ln.split(":", 1)[1].strip() for ln in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if ln.startswith("model name")), "?")
    kea = subprocess.run(["kea-dhcp4", "-v"], capture_output=True, text=True,
                         check=False).stdout.strip()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; nproc {os.cpu_count()}; "
            f"CPU {model}; kernel {platform.release()}; Kea {kea}; "
            f"Python {platform.python_version()}; load average at start {load}")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(args: argparse.Namespace, workdir: Path, lab: Lab) -> dict[str, object]:
    mode = QUICK if args.quick else FULL
    servers = ["kea", "nestor"] if args.server == "both" else [args.server]
    cfg = runner.Settings(workdir, lab, args.clients, args.threads,
                          say=lambda s: print(s, flush=True))
    if args.clients >= LOAD.pool_size:
        raise SystemExit(f"--clients must stay below the pool size {LOAD.pool_size}")
    config = render(workdir, lab.server_if, LOAD)
    finals: dict[str, dict[str, runner.Confirmation]] = {}
    for name in args.scenarios.split(","):
        scenario = SCENARIOS[name]
        for kind in servers:
            print(f"== {kind} {name}: search ({mode.search_period:g} s runs)", flush=True)
            best, _ = runner.search(cfg, kind, config, scenario, mode.search_period,
                                    mode.search_steps, args.start_rate, mode.retries)
            print(f"== {kind} {name}: {mode.final_runs} x {mode.final_period:g} s at {best}/s",
                  flush=True)
            finals.setdefault(name, {})[kind] = runner.confirm(
                cfg, kind, config, scenario, best, mode.final_period, mode.final_runs,
                mode.stepdowns)
    figures: dict[str, startup.StartupFigures] = {}
    if not args.no_startup:
        print(f"== start-up: {mode.leases} leases, {mode.subnets} subnets", flush=True)
        files = startup.prepare(workdir, lab, mode.leases, mode.subnets)
        for kind in servers:
            figures[kind] = startup.measure(kind, files, workdir, lab, cfg.server_cpu,
                                            mode.leases, mode.subnets, mode.check_repeat)
    print_report(finals, figures)
    return {"finals": {s: {k: dataclasses.asdict(c) for k, c in by.items()}
                       for s, by in finals.items()},
            "startup": {k: dataclasses.asdict(f) for k, f in figures.items()}}


def print_report(finals: dict[str, dict[str, runner.Confirmation]],
                 figures: dict[str, startup.StartupFigures]) -> None:
    print("\n" + report.RUN_HEADER)
    for by_server in finals.values():
        for confirmation in by_server.values():
            for r in confirmation.runs:
                print(report.run_row(r))
    print()
    for scenario, by_server in finals.items():
        line = report.ratio_line(scenario, by_server)
        if line:
            print(line)
    if figures:
        print()
        print("\n".join(report.startup_lines(figures)))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if os.geteuid() != 0:
        print("bench/run needs root (network namespaces)", file=sys.stderr)
        return 2
    ensure_tools()
    signal.signal(signal.SIGTERM, _interrupt)
    print(machine_facts(), flush=True)
    own_dir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="nbench-")) if own_dir else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    lab = Lab()
    try:
        lab.up()
        results = run(args, workdir, lab)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    except KeyboardInterrupt:
        print("interrupted: cleaning up", file=sys.stderr)
        return 130
    finally:
        lab.down()
        if own_dir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0
