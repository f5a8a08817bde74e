"""One named statistic and its samples, with Kea's sample limits.

A statistic keeps a list of ``(value, timestamp)`` samples, newest first. Every
``set`` or ``add`` records a new sample; the list is bounded by either a sample
count (Kea's default: 20) or a sample age, never both: setting one limit switches
the other off (Kea's ``Observation::setMaxSampleCount`` / ``setMaxSampleAge``).

An age limit bounds the time between the newest and the oldest sample kept, and
is enforced when a sample is recorded or the limit is changed, not as time passes.

The list is never empty: Kea 2.2 lets a zero count limit or a negative age
limit remove the last sample, after which every ``statistic-get`` of that name
(and every ``statistic-get-all``) fails with "Observation storage container
empty" (and a negative age crashes the server). Nestor refuses a zero count and
always keeps the newest sample.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from datetime import timedelta
from enum import Enum
from itertools import islice

from nestor.errors import NestorError

StatValue = int | float | timedelta | str
Sample = tuple[StatValue, int]  # (value, nanoseconds since the epoch)
Clock = Callable[[], int]


class StatType(Enum):
    """Kea's four statistic types, by the names Kea's messages use."""

    INTEGER = "integer"
    FLOAT = "float"
    DURATION = "duration"
    STRING = "string"


# The Python type that carries each kind of value, and the "neutral" value
# statistic-reset sets (0, 0.0, 00:00:00.000000, "").
PYTHON_TYPE: dict[type, StatType] = {
    int: StatType.INTEGER,
    float: StatType.FLOAT,
    timedelta: StatType.DURATION,
    str: StatType.STRING,
}
NEUTRAL: dict[StatType, StatValue] = {
    StatType.INTEGER: 0,
    StatType.FLOAT: 0.0,
    StatType.DURATION: timedelta(0),
    StatType.STRING: "",
}

DEFAULT_MAX_SAMPLE_COUNT = 20


class InvalidStatType(NestorError, TypeError):
    """A value of one type recorded into a statistic of another (Kea: InvalidStatType)."""


def stat_type_of(value: object) -> StatType:
    """The statistic type a Python value records as; ``bool`` is not an integer here."""
    kind = PYTHON_TYPE.get(type(value))
    if kind is None:
        raise InvalidStatType(f"a statistic value must be int, float, timedelta or str, "
                              f"not {type(value).__name__}")
    return kind


class SampleLimits:
    """Which limit is active and both limit values (the inactive one is kept, as in Kea)."""

    __slots__ = ("by_count", "max_age_ns", "max_count")

    def __init__(self, max_count: int = DEFAULT_MAX_SAMPLE_COUNT, max_age_ns: int = 0,
                 by_count: bool = True) -> None:
        self.max_count = max_count
        self.max_age_ns = max_age_ns
        self.by_count = by_count

    def copy(self) -> SampleLimits:
        return SampleLimits(self.max_count, self.max_age_ns, self.by_count)

    def __repr__(self) -> str:
        active = f"count={self.max_count}" if self.by_count else f"age={self.max_age_ns}ns"
        return f"SampleLimits({active})"


class Observation:
    """A statistic: its type, limits and samples (newest at index 0)."""

    __slots__ = ("_clock", "_samples", "kind", "limits", "name", "pytype")

    def __init__(self, name: str, value: StatValue, clock: Clock,
                 limits: SampleLimits | None = None) -> None:
        self.name = name
        self.kind = stat_type_of(value)
        self.pytype: type = type(value)
        self.limits = limits.copy() if limits is not None else SampleLimits()
        self._clock = clock
        self._samples: deque[Sample] = self._new_storage(())
        self._samples.appendleft((value, clock()))

    # -- recording -----------------------------------------------------------

    def set(self, value: StatValue) -> None:
        if type(value) is not self.pytype:
            raise self._type_error(value)
        self._samples.appendleft((value, self._clock()))
        if not self.limits.by_count:
            self._trim_by_age()

    def add(self, value: StatValue) -> None:
        """Record the latest value plus ``value`` (string values are concatenated)."""
        if type(value) is not self.pytype:
            raise self._type_error(value)
        samples = self._samples
        samples.appendleft((samples[0][0] + value, self._clock()))  # type: ignore[operator]
        if not self.limits.by_count:
            self._trim_by_age()

    def reset(self) -> None:
        """Drop every sample and record the neutral value (Kea: Observation::reset)."""
        self._samples.clear()
        self._samples.appendleft((NEUTRAL[self.kind], self._clock()))

    # -- limits --------------------------------------------------------------

    def set_max_sample_count(self, count: int) -> None:
        if count < 1:
            raise ValueError("a statistic must keep at least one sample")
        self.limits.max_count = count
        self.limits.by_count = True
        self._samples = self._new_storage(self._samples)

    def set_max_sample_age(self, age_ns: int) -> None:
        self.limits.max_age_ns = age_ns
        self.limits.by_count = False
        self._samples = self._new_storage(self._samples)
        self._trim_by_age()

    def _new_storage(self, samples: deque[Sample] | tuple[()]) -> deque[Sample]:
        # A count limit is a bounded deque: appendleft drops the oldest sample
        # for free, which keeps add() cheap on the packet path.
        if self.limits.by_count:
            count = self.limits.max_count
            return deque(islice(samples, count), maxlen=count)
        return deque(samples)

    def _trim_by_age(self) -> None:
        samples = self._samples
        newest = samples[0][1]
        limit = self.limits.max_age_ns
        while len(samples) > 1 and newest - samples[-1][1] > limit:
            samples.pop()

    # -- reading -------------------------------------------------------------

    @property
    def value(self) -> StatValue:
        return self._samples[0][0]

    @property
    def timestamp_ns(self) -> int:
        return self._samples[0][1]

    def samples(self) -> list[Sample]:
        return list(self._samples)

    def __iter__(self) -> Iterator[Sample]:
        return iter(self._samples)

    def __len__(self) -> int:
        return len(self._samples)

    def _type_error(self, value: object) -> InvalidStatType:
        got = PYTHON_TYPE.get(type(value))
        got_text = got.value if got is not None else type(value).__name__
        return InvalidStatType(f"Invalid statistic type requested: {got_text}, "
                               f"but the actual type is {self.kind.value} ({self.name})")

    def __repr__(self) -> str:
        return f"Observation({self.name!r}, {self.value!r}, samples={len(self)})"
