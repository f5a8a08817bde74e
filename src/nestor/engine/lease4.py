"""Lease changes and the statistics that follow them, as Kea's allocation engine keeps them.

Every change of a lease's life goes through :class:`LeaseBook` so that the
lease store and the statistics never disagree:

* a new lease (or an expired one handed to a new client): ``assigned-addresses``
  and ``cumulative-assigned-addresses`` of the subnet and pool go up, and the
  global cumulative counter;
* reclaiming an expired lease: ``reclaimed-leases`` up, ``assigned-addresses``
  down; a declined one also moves from ``declined-addresses`` to
  ``reclaimed-declined-addresses`` (and is removed, it has no owner any more);
* a release: ``assigned-addresses`` down, the lease is deleted (Kea 2.2);
* a decline: ``declined-addresses`` up; the lease loses its owner and stays in
  probation for ``decline-probation-period`` (it still counts as assigned,
  which is Kea's choice so that utilisation is not under-reported).

Pool-level statistics (Kea 2.4+) are only touched when the server created them
(``ServerStats`` with a version that has them), so a 2.2-style set stays exact.
"""

from __future__ import annotations

from collections.abc import Callable

from nestor.config.model import Config
from nestor.engine.alloc import Pools
from nestor.leases.lease import INFINITY_LFT, Lease4, LeaseState
from nestor.leases.store import LeaseStore4
from nestor.stats.manager import StatsManager

DECLINED = LeaseState.DECLINED
RECLAIMED = LeaseState.EXPIRED_RECLAIMED


def expired(lease: Lease4, now: int) -> bool:
    """Kea's ``Lease::expired``: an infinite lease never expires."""
    return lease.valid_lft != INFINITY_LFT and lease.expire < now


def usable_by_other(lease: Lease4, now: int) -> bool:
    """Whether an address held by ``lease`` may be given to another client."""
    return lease.state == RECLAIMED or expired(lease, now)


def belongs_to(lease: Lease4, hwaddr: bytes, client_id: bytes | None) -> bool:
    """Kea's ``Lease4::belongsToClient``: same client-id when both have one, else the
    same hardware address."""
    if client_id is not None and lease.client_id is not None:
        return client_id == lease.client_id
    return bool(hwaddr) and hwaddr == lease.hwaddr


