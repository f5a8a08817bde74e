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

Cost (issue 6): at Kea's default severity, INFO, every granted lease writes a
line, so the compiled parts are turned into one function whose body is a
single f-string: literal text pre-joined, record fields read directly, the
date from a per-second cache with only the milliseconds looked up. The
function is built as a syntax tree, so no pattern text is ever parsed as
code. :meth:`Layout.slow` keeps the part-by-part join
the tests compare it with.
"""

from __future__ import annotations

import ast
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

# "000".."999" by millisecond; index 1000 is a fraction rounded up to a whole
# second (0.9999996 s), which log4cplus's microsecond clock would show as 999.
_MILLIS = (*(f"{n:03d}" for n in range(1000)), "999")


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
    """A ``%d{…}``/``%D{…}`` body, cached per second (many messages share one).

    ``text(created)`` is the date; it is one of three methods chosen once: a
    date without sub-second parts is the cached string, one with a single
    ``%q`` (Kea's default) the cached text around it joined with the
    millisecond string, anything else a cached ``str.format`` template.
    """

    __slots__ = ("_chunks", "_local", "_split", "_template", "text")

    def __init__(self, spec: str, local: bool) -> None:
        self._local = local
        self._chunks = _split_date(spec or _DEFAULT_DATE)
        # (second, text before %q, text after) and (second, format template): each
        # in one attribute, so threads never see a mix of two seconds.
        self._split: tuple[float, str, str] = (-1.0, "", "")
        self._template: tuple[int, str] = (-1, "")
        subs = [c for c in self._chunks if c in ("%q", "%Q")]
        self.text: Callable[[float], str] = (
            self._whole if not subs else self._formatted if subs != ["%q"] else
            self._millis_last if self._chunks[-1] == "%q" else self._millis)

    def __call__(self, record: Record) -> str:
        return self.text(record.created)

    def _strftime(self, chunks: list[str], second: int) -> str:
        stamp = time.localtime(second) if self._local else time.gmtime(second)
        return "".join(time.strftime(c, stamp) for c in chunks)

    def _split_at_millis(self, second: int) -> tuple[float, str, str]:
        cut = self._chunks.index("%q") if "%q" in self._chunks else len(self._chunks)
        return (float(second), self._strftime(self._chunks[:cut], second),
                self._strftime(self._chunks[cut + 1:], second))

    # The per-second cache is keyed by ``created // 1``, a float: cheaper than
    # int() and the same second for every time after 1970 (earlier ones, which
    # int() rounds towards zero, take the general path).

    def _second_split(self, created: float) -> tuple[float, str, str] | None:
        """The cached split of ``created``'s second (renewed when the second changed);
        None before 1970, which takes the general path."""
        if created < 0:
            return None
        split = self._split
        if created // 1 != split[0]:
            split = self._split = self._split_at_millis(int(created // 1))
        return split

    def _whole(self, created: float) -> str:
        split = self._second_split(created)
        return self._formatted(created) if split is None else split[1]

    def _millis(self, created: float) -> str:
        split = self._second_split(created)
        if split is None:
            return self._formatted(created)
        second, head, tail = split
        # round(): a float second count cannot hold every microsecond exactly.
        return head + _MILLIS[round((created - second) * 1_000_000) // 1000] + tail

    def _millis_last(self, created: float) -> str:
        """:meth:`_millis` when nothing follows ``%q`` (Kea's default date)."""
        split = self._second_split(created)
        if split is None:
            return self._formatted(created)
        return split[1] + _MILLIS[round((created - split[0]) * 1_000_000) // 1000]

    def _formatted(self, created: float) -> str:
        second = int(created)
        key, template = self._template
        if second != key:
            stamp = time.localtime(second) if self._local else time.gmtime(second)
            template = "".join(
                "{0:03d}" if c == "%q" else "{0:03d}.{1:03d}" if c == "%Q" else
                time.strftime(c, stamp).replace("{", "{{").replace("}", "}}")
                for c in self._chunks)
            self._template = (second, template)
        micros = min(round((created - second) * 1_000_000), 999_999)
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


class Field:
    """A record attribute printed as ``str()`` does (the generated code reads it directly)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, record: Record) -> str:
        return str(getattr(record, self.name))


class SeverityColumn:
    """``%p``: five possible values, formatted (and padded) once, indexed by severity."""

    __slots__ = ("table",)

    def __init__(self, convert: Converter) -> None:
        self.table = tuple(convert(Record(0.0, s, "", "", 0, 0, 0)) for s in Severity)

    def __call__(self, record: Record) -> str:
        return self.table[record.severity]


def _logger_name(option: str) -> Converter:
    keep = int(option) if option.isdigit() else 0
    if keep <= 0:
        return Field("logger")
    return lambda r: ".".join(r.logger.split(".")[-keep:])


def _hostname(_: str) -> str:
    # gethostname(); the FQDN lookup (%H) would need a resolver, so both print it.
    return os.uname().nodename


def _short_hostname(_: str) -> str:
    return os.uname().nodename.split(".")[0]


def _constant(text: str) -> Callable[[str], str]:
    return lambda _option: text


def _environment(option: str) -> Converter:
    # Read at each line, as log4cplus does: the variable may change.
    return lambda r: os.environ.get(option, "")


# Conversion character -> factory taking the {option} text and giving either
# fixed text or a converter.
CONVERSIONS: dict[str, Callable[[str], str | Converter]] = {
    "m": lambda _o: Field("message"),
    "p": lambda _o: (lambda r: SEVERITY_NAMES.get(r.severity, "NOTSET")),
    "c": _logger_name,
    "d": lambda o: DateFormat(o, local=False),
    "D": lambda o: DateFormat(o, local=True),
    "i": lambda _o: Field("pid"),
    "t": lambda _o: Field("thread"),
    "T": lambda _o: Field("native_thread"),
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


def _fit_text(text: str, minimum: int, maximum: int, left: bool) -> str:
    """Apply ``%-MIN.MAXx``: truncation keeps the tail, as log4cplus does."""
    if maximum and len(text) > maximum:
        text = text[len(text) - maximum:]
    if len(text) < minimum:
        text = text.ljust(minimum) if left else text.rjust(minimum)
    return text


def _fit(convert: Converter, minimum: int, maximum: int, left: bool) -> Converter:
    return lambda record: _fit_text(convert(record), minimum, maximum, left)


class Layout:
    """A compiled pattern; ``layout(record)`` (or ``layout.format(record)``, one call
    less) gives the text to write."""

    __slots__ = ("_parts", "format", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._parts: list[str | Converter] = _compile(pattern)
        self.format: Converter = _generate(self._parts, pattern)

    def __call__(self, record: Record) -> str:
        return self.format(record)

    def slow(self, record: Record) -> str:
        """The same text, part by part: the reference for :attr:`format`."""
        return "".join(p if isinstance(p, str) else p(record) for p in self._parts)


def _generate(parts: list[str | Converter], pattern: str) -> Converter:
    """``lambda r: f"…"`` giving what :meth:`Layout.slow` gives, in one expression.

    Literals become constants of the f-string, record fields attribute reads
    (``!s``: the text ``str()`` gives), the severity column a tuple index and a
    date a call with ``r.created``; other converters are called with the record.
    """
    load = ast.Load()
    record = ast.Name("r", load)
    namespace: dict[str, object] = {}
    values: list[ast.expr] = []
    for index, part in enumerate(parts):
        name = ast.Name(f"c{index}", load)
        if isinstance(part, str):
            values.append(ast.Constant(part))
            continue
        if isinstance(part, Field):
            values.append(ast.FormattedValue(ast.Attribute(record, part.name, load), ord("s")))
            continue
        expr: ast.expr
        if isinstance(part, SeverityColumn):
            namespace[name.id] = part.table
            expr = ast.Subscript(name, ast.Attribute(record, "severity", load), load)
        elif isinstance(part, DateFormat):
            namespace[name.id] = part.text
            expr = ast.Call(name, [ast.Attribute(record, "created", load)], [])
        else:
            namespace[name.id] = part
            expr = ast.Call(name, [record], [])
        values.append(ast.FormattedValue(expr, -1))
    arguments = ast.arguments(posonlyargs=[], args=[ast.arg("r")], kwonlyargs=[],
                              kw_defaults=[], defaults=[])
    tree = ast.fix_missing_locations(ast.Expression(ast.Lambda(arguments,
                                                               ast.JoinedStr(values))))
    # Only names made here and constants are in the tree: no pattern text is parsed.
    function: Converter = eval(compile(tree, f"<log pattern {pattern!r}>", "eval"), namespace)
    return function


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
    if isinstance(converter, str):  # fixed text: fitted now, then joined to its neighbours
        return _fit_text(converter, minimum, maximum, left), i
    if minimum or maximum:
        converter = _fit(converter, minimum, maximum, left)
    if char == "p":
        return SeverityColumn(converter), i
    return converter, i


def _digits(text: str, i: int) -> tuple[int, int]:
    j = i
    while j < len(text) and text[j].isdigit():
        j += 1
    return (int(text[i:j]) if j > i else 0), j
