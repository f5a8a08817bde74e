"""Kea's text forms: sample timestamps (local time, microseconds) and durations."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from tests.unit.stats.clock import FakeClock

from nestor.stats.textfmt import TimestampFormatter, duration_text, timestamp_text

NS = 1_000_000_000


def test_timestamp_has_microseconds_and_kea_layout(utc: None) -> None:
    clock = FakeClock("2019-07-30 10:04:28")
    assert timestamp_text(clock.now + 386_733_999) == "2019-07-30 10:04:28.386733"


def test_timestamp_truncates_not_rounds(utc: None) -> None:
    base = FakeClock("2022-02-11 17:54:17").now
    assert timestamp_text(base + 999_999_999) == "2022-02-11 17:54:17.999999"
    assert timestamp_text(base) == "2022-02-11 17:54:17.000000"


def test_timestamp_is_local_time() -> None:
    base = FakeClock("2019-07-30 10:04:28").now
    old = os.environ.get("TZ")
    try:
        os.environ["TZ"] = "IST-5:30"  # POSIX form (UTC+05:30): needs no tzdata
        time.tzset()
        assert timestamp_text(base) == "2019-07-30 15:34:28.000000"
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_formatter_reuses_second_but_not_across_seconds(utc: None) -> None:
    fmt = TimestampFormatter()
    base = FakeClock("2019-12-31 23:59:59").now
    assert fmt(base + 1_000) == "2019-12-31 23:59:59.000001"
    assert fmt(base + NS) == "2020-01-01 00:00:00.000000"
    assert fmt(base + 5_000) == "2019-12-31 23:59:59.000005"


@pytest.mark.parametrize(("value", "text"), [
    (timedelta(0), "00:00:00.000000"),
    (timedelta(hours=1, minutes=2, seconds=3, microseconds=4), "01:02:03.000004"),
    (timedelta(days=2, hours=3), "51:00:00.000000"),
    (timedelta(hours=123, seconds=59, microseconds=999_999), "123:00:59.999999"),
    # Kea's arithmetic truncates each field toward zero and pads in front of '-'.
    (timedelta(seconds=-5), "00:00:-5.000000"),
    (timedelta(microseconds=-1), "00:00:00.0000-1"),
    (-timedelta(hours=1, minutes=1, seconds=1), "-1:-1:-1.000000"),
])
def test_duration_text(value: timedelta, text: str) -> None:
    assert duration_text(value) == text
