"""Creating and recounting a server's statistics the way Kea does.

* At start-up the server creates its global packet and allocation counters.
* Each configuration commit (start-up configuration, ``config-set``,
  ``config-reload``, SIGHUP) first removes the per-subnet and per-pool statistics
  of the configuration being replaced (``CfgSubnetsX::removeStatistics``), then
  applies ``statistic-default-sample-count``/``-age``, sets each subnet's and
  pool's capacity, creates the cumulative counters, and — when there is at
  least one subnet — recounts the lease statistics from the lease store
  (``LeaseMgr::recountLeaseStatsX``). So a subnet's totals follow its pools.

The input is plain data (subnet ids and pool capacities), not the configuration
model, so the module stays independent of it; the lease store supplies
``LeaseCount`` rows (leases per subnet, pool, type and state).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum, IntEnum

from nestor.stats.manager import StatsManager
from nestor.stats.names import (
    KEA_2_4,
    KEA_3_0,
    Init,
    Scope,
    StatDef,
    Version,
    scoped_name,
    statistics,
)
from nestor.stats.observation import DEFAULT_MAX_SAMPLE_COUNT


@dataclass(frozen=True)
class PoolInfo:
    """A pool's size; ``pool_id`` defaults to its position in the subnet's list."""

    capacity: int
    pool_id: int | None = None


PoolSpec = PoolInfo | int


@dataclass(frozen=True)
class SubnetInfo:
    """A subnet's id with its address pools and (DHCPv6) prefix-delegation pools."""

    subnet_id: int
    pools: Sequence[PoolSpec] = ()
    pd_pools: Sequence[PoolSpec] = ()


class LeaseState(IntEnum):
    """Kea's lease states (``Lease::STATE_*``)."""

    DEFAULT = 0
    DECLINED = 1
    EXPIRED_RECLAIMED = 2
    REGISTERED = 4  # DHCPv6 address registration (Kea 3.0)


class LeaseKind(Enum):
    V4 = "V4"
    NA = "IA_NA"
    PD = "IA_PD"


@dataclass(frozen=True)
class LeaseCount:
    """How many leases of one kind and state a subnet (or one of its pools) holds."""

    subnet_id: int
    state: LeaseState
    count: int
    kind: LeaseKind = LeaseKind.V4
    pool_id: int | None = None  # None: the row counts the whole subnet


# What one recount row does (LeaseMgr::recountLeaseStatsX): "add"/"set" the subnet
# (or pool) statistic, "add-global" the global one. Declined leases also count
# as assigned. Global statistics only follow subnet-level rows.
RecountOp = tuple[str, str]
RECOUNT_RULES: dict[tuple[LeaseKind, LeaseState], tuple[RecountOp, ...]] = {
    (LeaseKind.V4, LeaseState.DEFAULT): (("add", "assigned-addresses"),),
    (LeaseKind.V4, LeaseState.DECLINED): (
        ("set", "declined-addresses"), ("add-global", "declined-addresses"),
        ("add", "assigned-addresses")),
    (LeaseKind.NA, LeaseState.DEFAULT): (("add", "assigned-nas"),),
    (LeaseKind.NA, LeaseState.DECLINED): (
        ("set", "declined-addresses"), ("add-global", "declined-addresses"),
        ("add", "assigned-nas")),
    (LeaseKind.PD, LeaseState.DEFAULT): (("set", "assigned-pds"),),
    (LeaseKind.NA, LeaseState.REGISTERED): (("add", "registered-nas"),),
}

_RECOUNT_OPS = {"add": StatsManager.add, "set": StatsManager.set}

_UINT64_MAX = (1 << 64) - 1
_UINT128_MAX = (1 << 128) - 1


def capacity_value(capacity: int, version: Version) -> int:
    """A capacity as Kea stores it: 2.2 saturates at 2**64-1 and casts to int64
    (a /64 pool shows as -1); later versions keep up to 128 bits."""
    if version >= KEA_2_4:
        return min(capacity, _UINT128_MAX)
    capped = min(capacity, _UINT64_MAX)
    return capped - (1 << 64) if capped >= 1 << 63 else capped


def _pool_capacities(pools: Sequence[PoolSpec]) -> dict[int, int]:
    """Capacity by pool id; pools sharing an id add up."""
    totals: dict[int, int] = {}
    for index, pool in enumerate(pools):
        info = pool if isinstance(pool, PoolInfo) else PoolInfo(pool)
        pool_id = index if info.pool_id is None else info.pool_id
        totals[pool_id] = totals.get(pool_id, 0) + info.capacity
    return totals


# Which pools a scope covers, and which subnet-scope capacity statistic each feeds.
_POOL_SCOPES = (Scope.POOL, Scope.PD_POOL)
_CAPACITY_SOURCE = {"total-addresses": Scope.POOL, "total-nas": Scope.POOL,
                    "total-pds": Scope.PD_POOL}


