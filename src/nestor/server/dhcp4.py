"""The DHCPv4 server object: start, reconfigure, stop (Kea's ControlledDhcpv4Srv).

A configuration is applied in two phases, so that a bad one changes nothing:

1. *prepare* - load and check the file, detect interfaces, plan the
   sockets, open the lease store if ``lease-database`` changed, build the
   engine. Any failure raises :class:`~nestor.errors.ConfigError` and
   whatever was opened for the new configuration is closed again;
2. *commit* - swap the engine and store in, reopen sockets only if the
   socket plan changed, recount statistics. Nothing here refuses.

Start-up, SIGHUP and the ``config-reload``/``config-set`` commands all go
through :meth:`Server4.apply`; SIGHUP and ``config-reload`` both through
:meth:`Server4.reload`. The control channels are part of the configuration:
bound in *prepare*, swapped in *commit*.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import nestor
from nestor.config.loader import load_file
from nestor.config.model import Config
from nestor.control.manager import ChannelPlan, ChannelSet
from nestor.control.netstate import NetworkState
from nestor.daemons.common import check_hook_libraries, live_system_checks
from nestor.engine.v4 import Engine4
from nestor.errors import ConfigError, NestorError
from nestor.leases.store import LeaseStore4
from nestor.logs.core import get_logger
from nestor.server import build4
from nestor.server import log as server_log
from nestor.server.pipeline import Pipeline4
from nestor.server.sockets4 import Sockets4
from nestor.stats.lifecycle import ServerStats
from nestor.stats.manager import StatsManager
from nestor.transport.interfaces import Interface, interfaces_for_reconfiguration
from nestor.transport.retry import SocketsUnavailable
from nestor.transport.selection import ListenPlan
from nestor.transport.transport4 import Transport4, TransportSettings

PROGRAM = "kea-dhcp4"  # Kea's program name: logger root and PID file name
log = get_logger("dhcp4")
srv_log = get_logger("dhcpsrv")


@dataclass
class Prepared:
    """A configuration checked and ready to commit, with what was opened for it."""

    config: Config
    interfaces: dict[str, Interface]
    plan: ListenPlan
    settings: TransportSettings
    leases: LeaseStore4
    new_leases: bool
    engine: Engine4


@dataclass
class Timers:
    """When the periodic jobs run next, on the engine's (wall) clock."""

    reclaim_every: float = 10.0
    flush_every: float = 25.0
    hold_reclaimed: int = 3600
    next_reclaim: float = 0.0
    next_flush: float = 0.0


