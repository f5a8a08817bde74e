"""Free address search in a subnet's pools: Kea's iterative and random allocators.

Iterative (Kea's default, ``IterativeAllocator``) hands out candidates in one
sequence over the pools a client may use, in configuration order: each pool
remembers the address it handed out last, the subnet remembers the last address
of all; the next candidate follows the subnet's last address, moves to the next
pool at a pool's end, and rewinds to the first pool once every pool ran out.
Every candidate counts as handed out, whether or not it turns out to be free:
the same sequence Kea produces, so two servers fed the same queries offer the
same addresses. The search asks ``usable`` for at most as many candidates as
the pools hold; with mostly free pools the first candidate is free, so a
DISCOVER costs one lease-store lookup, whatever the pool size.

Random (Kea 2.4+ ``random``): a few random probes (one lookup each), then an
iterative walk from a random start so that a nearly full pool still finds its
last free address. ``flq`` (free lease queue) is served by the iterative
search, which gives free addresses in the same order for a fresh pool.

Each subnet also keeps a "last allocation" stamp: Kea starts the search in a
shared network from the subnet that allocated most recently
(``SharedNetwork4::getPreferredSubnet``). A counter replaces Kea's clock; only
the order matters.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Container, Hashable, Sequence
from dataclasses import dataclass

from nestor.config.model import Pool, Subnet

# Random probes before falling back to a walk (a half-full pool fails 16 in a row
# with probability 2**-16).
RANDOM_PROBES = 16
_stamps = itertools.count(1)


def allowed(guard: Sequence[str], classes: Container[str]) -> bool:
    """Kea's ``clientSupported``: no guard, or the client is in one of its classes."""
    return not guard or any(name in classes for name in guard)


@dataclass(slots=True)
class PoolCursor:
    pool: Pool
    index: int  # position in the subnet's pool list: Kea's pool id for statistics
    cursor: int  # the pool's last handed-out address (Kea's Pool::last_allocated_)
    valid: bool = False  # Kea's last_allocated_valid_: False = start at ``cursor``


class SubnetPools:
    """The pools of one subnet with the allocator state."""

    __slots__ = ("by_start", "guarded", "kind", "last", "ordered", "size", "stamp", "starts")

    def __init__(self, subnet: Subnet) -> None:
        self.ordered = [PoolCursor(p, i, p.first) for i, p in enumerate(subnet.pools)]
        self.by_start = sorted(self.ordered, key=lambda c: c.pool.first)
        self.starts = [c.pool.first for c in self.by_start]
        # Without class guards on pools every client may use all of them: the list
        # and its total size are then the same for every query.
        self.guarded = any(c.pool.client_classes for c in self.ordered)
        self.size = sum(c.pool.size for c in self.ordered)
        self.kind = subnet.params.allocator or "iterative"
        # Kea starts a subnet's sequence at its broadcast address, in no pool.
        self.last = int(subnet.prefix.broadcast_address)
        self.stamp = 0

    def pool_of(self, addr: int) -> PoolCursor | None:
        """The pool holding ``addr`` (pools of a subnet never overlap)."""
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0 and addr <= self.by_start[i].pool.last:
            return self.by_start[i]
        return None

    def in_allowed_pool(self, addr: int, classes: Container[str]) -> PoolCursor | None:
        found = self.pool_of(addr)
        if found is not None and allowed(found.pool.client_classes, classes):
            return found
        return None

    def permitted(self, classes: Container[str]) -> list[PoolCursor]:
        """The pools the client may use, in configuration order (not to be changed)."""
        if not self.guarded:
            return self.ordered
        return [c for c in self.ordered if allowed(c.pool.client_classes, classes)]

    def find(self, classes: Container[str], usable: Callable[[int], bool],
             rng: random.Random) -> tuple[int, PoolCursor] | None:
        """A usable address from a pool the client may use, or None when exhausted."""
        order = self.permitted(classes)
        if not order:
            return None
        self.stamp = next(_stamps)
        if self.kind == "random":
            return _random(order, usable, rng)
        size = self.size if order is self.ordered else sum(c.pool.size for c in order)
        for _ in range(size):
            addr, c = self._pick(order)
            if usable(addr):
                return addr, c
        return None

    def _pick(self, order: list[PoolCursor]) -> tuple[int, PoolCursor]:
        """The next candidate (Kea's ``IterativeAllocator::pickAddressInternal``)."""
        last = self.last
        i = 0  # the pool holding the subnet's last address, else the first
        for n, c in enumerate(order):
            if c.pool.first <= last <= c.pool.last:
                i = n
                break
        while i < len(order):
            c = order[i]
            if not c.valid and c.cursor == c.pool.first:
                return self._hand_out(c, c.cursor)  # a fresh (or rewound) pool
            if c.valid:
                if c.cursor < c.pool.last:
                    return self._hand_out(c, c.cursor + 1)
                c.valid = False  # this pool is done until the rewind
            i += 1
        for c in order:  # every pool ran out: start over from the first
            c.cursor, c.valid = c.pool.first, False
        return self._hand_out(order[0], order[0].pool.first)

    def _hand_out(self, c: PoolCursor, addr: int) -> tuple[int, PoolCursor]:
        c.cursor, c.valid = addr, True
        self.last = addr
        return addr, c


def _random(order: Sequence[PoolCursor], usable: Callable[[int], bool],
            rng: random.Random) -> tuple[int, PoolCursor] | None:
    weights = [c.pool.size for c in order]
    for _ in range(RANDOM_PROBES):
        c = rng.choices(order, weights)[0]
        addr = rng.randint(c.pool.first, c.pool.last)
        if usable(addr):
            return addr, c
    for c in order:
        start = rng.randint(c.pool.first, c.pool.last)
        for lo, hi in ((start, c.pool.last), (c.pool.first, start - 1)):
            for addr in range(lo, hi + 1):
                if usable(addr):
                    return addr, c
    return None


class Pools:
    """Allocator state of every subnet of a configuration."""

    def __init__(self, subnets: Sequence[Subnet], seed: int | None = None) -> None:
        self.by_subnet = {s.id: SubnetPools(s) for s in subnets}
        self.rng = random.Random(seed)

    def __getitem__(self, subnet_id: int) -> SubnetPools:
        return self.by_subnet[subnet_id]

    def preferred(self, selected: Subnet, members: Sequence[Subnet],
                  guard: Callable[[Subnet], Hashable]) -> Subnet:
        """Kea's ``getPreferredSubnet``: the last subnet (in network order) with the same
        class guard that allocated more recently than ``selected``."""
        mine = self.by_subnet[selected.id].stamp
        best = selected
        for s in members:
            if guard(s) == guard(selected) and self.by_subnet[s.id].stamp > mine:
                best = s
        return best
