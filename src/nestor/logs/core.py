"""Loggers, their hierarchy, and the hot path from a call site to the outputs.

Kea names loggers after the program (the root, e.g. ``kea-dhcp4``) and a
component below it (``kea-dhcp4.packets``). Code asks for the component
(``get_logger("packets")``) at import time, before the program's name is
known; the full name is filled in when logging is set up.

A configured logger decides on its own: its severity, debug level and outputs
apply to it and to every unconfigured logger below it, and its messages do not
also reach its parent's outputs (Kea 2.2 behaves this way: a configured
``kea-dhcp4.dhcpsrv`` writing to a file is absent from ``kea-dhcp4``'s output).

The hot path is the disabled call: ``log.debug(DBG_TRACE_DETAIL, "ID", a, b)``
compares one integer and returns; nothing is formatted, looked up or
allocated beyond the call itself. Code that would spend time building an
argument can ask ``log.debug_on(level)`` first.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from nestor.logs.levels import MAX_DEBUG_LEVEL, Severity
from nestor.logs.messages import CATALOGUE, Catalogue
from nestor.logs.pattern import Record

DEFAULT_ROOT = "kea"  # Kea's root name until a program sets its own

# The process id every record carries, read once instead of per message (a system
# call each time); a forked child (lfc, a daemonised server) reads its own again.
_pid = [os.getpid()]
# Likewise the kernel thread id (%T; gettid(2), about 0.2 µs), kept per thread:
# unlike threading.get_ident(), which a new thread may reuse, a thread-local dies
# with its thread. A forked child starts with none (its thread has a new id).
_threads = threading.local()


def _refresh_pid() -> None:
    global _threads
    _pid[0] = os.getpid()
    _threads = threading.local()


os.register_at_fork(after_in_child=_refresh_pid)


# Module constants: an enum member looked up on its class costs more than a global.
_DEBUG, _INFO, _WARN = Severity.DEBUG, Severity.INFO, Severity.WARN
_ERROR, _FATAL = Severity.ERROR, Severity.FATAL
_NONE = int(Severity.NONE)
# Bound once: a module attribute lookup per call is measurable at one line per lease.
_now, _thread_id = time.time, threading.get_ident


class Output(Protocol):
    """Where records go: a console stream, a file, syslog (see outputs.py)."""

    def emit(self, record: Record) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Spec:
    """What one configured logger does. ``name`` is the full name (``kea-dhcp4.leases``)."""

    name: str
    severity: Severity = Severity.INFO
    debuglevel: int = 0
    outputs: tuple[Output, ...] = ()


class Logger:
    """A named logger; cheap to call when the message's severity is filtered out."""

    __slots__ = ("_dbg", "_min", "_outputs", "full_name", "manager", "name")

    def __init__(self, name: str, manager: LogManager) -> None:
        self.name = name
        self.manager = manager
        self.full_name = name
        self._min = int(Severity.INFO)
        self._dbg = -1          # highest debug level shown; -1 when DEBUG is off
        self._outputs: tuple[Output, ...] = ()

    def _apply(self, full_name: str, spec: Spec) -> None:
        self.full_name = full_name
        self._outputs = spec.outputs
        self._min = int(spec.severity)
        self._dbg = spec.debuglevel if spec.severity == Severity.DEBUG else -1

    # -- the call sites' API (Kea's LOG_DEBUG, LOG_INFO, …) --------------------
    # Each is LogManager.emit written out (one call less per line written).

    def debug(self, level: int, ident: str, *args: object) -> None:
        if level <= self._dbg and self._outputs:
            manager = self.manager
            manager.write(self, _DEBUG, manager.catalogue.render(ident, args))

    def info(self, ident: str, *args: object) -> None:
        if self._min <= 1 and self._outputs:
            manager = self.manager
            manager.write(self, _INFO, manager.catalogue.render(ident, args))

    def warn(self, ident: str, *args: object) -> None:
        if self._min <= 2 and self._outputs:
            manager = self.manager
            manager.write(self, _WARN, manager.catalogue.render(ident, args))

    def error(self, ident: str, *args: object) -> None:
        if self._min <= 3 and self._outputs:
            manager = self.manager
            manager.write(self, _ERROR, manager.catalogue.render(ident, args))

    def fatal(self, ident: str, *args: object) -> None:
        if self._min <= 4 and self._outputs:
            manager = self.manager
            manager.write(self, _FATAL, manager.catalogue.render(ident, args))

    def log(self, ident: str, *args: object) -> None:
        """Log at the severity (and debug level) the catalogue gives ``ident``.

        For start-up and configuration messages; the per-packet path calls the
        severity methods directly, which skip the catalogue lookup. An
        identifier missing from the catalogue is logged at ERROR, to be noticed.
        """
        message = self.manager.catalogue.get(ident)
        if message is None:
            self.error(ident, *args)
        elif message.severity == Severity.DEBUG:
            self.debug(message.debuglevel or 0, ident, *args)
        elif self._min <= message.severity:
            self.manager.emit(self, message.severity, ident, args)

    def emit_text(self, severity: Severity, text: str, debuglevel: int = 0) -> None:
        """Write an already formatted ``IDENT text`` message, if this logger shows it.

        For bridges from other logging (the standard library's); Nestor's own
        call sites pass the identifier and arguments to the methods above.
        """
        shown = self.debug_on(debuglevel) if severity == Severity.DEBUG else self.enabled(severity)
        if shown:
            self.manager.write(self, severity, text)

    def debug_on(self, level: int = 0) -> bool:
        return level <= self._dbg

    def enabled(self, severity: Severity) -> bool:
        return self._min <= severity < _NONE

    def __repr__(self) -> str:
        return f"<Logger {self.full_name} min={Severity(self._min).name} dbg={self._dbg}>"


