"""In-memory lease stores: the indexes behind memfile (and memfile with ``persist: false``).

Layout, chosen for the DORA hot path and for memory per lease:

* ``_leases``: address -> lease, the primary (unique) index.
* client indexes (v4: hardware address, client identifier; v6: DUID) are keyed
  by the lease's own ``bytes`` object, so they cost a dict slot and no new key
  object. A key with one lease maps straight to it; a key shared by several
  leases maps to an {address: lease} dict. Lookups "in subnet S" filter that
  handful of leases. Empty hardware addresses (declined v4 leases) are not
  indexed: nobody looks a client up by "no address".
* two :class:`ExpiryQueue` heaps, one for leases awaiting reclamation and one
  for expired-reclaimed leases awaiting deletion (Kea's expiration index).
* per-(subnet, state) counters kept up to date on every change, so statistics
  never scan.
* a sorted address list built on demand for address-ordered answers
  (``lease4-get-all``, paging) and dropped when an address comes or goes.

Subclasses hook :meth:`_record` to persist each change (memfile appends a row).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from nestor.leases.expiry import ExpiryQueue
from nestor.leases.lease import Lease4, Lease6, LeaseState
from nestor.leases.store import LeaseStore4, LeaseStore6, NoSuchLease

L = TypeVar("L", Lease4, Lease6)


class _Addressed(Protocol):
    addr: int


T = TypeVar("T", bound=_Addressed)

RECLAIMED = LeaseState.EXPIRED_RECLAIMED
# Rebuild a heap when stale entries outnumber live leases by this many (amortised O(1)).
_HEAP_SLACK = 1024


def bucket_add(index: dict[bytes, T | dict[int, T]], key: bytes, lease: T) -> None:
    current = index.get(key)
    if current is None:
        index[key] = lease
    elif isinstance(current, dict):
        current[lease.addr] = lease
    else:
        index[key] = {current.addr: current, lease.addr: lease}


def bucket_remove(index: dict[bytes, T | dict[int, T]], key: bytes, lease: T) -> None:
    current = index.get(key)
    if current is None:
        return
    if isinstance(current, dict):
        current.pop(lease.addr, None)
        if len(current) == 1:
            index[key] = next(iter(current.values()))
        elif not current:
            del index[key]
    elif current.addr == lease.addr:
        del index[key]


def bucket_replace(index: dict[bytes, T | dict[int, T]], key: bytes, lease: T) -> None:
    """Point an existing entry (same key, same address) at a new lease object."""
    current = index.get(key)
    if isinstance(current, dict):
        current[lease.addr] = lease
    else:
        index[key] = lease


def bucket_items(bucket: T | dict[int, T] | None) -> list[T]:
    if bucket is None:
        return []
    if isinstance(bucket, dict):
        return list(bucket.values())
    return [bucket]


def _reindex(index: dict[bytes, T | dict[int, T]], old_key: bytes | None,
             new_key: bytes | None, old: T, new: T) -> None:
    """Move ``old`` to ``new`` in a client index; a None or empty key is not indexed."""
    if old_key == new_key:
        if new_key:
            bucket_replace(index, new_key, new)
        return
    if old_key:
        bucket_remove(index, old_key, old)
    if new_key:
        bucket_add(index, new_key, new)


class _MemoryBase(Generic[L]):
    """Everything that does not depend on the address family."""

    _ADDR_BITS = 32

    def __init__(self) -> None:
        self._leases: dict[int, L] = {}
        self._counts: dict[tuple[int, ...], int] = {}
        self._active: ExpiryQueue[L] = ExpiryQueue(self._ADDR_BITS)
        self._reclaimed: ExpiryQueue[L] = ExpiryQueue(self._ADDR_BITS)
        self._sorted: list[int] | None = None

    # Family hooks ------------------------------------------------------------------
    def _index_add(self, lease: L) -> None:
        raise NotImplementedError

    def _index_remove(self, lease: L) -> None:
        raise NotImplementedError

    def _index_replace(self, old: L, new: L) -> None:
        raise NotImplementedError

    def _count_key(self, lease: L) -> tuple[int, ...]:
        raise NotImplementedError

    def _clear_indexes(self) -> None:
        raise NotImplementedError

    def _record(self, lease: L, deleted: bool) -> None:
        """Persist one change before memory changes; may raise to refuse it."""

    # Changes ---------------------------------------------------------------------------
    def add(self, lease: L) -> bool:
        if lease.addr in self._leases:
            return False
        self._record(lease, False)
        self._insert(lease)
        return True

    def update(self, lease: L) -> None:
        old = self._leases.get(lease.addr)
        if old is None:
            raise NoSuchLease(f"failed to update the lease with address {lease.address}"
                              " - no such lease")
        if old is lease:
            raise ValueError("update() needs a new lease object: copy() the stored lease "
                             "and change the copy")
        self._record(lease, False)
        self._leases[lease.addr] = lease
        self._index_replace(old, lease)
        old_key, new_key = self._count_key(old), self._count_key(lease)
        if old_key != new_key:
            self._bump(old_key, -1)
            self._bump(new_key, 1)
        if old.expire != lease.expire or (old.state == RECLAIMED) != (lease.state == RECLAIMED):
            self._queue(lease)

    def delete(self, lease: L) -> bool:
        old = self._leases.get(lease.addr)
        if old is None:
            return False
        self._record(old, True)
        del self._leases[old.addr]
        self._index_remove(old)
        self._bump(self._count_key(old), -1)
        self._sorted = None
        return True

    def _insert(self, lease: L) -> None:
        self._leases[lease.addr] = lease
        self._index_add(lease)
        self._bump(self._count_key(lease), 1)
        self._queue(lease)
        self._sorted = None

    def _bump(self, key: tuple[int, ...], delta: int) -> None:
        value = self._counts.get(key, 0) + delta
        if value:
            self._counts[key] = value
        else:
            del self._counts[key]

    def _queue(self, lease: L) -> None:
        queue = self._reclaimed if lease.state == RECLAIMED else self._active
        queue.push(lease.expire, lease.addr)
        if len(queue) > 2 * len(self._leases) + _HEAP_SLACK:
            self._rebuild_queues()

    def _rebuild_queues(self) -> None:
        leases = self._leases.values()
        self._active.rebuild((x.expire, x.addr) for x in leases if x.state != RECLAIMED)
        self._reclaimed.rebuild((x.expire, x.addr) for x in leases if x.state == RECLAIMED)

    def _load(self, leases: Iterable[L]) -> None:
        """Replace the whole content (used after reading lease files): one pass, no churn."""
        self._leases = {}
        self._counts = {}
        self._clear_indexes()
        self._sorted = None
        for lease in leases:
            self._leases[lease.addr] = lease
            self._index_add(lease)
            self._bump(self._count_key(lease), 1)
        self._rebuild_queues()

    # Queries ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._leases)

    def _addresses(self) -> list[int]:
        if self._sorted is None:
            self._sorted = sorted(self._leases)
        return self._sorted

    def all(self) -> list[L]:
        leases = self._leases
        return [leases[a] for a in self._addresses()]

    def page(self, after: int | None, limit: int) -> list[L]:
        addrs = self._addresses()
        start = 0 if after is None else bisect.bisect_right(addrs, after)
        leases = self._leases
        return [leases[a] for a in addrs[start:start + limit]]

    def get_by_subnet(self, subnet_id: int) -> list[L]:
        return [x for x in self.all() if x.subnet_id == subnet_id]

    def get_by_hostname(self, hostname: str) -> list[L]:
        return [x for x in self.all() if x.hostname == hostname]

    def _current(self, reclaimed: bool) -> Callable[[int, int], L | None]:
        leases = self._leases

        def current(expire: int, addr: int) -> L | None:
            lease = leases.get(addr)
            if lease is None or lease.expire != expire or (lease.state == RECLAIMED) != reclaimed:
                return None
            return lease
        return current

    def expired(self, now: int, limit: int = 0) -> list[L]:
        return self._active.take_due(now, limit, self._current(False), keep=True)

    def delete_expired_reclaimed(self, now: int, secs: int) -> int:
        due = self._reclaimed.take_due(now - secs, 0, self._current(True), keep=False)
        for lease in due:
            self.delete(lease)
        return len(due)

    def wipe(self, subnet_id: int) -> int:
        victims = self.get_by_subnet(subnet_id)
        for lease in victims:
            self.delete(lease)
        return len(victims)

    def commit(self) -> None:
        """Nothing to do in memory."""

    def close(self) -> None:
        self.commit()


class MemoryStore4(_MemoryBase[Lease4], LeaseStore4):
    """DHCPv4 leases in memory only (memfile with ``persist: false``)."""

    def __init__(self) -> None:
        super().__init__()
        self._by_hw: dict[bytes, Lease4 | dict[int, Lease4]] = {}
        self._by_cid: dict[bytes, Lease4 | dict[int, Lease4]] = {}

    def _clear_indexes(self) -> None:
        self._by_hw = {}
        self._by_cid = {}

    def _index_add(self, lease: Lease4) -> None:
        if lease.hwaddr:
            bucket_add(self._by_hw, lease.hwaddr, lease)
        if lease.client_id:
            bucket_add(self._by_cid, lease.client_id, lease)

    def _index_remove(self, lease: Lease4) -> None:
        if lease.hwaddr:
            bucket_remove(self._by_hw, lease.hwaddr, lease)
        if lease.client_id:
            bucket_remove(self._by_cid, lease.client_id, lease)

    def _index_replace(self, old: Lease4, new: Lease4) -> None:
        _reindex(self._by_hw, old.hwaddr, new.hwaddr, old, new)
        _reindex(self._by_cid, old.client_id, new.client_id, old, new)

    def _count_key(self, lease: Lease4) -> tuple[int, ...]:
        return (lease.subnet_id, lease.state)

    def get(self, addr: int) -> Lease4 | None:
        return self._leases.get(addr)

    def get_by_hwaddr(self, hwaddr: bytes) -> list[Lease4]:
        return bucket_items(self._by_hw.get(hwaddr))

    def get_by_hwaddr_subnet(self, hwaddr: bytes, subnet_id: int) -> Lease4 | None:
        return _first_in_subnet(self._by_hw.get(hwaddr), subnet_id)

    def get_by_client_id(self, client_id: bytes) -> list[Lease4]:
        return bucket_items(self._by_cid.get(client_id))

    def get_by_client_id_subnet(self, client_id: bytes, subnet_id: int) -> Lease4 | None:
        return _first_in_subnet(self._by_cid.get(client_id), subnet_id)

    def counts(self) -> dict[tuple[int, int], int]:
        return {(k[0], k[1]): v for k, v in self._counts.items()}


class MemoryStore6(_MemoryBase[Lease6], LeaseStore6):
    """DHCPv6 leases in memory only (memfile with ``persist: false``)."""

    _ADDR_BITS = 128

    def __init__(self) -> None:
        super().__init__()
        self._by_duid: dict[bytes, Lease6 | dict[int, Lease6]] = {}

    def _clear_indexes(self) -> None:
        self._by_duid = {}

    def _index_add(self, lease: Lease6) -> None:
        bucket_add(self._by_duid, lease.duid, lease)

    def _index_remove(self, lease: Lease6) -> None:
        bucket_remove(self._by_duid, lease.duid, lease)

    def _index_replace(self, old: Lease6, new: Lease6) -> None:
        _reindex(self._by_duid, old.duid, new.duid, old, new)

    def _count_key(self, lease: Lease6) -> tuple[int, ...]:
        return (lease.subnet_id, lease.type, lease.state)

    def get(self, lease_type: int, addr: int) -> Lease6 | None:
        lease = self._leases.get(addr)
        return lease if lease is not None and lease.type == lease_type else None

    def get_any(self, addr: int) -> Lease6 | None:
        return self._leases.get(addr)

    def get_by_duid(self, duid: bytes) -> list[Lease6]:
        return bucket_items(self._by_duid.get(duid))

    def get_by_duid_iaid(self, lease_type: int, duid: bytes, iaid: int,
                         subnet_id: int | None = None) -> list[Lease6]:
        return [x for x in bucket_items(self._by_duid.get(duid))
                if x.iaid == iaid and x.type == lease_type
                and (subnet_id is None or x.subnet_id == subnet_id)]

    def counts(self) -> dict[tuple[int, int, int], int]:
        return {(k[0], k[1], k[2]): v for k, v in self._counts.items()}


def _first_in_subnet(bucket: Lease4 | dict[int, Lease4] | None, subnet_id: int) -> Lease4 | None:
    if bucket is None:
        return None
    if isinstance(bucket, dict):
        return next((x for x in bucket.values() if x.subnet_id == subnet_id), None)
    return bucket if bucket.subnet_id == subnet_id else None
