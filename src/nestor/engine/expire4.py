"""Expired lease reclamation, driven by ``expired-leases-processing`` (Kea ARM "Lease
Reclamation").

One :meth:`Reclaimer.run` is one pass of Kea's reclamation timer
(``reclaim-timer-wait-time``): at most ``max-reclaim-leases`` leases (0: all)
and, after the first, no longer than ``max-reclaim-time`` milliseconds (0: no
limit). With ``hold-reclaimed-time`` (or ``flush-reclaimed-timer-wait-time``)
0 reclaimed leases are deleted at once; otherwise they stay expired-reclaimed
(the client may come back to the same address) and :meth:`Reclaimer.flush`,
Kea's other timer, deletes those expired for ``hold-reclaimed-time``.
Declined leases whose probation ended are always deleted: nobody owns them.
After more than ``unwarned-reclaim-cycles`` consecutive incomplete passes
``slow`` is raised once, for the server to log Kea's
``ALLOC_ENGINE_V4_LEASES_RECLAMATION_SLOW``.
"""

from __future__ import annotations

from collections.abc import Callable

from nestor.config.model import Config
from nestor.engine.lease4 import LeaseBook


def _setting(config: Config, key: str, default: int) -> int:
    section = config.globals.get("expired-leases-processing")
    value = section.get(key, default) if isinstance(section, dict) else default
    return int(value) if isinstance(value, int) else default


class Reclaimer:
    def __init__(self, config: Config, book: LeaseBook, clock: Callable[[], float]) -> None:
        self.book = book
        self.clock = clock
        self.max_leases = _setting(config, "max-reclaim-leases", 100)
        self.max_time_ms = _setting(config, "max-reclaim-time", 250)
        self.hold = _setting(config, "hold-reclaimed-time", 3600)
        # Kea keeps reclaimed leases only when something will flush them later
        # (CfgExpiration::setupTimers: both the hold time and the flush timer set).
        flush_every = _setting(config, "flush-reclaimed-timer-wait-time", 25)
        self.remove = not (self.hold and flush_every)
        self.unwarned = _setting(config, "unwarned-reclaim-cycles", 5)
        self.incomplete_cycles = 0
        self.slow = False

    def run(self, now: int) -> int:
        start = self.clock()
        limit_ms = self.max_time_ms

        def out_of_time() -> bool:
            return limit_ms > 0 and (self.clock() - start) * 1000 >= limit_ms

        done, incomplete = self.book.reclaim_batch(now, self.max_leases, out_of_time,
                                                   remove=self.remove)
        self.slow = False
        if incomplete:
            self.incomplete_cycles += 1
            if self.unwarned and self.incomplete_cycles > self.unwarned:
                self.slow = True
                self.incomplete_cycles = 0
        else:
            self.incomplete_cycles = 0
        return done

    def flush(self, now: int) -> int:
        """Delete expired-reclaimed leases held for ``hold-reclaimed-time`` already."""
        return self.book.store.delete_expired_reclaimed(now, self.hold)
