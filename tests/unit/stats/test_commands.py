"""The statistic-* handlers: Kea 2.2's answers, texts, result codes and effects."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.stats.clock import FakeClock

from nestor.stats import HANDLERS, StatsManager, handle

NOT_MAP = "Error during command processing: get(string) called on a non-map Element"
NOT_INT = "Error during command processing: intValue() called on non-integer Element"


@pytest.fixture
def stats() -> StatsManager:
    mgr = StatsManager(FakeClock("2019-07-30 10:04:28"))
    mgr.set("pkt4-received", 0)
    mgr.set("pkt4-sent", 0)
    return mgr


def ok(text: str) -> dict[str, Any]:
    return {"result": 0, "text": text}


def err(text: str) -> dict[str, Any]:
    return {"result": 1, "text": text}


def test_the_ten_commands_are_registered() -> None:
    assert sorted(HANDLERS) == sorted([
        "statistic-get", "statistic-get-all", "statistic-reset", "statistic-reset-all",
        "statistic-remove", "statistic-remove-all", "statistic-sample-age-set",
        "statistic-sample-age-set-all", "statistic-sample-count-set",
        "statistic-sample-count-set-all"])


def test_get(stats: StatsManager, utc: None) -> None:
    stats.add("pkt4-received", 125)
    assert handle(stats, "statistic-get", {"name": "pkt4-received"}) == {
        "arguments": {"pkt4-received": [[125, "2019-07-30 10:04:28.000002"],
                                        [0, "2019-07-30 10:04:28.000000"]]},
        "result": 0}


def test_get_unknown_is_success_with_empty_arguments(stats: StatsManager) -> None:
    assert handle(stats, "statistic-get", {"name": "bogus"}) == {"arguments": {}, "result": 0}
    assert handle(stats, "statistic-get", {"name": ""}) == {"arguments": {}, "result": 0}


def test_answer_keys_in_kea_order(stats: StatsManager) -> None:
    assert list(handle(stats, "statistic-get", {"name": "x"})) == ["arguments", "result"]
    assert list(handle(stats, "statistic-reset-all")) == ["result", "text"]


@pytest.mark.parametrize("command", ["statistic-get", "statistic-reset", "statistic-remove",
                                     "statistic-sample-age-set",
                                     "statistic-sample-count-set"])
@pytest.mark.parametrize(("arguments", "text"), [
    (None, "Missing mandatory 'name' parameter."),
    ({}, "Missing mandatory 'name' parameter."),
    ({"duration": 5, "max-samples": 5}, "Missing mandatory 'name' parameter."),
    ({"name": 5}, "'name' parameter expected to be a string."),
    ({"name": None}, "'name' parameter expected to be a string."),
    ([1], NOT_MAP),
    ("x", NOT_MAP),
])
def test_name_checks(stats: StatsManager, command: str, arguments: object, text: str) -> None:
    assert handle(stats, command, arguments) == err(text)


def test_get_all(stats: StatsManager, utc: None) -> None:
    assert handle(stats, "statistic-get-all", {}) == {"arguments": {
        "pkt4-received": [[0, "2019-07-30 10:04:28.000000"]],
        "pkt4-sent": [[0, "2019-07-30 10:04:28.000001"]]}, "result": 0}
    # Kea does not look at the arguments of the -all commands.
    assert handle(stats, "statistic-get-all", [1])["result"] == 0


def test_reset(stats: StatsManager) -> None:
    stats.add("pkt4-received", 5)
    assert handle(stats, "statistic-reset", {"name": "pkt4-received", "extra": 1}) == ok(
        "Statistic 'pkt4-received' reset.")
    assert [v for v, _ in stats.samples("pkt4-received")] == [0]
    assert handle(stats, "statistic-reset", {"name": "bogus"}) == err(
        "No 'bogus' statistic found")


def test_reset_all(stats: StatsManager) -> None:
    stats.add("pkt4-sent", 5)
    assert handle(stats, "statistic-reset-all", {"foo": 1}) == ok(
        "All statistics reset to neutral values.")
    assert stats.value("pkt4-sent") == 0


def test_remove(stats: StatsManager) -> None:
    assert handle(stats, "statistic-remove", {"name": "pkt4-sent"}) == ok(
        "Statistic 'pkt4-sent' removed.")
    assert handle(stats, "statistic-remove", {"name": "pkt4-sent"}) == err(
        "No 'pkt4-sent' statistic found")
    assert "pkt4-sent" not in stats


def test_remove_all(stats: StatsManager) -> None:
    assert handle(stats, "statistic-remove-all", None) == ok(
        "Warning: statistic-remove-all command is deprecated. All statistics removed.")
    assert len(stats) == 0
    assert handle(stats, "statistic-get-all") == {"arguments": {}, "result": 0}


def test_sample_age_set(stats: StatsManager) -> None:
    assert handle(stats, "statistic-sample-age-set",
                  {"name": "pkt4-received", "duration": 1245}) == ok(
        "Statistic 'pkt4-received' duration limit is set.")
    obs = stats.observation("pkt4-received")
    assert obs is not None and not obs.limits.by_count
    assert obs.limits.max_age_ns == 1245 * 10**9
    assert handle(stats, "statistic-sample-age-set", {"name": "bogus", "duration": 5}) == err(
        "No 'bogus' statistic found")


@pytest.mark.parametrize(("arguments", "text"), [
    ({"name": "pkt4-received"}, "Missing mandatory 'duration' parameter."),
    ({"name": "pkt4-received", "duration": "x"}, NOT_INT),
    ({"name": "pkt4-received", "duration": 1.5}, NOT_INT),
    ({"name": "pkt4-received", "duration": True}, NOT_INT),
    ({"name": "pkt4-received", "duration": None}, NOT_INT),
    ({"name": "bogus", "duration": "x"}, NOT_INT),  # checked before the name is looked up
])
def test_sample_age_set_refusals(stats: StatsManager, arguments: object, text: str) -> None:
    assert handle(stats, "statistic-sample-age-set", arguments) == err(text)


def test_sample_age_set_all(stats: StatsManager) -> None:
    assert handle(stats, "statistic-sample-age-set-all", {"duration": 3}) == ok(
        "All statistics duration limit are set.")
    for name in stats:
        obs = stats.observation(name)
        assert obs is not None and not obs.limits.by_count
    limits = stats.default_limits  # new statistics are limited by age too
    assert not limits.by_count and limits.max_age_ns == 3 * 10**9
    assert handle(stats, "statistic-sample-age-set-all", {}) == err(
        "Missing mandatory 'duration' parameter.")
    assert handle(stats, "statistic-sample-age-set-all", None) == err(
        "Missing mandatory 'duration' parameter.")
    assert handle(stats, "statistic-sample-age-set-all", {"duration": "abc"}) == err(NOT_INT)
    assert handle(stats, "statistic-sample-age-set-all", [1]) == err(NOT_MAP)


def test_sample_count_set(stats: StatsManager) -> None:
    for _ in range(10):
        stats.add("pkt4-received")
    assert handle(stats, "statistic-sample-count-set",
                  {"name": "pkt4-received", "max-samples": 3}) == ok(
        "Statistic 'pkt4-received' count limit is set.")
    assert [v for v, _ in stats.samples("pkt4-received")] == [10, 9, 8]
    assert handle(stats, "statistic-sample-count-set",
                  {"name": "bogus", "max-samples": 3}) == err("No 'bogus' statistic found")


@pytest.mark.parametrize(("arguments", "text"), [
    ({"name": "pkt4-received"}, "Missing mandatory 'max-samples' parameter."),
    ({"name": "pkt4-received", "max-samples": "3"},
     "'max-samples' parameter expected to be an integer."),
    ({"name": "pkt4-received", "max-samples": 2.0},
     "'max-samples' parameter expected to be an integer."),
    ({"name": "pkt4-received", "max-samples": True},
     "'max-samples' parameter expected to be an integer."),
    # Kea 2.2 accepts 0 here and then fails every later get of the statistic.
    ({"name": "pkt4-received", "max-samples": 0}, "'max-samples' parameter must not be zero"),
    ({"name": "pkt4-received", "max-samples": 2**32},
     "'max-samples' parameter must not be zero"),
])
def test_sample_count_set_refusals(stats: StatsManager, arguments: object, text: str) -> None:
    assert handle(stats, "statistic-sample-count-set", arguments) == err(text)
    assert [v for v, _ in stats.samples("pkt4-received")] == [0]


def test_negative_max_samples_wraps_like_uint32(stats: StatsManager) -> None:
    assert handle(stats, "statistic-sample-count-set",
                  {"name": "pkt4-received", "max-samples": -1})["result"] == 0
    obs = stats.observation("pkt4-received")
    assert obs is not None and obs.limits.max_count == 2**32 - 1


def test_sample_count_set_all(stats: StatsManager) -> None:
    stats.set_max_sample_age("pkt4-sent", 10)
    assert handle(stats, "statistic-sample-count-set-all", {"max-samples": 5}) == ok(
        "All statistics count limit are set.")
    for name in stats:
        obs = stats.observation(name)
        assert obs is not None and obs.limits.by_count and obs.limits.max_count == 5
    assert stats.default_limits.max_count == 5
    for arguments, text in [
            ({"max-samples": 0}, "'max-samples' parameter must not be zero"),
            ({"max-samples": "5"}, "'max-samples' parameter expected to be an integer."),
            ({}, "Missing mandatory 'max-samples' parameter."),
            (None, "Missing mandatory 'max-samples' parameter."),
            ([1], NOT_MAP)]:
        assert handle(stats, "statistic-sample-count-set-all", arguments) == err(text)


def test_unknown_command_is_not_handled_here(stats: StatsManager) -> None:
    with pytest.raises(KeyError):
        handle(stats, "statistic-frobnicate", {})
