"""The statistics the lease commands keep, the way Kea's lease_cmds library keeps them.

An operator's ``lease4-add``/``-update``/``-del``/``-wipe`` changes the lease store
behind the allocation engine's back, so the commands correct the counters the
engine keeps (``updateStatsOnAdd``/``OnUpdate``/``OnDelete`` in Kea's
``lease_cmds.cc``; checked against Kea 2.2, which behaves the same):

* a lease that is not expired-reclaimed counts in ``subnet[id].assigned-addresses``
  and, when declined, in ``declined-addresses`` (subnet and global);
* an update moves ``assigned-addresses`` only when the subnet changes or the old
  lease was expired-reclaimed - Kea does not uncount a live lease turned
  expired-reclaimed in place, and neither does Nestor;
* cumulative counters never move: an operator's lease is not an allocation.

DHCPv6 leases count in ``assigned-nas`` (addresses) or ``assigned-pds`` (every
other type: Kea counts temporary addresses there too).

Pool-level statistics (Kea 2.4+) are touched only when the server created them,
as the engine does, so a Kea 2.2-style statistics set stays exact.
"""

from __future__ import annotations

from nestor.config.model import Config, Subnet
from nestor.leases.lease import Lease, Lease4, LeaseState, LeaseType
from nestor.stats.manager import StatsManager

DECLINED = LeaseState.DECLINED
RECLAIMED = LeaseState.EXPIRED_RECLAIMED
ASSIGNED = "assigned-addresses"
DECLINED_NAME = "declined-addresses"


WIPED = {4: (ASSIGNED, DECLINED_NAME), 6: ("assigned-nas", "assigned-pds", DECLINED_NAME)}


def subnet_stat(subnet_id: int, name: str) -> str:
    return f"subnet[{subnet_id}].{name}"


def assigned_name(lease: Lease) -> str:
    if isinstance(lease, Lease4):
        return ASSIGNED
    return "assigned-nas" if lease.type == LeaseType.NA else "assigned-pds"


def _pool_scope(subnet: Subnet, lease: Lease) -> str | None:
    """``pool[i]`` or ``pd-pool[i]`` of the pool holding the lease, if any."""
    if isinstance(lease, Lease4) or lease.type == LeaseType.NA:
        index = next((i for i, p in enumerate(subnet.pools) if p.first <= lease.addr <= p.last),
                     None)
        return None if index is None else f"pool[{index}]"
    if lease.type != LeaseType.PD:
        return None
    index = next((i for i, p in enumerate(subnet.pd_pools)
                  if lease.address in p.prefix), None)
    return None if index is None else f"pd-pool[{index}]"


class LeaseStats:
    """Counter changes for one configuration and statistics manager."""

    def __init__(self, config: Config | None, stats: StatsManager) -> None:
        self.config = config
        self.stats = stats

    def bump(self, lease: Lease, name: str, delta: int, glob: bool = False) -> None:
        """``delta`` on the subnet's statistic, its pool's if kept, and the global one."""
        self.stats.add(subnet_stat(lease.subnet_id, name), delta)
        if glob:
            self.stats.add(name, delta)
        subnet = self.config.subnet_by_id(lease.subnet_id) if self.config is not None else None
        scope = _pool_scope(subnet, lease) if subnet is not None else None
        if scope is not None:
            pool_name = f"subnet[{lease.subnet_id}].{scope}.{name}"
            if pool_name in self.stats:
                self.stats.add(pool_name, delta)

    def _count(self, lease: Lease, delta: int) -> None:
        self.bump(lease, assigned_name(lease), delta)
        if lease.state == DECLINED:
            self.bump(lease, DECLINED_NAME, delta, glob=True)

    def added(self, lease: Lease) -> None:
        if lease.state != RECLAIMED:
            self._count(lease, 1)

    def deleted(self, lease: Lease) -> None:
        if lease.state != RECLAIMED:
            self._count(lease, -1)

    def updated(self, old: Lease, new: Lease) -> None:
        if old.state == RECLAIMED:
            self.added(new)
            return
        moved = old.subnet_id != new.subnet_id
        if moved:
            self.bump(old, assigned_name(new), -1)  # Kea names it after the new lease
        if old.state == DECLINED:
            self.bump(old, DECLINED_NAME, -1, glob=True)
        if new.state == RECLAIMED:
            return
        if moved:
            self.bump(new, assigned_name(new), 1)
        if new.state == DECLINED:
            self.bump(new, DECLINED_NAME, 1, glob=True)

    def wiped(self, subnet_id: int, family: int = 4) -> None:
        """After wiping one subnet: its counters restart at 0 (created if missing, even
        for an unknown subnet, as Kea does) and the global declined count loses the
        subnet's."""
        previous = self.stats.value(subnet_stat(subnet_id, DECLINED_NAME))
        for name in WIPED[family]:
            self.stats.set(subnet_stat(subnet_id, name), 0)
        self.stats.add(DECLINED_NAME, -previous if isinstance(previous, int) else 0)

    def wiped_all(self, subnet_ids: list[int], family: int = 4) -> None:
        for subnet_id in subnet_ids:
            for name in WIPED[family]:
                self.stats.set(subnet_stat(subnet_id, name), 0)
        self.stats.set(DECLINED_NAME, 0)
