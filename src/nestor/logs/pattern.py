"""Kea's ``pattern`` option: log4cplus PatternLayout conversion specifiers.

A pattern such as ``%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\\n`` is
compiled once into a list of literal strings and small functions; formatting a
record then only calls them. Behaviour checked against Kea 2.2 (log4cplus 2.0):

* ``%-5p`` pads on the right, ``%10p`` on the left, ``%.4m`` keeps the *last*
  four characters; unknown conversion characters (``%e``, ``%q`` outside a
  date) are printed as written;
* ``%d``/``%D`` are UTC/local time, ``{}`` or no braces meaning
  ``%Y-%m-%d %H:%M:%S``; inside the braces ``%q`` is milliseconds (3 digits)
  and ``%Q`` milliseconds with a three-digit fraction; the rest is strftime;
* ``%c{N}`` keeps the last N dot-separated parts of the logger name (0: all);
* ``%i`` process id, ``%t`` thread id (pthread_self), ``%T`` kernel thread id,
  ``%h``/``%H`` host name, ``%r`` milliseconds since start, ``%E{VAR}`` an
  environment variable, ``%x``/``%X{key}`` (diagnostic contexts) empty;
* ``%F``, ``%L``, ``%l``, ``%M``, ``%b`` name the place in Kea's library
  where every message is written; Nestor prints the same, so patterns that
  include them keep producing the same text.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from nestor.logs.levels import Severity

DEFAULT_PATTERN = "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n"
DEFAULT_SYSLOG_PATTERN = "%-5p [%c.%t] %m\n"
_DEFAULT_DATE = "%Y-%m-%d %H:%M:%S"
_START = time.time()

# Where Kea 2.2's logger writes every message from (logger_impl.cc, outputRaw).
_KEA_FILE = "logger_impl.cc"
_KEA_LINE = "172"
_KEA_FUNCTION = ("void isc::log::LoggerImpl::outputRaw(const isc::log::Severity&, "
                 "const std::string&)")

SEVERITY_NAMES = {Severity.DEBUG: "DEBUG", Severity.INFO: "INFO", Severity.WARN: "WARN",
                  Severity.ERROR: "ERROR", Severity.FATAL: "FATAL"}


@dataclass(slots=True)
class Record:
    """One message on its way to the outputs (built only when it will be written)."""

    created: float
    severity: Severity
    logger: str
    message: str
    pid: int
    thread: int
    native_thread: int


Converter = Callable[[Record], str]


class DateFormat:
    """A ``%d{…}``/``%D{…}`` body, cached per second (many messages share one)."""

    __slots__ = ("_cache", "_chunks", "_local", "_sub_second")

    def __init__(self, spec: str, local: bool) -> None:
        self._local = local
        self._chunks = _split_date(spec or _DEFAULT_DATE)
        self._sub_second = any(c in ("%q", "%Q") for c in self._chunks)
        # (second, str.format template for that second) in one attribute, so
        # threads never see a mix of two seconds.
        self._cache: tuple[int, str] = (-1, "")

    def _template(self, second: int) -> str:
        stamp = time.localtime(second) if self._local else time.gmtime(second)
        return "".join("{0:03d}" if c == "%q" else "{0:03d}.{1:03d}" if c == "%Q" else
                       time.strftime(c, stamp).replace("{", "{{").replace("}", "}}")
                       for c in self._chunks)

    def __call__(self, record: Record) -> str:
        second = int(record.created)
        key, template = self._cache
        if second != key:
            template = self._template(second)
            self._cache = (second, template)
        if not self._sub_second:
            return template.format()
        # round(): a float second count cannot hold every microsecond exactly.
        micros = min(round((record.created - second) * 1_000_000), 999_999)
        return template.format(micros // 1000, micros % 1000)


def _split_date(spec: str) -> list[str]:
    """strftime chunks with ``%q``/``%Q`` (log4cplus's own) kept apart."""
    chunks: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(spec):
        pair = spec[i:i + 2]
        if pair in ("%q", "%Q"):
            if current:
                chunks.append("".join(current))
                current = []
            chunks.append(pair)
            i += 2
        elif pair.startswith("%") and len(pair) == 2:
            current.append(pair)
            i += 2
        else:
            current.append(spec[i])
            i += 1
    if current:
        chunks.append("".join(current))
    return chunks


def _logger_name(option: str) -> Converter:
    keep = int(option) if option.isdigit() else 0
    if keep <= 0:
        return lambda r: r.logger
    return lambda r: ".".join(r.logger.split(".")[-keep:])


def _hostname(_: str) -> Converter:
    # gethostname(); the FQDN lookup (%H) would need a resolver, so both print it.
    name = os.uname().nodename
    return lambda r: name


def _short_hostname(_: str) -> Converter:
    name = os.uname().nodename.split(".")[0]
    return lambda r: name


def _constant(text: str) -> Callable[[str], Converter]:
    return lambda _option: (lambda r: text)


def _environment(option: str) -> Converter:
    return lambda r: os.environ.get(option, "")


# Conversion character -> factory taking the {option} text.
CONVERSIONS: dict[str, Callable[[str], Converter]] = {
    "m": lambda _o: (lambda r: r.message),
    "p": lambda _o: (lambda r: SEVERITY_NAMES.get(r.severity, "NOTSET")),
    "c": _logger_name,
    "d": lambda o: DateFormat(o, local=False),
    "D": lambda o: DateFormat(o, local=True),
    "i": lambda _o: (lambda r: str(r.pid)),
    "t": lambda _o: (lambda r: str(r.thread)),
    "T": lambda _o: (lambda r: str(r.native_thread)),
    "r": lambda _o: (lambda r: str(int((r.created - _START) * 1000))),
    "n": _constant("\n"),
    "h": _short_hostname,
    "H": _hostname,
    "E": _environment,
    "x": _constant(""),
    "X": _constant(""),
    "F": _constant(_KEA_FILE),
    "b": _constant(_KEA_FILE),
    "L": _constant(_KEA_LINE),
    "l": _constant(f"{_KEA_FILE}:{_KEA_LINE}"),
    "M": _constant(_KEA_FUNCTION),
}
_TAKES_OPTION = frozenset("cdDEX")


def _fit(convert: Converter, minimum: int, maximum: int, left: bool) -> Converter:
    """Apply ``%-MIN.MAXx``: truncation keeps the tail, as log4cplus does."""
    def fitted(record: Record) -> str:
        text = convert(record)
        if maximum and len(text) > maximum:
            text = text[len(text) - maximum:]
        if len(text) < minimum:
            text = text.ljust(minimum) if left else text.rjust(minimum)
        return text
    return fitted


class Layout:
    """A compiled pattern; ``layout(record)`` gives the text to write."""

    __slots__ = ("_parts", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._parts: list[str | Converter] = _compile(pattern)

    def __call__(self, record: Record) -> str:
        return "".join([p if p.__class__ is str else p(record)  # type: ignore[operator]
                        for p in self._parts])


def _compile(pattern: str) -> list[str | Converter]:
    parts: list[str | Converter] = []
    literal: list[str] = []
    i, end = 0, len(pattern)
    while i < end:
        if pattern[i] != "%" or i + 1 >= end:
            literal.append(pattern[i])
            i += 1
            continue
        converter, i_next = _specifier(pattern, i)
        if isinstance(converter, str):
            literal.append(converter)
        else:
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(converter)
        i = i_next
    if literal:
        parts.append("".join(literal))
    return parts


def _specifier(pattern: str, start: int) -> tuple[str | Converter, int]:
    """Parse ``%[-][MIN][.MAX]X[{option}]`` at ``start``; a string means literal text."""
    i = start + 1
    if pattern[i] == "%":
        return "%", i + 1
    left = pattern[i] == "-"
    i += left
    minimum, i = _digits(pattern, i)
    maximum = 0
    if i < len(pattern) and pattern[i] == ".":
        maximum, i = _digits(pattern, i + 1)
    if i >= len(pattern):
        return pattern[start:], i
    char = pattern[i]
    i += 1
    option = ""
    if char in _TAKES_OPTION and i < len(pattern) and pattern[i] == "{":
        close = pattern.find("}", i)
        if close != -1:
            option, i = pattern[i + 1:close], close + 1
    factory = CONVERSIONS.get(char)
    if factory is None:
        return pattern[start:i], i
    converter = factory(option)
    if minimum or maximum:
        converter = _fit(converter, minimum, maximum, left)
    if char == "p":
        # The severity column takes five values: format them once.
        table = {s: converter(Record(0.0, s, "", "", 0, 0, 0)) for s in Severity}
        return (lambda r: table[r.severity]), i
    return converter, i


def _digits(text: str, i: int) -> tuple[int, int]:
    j = i
    while j < len(text) and text[j].isdigit():
        j += 1
    return (int(text[i:j]) if j > i else 0), j