class LogManager:
    """All loggers of the process and the configuration they currently follow."""

    def __init__(self, catalogue: Catalogue = CATALOGUE) -> None:
        self.catalogue = catalogue
        self.root_name = DEFAULT_ROOT
        self._loggers: dict[str, Logger] = {}
        self._specs: dict[str, Spec] = {DEFAULT_ROOT: Spec(DEFAULT_ROOT)}
        self._lock = threading.RLock()

    def logger(self, name: str) -> Logger:
        """The logger for a component (``"packets"``) or a full name; one object per name."""
        with self._lock:
            found = self._loggers.get(name)
            if found is None:
                found = Logger(name, self)
                self._loggers[name] = found
                self._resolve(found)
            return found

    def expand(self, name: str) -> str:
        return expand_name(name, self.root_name)

    def install(self, root_name: str, specs: Iterable[Spec]) -> None:
        """Replace the whole configuration; outputs no longer used are closed.

        ``specs`` must contain the root (``root_name``); later entries for the
        same name win, like a repeated entry in Kea's ``loggers`` list.
        """
        table = {spec.name: spec for spec in specs}
        if root_name not in table:
            raise ValueError(f"logging configuration lacks the root logger {root_name!r}")
        with self._lock:
            old = self._specs
            self.root_name, self._specs = root_name, table
            for logger in self._loggers.values():
                self._resolve(logger)
        kept = {id(o) for spec in table.values() for o in spec.outputs}
        for output in {id(o): o for s in old.values() for o in s.outputs}.values():
            if id(output) not in kept:
                output.close()

    def specs(self) -> list[Spec]:
        with self._lock:
            return list(self._specs.values())

    def effective(self, full_name: str) -> Spec:
        """The spec a logger of that full name follows: its own or its nearest ancestor's."""
        name = full_name
        while name not in self._specs and "." in name:
            name = name.rsplit(".", 1)[0]
        return self._specs.get(name) or self._specs[self.root_name]

    def _resolve(self, logger: Logger) -> None:
        full = self.expand(logger.name)
        logger._apply(full, self.effective(full))

    def emit(self, logger: Logger, severity: Severity, ident: str,
             args: Sequence[object]) -> None:
        """Format once and hand the record to the logger's outputs."""
        if logger._outputs:  # a logger configured to write nowhere formats nothing
            self.write(logger, severity, self.catalogue.render(ident, args))

    def write(self, logger: Logger, severity: Severity, message: str) -> None:
        try:
            native = _threads.native_id
        except AttributeError:  # this thread's first line
            native = _threads.native_id = threading.get_native_id()
        record = Record(_now(), severity, logger.full_name, message, _pid[0], _thread_id(),
                        native)
        for output in logger._outputs:
            try:
                output.emit(record)
            except (OSError, ValueError):
                # A full disk or a closed stream must not stop the server;
                # log4cplus drops the line in the same situation.
                continue


def expand_name(name: str, root: str) -> str:
    """Kea's rule: a name not already under the root gets the root's name in front."""
    if name == root or name.startswith(root + "."):
        return name
    return f"{root}.{name}"


MANAGER = LogManager()


def get_logger(name: str) -> Logger:
    """The process-wide logger for ``name`` (a component such as ``"dhcp4"``)."""
    return MANAGER.logger(name)


def check_debuglevel(level: int) -> int:
    if not 0 <= level <= MAX_DEBUG_LEVEL:
        raise ValueError(f"Unsupported debuglevel value {level}, expected 0-{MAX_DEBUG_LEVEL}")
    return level
