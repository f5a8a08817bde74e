"""Logging set-up for a server process (delegates to :mod:`nestor.logs.setup`).

Kea's two moments: :func:`startup` before the configuration is read (root
logger, INFO or with ``-d`` DEBUG 99, to stdout), :func:`configure` each
time a configuration is applied (its ``loggers`` list).

Parts of Nestor written before :mod:`nestor.logs` (the memfile store) log
through the standard :mod:`logging` module with messages of the form
``"IDENT text"``; :class:`_Bridge` forwards them to the ``dhcpsrv`` logger
so that they come out in Kea's layout too.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import Any

from nestor.logs import setup
from nestor.logs.core import get_logger
from nestor.logs.levels import Severity
from nestor.logs.pattern import Record

_STDLIB_SEVERITY = ((logging.CRITICAL, Severity.FATAL), (logging.ERROR, Severity.ERROR),
                    (logging.WARNING, Severity.WARN), (logging.INFO, Severity.INFO))


def startup(root: str, debug: bool) -> None:
    setup.startup(root, debug)
    _install_bridge()


def configure(root: str, raw: Mapping[str, Any], debug: bool) -> None:
    """Apply the ``loggers`` list of a Dhcp4/Dhcp6 map (ConfigError if malformed)."""
    loggers = raw.get("loggers")
    setup.configure(list(loggers) if isinstance(loggers, list) else [], root, debug)


class _Bridge(logging.Handler):
    """Standard-library records ``"IDENT text"`` → the ``dhcpsrv`` logger's outputs."""

    def emit(self, record: logging.LogRecord) -> None:
        severity = next((s for level, s in _STDLIB_SEVERITY if record.levelno >= level),
                        Severity.DEBUG)
        target = get_logger("dhcpsrv")
        if severity == Severity.DEBUG or not target.enabled(severity):
            return
        out = Record(time.time(), severity, target.full_name, record.getMessage(),
                     os.getpid(), threading.get_ident(), threading.get_native_id())
        # The message is already formatted, so it cannot go through the
        # catalogue: hand it to the logger's resolved outputs directly.
        for output in target._outputs:
            try:
                output.emit(out)
            except (OSError, ValueError):
                continue


_BRIDGE = _Bridge()


def _install_bridge() -> None:
    nestor_log = logging.getLogger("nestor")
    if _BRIDGE not in nestor_log.handlers:
        nestor_log.addHandler(_BRIDGE)
        nestor_log.setLevel(logging.INFO)
        nestor_log.propagate = False