class Server4:
    """Owns the running configuration's lease store, sockets, engine and statistics."""

    def __init__(self, config_path: str, server_port: int = 0, client_port: int = 0,
                 debug: bool = False, clock: Callable[[], float] = time.time) -> None:
        self.config_path = config_path
        self.server_port = server_port
        self.client_port = client_port
        self.debug = debug
        self.clock = clock
        self.stats = StatsManager()
        self.server_stats = ServerStats(self.stats, 4)
        self.config: Config | None = None
        self.interfaces: dict[str, Interface] | None = None
        self.leases: LeaseStore4 | None = None
        self.sockets = Sockets4()
        self.engine: Engine4 | None = None
        self.pipeline: Pipeline4 | None = None
        self.timers = Timers()
        self.channels = ChannelSet()  # control sockets, replaced with the configuration
        self.network = NetworkState(time.monotonic)  # dhcp-disable / dhcp-enable
        self.last_error: str | None = None  # why the last reload was refused
        self.reloaded_at = time.monotonic()

    # -- start-up ------------------------------------------------------------

    def start(self) -> None:
        """Configure from the file; ConfigError or SocketsUnavailable if the server can't run."""
        log.info("DHCP4_STARTING", nestor.__version__, "nestor")
        log.debug(0, "DHCP4_START_INFO", os.getpid(), self.server_port or 67,
                  self.client_port or 68, self.debug)
        self.server_stats.start()
        self.apply(self.load())
        log.info("DHCP4_STARTED", nestor.__version__)

    def load(self) -> Config:
        """Read and check the configuration file (ConfigError with file and line)."""
        config = load_file(self.config_path, 4, live_system_checks()).config
        # Kea loads hook libraries while configuring and refuses when one fails.
        check_hook_libraries(config.raw)
        return config

    # -- reconfiguration -------------------------------------------------------

    def reload(self) -> bool:
        """SIGHUP / config-reload: apply the file again; False (old one kept) if refused."""
        log.info("DHCP4_DYNAMIC_RECONFIGURATION", self.config_path)
        self.last_error = None
        try:
            self.apply(self.load())
        except SocketsUnavailable:
            raise  # require-all could not be met: the server stops, as Kea's does
        except (NestorError, OSError) as exc:  # ConfigError above all
            log.error("DHCP4_CONFIG_LOAD_FAIL", self.config_path, exc)
            log.fatal("DHCP4_DYNAMIC_RECONFIGURATION_FAIL", self.config_path)
            self.last_error = str(exc)
            return False
        log.info("DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS", self.config_path)
        return True

    def apply(self, config: Config) -> None:
        """Make ``config`` the running one, or raise ConfigError and change nothing."""
        prepared = self._prepare(config)
        channels: ChannelPlan | None = None
        try:
            # Control sockets are bound here, before anything changed: one that
            # cannot be opened refuses the configuration (Kea 3.x).
            channels = self.channels.prepare(config.raw)
            server_log.configure(PROGRAM, config.raw, self.debug)
        except ConfigError:
            self._discard(prepared, channels)
            raise
        self._commit(prepared)
        assert channels is not None
        self.channels.commit(channels)
        self.reloaded_at = time.monotonic()

    def _discard(self, p: Prepared, channels: ChannelPlan | None = None) -> None:
        if channels is not None:
            self.channels.discard(channels)
        if p.new_leases:
            p.leases.close()

    def _prepare(self, config: Config) -> Prepared:
        interfaces = interfaces_for_reconfiguration(build4.re_detect(config), self.interfaces)
        plan = build4.listen_plan(config, interfaces)
        settings = build4.transport_settings(config, self.server_port, self.client_port)
        same_db = self.leases is not None and self.config is not None and \
            self.config.lease_database == config.lease_database
        if same_db and self.leases is not None:
            leases, new_leases = self.leases, False
        else:
            leases, new_leases = build4.lease_store(config.lease_database), True
        try:
            engine = Engine4(config, leases, self.stats, build4.links(interfaces),
                             clock=self.clock)
        except Exception as exc:
            if new_leases:
                leases.close()
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(f"cannot build the DHCPv4 engine: {exc}") from exc
        return Prepared(config, interfaces, plan, settings, leases, new_leases, engine)

    def _commit(self, p: Prepared) -> None:
        old_leases = self.leases if p.new_leases else None
        self.config, self.interfaces, self.leases, self.engine = \
            p.config, p.interfaces, p.leases, p.engine
        if old_leases is not None:
            old_leases.commit()
            old_leases.close()
        transport = self.sockets.open(p.plan, p.settings, p.interfaces,
                                      build4.retry_policy(p.config))
        self.pipeline = Pipeline4(p.engine, p.leases, transport, self.stats,
                                  enabled=self.network.enabled)
        g = p.config.globals
        self.server_stats.commit(build4.subnet_infos(p.config), build4.lease_counts(p.leases),
                                 _int(g, "statistic-default-sample-count", 20),
                                 _int(g, "statistic-default-sample-age", 0))
        self._set_timers(p.config)
        if not build4.socket_type_given(p.config):
            srv_log.info("DHCPSRV_CFGMGR_SOCKET_TYPE_DEFAULT", "raw")
        log.info("DHCP4_CONFIG_COMPLETE", build4.config_summary(p.config))
        if p.new_leases:  # Kea logs it after the configuration is complete
            srv_log.info("DHCPSRV_MEMFILE_DB", build4.describe_lease_db(p.config.lease_database))

    def _set_timers(self, config: Config) -> None:
        cfg = config.globals.get("expired-leases-processing")
        values: Mapping[str, object] = cfg if isinstance(cfg, Mapping) else {}
        now = self.clock()
        t = self.timers
        t.reclaim_every = float(_int(values, "reclaim-timer-wait-time", 10))
        t.flush_every = float(_int(values, "flush-reclaimed-timer-wait-time", 25))
        t.hold_reclaimed = _int(values, "hold-reclaimed-time", 3600)
        t.next_reclaim = now + t.reclaim_every
        t.next_flush = now + t.flush_every

    @property
    def transport(self) -> Transport4 | None:
        return self.sockets.transport

    # -- periodic work ---------------------------------------------------------------

    def tick(self) -> None:
        """About once a second: lease file cleanup, expired lease reclamation."""
        if self.leases is None or self.engine is None:
            return
        now = self.clock()
        tick = getattr(self.leases, "tick", None)
        if tick is not None:
            tick(now)
        t = self.timers
        if t.reclaim_every and now >= t.next_reclaim:
            t.next_reclaim = now + t.reclaim_every
            self._reclaim(now)
        if t.flush_every and now >= t.next_flush:
            t.next_flush = now + t.flush_every
            self.leases.delete_expired_reclaimed(int(now), t.hold_reclaimed)
            self.leases.commit()

    def _reclaim(self, now: float) -> None:
        assert self.engine is not None and self.leases is not None
        try:
            self.engine.reclaim_expired(now)
            self.leases.commit()
        except Exception as exc:  # a timer must not stop the server either
            log.error("DHCP4_RECLAIM_EXPIRED_LEASES_FAIL", f"{type(exc).__name__}: {exc}")

    # -- shutdown -----------------------------------------------------------------------

    def stop(self) -> None:
        """Close sockets, write what is pending, close the store (idempotent)."""
        log.debug(40, "DHCP4_SHUTDOWN_REQUEST")
        self.channels.close()
        self.sockets.close()
        if self.leases is not None:
            self.leases.commit()
            self.leases.close()
            self.leases = None
        self.pipeline = None
        log.info("DHCP4_SHUTDOWN")


def _int(values: Mapping[str, object], key: str, default: int) -> int:
    value = values.get(key, default)
    return value if isinstance(value, int) else default
