"""The ``pattern`` option: log4cplus conversion specifiers, as Kea 2.2 prints them.

Expected strings were produced by Kea 2.2 with the same patterns (its output
for ``%.4m`` on "... mysql postgresql " is "sql ", for ``%5.7c`` on
``kea-dhcp4.hosts`` "4.hosts", and unknown characters such as ``%e`` stay as
written).
"""

from __future__ import annotations

import calendar
import os
import time
from collections.abc import Iterator

import pytest

from nestor.logs import Severity
from nestor.logs.pattern import DEFAULT_PATTERN, DEFAULT_SYSLOG_PATTERN, Layout, Record

# 2019-08-05 14:27:45.871234 UTC
WHEN = calendar.timegm((2019, 8, 5, 14, 27, 45, 0, 0, 0)) + 0.871234


@pytest.fixture
def utc() -> Iterator[None]:
    """Local time = UTC, so %D is predictable."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def record(message: str = "DHCP4_STARTED Kea DHCPv4 server version 2.2.0 started",
           severity: Severity = Severity.INFO, logger: str = "kea-dhcp4.dhcp4") -> Record:
    return Record(WHEN, severity, logger, message, 1234, 139873829423936, 1240)


def test_default_pattern_is_keas(utc: None) -> None:
    assert Layout(DEFAULT_PATTERN)(record()) == (
        "2019-08-05 14:27:45.871 INFO  [kea-dhcp4.dhcp4/1234.139873829423936] "
        "DHCP4_STARTED Kea DHCPv4 server version 2.2.0 started\n")
    assert Layout(DEFAULT_PATTERN)(record(severity=Severity.DEBUG)).startswith(
        "2019-08-05 14:27:45.871 DEBUG [")


def test_default_syslog_pattern() -> None:
    assert Layout(DEFAULT_SYSLOG_PATTERN)(record(severity=Severity.WARN)) == (
        "WARN  [kea-dhcp4.dhcp4.139873829423936] "
        "DHCP4_STARTED Kea DHCPv4 server version 2.2.0 started\n")


@pytest.mark.parametrize(("pattern", "expected"), [
    ("%-5p|%10p|%p", "INFO |      INFO|INFO"),
    ("%.4m", "sql "),
    ("%c{1}|%c{2}|%c{0}|%c{9}|%c", "hosts|kea-dhcp4.hosts|kea-dhcp4.hosts|kea-dhcp4.hosts|"
                                   "kea-dhcp4.hosts"),
    ("%5.7c|%-20c|", "4.hosts|kea-dhcp4.hosts     |"),
    ("%%|%e|%s|%q|%", "%|%e|%s|%q|%"),
    ("%i.%t.%T", "1234.139873829423936.1240"),
    ("%x|%X{key}|%n", "||\n"),
    ("%l|%L|%F|%b", "logger_impl.cc:172|172|logger_impl.cc|logger_impl.cc"),
])
def test_conversions(pattern: str, expected: str) -> None:
    rec = record("HOSTS_BACKENDS_REGISTERED the following host backend types are available: "
                 "mysql postgresql ", logger="kea-dhcp4.hosts")
    assert Layout(pattern)(rec) == expected


def test_dates(utc: None) -> None:
    rec = record()
    assert Layout("%d")(rec) == "2019-08-05 14:27:45"
    assert Layout("%D{}")(rec) == "2019-08-05 14:27:45"
    assert Layout("%D{%j %H:%M:%S.%q}")(rec) == "217 14:27:45.871"
    assert Layout("%d{%Q}")(rec) == "871.234"
    assert Layout("%d{%%q %Y}")(rec) == "%q 2019"
    early = Record(WHEN - 0.8, Severity.INFO, "kea-dhcp4", "x", 1, 1, 1)
    assert Layout("%d{%S.%q}")(early) == "45.071"


def test_local_and_utc_dates_differ_by_the_zone() -> None:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    try:
        assert Layout("%d{%H}|%D{%H}")(record()) == "14|23"
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_environment_and_host() -> None:
    os.environ["NESTOR_TEST_PATTERN_VAR"] = "value"
    try:
        assert Layout("%E{NESTOR_TEST_PATTERN_VAR}|%E{NESTOR_NOT_SET}|")(record()) == "value||"
    finally:
        del os.environ["NESTOR_TEST_PATTERN_VAR"]
    assert Layout("%h")(record()) == os.uname().nodename.split(".")[0]


def test_relative_time_counts_from_start() -> None:
    rec = Record(time.time(), Severity.INFO, "kea-dhcp4", "x", 1, 1, 1)
    assert int(Layout("%r")(rec)) >= 0


def test_cached_second_moves_on(utc: None) -> None:
    layout = Layout(DEFAULT_PATTERN)
    first = layout(record())
    later = layout(Record(WHEN + 1, Severity.INFO, "kea-dhcp4.dhcp4", "m", 1, 1, 1))
    assert first.startswith("2019-08-05 14:27:45.871")
    assert later.startswith("2019-08-05 14:27:46.871")
