"""The running configuration's sockets and Kea's ``service-sockets-*`` retries.

Kea opens what it can, logs each socket that fails (``DHCPSRV_OPEN_SOCKET_FAIL``)
and serves on the rest. With ``service-sockets-max-retries`` it tries the
missing ones again every ``service-sockets-retry-wait-time`` ms from a timer,
while serving; with ``service-sockets-require-all`` a socket still missing
when the retries are used up stops the server (``DHCP4_OPEN_SOCKETS_FAILED``).
The decision is :class:`~nestor.transport.retry.RetryPolicy`'s; this class
only keeps the count and tells the event loop when to call :meth:`retry`.
"""

from __future__ import annotations

from collections.abc import Mapping

from nestor.logs.core import get_logger
from nestor.transport.interfaces import Interface
from nestor.transport.retry import OpenVerdict, RetryPolicy
from nestor.transport.selection import ListenPlan
from nestor.transport.transport4 import Transport4, TransportSettings

srv_log = get_logger("dhcpsrv")


class Sockets4:
    """Owns the :class:`Transport4`; reopens it only when the socket plan changes."""

    def __init__(self) -> None:
        self.transport: Transport4 | None = None
        self.retry_delay: float | None = None  # seconds until :meth:`retry` is due
        self._key: object = None
        self.policy = RetryPolicy()
        self._retries = 0

    def open(self, plan: ListenPlan, settings: TransportSettings,
             interfaces: Mapping[str, Interface], policy: RetryPolicy) -> Transport4:
        """The transport for ``plan``: the open one if nothing changed (no queued query
        is lost), else a new one. SocketsUnavailable if require-all gives up at once."""
        key = (settings, tuple((li.iface.index, li.addresses) for li in plan.interfaces))
        if self.transport is not None and key == self._key:
            self.policy = policy
            return self.transport
        self.close()
        self.transport = Transport4.open(plan, settings, dict(interfaces))
        self._key, self.policy, self._retries = key, policy, 0
        self._judge()
        return self.transport

    def retry(self) -> None:
        """Try the missing sockets again (the event loop calls this when due)."""
        if self.transport is None:
            return
        self._retries += 1
        self.transport.retry()
        self._judge()

    def _judge(self) -> None:
        assert self.transport is not None
        failures = self.transport.failures
        for failure in failures:
            srv_log.warn("DHCPSRV_OPEN_SOCKET_FAIL", failure)
        verdict = self.policy.verdict(self._retries, failures)
        self.retry_delay = self.policy.retry_wait_ms / 1000.0 \
            if verdict is OpenVerdict.RETRY else None
        if verdict is OpenVerdict.FATAL:
            raise self.policy.fatal_error(failures)
        if not self.transport.receivers and verdict is OpenVerdict.DONE:
            srv_log.warn("DHCPSRV_NO_SOCKETS_OPEN")

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self.transport, self._key, self.retry_delay = None, None, None
