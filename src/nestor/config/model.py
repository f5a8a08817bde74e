"""The typed configuration model produced by the loader.

Structure (subnets, pools, reservations, classes, options) is typed; the
inheritable per-network parameters live in :class:`NetworkParams`, one
instance per scope as written (``own``) and one resolved along Kea's chain
subnet > shared network > global > Kea default (``params``).

Addresses and prefixes are kept as ``ipaddress`` objects and pool bounds as
integers so the engine can compare them without reparsing.
"""

from __future__ import annotations

import ipaddress
import operator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from nestor.config.options import ConfiguredOption
from nestor.config.source import PMap
from nestor.wire.optdefs import DefinitionSet

if TYPE_CHECKING:
    from nestor.expr.expression import Expression

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Triplet:
    """Kea's lifetime triplet: the value given to clients and the bounds they may ask for."""

    default: int
    min: int
    max: int


@dataclass(slots=True)
class NetworkParams:
    """Parameters a subnet may inherit; None means "not set at this scope".

    Field names are Kea's keys with ``-`` replaced by ``_``; the loader fills
    them from that table, so adding a Kea parameter is adding a field here.
    """

    valid_lifetime: int | None = None
    min_valid_lifetime: int | None = None
    max_valid_lifetime: int | None = None
    preferred_lifetime: int | None = None
    min_preferred_lifetime: int | None = None
    max_preferred_lifetime: int | None = None
    offer_lifetime: int | None = None
    renew_timer: int | None = None
    rebind_timer: int | None = None
    calculate_tee_times: bool | None = None
    t1_percent: float | None = None
    t2_percent: float | None = None
    cache_threshold: float | None = None
    cache_max_age: int | None = None
    authoritative: bool | None = None
    match_client_id: bool | None = None
    next_server: str | None = None
    server_hostname: str | None = None
    boot_file_name: str | None = None
    rapid_commit: bool | None = None
    interface: str | None = None
    interface_id: str | None = None
    client_classes: tuple[str, ...] | None = None
    require_client_classes: tuple[str, ...] | None = None
    relay_addresses: tuple[str, ...] | None = None
    reservations_global: bool | None = None
    reservations_in_subnet: bool | None = None
    reservations_out_of_pool: bool | None = None
    ddns_send_updates: bool | None = None
    ddns_override_no_update: bool | None = None
    ddns_override_client_update: bool | None = None
    ddns_replace_client_name: str | None = None
    ddns_generated_prefix: str | None = None
    ddns_qualifying_suffix: str | None = None
    ddns_update_on_renew: bool | None = None
    ddns_use_conflict_resolution: bool | None = None
    ddns_conflict_resolution_mode: str | None = None
    ddns_ttl_percent: float | None = None
    ddns_ttl: int | None = None
    ddns_ttl_min: int | None = None
    ddns_ttl_max: int | None = None
    hostname_char_set: str | None = None
    hostname_char_replacement: str | None = None
    store_extended_info: bool | None = None
    allocator: str | None = None
    pd_allocator: str | None = None

    def merged_over(self, parent: NetworkParams) -> NetworkParams:
        """These values where set, ``parent``'s elsewhere (one inheritance step)."""
        # All fields at once through one C-level getter: this runs once per subnet.
        pairs = zip(_all_params(self), _all_params(parent), strict=True)
        return NetworkParams(*[theirs if mine is None else mine for mine, theirs in pairs])


_PARAM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(NetworkParams))
_all_params = operator.attrgetter(*_PARAM_FIELDS)


@dataclass(slots=True)
class Pool:
    """An address pool (v4 or v6 IA_NA) as an inclusive range of integers."""

    first: int
    last: int
    text: str
    options: list[ConfiguredOption] = field(default_factory=list)
    client_classes: tuple[str, ...] = ()
    require_client_classes: tuple[str, ...] = ()
    pool_id: int = 0
    user_context: dict[str, object] | None = None

    @property
    def size(self) -> int:
        return self.last - self.first + 1


@dataclass(slots=True)
class PdPool:
    """A prefix delegation pool (RFC 8415 section 6.3)."""

    prefix: ipaddress.IPv6Network
    delegated_len: int
    excluded: ipaddress.IPv6Network | None = None
    options: list[ConfiguredOption] = field(default_factory=list)
    client_classes: tuple[str, ...] = ()
    require_client_classes: tuple[str, ...] = ()
    pool_id: int = 0
    user_context: dict[str, object] | None = None


