"""From a loaded configuration to the parts a DHCPv4 server runs.

Each function answers one question about a :class:`~nestor.config.model.Config`
(and the detected interfaces) and raises :class:`~nestor.errors.ConfigError`
when the answer would make Kea refuse the configuration, so a reload can
refuse before anything running is touched.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any

from nestor.config.model import Config, Database
from nestor.engine.v4 import Link4
from nestor.errors import ConfigError
from nestor.leases.memfile import MemfileConfig, MemfileStore4
from nestor.leases.store import LeaseStore4, LeaseStoreError
from nestor.stats.lifecycle import LeaseCount, LeaseState, PoolInfo, SubnetInfo
from nestor.transport.interfaces import Interface
from nestor.transport.retry import RetryPolicy
from nestor.transport.route import DHCP4_SERVER_PORT
from nestor.transport.selection import ListenPlan, SocketType, plan_listen4, select_interfaces
from nestor.transport.transport4 import TransportSettings

SUPPORTED_LEASE_BACKENDS = ("memfile",)


def _section(config: Config, key: str) -> Mapping[str, Any]:
    value = config.globals.get(key)
    return value if isinstance(value, Mapping) else {}


def lease_params(db: Database) -> dict[str, object]:
    """The ``lease-database`` map as Kea reads it (``name`` defaulted by the loader)."""
    params = dict(db.parameters)
    params.setdefault("name", db.name)
    return params


def lease_store(db: Database) -> LeaseStore4:
    """Open the lease backend ``lease-database`` names (Kea: DHCPSRV_MEMFILE_DB)."""
    if db.type not in SUPPORTED_LEASE_BACKENDS:
        raise ConfigError(f"lease database type '{db.type}' is not supported by this "
                          "version of Nestor (memfile only)")
    try:
        return MemfileStore4(MemfileConfig.from_kea(lease_params(db)))
    except (OSError, ValueError, LeaseStoreError) as exc:
        raise ConfigError(f"unable to open database: {exc}") from exc


def describe_lease_db(db: Database) -> str:
    """``persist=true type=memfile universe=4 ...`` as Kea's DHCPSRV_MEMFILE_DB shows it."""
    shown = {k: v for k, v in lease_params(db).items() if k != "password"}
    shown["universe"] = 4

    def text(v: object) -> str:
        return str(v).lower() if isinstance(v, bool) else str(v)

    return " ".join(f"{k}={text(v)}" for k, v in sorted(shown.items()))


def socket_type(config: Config) -> SocketType:
    return SocketType(str(_section(config, "interfaces-config").get("dhcp-socket-type", "raw")))


def socket_type_given(config: Config) -> bool:
    return "dhcp-socket-type" in _section(config, "interfaces-config")


def re_detect(config: Config) -> bool:
    return bool(_section(config, "interfaces-config").get("re-detect", True))


def listen_plan(config: Config, interfaces: Mapping[str, Interface]) -> ListenPlan:
    """Which sockets to open; ConfigError for a spec Kea refuses (unknown interface, ...)."""
    selection = select_interfaces(config.interfaces, interfaces, 4)
    return plan_listen4(selection, interfaces, socket_type(config))


def retry_policy(config: Config) -> RetryPolicy:
    cfg = _section(config, "interfaces-config")
    return RetryPolicy(require_all=bool(cfg.get("service-sockets-require-all", False)),
                       max_retries=int(cfg.get("service-sockets-max-retries", 0)),
                       retry_wait_ms=int(cfg.get("service-sockets-retry-wait-time", 5000)))


def transport_settings(config: Config, server_port: int, client_port: int) -> TransportSettings:
    return TransportSettings(socket_type=socket_type(config),
                             server_port=server_port or DHCP4_SERVER_PORT,
                             client_port=client_port)


def reclaim_interval(config: Config) -> float:
    """``expired-leases-processing.reclaim-timer-wait-time`` seconds (0: never)."""
    return float(_section(config, "expired-leases-processing").get("reclaim-timer-wait-time",
                                                                    10))


def links(interfaces: Mapping[str, Interface]) -> dict[int, Link4]:
    """The engine's view of the interfaces: index, name, IPv4 addresses primary first."""
    out: dict[int, Link4] = {}
    for iface in interfaces.values():
        ordered = sorted(iface.ipv4, key=lambda a: a.secondary)  # stable: primary first
        addrs = tuple((int.from_bytes(socket.inet_aton(a.address), "big"), a.prefixlen)
                      for a in ordered)
        out[iface.index] = Link4(iface.index, iface.name, addrs)
    return out


def subnet_infos(config: Config) -> list[SubnetInfo]:
    return [SubnetInfo(s.id, [PoolInfo(p.last - p.first + 1) for p in s.pools])
            for s in config.subnets]


_STATES = {int(s) for s in LeaseState}


def lease_counts(store: LeaseStore4) -> list[LeaseCount]:
    return [LeaseCount(subnet_id, LeaseState(state), n)
            for (subnet_id, state), n in store.counts().items() if state in _STATES]


def config_summary(config: Config) -> str:
    """The text of Kea's DHCP4_CONFIG_COMPLETE message."""
    count = len(config.subnets)
    subnets = "no IPv4 subnets!" if not count else \
        f"added IPv4 subnets: {count}" if count != 1 else "added IPv4 subnets: 1"
    ddns = "enabled" if _section(config, "dhcp-ddns").get("enable-updates") else "disabled"
    return f"{subnets}; DDNS: {ddns}"
