"""One perfdhcp run against a freshly started server, the rate search, the confirmations."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .confgen import lease_file_of
from .leasecheck import CheckResult, check, count_removals, parse_lease_file
from .netns import RELAY_ADDR, SERVER_ADDR, Lab
from .perfout import RA, parse_report
from .search import Outcome, RateSearch, Scenario, judge
from .servers import Server, control_stat, cpu_seconds, ns_udp_errors, udp_errors

EXIT_WAIT_US = 500_000  # perfdhcp -W: answers still in flight at the end count
SERVER_STATS = ("pkt4-receive-drop", "pkt4-parse-failed")


@dataclass
class Settings:
    workdir: Path
    lab: Lab
    clients: int  # perfdhcp -R: must stay below the pool size
    threads: str  # perfdhcp -g
    server_cpu: int = 0
    client_cpu: int = 1
    say: Callable[[str], None] = print


@dataclass
class RunResult:
    server: str
    scenario: str
    outcome: Outcome
    cpu_share: float  # server CPU seconds per second of offered load (-p)
    kernel_drops: int  # UDP InErrors in the server namespace during the run
    client_drops: int  # the same in perfdhcp's namespace: the client missed answers
    server_stats: dict[str, int | None] = field(default_factory=dict)
    check: CheckResult | None = None
    loadavg: str = ""


def perfdhcp_argv(rate: int, period: float, clients: int, threads: str,
                  scenario: Scenario, leases: bool) -> list[str]:
    argv = ["perfdhcp", "-4", "-g", threads, "-r", str(rate), *scenario.flags(rate),
            "-p", f"{period:g}", "-W", str(EXIT_WAIT_US), "-R", str(clients),
            "-l", RELAY_ADDR]
    if leases:
        argv += ["-x", "l"]  # print every lease received, for the correctness check
    return [*argv, SERVER_ADDR]


def one_run(cfg: Settings, kind: str, config: Path, scenario: Scenario, rate: int,
            period: float, verify: bool) -> RunResult:
    """Fresh lease file, start the server, offer ``rate`` for ``period`` s, stop, judge."""
    leases = lease_file_of(config)
    for stale in leases.parent.glob(leases.name + "*"):
        stale.unlink()
    server = Server(kind, config, cfg.workdir, cfg.lab, cfg.server_cpu)
    try:
        server.start()
        cpu0, udp0 = cpu_seconds(server.pid), udp_errors(server.pid)
        client0 = ns_udp_errors(cfg.lab)
        argv = cfg.lab.in_client(
            perfdhcp_argv(rate, period, cfg.clients, cfg.threads, scenario, verify),
            cfg.client_cpu)
        done = subprocess.run(argv, capture_output=True, text=True, timeout=period + 60,
                              check=False)
        cpu1, udp1 = cpu_seconds(server.pid), udp_errors(server.pid)
        client1 = ns_udp_errors(cfg.lab)
        stats = {name: control_stat(config.with_suffix(".sock"), name)
                 for name in SERVER_STATS}
    finally:
        server.stop()
    if done.returncode not in (0, 3):  # 3: some exchanges did not complete
        raise RuntimeError(f"perfdhcp failed ({done.returncode}): {done.stderr[-500:]}")
    report = parse_report(done.stdout)
    rows = parse_lease_file(leases.read_text()) if leases.exists() else []
    outcome = judge(report, scenario, rate, period, released=count_removals(rows))
    result = RunResult(kind, scenario.name, outcome, (cpu1 - cpu0) / period, udp1 - udp0,
                       client1 - client0, stats,
                       loadavg=" ".join(f"{x:.2f}" for x in os.getloadavg()))
    if verify:
        acked = report.leases.get(RA, [])
        result.check = check(acked, rows, releases_expected=scenario.name == "release")
    return result


def describe(r: RunResult) -> str:
    o = r.outcome
    delay = "-" if o.avg_delay_ms is None else f"{o.avg_delay_ms:.2f}/{o.max_delay_ms or 0:.1f}"
    return (f"{r.server:6} {r.scenario:7} rate {o.rate:6} -> {o.exchanges_per_s:8.0f}/s "
            f"loss {100 * o.loss:.3f}% dora-loss {100 * o.dora_loss:.3f}% "
            f"delay avg/max {delay} ms cpu {100 * r.cpu_share:.0f}% "
            f"kdrops {r.kernel_drops}/{r.client_drops} {'PASS' if o.ok else 'FAIL: ' + o.reason}")


def search(cfg: Settings, kind: str, config: Path, scenario: Scenario, period: float,
           steps: int, start: int, retries: int = 0) -> tuple[int, list[RunResult]]:
    """Highest passing offered rate within ``steps`` rates tried for ``period`` seconds.

    On a shared machine a burst of someone else's work can fail one run; with
    ``retries`` a failing rate is tried again and counts as failed only when
    every attempt fails.
    """
    finder = RateSearch(start=start, max_steps=steps)
    runs = []
    while (rate := finder.next_rate()) is not None:
        for _ in range(1 + retries):
            result = one_run(cfg, kind, config, scenario, rate, period, verify=False)
            cfg.say("  search " + describe(result))
            runs.append(result)
            if result.outcome.ok:
                break
        finder.record(rate, result.outcome.ok)
    return finder.best, runs


@dataclass
class Confirmation:
    """The long runs of one server and scenario: the rate they held and every run made."""

    search_rate: int  # what the 10 s search found
    rate: int  # the rate of the last group of long runs (the reported one)
    sustained: bool  # whether a majority of that group passed
    runs: list[RunResult]  # every long run, step-downs and the verified run included
    final: list[RunResult]  # the last group
    verified: RunResult | None = None  # the run with perfdhcp -x l at ``rate``


def confirm(cfg: Settings, kind: str, config: Path, scenario: Scenario, rate: int,
            period: float, count: int, stepdowns: int = 0,
            stepdown: float = 0.9) -> Confirmation:
    """``count`` runs at ``rate``; fewer than a majority passing steps down; then a
    verified run.

    A 10 s search step can pass just above what a server holds for longer (its
    socket buffer absorbs the excess for a while, or a quiet moment helped), so
    the reported rate is one at which most of the ``period`` runs passed: after a
    failed group the rate drops by ``1 - stepdown`` and the group is run again, at
    most ``stepdowns`` times. The last group is reported either way.

    The correctness check needs ``perfdhcp -x l``, which makes perfdhcp keep and
    print every lease: near 10,000 DORA/s that costs the client so much CPU and
    memory (about 1 GB in 30 s) that perfdhcp, not the server, falls behind. So
    the groups run without it, and one more run of ``period`` at the reported
    rate, with it, checks the leases (its loss is shown but not judged).
    """
    runs: list[RunResult] = []
    current = max(rate, 100)
    for attempt in range(stepdowns + 1):
        group = []
        for _ in range(count):
            result = one_run(cfg, kind, config, scenario, current, period, verify=False)
            cfg.say("  final  " + describe(result))
            group.append(result)
        runs += group
        held = sum(r.outcome.ok for r in group) * 2 > count
        if held or attempt == stepdowns:
            verified = one_run(cfg, kind, config, scenario, current, period, verify=True)
            check_text = verified.check.summary() if verified.check else ""
            cfg.say("  check  " + describe(verified) + f"\n         check: {check_text}")
            return Confirmation(rate, current, held, [*runs, verified], group, verified)
        current = max(100, round(current * stepdown / 100) * 100)
        cfg.say(f"  {kind}: fewer than {count // 2 + 1} of {count} runs passed; "
                f"stepping down to {current}/s")
    raise AssertionError("unreachable")
