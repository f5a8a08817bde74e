"""Expiration order for lease reclamation: a binary heap with lazy deletion.

Kea's memfile keeps an ordered index on (reclaimed?, expiry time). A heap gives
the same "soonest expiry first" walk at O(log n) per change without a sorted
container: every time a lease gets a new expiry the store pushes one more
entry, and entries that no longer match the stored lease (renewed, deleted,
reclaimed) are recognised and dropped when they reach the top.

An entry is one int, ``expire << addr_bits | addr``: ints order like the
(expire, addr) pair, cost one object, and compare in C.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class ExpiryQueue(Generic[T]):
    """Entries (expire, addr); a ``current`` callback says which are still live."""

    __slots__ = ("_heap", "_mask", "_shift")

    def __init__(self, addr_bits: int) -> None:
        self._heap: list[int] = []
        self._shift = addr_bits
        self._mask = (1 << addr_bits) - 1

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, expire: int, addr: int) -> None:
        heapq.heappush(self._heap, (expire << self._shift) | addr)

    def rebuild(self, entries: Iterable[tuple[int, int]]) -> None:
        """Replace the content by exactly ``entries`` (drops every stale entry)."""
        shift = self._shift
        self._heap = [(expire << shift) | addr for expire, addr in entries]
        heapq.heapify(self._heap)

    def take_due(self, until: int, limit: int, current: Callable[[int, int], T | None],
                 keep: bool) -> list[T]:
        """Live items expiring at or before ``until``, soonest first, at most ``limit``
        (0 = no limit). ``current(expire, addr)`` returns the item an entry stands for,
        or None when the entry is stale. With ``keep`` the live entries stay queued
        (a query); without, the caller is about to remove those items."""
        heap, shift, mask = self._heap, self._shift, self._mask
        found: list[T] = []
        taken: list[int] = []
        seen: set[int] = set()
        while heap and (limit == 0 or len(found) < limit):
            key = heap[0]
            expire = key >> shift
            if expire > until:
                break
            heapq.heappop(heap)
            addr = key & mask
            item = current(expire, addr)
            # The same expiry can be queued twice (A -> B -> A); report the item once.
            if item is None or addr in seen:
                continue
            seen.add(addr)
            found.append(item)
            taken.append(key)
        if keep:
            for key in taken:
                heapq.heappush(heap, key)
        return found
