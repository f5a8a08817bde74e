"""The statistics manager: operations, types, sample limits, defaults, speed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.stats.clock import FakeClock

from nestor.stats import InvalidStatType, StatsManager, StatType

NS = 1_000_000_000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock("2019-07-30 10:04:28")


@pytest.fixture
def stats(clock: FakeClock) -> StatsManager:
    return StatsManager(clock)


def values(stats: StatsManager, name: str) -> list[object]:
    return [value for value, _ in stats.samples(name)]


# -- set / add / get ---------------------------------------------------------

def test_first_add_creates_the_statistic_with_that_value(stats: StatsManager) -> None:
    stats.add("pkt4-received", 3)
    assert stats.value("pkt4-received") == 3
    assert stats.type_of("pkt4-received") is StatType.INTEGER


def test_add_records_a_new_sample_newest_first(stats: StatsManager) -> None:
    stats.set("pkt4-received", 100)
    stats.add("pkt4-received", 25)
    stats.add("pkt4-received")  # a counter increments by one by default
    assert values(stats, "pkt4-received") == [126, 125, 100]
    times = [ns for _, ns in stats.samples("pkt4-received")]
    assert times == sorted(times, reverse=True)


def test_get_gives_kea_json_shape(stats: StatsManager, utc: None) -> None:
    stats.set("pkt4-received", 100)
    stats.add("pkt4-received", 25)
    assert stats.get("pkt4-received") == {"pkt4-received": [
        [125, "2019-07-30 10:04:28.000001"], [100, "2019-07-30 10:04:28.000000"]]}


def test_get_unknown_name_is_empty_map(stats: StatsManager) -> None:
    assert stats.get("bogus") == {}
    assert stats.value("bogus") is None
    assert stats.samples("bogus") == []
    assert "bogus" not in stats


def test_float_duration_and_string_statistics(stats: StatsManager, utc: None) -> None:
    stats.set("beta", 12.5)
    stats.add("beta", 0.25)
    stats.set("gamma", timedelta(hours=1, minutes=2, seconds=3, microseconds=4))
    stats.add("gamma", timedelta(seconds=57))
    stats.set("delta", "Lorem")
    stats.add("delta", " ipsum")
    assert stats.value("beta") == 12.75
    assert stats.get("gamma")["gamma"][0][0] == "01:03:00.000004"
    assert stats.value("delta") == "Lorem ipsum"
    assert [stats.type_of(n) for n in ("beta", "gamma", "delta")] == [
        StatType.FLOAT, StatType.DURATION, StatType.STRING]


@pytest.mark.parametrize(("first", "second"), [
    (1, 1.0), (1.0, 1), (1, "1"), ("x", 1), (timedelta(1), 1), (1, True)])
def test_value_of_another_type_is_refused(stats: StatsManager, first: object,
                                          second: object) -> None:
    stats.set("alpha", first)  # type: ignore[arg-type]
    with pytest.raises(InvalidStatType):
        stats.add("alpha", second)  # type: ignore[arg-type]
    with pytest.raises(InvalidStatType):
        stats.set("alpha", second)  # type: ignore[arg-type]
    assert values(stats, "alpha") == [first]


def test_bool_and_other_types_cannot_start_a_statistic(stats: StatsManager) -> None:
    for bad in (True, None, [1], b"x"):
        with pytest.raises(InvalidStatType):
            stats.set("alpha", bad)  # type: ignore[arg-type]
    assert len(stats) == 0


def test_get_all_is_sorted_like_kea(stats: StatsManager) -> None:
    for name in ("subnet[2].x", "pkt4-sent", "subnet[10].x", "cumulative-assigned-addresses"):
        stats.set(name, 0)
    assert list(stats.get_all()) == [
        "cumulative-assigned-addresses", "pkt4-sent", "subnet[10].x", "subnet[2].x"]
    assert list(stats) == list(stats.get_all())


# -- reset / remove ------------------------------------------------------------

def test_reset_drops_samples_and_sets_neutral_value(stats: StatsManager) -> None:
    stats.set("a", 5)
    stats.add("a", 5)
    stats.set("b", 2.5)
    stats.set("c", timedelta(seconds=3))
    stats.set("d", "text")
    assert stats.reset("a")
    assert values(stats, "a") == [0]
    stats.reset_all()
    assert [values(stats, n) for n in "abcd"] == [[0], [0.0], [timedelta(0)], [""]]
    assert not stats.reset("bogus")


def test_remove_and_remove_all(stats: StatsManager) -> None:
    stats.set("a", 1)
    stats.set("b", 1)
    assert stats.remove("a")
    assert not stats.remove("a")
    assert list(stats) == ["b"]
    stats.remove_all()
    assert len(stats) == 0 and stats.get_all() == {}
    stats.add("a", 2)  # a removed statistic comes back on the next update
    assert stats.value("a") == 2


# -- sample limits -------------------------------------------------------------

def test_default_keeps_twenty_samples(stats: StatsManager) -> None:
    for i in range(30):
        stats.set("a", i)
    assert values(stats, "a") == list(range(29, 9, -1))


def test_count_limit_keeps_newest(stats: StatsManager) -> None:
    for i in range(10):
        stats.set("a", i)
    assert stats.set_max_sample_count("a", 3)
    assert values(stats, "a") == [9, 8, 7]
    stats.add("a", 1)
    assert values(stats, "a") == [10, 9, 8]
    assert not stats.set_max_sample_count("bogus", 3)


def test_count_limit_of_zero_is_refused(stats: StatsManager) -> None:
    stats.set("a", 1)
    with pytest.raises(ValueError):
        stats.set_max_sample_count("a", 0)
    with pytest.raises(ValueError):
        stats.set_max_sample_count_all(0)
    assert values(stats, "a") == [1]


def test_age_limit_bounds_span_between_newest_and_oldest(
        stats: StatsManager, clock: FakeClock) -> None:
    clock.step_ns = 0
    for i in range(5):  # samples at t = 0, 10, 20, 30, 40 s
        stats.set("a", i)
        clock.advance(10)
    assert stats.set_max_sample_age("a", 15)
    assert values(stats, "a") == [4, 3]
    clock.advance(100)  # time alone does not drop samples; the next sample does
    assert values(stats, "a") == [4, 3]
    stats.add("a", 1)
    assert values(stats, "a") == [5]


def test_age_limit_replaces_count_limit_and_back(stats: StatsManager, clock: FakeClock) -> None:
    stats.set_max_sample_count_default(2)
    stats.set("a", 0)
    stats.set_max_sample_age("a", timedelta(minutes=1))
    for i in range(1, 30):  # 1 us apart: all within the age limit
        stats.set("a", i)
    assert len(stats.samples("a")) == 30  # the count limit no longer applies
    stats.set_max_sample_count("a", 4)
    assert values(stats, "a") == [29, 28, 27, 26]


def test_age_zero_keeps_only_samples_of_the_same_instant(
        stats: StatsManager, clock: FakeClock) -> None:
    stats.set("a", 1)
    stats.set_max_sample_age("a", 0)
    stats.set("a", 2)
    assert values(stats, "a") == [2]


def test_negative_age_keeps_newest_sample(stats: StatsManager) -> None:
    # Kea 2.2 removes every sample here and then crashes; Nestor keeps one.
    stats.set("a", 1)
    stats.set("a", 2)
    assert stats.set_max_sample_age("a", -5)
    assert values(stats, "a") == [2]
    stats.add("a", 1)
    assert values(stats, "a") == [3]


def test_set_all_limits_apply_to_every_statistic(stats: StatsManager) -> None:
    for name in ("a", "b"):
        for i in range(5):
            stats.set(name, i)
    stats.set_max_sample_count_all(2)
    assert values(stats, "a") == [4, 3] and values(stats, "b") == [4, 3]
    stats.set_max_sample_age_all(3600)
    for i in range(5, 10):
        stats.set("a", i)
    assert len(stats.samples("a")) == 7


def test_defaults_apply_to_new_statistics(stats: StatsManager) -> None:
    stats.set_max_sample_count_default(3)
    for i in range(10):
        stats.set("a", i)
    assert values(stats, "a") == [9, 8, 7]
    stats.set_max_sample_age_default(3600)  # not active while the count default is set
    stats.set_max_sample_count_default(0)   # 0: new statistics use the age default
    for i in range(10):
        stats.set("b", i)
    assert len(stats.samples("b")) == 10
    limits = stats.default_limits
    assert not limits.by_count and limits.max_age_ns == 3600 * NS and limits.max_count == 3


def test_configured_defaults_override_per_statistic_limits(stats: StatsManager) -> None:
    for i in range(5):
        stats.set("a", i)
    stats.set_max_sample_count("a", 1)
    stats.apply_configured_defaults(20, 0)
    for i in range(5, 10):
        stats.set("a", i)
    assert values(stats, "a") == [9, 8, 7, 6, 5, 4]
    stats.apply_configured_defaults(0, 0)  # count 0: every statistic by age (0 s)
    stats.set("a", 10)
    assert values(stats, "a") == [10]


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(st.tuples(st.sampled_from(["set", "add", "count", "age", "reset"]),
                              st.integers(-5, 40)), max_size=60))
def test_samples_never_empty_and_within_limits(ops: list[tuple[str, int]]) -> None:
    clock = FakeClock(step_ns=NS)  # one second between readings
    stats = StatsManager(clock)
    stats.set("a", 0)
    for op, n in ops:
        if op == "set":
            stats.set("a", n)
        elif op == "add":
            stats.add("a", n)
        elif op == "count" and n > 0:
            stats.set_max_sample_count("a", n)
        elif op == "age":
            stats.set_max_sample_age("a", n)
        elif op == "reset":
            stats.reset("a")
        obs = stats.observation("a")
        assert obs is not None
        samples = obs.samples()
        assert samples, "a statistic always has its newest sample"
        if obs.limits.by_count:
            assert len(samples) <= obs.limits.max_count
        elif len(samples) > 1:
            assert samples[0][1] - samples[-1][1] <= obs.limits.max_age_ns
