"""Turning runs into the table and the ratio lines (pure formatting)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from .runner import RunResult
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


def ratio_line(scenario: str, by_server: dict[str, list[RunResult]]) -> str | None:
    """``nestor/kea X ratio``: of the highest rates sustained with <= 0.1 % loss.

    The three long runs at that rate follow in brackets: their mean completed
    exchanges/s and how many of them still met 0.1 % (a long run meets more
    of the machine's other work than a 10 s search step).
    """
    if not by_server.get("nestor") or not by_server.get("kea"):
        return None
    nestor, kea = by_server["nestor"], by_server["kea"]
    n, k = nestor[0].outcome.rate, kea[0].outcome.rate
    ratio = n / k if k else float("nan")
    longer = "; ".join(
        f"{name} {mean_rate(runs):.0f}/s, {sum(r.outcome.ok for r in runs)}/{len(runs)} "
        f"within 0.1 %" for name, runs in (("nestor", nestor), ("kea", kea)))
    return (f"nestor/kea {TITLES[scenario]} ratio = {ratio:.2f} "
            f"(nestor {n}/s, kea {k}/s; {len(kea)} final runs at that rate: {longer})")


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