class LeaseBook:
    """The lease store and the statistics, changed together."""

    def __init__(self, config: Config, store: LeaseStore4, stats: StatsManager,
                 pools: Pools) -> None:
        self.store = store
        self.stats = stats
        self.pools = pools
        self.probation = int(str(config.globals.get("decline-probation-period", 86400)))
        self._names: dict[tuple[int, str, int, bool], tuple[str, str | None, str | None]] = {}

    # -- statistics -------------------------------------------------------------------
    def bump(self, subnet_id: int, name: str, delta: int = 1, addr: int | None = None,
             glob: bool = False, if_kept: bool = False) -> None:
        """Add ``delta`` to ``subnet[id].name``, its pool's, and the global one if asked.

        ``if_kept``: only statistics the server keeps (a Kea generation without
        them, e.g. 2.2 without ``v4-lease-reuses``, must not grow them)."""
        index = self._pool_index(subnet_id, addr) if addr is not None else -1
        self.stats.add_many(self._targets(subnet_id, name, index, glob, if_kept), delta)

    def _pool_index(self, subnet_id: int, addr: int) -> int:
        pools = self.pools.by_subnet.get(subnet_id)
        hit = pools.pool_of(addr) if pools is not None else None
        return hit.index if hit is not None else -1

    def _targets(self, subnet_id: int, name: str, index: int, glob: bool,
                 if_kept: bool) -> list[str]:
        """The statistic names a bump adds to, in order: subnet, global, pool. The pool's
        only when the server keeps it (Kea 2.4+)."""
        key = (subnet_id, name, index, glob)
        names = self._names.get(key)
        if names is None:
            # Formatted once per configuration: the set of keys is bounded by subnets,
            # pools and the few statistic names the engine uses.
            names = self._names[key] = (
                f"subnet[{subnet_id}].{name}", name if glob else None,
                f"subnet[{subnet_id}].pool[{index}].{name}" if index >= 0 else None)
        sname, gname, pname = names
        stats = self.stats
        out = [sname] if not if_kept or sname in stats else []
        if gname is not None and (not if_kept or gname in stats):
            out.append(gname)
        if pname is not None and pname in stats:
            out.append(pname)
        return out

    def _assigned(self, lease: Lease4) -> None:
        subnet_id = lease.subnet_id
        index = self._pool_index(subnet_id, lease.addr)
        targets = self._targets(subnet_id, "assigned-addresses", index, False, False)
        targets += self._targets(subnet_id, "cumulative-assigned-addresses", index, True, False)
        self.stats.add_many(targets, 1)

    def _reclaim_stats(self, old: Lease4) -> None:
        if old.state == DECLINED:
            self.bump(old.subnet_id, "declined-addresses", -1, old.addr, glob=True)
            self.bump(old.subnet_id, "reclaimed-declined-addresses", 1, old.addr, glob=True)
        self.bump(old.subnet_id, "reclaimed-leases", 1, old.addr, glob=True)
        self.bump(old.subnet_id, "assigned-addresses", -1, old.addr)

    # -- changes ----------------------------------------------------------------------
    def add(self, lease: Lease4) -> bool:
        """Store a brand new lease; False if the address was taken meanwhile."""
        if not self.store.add(lease):
            return False
        self._assigned(lease)
        return True

    def take_over(self, old: Lease4, new: Lease4) -> None:
        """Replace a stored lease by ``new`` (same address): a renewal of a live lease
        keeps the counters; an expired or reclaimed one is reclaimed first and counts
        as a new assignment (Kea's ``reuseExpiredLease4``/``renewLease4``)."""
        now = new.cltt
        if old.state != RECLAIMED and expired(old, now):
            self._reclaim_stats(old)
            self._assigned(new)
        elif old.state == RECLAIMED:
            self._assigned(new)
        self.store.update(new)

    def remove_old(self, lease: Lease4) -> None:
        """The client moved to another address: its previous lease goes (Kea's
        ``requestLease4``)."""
        if self.store.delete(lease) and lease.state != RECLAIMED:
            self.bump(lease.subnet_id, "assigned-addresses", -1, lease.addr)

    def release(self, lease: Lease4) -> bool:
        """The client gave the lease back: it is deleted (Kea 2.2). False if it was gone."""
        if not self.store.delete(lease):
            return False
        if lease.state != RECLAIMED:
            self.bump(lease.subnet_id, "assigned-addresses", -1, lease.addr)
        return True

    def decline(self, lease: Lease4, now: int) -> None:
        """Kea's ``Lease4::decline``: no owner, no name, probation lifetime."""
        declined = lease.copy(hwaddr=b"", client_id=None, hostname="", fqdn_fwd=False,
                              fqdn_rev=False, cltt=now, valid_lft=self.probation,
                              state=DECLINED, user_context=None)
        self.store.update(declined)
        self.bump(lease.subnet_id, "declined-addresses", 1, lease.addr, glob=True)

    def reclaim(self, lease: Lease4, remove: bool) -> None:
        """Reclaim one expired lease (Kea's ``reclaimExpiredLease``): declined leases and
        ``remove`` (hold-reclaimed-time 0) delete it, otherwise it is kept as
        expired-reclaimed without client data that no longer applies."""
        self._reclaim_stats(lease)
        if remove or lease.state == DECLINED:
            self.store.delete(lease)
        else:
            self.store.update(lease.copy(state=RECLAIMED, hostname="", fqdn_fwd=False,
                                         fqdn_rev=False, user_context=None))

    def reclaim_batch(self, now: int, limit: int, deadline: Callable[[], bool],
                      remove: bool) -> tuple[int, bool]:
        """Reclaim up to ``limit`` (0: all) expired leases, stopping when ``deadline()``
        says time is up (after at least one). Returns (count, incomplete)."""
        due = self.store.expired(now, limit + 1 if limit else 0)
        incomplete = bool(limit) and len(due) > limit
        if incomplete:
            due = due[:limit]
        done = 0
        for lease in due:
            self.reclaim(lease, remove)
            done += 1
            if deadline():
                incomplete = incomplete or done < len(due)
                break
        return done, incomplete
