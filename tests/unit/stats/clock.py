"""A controllable clock for statistics tests (nanoseconds since the epoch)."""

from __future__ import annotations

import calendar


class FakeClock:
    """Returns ``now``; each reading then moves on by ``step_ns`` so samples differ."""

    def __init__(self, start: str = "2019-07-30 10:04:28", step_ns: int = 1_000) -> None:
        # ``start`` is read as UTC; tests that print times pin TZ to UTC.
        self.now = calendar.timegm(_parse(start)) * 1_000_000_000
        self.step_ns = step_ns

    def __call__(self) -> int:
        current = self.now
        self.now += self.step_ns
        return current

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * 1_000_000_000)


def _parse(text: str) -> tuple[int, ...]:
    date, clock = text.split()
    return (*map(int, date.split("-")), *map(int, clock.split(":")), 0, 0, 0)
