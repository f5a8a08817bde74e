"""The event loop of a DHCPv4 server process, and the process's life from -c to exit.

asyncio with ``loop.add_reader``: when a socket is readable its callback
runs batches (:class:`~nestor.server.pipeline.Pipeline4`) until the queue is
empty or a bounded number of them ran, and returns, so several busy sockets
take turns and signals and timers are served between batches, never inside
one. The management API (unix and HTTP control
sockets, :mod:`nestor.control`) serves on the same loop, so a command runs
between batches too; :class:`~nestor.server.control4.Control4` routes
``config-reload`` through :meth:`EventLoop4.reload`, the SIGHUP handler.

A stop (SIGTERM, SIGINT, ``shutdown``) first answers what is already queued
on the DHCP sockets (a bounded number of batches each), then closes the
channels; the caller then commits and closes the lease store.

Timers: :meth:`Server4.tick` every second (lease file cleanup, expired
lease reclamation, reclaimed lease removal).
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
from collections.abc import Callable

from nestor.errors import ConfigError, NestorError
from nestor.logs.core import get_logger
from nestor.server import log as server_log
from nestor.server import signals
from nestor.server.control4 import Control4
from nestor.server.dhcp4 import PROGRAM, Server4
from nestor.server.pidfile import PidFile, PidFileError, PidFileExists, pid_file_path
from nestor.transport.retry import SocketsUnavailable
from nestor.transport.udp4 import Receiver4

EXIT_OK, EXIT_FAIL = 0, 1
TICK_SECONDS = 1.0
# Allocations between young-generation collections (CPython's default is 700).
GC_GEN0_THRESHOLD = 50_000
log = get_logger("dhcp4")


class EventLoop4:
    """Drives one :class:`Server4` until SIGTERM/SIGINT."""

    def __init__(self, server: Server4) -> None:
        self.server = server
        self._fds: list[int] = []
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.TimerHandle | None = None
        self._retry: asyncio.TimerHandle | None = None
        self.exit_code = EXIT_OK
        self.control = Control4(server, self)
        # A SIGHUP that arrived during start-up, before the loop's handler existed.
        self.reload_pending = False

    async def run(self) -> int:
        """Serve until stopped; the exit code (1 when required sockets never opened)."""
        loop = self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        signals.install(loop, {signals.Action.RELOAD: self.reload,
                               signals.Action.STOP: self._stop.set})
        if self.reload_pending:
            self.reload_pending = False
            loop.call_soon(self.reload)
        try:
            self._register()
            self._ticker = loop.call_later(TICK_SECONDS, self._tick)
            self._schedule_retry()
            self.server.channels.serve(self.control)
            await self._stop.wait()
            self._drain()
        finally:
            await self.server.channels.aclose()
            self._unregister()
            for timer in (self._ticker, self._retry):
                if timer is not None:
                    timer.cancel()
            signals.uninstall(loop)
        return self.exit_code

    def _register(self) -> None:
        transport, loop = self.server.transport, self._loop
        if transport is None or loop is None:
            return
        for receiver in transport.receivers:
            loop.add_reader(receiver.fd, self._readable, receiver)
            self._fds.append(receiver.fd)

    def _unregister(self) -> None:
        if self._loop is not None:
            for fd in self._fds:
                self._loop.remove_reader(fd)
        self._fds.clear()

    def _readable(self, receiver: Receiver4) -> None:
        pipeline = self.server.pipeline
        if pipeline is not None:
            pipeline.run(receiver)

    def _tick(self) -> None:
        try:
            self.server.tick()
        finally:
            if self._loop is not None and not (self._stop and self._stop.is_set()):
                self._ticker = self._loop.call_later(TICK_SECONDS, self._tick)

    def reload(self) -> None:
        """SIGHUP and ``config-reload``: the sockets may be replaced, readers re-registered."""
        self._sockets_changing(self.server.reload)

    def reconfigure(self, action: Callable[[], object]) -> None:
        """Run ``config-set``'s apply; its ConfigError propagates, sockets re-registered."""
        self._sockets_changing(action)

    def stop(self, exit_code: int) -> None:
        """``shutdown``: leave the loop with ``exit_code``."""
        self.exit_code = exit_code
        if self._stop is not None:
            self._stop.set()

    def _drain(self) -> None:
        """Answer what is already queued on each socket before stopping (bounded)."""
        transport, pipeline = self.server.transport, self.server.pipeline
        if transport is None or pipeline is None:
            return
        for receiver in transport.receivers:
            try:
                pipeline.run(receiver)
            except Exception as exc:  # stopping must not fail on a last packet
                log.error("DHCP4_PACKET_PROCESS_STD_EXCEPTION", f"{type(exc).__name__}: {exc}")

    def _retry_sockets(self) -> None:
        self._retry = None
        self._sockets_changing(self.server.sockets.retry)

    def _sockets_changing(self, action: Callable[[], object]) -> None:
        self._unregister()
        try:
            action()
        except SocketsUnavailable:
            log.error("DHCP4_OPEN_SOCKETS_FAILED", self.server.sockets.policy.max_retries)
            self.exit_code = EXIT_FAIL
            if self._stop is not None:
                self._stop.set()
            return
        finally:
            self._register()
        self._schedule_retry()

    def _schedule_retry(self) -> None:
        delay = self.server.sockets.retry_delay
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if delay is not None and self._loop is not None:
            self._retry = self._loop.call_later(delay, self._retry_sockets)


