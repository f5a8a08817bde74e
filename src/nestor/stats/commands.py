"""The ten ``statistic-*`` control commands, as pure functions.

Each handler takes the statistics manager and the command's ``arguments`` (the
decoded JSON value, or None when the command had none) and returns Kea's answer
as a dict: ``{"result": 0|1, "text": ...}`` or ``{"arguments": {...}, "result": 0}``
(Kea's ``createAnswer`` leaves out ``text`` when it returns arguments). Texts,
result codes and the order of the argument checks are Kea 2.2's
(``StatsMgr::statistic*Handler``), checked against a live Kea by
``tests/interop/test_stats_kea.py``. The command registry maps names to
:data:`HANDLERS`.

Where Kea reports an exception from its JSON library ("Error during command
processing: intValue() called on non-integer Element in (<wire>:0:91)") Nestor
gives the same text without the position, which it does not know.

Deliberate differences from Kea 2.2, which corrupts or crashes there:
``statistic-sample-count-set`` refuses ``max-samples`` 0 like the ``-all``
form does, and a negative ``duration`` keeps the newest sample.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from nestor.stats.manager import StatsManager

CONTROL_RESULT_SUCCESS = 0
CONTROL_RESULT_ERROR = 1

Answer = dict[str, Any]
Handler = Callable[[StatsManager, object], Answer]

_PROCESSING_ERROR = "Error during command processing: "
NON_MAP_TEXT = _PROCESSING_ERROR + "get(string) called on a non-map Element"
NON_INTEGER_TEXT = _PROCESSING_ERROR + "intValue() called on non-integer Element"
MISSING_TEXT = "Missing mandatory '{}' parameter."
NOT_FOUND_TEXT = "No '{}' statistic found"
UINT32_MASK = 0xFFFF_FFFF


def answer(result: int, text: str | None = None,
           arguments: Mapping[str, Any] | None = None) -> Answer:
    """Kea's ``createAnswer``; keys in the order Kea prints them."""
    out: Answer = {}
    if arguments is not None:
        out["arguments"] = dict(arguments)
    out["result"] = result
    if text is not None:
        out["text"] = text
    return out


class _Refused(Exception):
    """An argument check failed; ``text`` is Kea's answer text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _param(arguments: object, key: str) -> object:
    """``arguments[key]``; refused with Kea's texts when absent or not a map."""
    if arguments is None:
        raise _Refused(MISSING_TEXT.format(key))
    if not isinstance(arguments, Mapping):
        raise _Refused(NON_MAP_TEXT)
    if key not in arguments:
        raise _Refused(MISSING_TEXT.format(key))
    return arguments[key]


def _name(arguments: object) -> str:
    value = _param(arguments, "name")
    if not isinstance(value, str):
        raise _Refused("'name' parameter expected to be a string.")
    return value


def _duration(arguments: object) -> int:
    """Whole seconds; Kea reads it with ``intValue()`` and no type check of its own."""
    value = _param(arguments, "duration")
    if type(value) is not int:
        raise _Refused(NON_INTEGER_TEXT)
    return value


def _max_samples(arguments: object) -> int:
    value = _param(arguments, "max-samples")
    if type(value) is not int:
        raise _Refused("'max-samples' parameter expected to be an integer.")
    # Kea stores it in a uint32_t: -1 means 4294967295 and 2**32 means 0.
    count = value & UINT32_MASK
    if count == 0:
        raise _Refused("'max-samples' parameter must not be zero")
    return count


def _found(done: bool, name: str, text: str) -> Answer:
    if done:
        return answer(CONTROL_RESULT_SUCCESS, text.format(name))
    return answer(CONTROL_RESULT_ERROR, NOT_FOUND_TEXT.format(name))


def _guarded(handler: Handler) -> Handler:
    """Turn a refused argument check into Kea's error answer."""
    @functools.wraps(handler)
    def run(stats: StatsManager, arguments: object) -> Answer:
        try:
            return handler(stats, arguments)
        except _Refused as refused:
            return answer(CONTROL_RESULT_ERROR, refused.text)
    return run


# -- handlers ----------------------------------------------------------------

@_guarded
def statistic_get(stats: StatsManager, arguments: object) -> Answer:
    """An unknown name is not an error: the answer's arguments are just empty."""
    return answer(CONTROL_RESULT_SUCCESS, arguments=stats.get(_name(arguments)))


@_guarded
def statistic_get_all(stats: StatsManager, arguments: object) -> Answer:
    return answer(CONTROL_RESULT_SUCCESS, arguments=stats.get_all())


@_guarded
def statistic_reset(stats: StatsManager, arguments: object) -> Answer:
    name = _name(arguments)
    return _found(stats.reset(name), name, "Statistic '{}' reset.")


@_guarded
def statistic_reset_all(stats: StatsManager, arguments: object) -> Answer:
    stats.reset_all()
    return answer(CONTROL_RESULT_SUCCESS, "All statistics reset to neutral values.")


@_guarded
def statistic_remove(stats: StatsManager, arguments: object) -> Answer:
    name = _name(arguments)
    return _found(stats.remove(name), name, "Statistic '{}' removed.")


@_guarded
def statistic_remove_all(stats: StatsManager, arguments: object) -> Answer:
    stats.remove_all()
    return answer(CONTROL_RESULT_SUCCESS, "Warning: statistic-remove-all command is "
                                          "deprecated. All statistics removed.")


@_guarded
def statistic_sample_age_set(stats: StatsManager, arguments: object) -> Answer:
    name = _name(arguments)
    seconds = _duration(arguments)
    return _found(stats.set_max_sample_age(name, seconds), name,
                  "Statistic '{}' duration limit is set.")


@_guarded
def statistic_sample_age_set_all(stats: StatsManager, arguments: object) -> Answer:
    """The age becomes the limit of every statistic and of new ones (count default 0)."""
    seconds = _duration(arguments)
    stats.set_max_sample_count_default(0)
    stats.set_max_sample_age_default(seconds)
    stats.set_max_sample_age_all(seconds)
    return answer(CONTROL_RESULT_SUCCESS, "All statistics duration limit are set.")


@_guarded
def statistic_sample_count_set(stats: StatsManager, arguments: object) -> Answer:
    name = _name(arguments)
    count = _max_samples(arguments)
    return _found(stats.set_max_sample_count(name, count), name,
                  "Statistic '{}' count limit is set.")


@_guarded
def statistic_sample_count_set_all(stats: StatsManager, arguments: object) -> Answer:
    """The count becomes the limit of every statistic and of new ones."""
    count = _max_samples(arguments)
    stats.set_max_sample_count_default(count)
    stats.set_max_sample_count_all(count)
    return answer(CONTROL_RESULT_SUCCESS, "All statistics count limit are set.")


HANDLERS: dict[str, Handler] = {
    "statistic-get": statistic_get,
    "statistic-get-all": statistic_get_all,
    "statistic-reset": statistic_reset,
    "statistic-reset-all": statistic_reset_all,
    "statistic-remove": statistic_remove,
    "statistic-remove-all": statistic_remove_all,
    "statistic-sample-age-set": statistic_sample_age_set,
    "statistic-sample-age-set-all": statistic_sample_age_set_all,
    "statistic-sample-count-set": statistic_sample_count_set,
    "statistic-sample-count-set-all": statistic_sample_count_set_all,
}


def handle(stats: StatsManager, command: str, arguments: object = None) -> Answer:
    """Run one ``statistic-*`` command; KeyError for a command not in :data:`HANDLERS`."""
    return HANDLERS[command](stats, arguments)