@dataclass(slots=True)
class Reservation:
    """A host reservation; ``subnet_id`` 0 marks a global one (Kea's SUBNET_ID_GLOBAL)."""

    identifier_type: str
    identifier: bytes
    subnet_id: int
    ipv4_address: ipaddress.IPv4Address | None = None
    ipv6_addresses: tuple[ipaddress.IPv6Address, ...] = ()
    prefixes: tuple[ipaddress.IPv6Network, ...] = ()
    hostname: str = ""
    client_classes: tuple[str, ...] = ()
    options: list[ConfiguredOption] = field(default_factory=list)
    next_server: str = ""
    server_hostname: str = ""
    boot_file_name: str = ""
    user_context: dict[str, object] | None = None


@dataclass(slots=True)
class Subnet:
    """A subnet with its own parameters and the resolved ones (see module docstring)."""

    id: int
    prefix: IPNetwork
    text: str
    own: NetworkParams
    params: NetworkParams
    valid: Triplet
    preferred: Triplet | None = None
    pools: list[Pool] = field(default_factory=list)
    pd_pools: list[PdPool] = field(default_factory=list)
    reservations: list[Reservation] = field(default_factory=list)
    options: list[ConfiguredOption] = field(default_factory=list)
    shared_network: str = ""
    extra: dict[str, object] = field(default_factory=dict)  # 4o6-*, user-context...


@dataclass(slots=True)
class SharedNetwork:
    name: str
    own: NetworkParams
    params: NetworkParams
    subnets: list[Subnet] = field(default_factory=list)
    options: list[ConfiguredOption] = field(default_factory=list)
    user_context: dict[str, object] | None = None


@dataclass(slots=True)
class ClientClass:
    """A client class. ``test`` (or Kea 3.x's ``template-test``) keeps the text as
    written; ``compiled`` is that expression compiled at load time (None without one),
    and ``depend_on_known`` says the test names ``KNOWN``/``UNKNOWN``, directly or
    through an earlier class, so Kea evaluates it only after the host lookup."""

    name: str
    test: str = ""
    template_test: str = ""
    only_if_required: bool = False
    options: list[ConfiguredOption] = field(default_factory=list)
    valid: Triplet | None = None
    preferred: Triplet | None = None
    offer_lifetime: int | None = None
    next_server: str = ""
    server_hostname: str = ""
    boot_file_name: str = ""
    user_context: dict[str, object] | None = None
    # Closures compare by identity: leave them out of equality and repr.
    compiled: Expression | None = field(default=None, compare=False, repr=False)
    depend_on_known: bool = False


@dataclass(slots=True)
class HookLibrary:
    library: str
    parameters: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class LoggerOutput:
    output: str = "stdout"
    flush: bool = True
    maxsize: int = 10240000
    maxver: int = 1
    pattern: str = ""


@dataclass(slots=True)
class Logger:
    name: str
    severity: str = "INFO"
    debuglevel: int = 0
    outputs: list[LoggerOutput] = field(default_factory=list)


@dataclass(slots=True)
class Database:
    """A lease, host or config-backend database: Kea's connection parameters."""

    type: str
    name: str = ""
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    persist: bool = True
    lfc_interval: int = 3600
    readonly: bool = False
    parameters: dict[str, object] = field(default_factory=dict)  # everything as written


@dataclass(slots=True)
class Config:
    """A whole Dhcp4 or Dhcp6 configuration, checked and resolved."""

    universe: int
    params: NetworkParams  # global values with Kea's defaults applied
    valid: Triplet
    preferred: Triplet | None
    subnets: list[Subnet]
    shared_networks: list[SharedNetwork]
    client_classes: list[ClientClass]
    options: list[ConfiguredOption]
    definitions: DefinitionSet
    reservations: list[Reservation]
    hooks: list[HookLibrary]
    loggers: list[Logger]
    lease_database: Database
    hosts_databases: list[Database]
    interfaces: list[str]
    globals: dict[str, object]  # every global scalar/map with Kea's defaults applied
    raw: PMap  # the Dhcp4/Dhcp6 map exactly as written, for config-get/config-write
    warnings: list[str] = field(default_factory=list)

    def subnet_by_id(self, subnet_id: int) -> Subnet | None:
        for s in self.subnets:
            if s.id == subnet_id:
                return s
        return None
