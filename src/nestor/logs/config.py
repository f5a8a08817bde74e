"""The ``loggers`` configuration as plain data, read from Kea's JSON shape.

Accepted forms (all seen in Kea configurations):

* ``{"Dhcp4": {"loggers": [...]}}`` (and ``Dhcp6``, ``DhcpDdns``,
  ``Control-agent``), the form since Kea 1.x; a pre-2.0 top-level
  ``"Logging": {"loggers": [...]}`` section is read too;
* per entry ``name``, ``severity``, ``debuglevel`` (0-99), ``user-context``,
  ``comment`` and ``output-options`` (Kea 3.x) or ``output_options`` (2.x),
  not both; per output ``output``, ``flush``, ``maxsize``, ``maxver``,
  ``pattern``.

Kea 2.2 requires ``severity``; Kea 3.x lets it out, the logger then taking
its parent's (the more general rule, kept here). A severity Kea does not know
is not an error: Kea logs LOG_BAD_SEVERITY and uses INFO, and so does
:func:`nestor.logs.setup.configure`. Structural problems raise
:class:`~nestor.errors.ConfigError` with Kea's wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nestor.errors import ConfigError
from nestor.logs.levels import MAX_DEBUG_LEVEL, Severity
from nestor.logs.outputs import DEFAULT_MAXSIZE, DEFAULT_MAXVER

SERVER_SECTIONS = ("Dhcp4", "Dhcp6", "DhcpDdns", "Control-agent", "Netconf")


@dataclass(frozen=True)
class OutputOptions:
    """One ``output-options`` entry with Kea's defaults."""

    output: str
    flush: bool = True
    maxsize: int = DEFAULT_MAXSIZE
    maxver: int = DEFAULT_MAXVER
    pattern: str = ""

    @property
    def kind(self) -> str:
        """``stdout``, ``stderr``, ``syslog`` or ``file`` (Kea: anything else is a path)."""
        if self.output in ("stdout", "stderr"):
            return self.output
        if self.output == "syslog" or self.output.startswith("syslog:"):
            return "syslog"
        return "file"

    @property
    def facility(self) -> str:
        """``syslog:NAME`` names the facility; plain ``syslog`` means local0."""
        _, _, name = self.output.partition(":")
        return name or "local0"


@dataclass(frozen=True)
class LoggerEntry:
    """One ``loggers`` entry. ``severity`` None: inherit; ``severity_text`` as written."""

    name: str
    severity: Severity | None
    debuglevel: int = 0
    outputs: tuple[OutputOptions, ...] = ()
    severity_text: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)


def loggers_section(config: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``loggers`` list of a whole configuration file's content, or []."""
    for key in SERVER_SECTIONS:
        server = config.get(key)
        if isinstance(server, Mapping) and "loggers" in server:
            return _list(server["loggers"], "loggers")
    legacy = config.get("Logging")
    if isinstance(legacy, Mapping) and "loggers" in legacy:
        return _list(legacy["loggers"], "loggers")
    return []


def parse_loggers(entries: Sequence[Mapping[str, Any]]) -> list[LoggerEntry]:
    return [parse_entry(entry) for entry in entries]


def parse_entry(entry: Mapping[str, Any]) -> LoggerEntry:
    if not isinstance(entry, Mapping):
        raise ConfigError("loggers entry must be a map")
    name = entry.get("name")
    if not isinstance(name, str):
        raise ConfigError("loggers entry does not have a mandatory 'name' element")
    severity, text, warnings = _severity(entry.get("severity"))
    debuglevel = _debuglevel(entry.get("debuglevel", 0))
    if "output-options" in entry and "output_options" in entry:
        raise ConfigError("Only one of 'output-options' and 'output_options' may be specified.")
    raw = entry.get("output-options", entry.get("output_options"))
    outputs = tuple(parse_output(o) for o in _list(raw, "output-options")) if raw else ()
    return LoggerEntry(name, severity, debuglevel, outputs, text, warnings)


def parse_output(option: Mapping[str, Any]) -> OutputOptions:
    if not isinstance(option, Mapping):
        raise ConfigError("output-options entry must be a map")
    output = option.get("output")
    if not isinstance(output, str):
        raise ConfigError("output-options entry does not have a mandatory 'output' element")
    return OutputOptions(
        output=output,
        flush=_typed(option, "flush", bool, True),
        maxsize=_typed(option, "maxsize", int, DEFAULT_MAXSIZE),
        maxver=_typed(option, "maxver", int, DEFAULT_MAXVER),
        pattern=_typed(option, "pattern", str, ""),
    )


def _severity(value: object) -> tuple[Severity | None, str, tuple[str, ...]]:
    if value is None:
        return None, "", ()
    if not isinstance(value, str):
        raise ConfigError("'severity' must be a string")
    try:
        return Severity.parse(value), value, ()
    except ValueError:
        # Kea: LOG_BAD_SEVERITY, then INFO.
        return Severity.INFO, value, (value,)


def _debuglevel(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 0 <= value <= MAX_DEBUG_LEVEL:
        raise ConfigError(f"Unsupported debuglevel value {value}, expected 0-{MAX_DEBUG_LEVEL}")
    return value


def _typed(option: Mapping[str, Any], key: str, kind: type[Any], default: Any) -> Any:
    value = option.get(key, default)
    # JSON true is a Python bool, which is also an int: keep the two apart.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"'{key}' must be of type {kind.__name__}")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"'{what}' must be a list")
    return value
