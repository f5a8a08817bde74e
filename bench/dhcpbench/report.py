"""Turning runs into the table and the ratio lines (pure formatting)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from .runner import Confirmation, RunResult
from .startup import StartupFigures

TITLES = {"dora": "DORA", "renew": "renewal", "release": "release"}


def mean_rate(runs: Sequence[RunResult]) -> float:
    return statistics.fmean(r.outcome.exchanges_per_s for r in runs) if runs else 0.0


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def run_row(r: RunResult) -> str:
    o = r.outcome
    stats = ", ".join(f"{v}" if v is not None else "n/a" for v in r.server_stats.values())
    check = "-" if r.check is None else ("ok" if r.check.ok else "FAILED")
    return (f"| {r.server} | {TITLES[r.scenario]} | {o.rate} | {o.exchanges_per_s:.0f} | "
            f"{100 * o.loss:.3f} | {100 * o.dora_loss:.3f} | {_fmt(o.avg_delay_ms)} | "
            f"{_fmt(o.max_delay_ms, 1)} | {100 * r.cpu_share:.0f} | "
            f"{r.kernel_drops} / {r.client_drops} | "
            f"{stats} | {'yes' if o.ok else 'no'} | {check} | {r.loadavg} |")


RUN_HEADER = (
    "| server | load | offered/s | done/s | loss % | DORA loss % | avg delay ms | "
    "max delay ms | server CPU % | kernel UDP drops server / client | "
    "pkt4-receive-drop, pkt4-parse-failed "
    "| loss <= 0.1 % | ACK/lease check | load avg |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def ratio_line(scenario: str, by_server: dict[str, Confirmation]) -> str | None:
    """``nestor/kea X ratio``: of the rates each server held in the long runs.

    That is the rate the search found, or a lower one when most long runs at it
    failed (see :func:`runner.confirm`); the brackets give the mean completed
    exchanges/s of the last group, how many of its runs passed, and the search's
    rates.
    """
    if not by_server.get("nestor") or not by_server.get("kea"):
        return None
    nestor, kea = by_server["nestor"], by_server["kea"]
    n, k = nestor.rate, kea.rate
    ratio = n / k if k else float("nan")
    longer = "; ".join(
        f"{name} {mean_rate(c.final):.0f}/s, {sum(r.outcome.ok for r in c.final)}/"
        f"{len(c.final)} passed{'' if c.sustained else ' (NOT sustained)'}"
        for name, c in (("nestor", nestor), ("kea", kea)))
    checks = ", ".join(f"{name} {_check_word(c)}" for name, c in (("nestor", nestor),
                                                                   ("kea", kea)))
    return (f"nestor/kea {TITLES[scenario]} ratio = {ratio:.2f} "
            f"(nestor {n}/s, kea {k}/s held in {len(kea.final)} long runs: {longer}; "
            f"10 s search found nestor {nestor.search_rate}/s, kea {kea.search_rate}/s; "
            f"ACK/lease check {checks})")


def _check_word(c: Confirmation) -> str:
    if c.verified is None or c.verified.check is None:
        return "not run"
    return "ok" if c.verified.check.ok else "FAILED"


def startup_lines(figures: dict[str, StartupFigures]) -> list[str]:
    lines = [
        "| server | leases | RSS empty MiB | RSS full MiB | bytes/lease | lease load s | "
        "empty start s | subnets | -t s (rc) |",
        "|---|---|---|---|---|---|---|---|---|"]
    for f in figures.values():
        lines.append(
            f"| {f.server} | {f.leases} | {f.rss_empty_kib / 1024:.1f} | "
            f"{f.rss_full_kib / 1024:.1f} | {f.bytes_per_lease:.0f} | {f.load_s:.2f} | "
            f"{f.empty_start_s:.2f} | {f.subnets} | {f.check_s:.2f} ({f.check_rc}) |")
    n, k = figures.get("nestor"), figures.get("kea")
    if n is not None and k is not None:
        lines += [
            "",
            f"nestor/kea RSS with {n.leases} leases = {n.rss_full_kib / k.rss_full_kib:.2f} "
            f"(nestor {n.rss_full_kib / 1024:.0f} MiB, kea {k.rss_full_kib / 1024:.0f} MiB; "
            f"per lease nestor {n.bytes_per_lease:.0f} B, kea {k.bytes_per_lease:.0f} B)",
            f"nestor/kea lease file load time = {n.load_s / k.load_s:.2f} "
            f"(nestor {n.load_s:.2f} s, kea {k.load_s:.2f} s)",
            f"nestor/kea {n.subnets}-subnet config check time = {n.check_s / k.check_s:.2f} "
            f"(nestor {n.check_s:.2f} s, kea {k.check_s:.2f} s)"]
    return lines