class ServerStats:
    """The statistics lifecycle of one DHCPv4 or DHCPv6 server.

    ``version`` picks which Kea generation's statistics to keep (``KEA_2_2`` for
    the exact set Kea 2.2 reports; the default follows Kea 3.0, with pool-level
    statistics and lease-reuse counters).
    """

    def __init__(self, manager: StatsManager, family: int = 4,
                 version: Version = KEA_3_0) -> None:
        if family not in (4, 6):
            raise ValueError(f"family must be 4 or 6, not {family}")
        self.manager = manager
        self.family = family
        self.version = version
        self._subnets: tuple[SubnetInfo, ...] = ()

    @property
    def subnets(self) -> tuple[SubnetInfo, ...]:
        return self._subnets

    def _rows(self, scope: Scope | None = None, init: Init | None = None) -> tuple[StatDef, ...]:
        return statistics(self.family, self.version, scope, init)

    def start(self) -> None:
        """The global counters a freshly started server reports, all 0."""
        for d in self._rows(Scope.GLOBAL, Init.STARTUP):
            self.manager.set(d.name, 0)

    def commit(self, subnets: Iterable[SubnetInfo], leases: Iterable[LeaseCount] = (),
               sample_count: int = DEFAULT_MAX_SAMPLE_COUNT,
               sample_age: timedelta | int = 0) -> None:
        """Install the statistics of a new configuration (CfgMgr::commit)."""
        self.remove_subnet_stats()
        self._subnets = tuple(subnets)
        self.manager.apply_configured_defaults(sample_count, sample_age)
        for subnet in self._subnets:
            self._commit_subnet(subnet)
        if self._subnets:  # Kea recounts only when there is a subnet
            self.recount(leases)

    def remove_subnet_stats(self) -> None:
        """Delete the statistics of the current subnets and pools that a commit removes."""
        for subnet in self._subnets:
            for d, pool_id in self._subnet_rows(subnet):
                if d.removed_on_commit:
                    self.manager.remove(scoped_name(d, subnet.subnet_id, pool_id))

    def _subnet_rows(self, subnet: SubnetInfo) -> list[tuple[StatDef, int | None]]:
        """The subnet's rows, then each pool's rows, in Kea's order."""
        rows: list[tuple[StatDef, int | None]] = [(d, None) for d in self._rows(Scope.SUBNET)]
        for scope in _POOL_SCOPES:
            pool_rows = self._rows(scope)
            for pool_id in self._pool_capacities(subnet, scope):
                rows.extend((d, pool_id) for d in pool_rows)
        return rows

    def _pool_capacities(self, subnet: SubnetInfo, scope: Scope) -> dict[int, int]:
        return _pool_capacities(subnet.pools if scope is Scope.POOL else subnet.pd_pools)

    def _commit_subnet(self, subnet: SubnetInfo) -> None:
        mgr = self.manager
        for d, pool_id in self._subnet_rows(subnet):
            name = scoped_name(d, subnet.subnet_id, pool_id)
            if d.init is Init.CAPACITY:
                mgr.set(name, capacity_value(self._capacity(subnet, d, pool_id), self.version))
            elif d.init is Init.COMMIT_IF_ABSENT and name not in mgr:
                mgr.set(name, 0)

    def _capacity(self, subnet: SubnetInfo, d: StatDef, pool_id: int | None) -> int:
        if pool_id is not None:
            return self._pool_capacities(subnet, d.scope)[pool_id]
        return sum(self._pool_capacities(subnet, _CAPACITY_SOURCE[d.name]).values())

    def recount(self, leases: Iterable[LeaseCount] = ()) -> None:
        """Zero the lease statistics, create missing cumulative ones, then count leases.

        Subnet rows of subnets no longer configured still count (Kea's recount walks
        the lease store); pool rows count only for configured pools.
        """
        for d in self._rows(Scope.GLOBAL):
            self._zero(d, None, None)
        pools: set[tuple[int, Scope, int]] = set()
        for subnet in self._subnets:
            for d, pool_id in self._subnet_rows(subnet):
                self._zero(d, subnet.subnet_id, pool_id)
                if pool_id is not None:
                    pools.add((subnet.subnet_id, d.scope, pool_id))
        for row in leases:
            scope = _row_scope(row)
            if row.pool_id is None or (row.subnet_id, scope, row.pool_id) in pools:
                self._count(row, scope)

    def _zero(self, d: StatDef, subnet_id: int | None, pool_id: int | None) -> None:
        name = scoped_name(d, subnet_id, pool_id)
        if d.init is Init.RECOUNT_ZERO or (d.init is Init.RECOUNT_IF_ABSENT
                                           and name not in self.manager):
            self.manager.set(name, 0)

    def _count(self, row: LeaseCount, scope: Scope) -> None:
        known = {d.name: d for d in self._rows(scope)}
        for op, name in RECOUNT_RULES.get((row.kind, row.state), ()):
            if op == "add-global":
                if scope is Scope.SUBNET:
                    self.manager.add(name, row.count)
            elif name in known:  # absent in this Kea version: nothing to count
                target = scoped_name(known[name], row.subnet_id, row.pool_id)
                _RECOUNT_OPS[op](self.manager, target, row.count)


def _row_scope(row: LeaseCount) -> Scope:
    if row.pool_id is None:
        return Scope.SUBNET
    return Scope.PD_POOL if row.kind is LeaseKind.PD else Scope.POOL
