"""Turning configuration into live loggers, as Kea's daemons do.

Two moments, as in Kea 2.2 (checked against its behaviour):

* :func:`startup` — before the configuration file is read: the root logger
  (``kea-dhcp4``) logs INFO (DEBUG at level 99 with ``-d``) to
  ``KEA_LOGGER_DESTINATION`` (``stdout`` unless set; ``stderr``,
  ``syslog[:facility]`` or a file name), severity and debug level overridable
  by ``KEA_LOGGER_SEVERITY`` and ``KEA_LOGGER_DBGLEVEL``;
* :func:`configure` — each time a configuration is applied: everything is
  reset to the root logging INFO to **stderr**, then each ``loggers`` entry is
  applied in order. An entry with outputs replaces the outputs of its logger;
  one without keeps what its logger had (for the root: stderr; for any other
  logger: nothing, so its messages are dropped, since a configured logger never
  passes messages up). With ``-d`` every entry logs DEBUG at level 99.

This module opens files and sockets; the hot path (``nestor.logs``) does not
import it.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nestor.logs.config import LoggerEntry, OutputOptions, parse_loggers
from nestor.logs.core import MANAGER, LogManager, Output, Spec, expand_name
from nestor.logs.levels import MAX_DEBUG_LEVEL, Severity
from nestor.logs.outputs import FileOutput, FileSink, stderr_output, stdout_output
from nestor.logs.pattern import DEFAULT_PATTERN, DEFAULT_SYSLOG_PATTERN, Layout
from nestor.logs.syslog_output import DEFAULT_SOCKET, SyslogOutput


@dataclass
class Builder:
    """Creates outputs for one configuration; one file handle per path."""

    root: str
    syslog_socket: str = DEFAULT_SOCKET
    _sinks: dict[str, FileSink] = field(default_factory=dict)

    def output(self, options: OutputOptions) -> Output:
        kind = options.kind
        if kind == "syslog":
            layout = Layout(options.pattern or DEFAULT_SYSLOG_PATTERN)
            return SyslogOutput(self.root, options.facility, layout, self.syslog_socket)
        layout = Layout(options.pattern or DEFAULT_PATTERN)
        if kind == "stdout":
            return stdout_output(layout, options.flush)
        if kind == "stderr":
            return stderr_output(layout, options.flush)
        sink = self._sinks.get(options.output)
        if sink is None:
            sink = FileSink(options.output, options.flush, options.maxsize, options.maxver)
            self._sinks[options.output] = sink
        return FileOutput(sink, layout)


def destination_options(destination: str) -> OutputOptions:
    """``KEA_LOGGER_DESTINATION`` values mean what ``output`` values mean."""
    return OutputOptions(output=destination or "stdout")


def startup(root: str, verbose: bool = False, env: Mapping[str, str] | None = None,
            manager: LogManager = MANAGER, syslog_socket: str = DEFAULT_SOCKET) -> None:
    """Logging before the configuration is read (Kea's ``Daemon::loggerInit``)."""
    env = os.environ if env is None else env
    severity = _env_severity(env.get("KEA_LOGGER_SEVERITY"),
                             Severity.DEBUG if verbose else Severity.INFO)
    debuglevel = _env_debuglevel(env.get("KEA_LOGGER_DBGLEVEL"),
                                 MAX_DEBUG_LEVEL if verbose else 0)
    builder = Builder(root, syslog_socket)
    output = builder.output(destination_options(env.get("KEA_LOGGER_DESTINATION", "stdout")))
    manager.install(root, [Spec(root, severity, debuglevel, (output,))])
    _close_at_exit(manager)


def configure(loggers: Sequence[Mapping[str, Any]], root: str, verbose: bool = False,
              manager: LogManager = MANAGER, syslog_socket: str = DEFAULT_SOCKET) -> list[Spec]:
    """Apply a ``loggers`` list as found in the configuration; returns the specs installed.

    Raises :class:`~nestor.errors.ConfigError` (before touching anything) when
    the list is malformed, so the logging in force stays in force.
    """
    return apply(parse_loggers(loggers), root, verbose, manager, syslog_socket)


def apply(entries: Sequence[LoggerEntry], root: str, verbose: bool = False,
          manager: LogManager = MANAGER, syslog_socket: str = DEFAULT_SOCKET) -> list[Spec]:
    """Apply parsed entries (see :func:`configure`)."""
    specs = build_specs(entries, root, verbose, Builder(root, syslog_socket))
    # Kea reports an unknown severity through the logging still in place.
    for entry in entries:
        if entry.warnings:
            manager.logger("log").error("LOG_BAD_SEVERITY", entry.severity_text)
    manager.install(root, specs)
    _close_at_exit(manager)
    return specs


def build_specs(entries: Sequence[LoggerEntry], root: str, verbose: bool,
                builder: Builder) -> list[Spec]:
    table: dict[str, tuple[Severity | None, int, tuple[Output, ...]]] = {
        root: (Severity.INFO, 0, (stderr_output(),))}
    for entry in entries:
        name = expand_name(entry.name, root)
        severity, debuglevel = entry.severity, entry.debuglevel
        if verbose:
            severity, debuglevel = Severity.DEBUG, MAX_DEBUG_LEVEL
        previous = table.get(name, (None, 0, ()))[2]
        outputs = tuple(builder.output(o) for o in entry.outputs) or previous
        table[name] = (severity, debuglevel, outputs)
    return [Spec(name, *_inherited(name, table), outputs)
            for name, (_, _, outputs) in table.items()]


def _inherited(name: str,
               table: Mapping[str, tuple[Severity | None, int, tuple[Output, ...]]]
               ) -> tuple[Severity, int]:
    """Severity and debug level of the entry, or of its nearest ancestor that has one."""
    current = name
    while True:
        severity, debuglevel, _ = table.get(current, (None, 0, ()))
        if severity is not None:
            return severity, debuglevel
        if "." not in current:
            return Severity.INFO, 0
        current = current.rsplit(".", 1)[0]


def _env_severity(value: str | None, default: Severity) -> Severity:
    if not value:
        return default
    try:
        return Severity.parse(value)
    except ValueError:
        sys.stderr.write(f"**ERROR** value for KEA_LOGGER_SEVERITY of {value} is invalid, "
                         f"{default.name} will be used instead\n")
        return default


def _env_debuglevel(value: str | None, default: int) -> int:
    if not value:
        return default
    try:
        level = int(value)
    except ValueError:
        sys.stderr.write(f"**ERROR** Unable to translate KEA_LOGGER_DBGLEVEL - a value of "
                         f"{default} will be used\n")
        return default
    clamped = min(max(level, 0), MAX_DEBUG_LEVEL)
    if clamped != level:
        sys.stderr.write(f"**ERROR** debug level of {level} is invalid - a value of "
                         f"{clamped} will be used\n")
    return clamped


_registered: set[int] = set()


def _close_at_exit(manager: LogManager) -> None:
    """Flush buffered files (``flush: false``) when the process ends."""
    if id(manager) not in _registered:
        _registered.add(id(manager))
        atexit.register(shutdown, manager)


def shutdown(manager: LogManager = MANAGER) -> None:
    """Close every output (files flushed, syslog socket closed); logging goes silent."""
    manager.install(manager.root_name, [Spec(manager.root_name, Severity.NONE)])
