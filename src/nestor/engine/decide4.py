"""Which lease a DISCOVER is offered and a REQUEST is given: Kea's ``AllocEngine`` rules.

DISCOVER (``discoverLease4``), in order: the client's reserved address; the
lease it already has, if still in a pool it may use and not reserved for
someone else; the address it asks for (option 50) under the same conditions;
a free address from the pools. Nothing is stored unless ``offer-lifetime`` asks
to hold the offered address.

REQUEST (``requestLease4``): the address asked for (option 50, else ciaddr)
must not be reserved for another client nor held by one; a client with a
reservation asking for another address is refused while the reserved address
is free; an address out of the pools is only given when it is the client's
reservation. The client's own lease is renewed in place; a new address
replaces the client's previous lease.

A renewal may reuse the stored lease unchanged (lease caching, ``cache-threshold``
/ ``cache-max-age``); the client is then told the remaining lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass

from nestor.config.model import Subnet
from nestor.engine import log4
from nestor.engine.alloc import PoolCursor, Pools
from nestor.engine.classify import Classifier
from nestor.engine.client4 import (
    Client,
    address_reserved,
    find_client_lease,
    in_allowed_pool,
    offer_lifetime,
    reserved_address,
    valid_lifetime,
)
from nestor.engine.hostres import HostIndex
from nestor.engine.lease4 import LeaseBook, belongs_to, expired, usable_by_other
from nestor.engine.names4 import ClientName
from nestor.engine.select import SubnetSelector
from nestor.leases.lease import INFINITY_LFT, Lease4, LeaseState


@dataclass(slots=True)
class Grant:
    """The outcome of an allocation: the lease and the lifetime the client is told."""

    lease: Lease4
    lifetime: int
    reused: bool = False


@dataclass(slots=True)
class Allocation:
    """Per-query allocation state (Kea's ``ClientContext4`` allocation fields)."""

    c: Client
    fake: bool  # a DISCOVER: nothing is stored unless offer_lft
    requested: int
    name: ClientName | None  # the reply's name option: the lease keeps its name
    user_context: dict[str, object] | None
    offer_lft: int = 0
    unknown_requested: bool = False
    conflict: Lease4 | None = None
    old: Lease4 | None = None


class Decider:
    """Allocation decisions over the configuration's pools, hosts and lease book."""

    def __init__(self, book: LeaseBook, pools: Pools, hosts: HostIndex,
                 classifier: Classifier, selector: SubnetSelector,
                 exclude_first_last_24: bool = False) -> None:
        self.exclude_24 = exclude_first_last_24
        self.selector = selector
        self.book = book
        self.store = book.store
        self.pools = pools
        self.hosts = hosts
        self.classifier = classifier

    # -- entry points -----------------------------------------------------------------
    def discover(self, a: Allocation) -> Grant | None:
        c = a.c
        client_lease = find_client_lease(c, self.store)
        a.offer_lft = offer_lifetime(c, self.classifier)
        grant: Grant | None = None
        reserved = reserved_address(c, self.pools)
        if reserved:
            if client_lease is None or client_lease.addr != reserved:
                grant = self._allocate_or_reuse(reserved, a)
                if grant is None and a.conflict is not None:
                    self.book.bump(a.conflict.subnet_id, "v4-reservation-conflicts", glob=True)
            else:
                grant = self._renew(client_lease, a)
        if grant is None and client_lease is not None \
                and in_allowed_pool(c, client_lease.addr, self.pools) \
                and not address_reserved(c, client_lease.addr, self.hosts, self.pools):
            if a.offer_lft and c.now + a.offer_lft < client_lease.expire:
                a.offer_lft = 0  # the lease outlives the offer: just offer it
            grant = self._renew(client_lease, a)
        if grant is None and a.requested and in_allowed_pool(c, a.requested, self.pools) \
                and not address_reserved(c, a.requested, self.hosts, self.pools):
            grant = self._allocate_or_reuse(a.requested, a)
        if grant is None:
            grant = self._unreserved(a)
        return grant

    def request(self, a: Allocation) -> Grant | None:
        c = a.c
        client_lease = find_client_lease(c, self.store)
        if a.requested:
            if address_reserved(c, a.requested, self.hosts, self.pools):
                return None
            reserved = reserved_address(c, self.pools)
        else:
            reserved = reserved_address(c, self.pools)
            a.requested = reserved
        if a.requested and not self._requested_ok(a, reserved):
            return None
        if client_lease is not None \
                and (client_lease.addr == a.requested or not a.requested) \
                and ((reserved and reserved == a.requested)
                     or in_allowed_pool(c, client_lease.addr, self.pools)):
            return self._renew(client_lease, a)
        grant = self._allocate_or_reuse(a.requested, a) if a.requested \
            else self._unreserved(a)
        if grant is not None and client_lease is not None \
                and client_lease.addr != grant.lease.addr:
            a.old = client_lease
            self.book.remove_old(client_lease)
        return grant

    def _requested_ok(self, a: Allocation, reserved: int) -> bool:
        c, want = a.c, a.requested
        existing = self.store.get(want)
        if existing is not None and not expired(existing, c.now) \
                and not belongs_to(existing, c.hwaddr, c.cid_for(c.subnet)):
            return False  # in use by another client
        if reserved and reserved != want:
            held = self.store.get(reserved)
            if held is None or expired(held, c.now):
                return False  # go back to DISCOVER and get the reserved address
        if (reserved and reserved == want) or in_allowed_pool(c, want, self.pools):
            return True
        a.unknown_requested = True  # out of every pool the client may use
        return False

    # -- building blocks --------------------------------------------------------------
    def _new_lease(self, a: Allocation, addr: int, valid: int) -> Lease4:
        c = a.c
        hit = self.pools.by_subnet[c.subnet.id].pool_of(addr)
        name = a.name.resolve(addr) if a.name is not None else None
        return Lease4(addr, c.hwaddr, c.cid_for(c.subnet), valid, c.now, c.subnet.id,
                      fqdn_fwd=name is not None and name.fwd,
                      fqdn_rev=name is not None and name.rev,
                      hostname=name.hostname if name is not None else "",
                      user_context=a.user_context, pool_id=hit.index if hit is not None else 0)

    def _persist(self, a: Allocation) -> bool:
        return not a.fake or a.offer_lft > 0

    def _allocate_or_reuse(self, addr: int, a: Allocation) -> Grant | None:
        """Kea's ``allocateOrReuseLease4``: a free or expired address becomes the
        client's; a live lease of another client is a conflict."""
        a.conflict = None
        existing = self.store.get(addr)
        if existing is not None and not usable_by_other(existing, a.c.now):
            a.conflict = existing
            return None
        return self._create(addr, a, existing)

    def _create(self, addr: int, a: Allocation, existing: Lease4 | None) -> Grant | None:
        valid = valid_lifetime(a.c, self.classifier)
        lease = self._new_lease(a, addr, a.offer_lft or valid)
        if self._persist(a):
            if existing is None:
                if not self.book.add(lease):
                    return None
            else:
                a.old = existing
                self.book.take_over(existing, lease)
        return Grant(lease, valid)

    def _renew(self, old: Lease4, a: Allocation) -> Grant:
        """Kea's ``renewLease4``: refresh the client's lease, or reuse it unchanged."""
        c = a.c
        valid = valid_lifetime(c, self.classifier)
        new = self._new_lease(a, old.addr, a.offer_lft or valid)
        new.user_context = merge_context(old.user_context, a.user_context)
        a.old = old
        remaining = 0
        if _same(old, new):
            remaining = _reusable(old, new, c)
        if remaining:
            return Grant(old, remaining, reused=True)
        if self._persist(a):
            self.book.take_over(old, new)
        return Grant(new, valid)

    def _unreserved(self, a: Allocation) -> Grant | None:
        """Kea's ``allocateUnreservedLease4``: walk the pools of every permitted subnet,
        in a shared network starting from the subnet that allocated last."""
        c = a.c
        if c.subnet.shared_network:
            c.subnet = self.pools.preferred(c.subnet, self.selector.members(c.subnet),
                                            self.selector.guard)
        tried = self.selector.network(c.subnet, c.classes)
        for s in tried:
            c.subnet = s
            hit = self.pools.by_subnet[s.id].find(c.classes, lambda addr: self._free(addr, a),
                                        self.pools.rng)
            if hit is not None:
                grant = self._take(hit, a)
                if grant is not None:
                    return grant
        # Kea counts (and logs) the failure on the subnet it tried last.
        self._count_failure(a, tried)
        return None

    def _free(self, addr: int, a: Allocation) -> bool:
        if self.exclude_24 and addr & 0xFF in (0, 0xFF) and a.c.subnet.prefix.prefixlen <= 24:
            return False  # compatibility.exclude-first-last-24 (Kea 2.4+)
        existing = self.store.get(addr)
        if existing is not None and not usable_by_other(existing, a.c.now):
            return False
        return not address_reserved(a.c, addr, self.hosts, self.pools)

    def _take(self, hit: tuple[int, PoolCursor], a: Allocation) -> Grant | None:
        addr = hit[0]
        return self._create(addr, a, self.store.get(addr))

    def _count_failure(self, a: Allocation, tried: list[Subnet]) -> None:
        """The failure statistics Kea bumps, and the warnings it logs, when no address
        could be found in the subnets ``tried``."""
        c, bump = a.c, self.book.bump
        # Per subnet, the addresses Kea's allocator would try: its permitted pools' size.
        capacities = [sum(p.pool.size for p in self.pools[s.id].permitted(c.classes))
                      for s in tried]
        tried_pools = any(capacities)
        log4.allocation_failed(c.query, c.subnet, c.subnet.shared_network, capacities,
                               c.classes)
        kind = "shared-network" if c.subnet.shared_network else "subnet"
        bump(c.subnet.id, f"v4-allocation-fail-{kind}", glob=True)
        bump(c.subnet.id, "v4-allocation-fail" if tried_pools else "v4-allocation-fail-no-pools",
             glob=True)
        if c.classes:
            # Every query is in ALL, so Kea counts this one on each failure.
            bump(c.subnet.id, "v4-allocation-fail-classes", glob=True)


def merge_context(old: dict[str, object] | None,
                  extended: dict[str, object] | None) -> dict[str, object] | None:
    """The stored user context with fresh relay information (Kea's
    ``updateUserContextISC``): other keys the operator or a hook put there stay."""
    if extended is None:
        return old
    if not old:
        return extended
    merged = dict(old)
    isc = merged.get("ISC")
    merged["ISC"] = {**isc, **extended["ISC"]} if isinstance(isc, dict) \
        and isinstance(extended["ISC"], dict) else extended["ISC"]
    return merged


def _same(old: Lease4, new: Lease4) -> bool:
    """No change worth writing (Kea's ``updateLease4Information`` returning false)."""
    return (old.subnet_id == new.subnet_id and old.hwaddr == new.hwaddr
            and old.client_id == new.client_id and old.valid_lft == new.valid_lft
            and old.hostname == new.hostname and old.fqdn_fwd == new.fqdn_fwd
            and old.fqdn_rev == new.fqdn_rev and old.user_context == new.user_context)


def _reusable(old: Lease4, new: Lease4, c: Client) -> int:
    """Kea's ``setLeaseReusable``: the remaining lifetime when the cached lease may be
    handed out again unchanged, else 0."""
    if old.state != LeaseState.DEFAULT:
        return 0
    if new.valid_lft == INFINITY_LFT:
        return INFINITY_LFT
    age = c.now - old.cltt
    if age < 0 or age >= old.valid_lft:
        return 0
    p = c.subnet.params
    max_age = 0
    if p.cache_max_age is not None:
        max_age = p.cache_max_age
        if max_age == 0 or age > max_age:
            return 0
    if p.cache_threshold is not None:
        if not 0.0 < p.cache_threshold <= 1.0:
            return 0
        max_age = int(new.valid_lft * p.cache_threshold)
        if age > max_age:
            return 0
    if max_age == 0:
        return 0
    return old.valid_lft - age
