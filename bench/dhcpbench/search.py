"""What one run means and where to try next (pure: no processes, no clock).

A run *passes* when perfdhcp really offered the asked rate, at most
0.1 % of the measured exchanges were lost, and the average delay stayed
short (a server that falls behind is not yet losing packets in a short run
when its socket buffer is deep: the queue, and so the delay, grows instead).
:class:`RateSearch` finds the highest passing rate in a bounded number of
runs: it doubles from a start rate until a run fails, then bisects between
the best pass and the lowest failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .perfout import DO, RA, RELEASE, RENEW, PerfReport

MAX_LOSS = 0.001  # the criterion: at most 0.1 % drops
# A server that keeps up answers within a few milliseconds (both servers stay
# near 1-5 ms below their limit). Above its limit the backlog in the socket
# buffer grows by the excess every second: with a 4 MiB buffer a 10 s run at
# 5 % over capacity ends with ~0.5 s of queue and no loss yet, and the loss
# only shows in the 30 s runs. The average DISCOVER-OFFER + REQUEST-ACK delay
# bound catches that (1 % excess over a 10 s run gives ~50 ms on average).
MAX_AVG_DELAY_MS = 20.0
# perfdhcp paces itself; below this share of the asked rate the client, not
# the server, is the limit and the run says nothing about the server.
MIN_OFFERED = 0.97
# renewals and releases need acquired leases, so they start late in a run
MIN_OFFERED_FOLLOWUP = 0.85


@dataclass(frozen=True)
class Scenario:
    """One kind of load: extra perfdhcp flags and which exchange is measured."""

    name: str
    flags: Callable[[int], list[str]]
    measured: str  # perfdhcp block whose exchanges/s is reported
    replies: bool = True  # RELEASE has no reply: the lease file tells instead


SCENARIOS: dict[str, Scenario] = {
    "dora": Scenario("dora", lambda rate: [], RA),
    # perfdhcp -f/-F: renewals/releases of acquired leases, on top of DORA at -r
    "renew": Scenario("renew", lambda rate: ["-f", str(rate)], RENEW),
    "release": Scenario("release", lambda rate: ["-F", str(rate)], RELEASE, replies=False),
}


@dataclass
class Outcome:
    """The figures of one run and whether it passed."""

    rate: int
    period: float
    exchanges_per_s: float
    loss: float  # fraction of the measured exchanges not completed
    dora_loss: float
    avg_delay_ms: float | None
    max_delay_ms: float | None
    ok: bool
    reason: str


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def _max(a: float | None, b: float | None) -> float | None:
    values = [v for v in (a, b) if v is not None]
    return max(values) if values else None


def judge(report: PerfReport, scenario: Scenario, rate: int, period: float,
          released: int | None = None) -> Outcome:
    """Evaluate one run; ``released`` counts release rows found in the lease file."""
    do, ra = report.get(DO), report.get(RA)
    # one DORA exchange is lost when its DISCOVER got no OFFER or its REQUEST no ACK
    dora_loss = 1.0 - ra.received / do.sent if do.sent else 1.0
    if scenario.measured == RA:
        done, sent, loss = ra.received, do.sent, dora_loss
        avg, worst = _add(do.avg_delay_ms, ra.avg_delay_ms), _max(do.max_delay_ms,
                                                                  ra.max_delay_ms)
    else:
        block = report.get(scenario.measured)
        sent = block.sent
        done = block.received if scenario.replies else (released or 0)
        loss = 1.0 - done / sent if sent else 1.0
        avg, worst = (block.avg_delay_ms, block.max_delay_ms) if scenario.replies \
            else (None, None)
    ok, reason = True, "ok"
    expected = rate * period
    dora_delay = _add(do.avg_delay_ms, ra.avg_delay_ms)
    delays = [d for d in (dora_delay, avg) if d is not None]
    if do.sent < MIN_OFFERED * expected:
        ok, reason = False, f"perfdhcp sent only {do.sent} of {expected:.0f} DISCOVERs"
    elif max(loss, dora_loss) > MAX_LOSS + 1e-12:  # 1 - 0.999 is not exactly 0.001
        ok, reason = False, f"loss {100 * max(loss, dora_loss):.3f} % > 0.1 %"
    elif delays and max(delays) > MAX_AVG_DELAY_MS:
        ok, reason = False, (f"average delay {max(delays):.1f} ms > {MAX_AVG_DELAY_MS:g} ms "
                             "(the server falls behind: its queue grows)")
    elif scenario.measured != RA and sent < MIN_OFFERED_FOLLOWUP * expected:
        # renewals/releases go to acquired leases: too few means too few ACKs came back
        ok, reason = False, f"only {sent} of {expected:.0f} {scenario.name}s could be sent"
    return Outcome(rate, period, done / period, loss, dora_loss, avg, worst, ok, reason)


@dataclass
class RateSearch:
    """Bounded search for the highest passing rate (doubling, then bisection)."""

    start: int = 2000
    ceiling: int = 64000
    max_steps: int = 8
    granularity: int = 100  # rates are multiples of this
    precision: float = 0.03  # stop when the bracket is narrower than this share
    best: int = 0  # highest rate that passed
    lowest_fail: int | None = None
    history: list[tuple[int, bool]] = field(default_factory=list)

    def next_rate(self) -> int | None:
        """The next rate to try, or None when the search is over."""
        if len(self.history) >= self.max_steps:
            return None
        if not self.history:
            return self.start
        if self.lowest_fail is None:
            doubled = min(self.best * 2, self.ceiling)
            return doubled if doubled > self.best else None
        low, high = self.best, self.lowest_fail
        if high - low <= max(self.granularity, self.precision * low):
            return None
        mid = round((low + high) / 2 / self.granularity) * self.granularity
        return mid if low < mid < high else None

    def record(self, rate: int, ok: bool) -> None:
        self.history.append((rate, ok))
        if ok:
            self.best = max(self.best, rate)
        elif self.lowest_fail is None or rate < self.lowest_fail:
            self.lowest_fail = rate
