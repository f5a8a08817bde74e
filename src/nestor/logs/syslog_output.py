"""Syslog output, sending what glibc's ``syslog(3)`` sends for Kea.

Kea 2.2 (log4cplus's SysLogAppender) opens syslog with the root logger's name
as identity and no options, so the local daemon receives datagrams such as
``<134>Nov 29 07:35:42 kea-dhcp4: INFO  [kea-dhcp4.dhcpsrv.1397…] TEXT\\n``:
priority = facility * 8 + level, an RFC 3164 timestamp (day padded with a
space), ``ident: ``, then the pattern's text including its newline.

``output: "syslog"`` uses facility local0; ``"syslog:NAME"`` names another
(``local3``, ``daemon``, …; case-insensitive). An unknown name gives facility
0, which syslog(3) turns into ``user``, exactly as Kea 2.2 does. Severity maps
as log4cplus does: DEBUG→debug, INFO→info, WARN→warning, ERROR→err,
FATAL→crit.

The socket path is a parameter (default ``/dev/log``) so tests can listen on
their own. Like syslog(3), a datagram that cannot be delivered is dropped.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from nestor.logs.levels import Severity
from nestor.logs.pattern import DEFAULT_SYSLOG_PATTERN, Layout, Record

DEFAULT_SOCKET = "/dev/log"
DEFAULT_FACILITY = "local0"
LOG_USER = 1

FACILITIES = {
    "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6,
    "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11, "security": 4,
    **{f"local{n}": 16 + n for n in range(8)},
}

PRIORITIES = {Severity.DEBUG: 7, Severity.INFO: 6, Severity.WARN: 4, Severity.ERROR: 3,
              Severity.FATAL: 2}


def _rfc3164_time(second: float) -> str:
    """``Nov  9 07:35:42``: local time, the day padded with a space (RFC 3164 section 4.1.2)."""
    stamp = time.localtime(second)
    return (time.strftime("%b ", stamp) + f"{stamp.tm_mday:2d}"
            + time.strftime(" %H:%M:%S", stamp))


def facility_code(name: str) -> int:
    """log4cplus's lookup; unknown names give 0, which syslog(3) sends as ``user``."""
    code = FACILITIES.get(name.strip().lower(), 0)
    return code if code else LOG_USER


class SyslogOutput:
    """Datagrams to the local syslog socket."""

    def __init__(self, ident: str, facility: str = DEFAULT_FACILITY,
                 layout: Layout | None = None, address: str = DEFAULT_SOCKET) -> None:
        self.ident = ident
        self.facility = facility_code(facility)
        self.layout = layout or Layout(DEFAULT_SYSLOG_PATTERN)
        self.address = address
        self._sock: socket.socket | None = None
        self._closed = False
        self._lock = threading.Lock()
        # (second, its RFC 3164 timestamp): many datagrams share a second.
        self._stamp: tuple[float, str] = (-0.5, "")

    def frame(self, record: Record) -> bytes:
        priority = self.facility * 8 + PRIORITIES.get(record.severity, 6)
        second = record.created // 1  # localtime() rounds down, also before 1970
        key, when = self._stamp
        if key != second:
            when = _rfc3164_time(second)
            self._stamp = (second, when)
        return f"<{priority}>{when} {self.ident}: {self.layout.format(record)}".encode(
            "utf-8", "backslashreplace")

    def emit(self, record: Record) -> None:
        data = self.frame(record)
        with self._lock:
            if self._closed:  # a message racing a reconfiguration: drop it
                return
            for _attempt in range(2):
                sock = self._sock or self._connect()
                if sock is None:
                    return
                try:
                    sock.send(data)
                    return
                except OSError:
                    # The daemon restarted (its socket was recreated): reconnect once.
                    self._drop()

    def _connect(self) -> socket.socket | None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.connect(self.address)
        except OSError:
            sock.close()
            return None
        self._sock = sock
        return sock

    def _drop(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()