def run(config_path: str, server_port: int = 0, client_port: int = 0,
        debug: bool = False) -> int:
    """``nestor-dhcp4 -c FILE``: Kea's start-up order, the loop, a clean exit."""
    server_log.startup(PROGRAM, debug)
    server = Server4(config_path, server_port, client_port, debug)
    pidfile = PidFile(pid_file_path(config_path, PROGRAM))
    try:
        pidfile.create()
    except PidFileExists as exc:
        log.fatal("DHCP4_ALREADY_RUNNING", PROGRAM, exc)
        sys.stderr.write(f"{PROGRAM} already running? {exc}\n")
        return EXIT_FAIL
    except PidFileError as exc:
        log.error("DHCP4_INIT_FAIL", exc)
        return EXIT_FAIL
    # Until the loop installs its handlers: a SIGTERM during start-up (socket
    # retries can wait for minutes) still ends through the finally clause, and
    # a SIGHUP is remembered and acted on once the loop runs (its default
    # action would end the process).
    event_loop = EventLoop4(server)
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    previous_hup = signal.signal(signal.SIGHUP, lambda signum, frame: setattr(
        event_loop, "reload_pending", True))
    try:
        return _serve(server, config_path, event_loop)
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGHUP, previous_hup)
        pidfile.remove()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_OK)


def _tune_gc() -> None:
    """Keep the cyclic garbage collector off the packet path.

    After start-up the process holds the configuration and every lease (hundreds
    of thousands of tracked objects); a full collection walks all of them, and
    with the default thresholds one ran every few thousand packets. Frozen
    objects are never walked again, and a larger first-generation threshold
    makes the young collections (the packet path's cycles, if any) rarer.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GEN0_THRESHOLD, 50, 100)


def _serve(server: Server4, config_path: str, event_loop: EventLoop4) -> int:
    try:
        server.start()
    except ConfigError as exc:
        log.error("DHCP4_CONFIG_LOAD_FAIL", config_path, exc)
        log.error("DHCP4_INIT_FAIL", f"configuration error using file '{config_path}': {exc}")
        server.stop()
        return EXIT_FAIL
    except (SocketsUnavailable, NestorError, OSError) as exc:
        log.error("DHCP4_INIT_FAIL", exc)
        server.stop()
        return EXIT_FAIL
    _tune_gc()
    try:
        code = asyncio.run(event_loop.run())
    except Exception as exc:  # last resort: Kea logs DHCP4_SERVER_FAILED and exits 1
        log.fatal("DHCP4_SERVER_FAILED", f"{type(exc).__name__}: {exc}")
        server.stop()
        return EXIT_FAIL
    server.stop()
    return code
