"""``StatsManager.add_many``: one event moving several statistics, as ``add`` each."""

from __future__ import annotations

import pytest
from tests.unit.stats.clock import FakeClock

from nestor.stats import InvalidStatType, StatsManager

NAMES = ("subnet[1].assigned-addresses", "cumulative-assigned-addresses",
         "subnet[1].pool[0].assigned-addresses")


def test_add_many_gives_the_values_add_gives() -> None:
    one, many = StatsManager(FakeClock()), StatsManager(FakeClock())
    for stats in (one, many):
        stats.set(NAMES[0], 5)
        stats.set(NAMES[2], 1)
    for name in NAMES:
        one.add(name, 2)
    many.add_many(NAMES, 2)
    for name in NAMES:  # the missing one is created with the value, as add does
        assert [v for v, _ in many.samples(name)] == [v for v, _ in one.samples(name)]
    assert many.value(NAMES[1]) == 2 and many.value(NAMES[0]) == 7


def test_add_many_records_the_event_at_one_instant() -> None:
    clock = FakeClock(step_ns=1_000)
    stats = StatsManager(clock)
    for name in NAMES:
        stats.set(name, 0)
    stats.add_many(NAMES, 1)
    stamps = {stats.samples(name)[0][1] for name in NAMES}
    assert len(stamps) == 1
    assert stamps.pop() > max(stats.samples(name)[1][1] for name in NAMES)


def test_add_many_keeps_limits_and_types() -> None:
    stats = StatsManager(FakeClock())
    stats.set("a", 0)
    stats.set_max_sample_count("a", 2)
    stats.set("b", 0)
    stats.set_max_sample_age("b", 3600)  # the age-limited path goes through add
    for _ in range(5):
        stats.add_many(("a", "b"), 1)
    assert [v for v, _ in stats.samples("a")] == [5, 4]
    assert stats.value("b") == 5 and len(stats.samples("b")) == 6
    stats.set("text", "x")
    with pytest.raises(InvalidStatType):
        stats.add_many(("a", "text"), 1)
    assert stats.value("a") == 6  # names before the faulty one were added, as with add
