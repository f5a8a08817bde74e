"""The management API's view of a running DHCPv4 server (Kea's ControlledDhcpv4Srv).

:class:`Control4` is what the command handlers get as their context and what
the control channels hand requests to. Reconfiguration goes through the event
loop (:class:`~nestor.server.loop.EventLoop4`), because new DHCP sockets must
be re-registered with it; SIGHUP and ``config-reload`` take the very same
path. ``shutdown`` takes effect after its answer was written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from nestor.config.model import Config
from nestor.control.commands4 import registry4
from nestor.control.framing import kea_json
from nestor.control.netstate import NetworkState
from nestor.control.registry import RESULT_ERROR, Answer, Registry, answer
from nestor.engine.v4 import Engine4
from nestor.leases.store import LeaseStore4
from nestor.logs.core import get_logger
from nestor.logs.levels import DBG_COMMAND, DBG_COMMAND_DATA
from nestor.stats.manager import StatsManager

if TYPE_CHECKING:
    from nestor.server.dhcp4 import Server4

log = get_logger("commands")
dhcp4_log = get_logger("dhcp4")


class LoopHooks(Protocol):
    """What the event loop offers: reload (SIGHUP's handler), reconfigure, stop."""

    def reload(self) -> None: ...
    def reconfigure(self, action: Callable[[], object]) -> None: ...
    def stop(self, exit_code: int) -> None: ...


class Control4:
    def __init__(self, server: Server4, hooks: LoopHooks | None = None,
                 registry: Registry | None = None) -> None:
        self.srv = server
        self.hooks = hooks
        self.registry = registry if registry is not None else registry4()
        self.started_at = time.monotonic()
        self._exit: int | None = None

    # -- CommandContext -----------------------------------------------------------

    @property
    def config(self) -> Config | None:
        return self.srv.config

    @property
    def leases(self) -> LeaseStore4 | None:
        return self.srv.leases

    @property
    def stats(self) -> StatsManager:
        return self.srv.stats

    @property
    def engine(self) -> Engine4 | None:
        return self.srv.engine

    @property
    def server(self) -> Control4:
        return self

    def now(self) -> float:
        return self.srv.clock()

    # -- ServerControl ------------------------------------------------------------

    @property
    def config_path(self) -> str:
        return self.srv.config_path

    @property
    def network(self) -> NetworkState:
        return self.srv.network

    @property
    def reloaded_at(self) -> float:
        return self.srv.reloaded_at

    def reload(self) -> str | None:
        """``config-reload``: exactly what SIGHUP does."""
        if self.hooks is not None:
            self.hooks.reload()
        else:
            self.srv.reload()
        return self.srv.last_error

    def apply_config(self, config: Config) -> None:
        if dhcp4_log.debug_on(DBG_COMMAND):  # the whole map: only when it will be shown
            dhcp4_log.debug(DBG_COMMAND, "DHCP4_CONFIG_RECEIVED", kea_json(config.raw))
        if self.hooks is not None:
            self.hooks.reconfigure(lambda: self.srv.apply(config))
        else:
            self.srv.apply(config)

    def reclaim(self, remove: bool) -> None:
        engine, leases = self.srv.engine, self.srv.leases
        if engine is None or leases is None:
            return
        now = self.srv.clock()
        engine.reclaim_expired(now)
        if remove:  # leases-reclaim with remove: true deletes them at once
            leases.delete_expired_reclaimed(int(now), 0)
        leases.commit()

    def shutdown(self, exit_value: int) -> None:
        self._exit = exit_value

    def sockets_status(self) -> str:
        return "retrying" if self.srv.sockets.retry_delay is not None else "ready"

    # -- CommandHandler -----------------------------------------------------------

    def handle(self, request: object) -> Answer:
        name = request.get("command") if isinstance(request, dict) else None
        if isinstance(name, str):
            log.info("COMMAND_RECEIVED", name)
            dhcp4_log.debug(DBG_COMMAND_DATA, "DHCP4_COMMAND_RECEIVED", name,
                            request.get("arguments") if isinstance(request, dict) else None)
        try:
            return self.registry.dispatch(self, request)
        except Exception as exc:  # a handler bug answers 1; the server goes on
            log.warn("COMMAND_PROCESS_ERROR1", f"{type(exc).__name__}: {exc}")
            return answer(RESULT_ERROR, f"Error during command processing: {exc}")

    def answered(self) -> None:
        if self._exit is not None and self.hooks is not None:
            code, self._exit = self._exit, None
            self.hooks.stop(code)
