"""Kea's text forms for statistics: sample timestamps and duration values.

Kea stamps every sample with the system clock and prints it in *local* time
with microseconds, ``2019-07-30 10:04:28.386733`` (``clockToText``); a duration
value prints as ``HH:MM:SS.ffffff`` with hours not wrapped at 24
(``durationToText``). Both truncate to the microsecond rather than round.
"""

from __future__ import annotations

import time
from datetime import timedelta

_NS_PER_US = 1_000
_NS_PER_S = 1_000_000_000
_US_PER_S = 1_000_000


class TimestampFormatter:
    """Formats nanosecond epoch timestamps the way Kea prints sample times.

    ``statistic-get-all`` formats thousands of samples that mostly share a
    second, so the ``YYYY-MM-DD HH:MM:SS`` part of the last second seen is
    kept and only the microseconds are formatted per sample.
    """

    __slots__ = ("_prefix", "_second")

    def __init__(self) -> None:
        self._second: int | None = None
        self._prefix = ""

    def __call__(self, ns: int) -> str:
        second, rest = divmod(ns, _NS_PER_S)
        if second != self._second:
            self._prefix = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
            self._second = second
        return f"{self._prefix}.{rest // _NS_PER_US:06d}"


def timestamp_text(ns: int) -> str:
    """One timestamp in Kea's form, e.g. ``2019-07-30 10:04:28.386733`` (local time)."""
    return TimestampFormatter()(ns)


def _trunc_div(a: int, b: int) -> int:
    """C++ integer division: the quotient truncated toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _cxx_padded(number: int, width: int) -> str:
    """``std::setw(width) << std::setfill('0') << number``: the fill goes left of a
    minus sign, as iostreams pad right-aligned output."""
    return str(number).rjust(width, "0")


def duration_text(value: timedelta) -> str:
    """Kea's ``durationToText``: ``HH:MM:SS.ffffff``; hours may exceed two digits.

    Negative durations keep Kea's arithmetic (each field truncated toward zero
    and printed with its own sign) so the text matches Kea's byte for byte.
    """
    micros = (value.days * 86_400 + value.seconds) * _US_PER_S + value.microseconds
    seconds = _trunc_div(micros, _US_PER_S)
    fraction = micros - seconds * _US_PER_S
    hours = _trunc_div(seconds, 3600)
    seconds -= hours * 3600
    minutes = _trunc_div(seconds, 60)
    seconds -= minutes * 60
    return (f"{_cxx_padded(hours, 2)}:{_cxx_padded(minutes, 2)}:{_cxx_padded(seconds, 2)}"
            f".{_cxx_padded(fraction, 6)}")
