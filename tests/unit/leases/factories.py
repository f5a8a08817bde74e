"""Lease store factories for the conformance suite.

Every LeaseStore backend registers a factory here; ``test_conformance4.py`` and
``test_conformance6.py`` run each test against each factory. A factory gets a
fresh temporary folder and returns an empty store. SQL backends will add
entries that skip when their server is not reachable.

``memfile-reopened`` checks persistence through the interface itself: it hands
out a proxy that, before every query, commits, closes the store and opens a
new one on the same file, so each answer comes from what was written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from nestor.leases.memfile import MemfileConfig, MemfileStore4, MemfileStore6
from nestor.leases.memstore import MemoryStore4, MemoryStore6
from nestor.leases.store import LeaseStore4, LeaseStore6

QUERIES = {"get", "get_any", "get_by_hwaddr", "get_by_hwaddr_subnet", "get_by_client_id",
           "get_by_client_id_subnet", "get_by_duid", "get_by_duid_iaid", "all", "page",
           "get_by_subnet", "get_by_hostname", "expired", "counts", "__len__"}


def _memfile_config(tmp: Path, family: int) -> MemfileConfig:
    return MemfileConfig(name=str(tmp / f"kea-leases{family}.csv"), lfc_interval=0)


class Reopening:
    """Wraps a persistent store; every query first reopens it from its file."""

    def __init__(self, opener: Callable[[], Any]) -> None:
        self._opener = opener
        self._store = opener()

    def __getattr__(self, name: str) -> Any:
        if name in QUERIES:
            self._store.close()
            self._store = self._opener()
        return getattr(self._store, name)

    def __len__(self) -> int:
        self._store.close()
        self._store = self._opener()
        return len(self._store)


STORE4_FACTORIES: dict[str, Callable[[Path], LeaseStore4]] = {
    "memory": lambda tmp: MemoryStore4(),
    "memfile": lambda tmp: MemfileStore4(_memfile_config(tmp, 4)),
    "memfile-nopersist": lambda tmp: MemfileStore4(MemfileConfig(persist=False)),
    "memfile-reopened": lambda tmp: Reopening(  # type: ignore[dict-item]
        lambda: MemfileStore4(_memfile_config(tmp, 4))),
}

STORE6_FACTORIES: dict[str, Callable[[Path], LeaseStore6]] = {
    "memory": lambda tmp: MemoryStore6(),
    "memfile": lambda tmp: MemfileStore6(_memfile_config(tmp, 6)),
    "memfile-nopersist": lambda tmp: MemfileStore6(MemfileConfig(persist=False)),
    "memfile-reopened": lambda tmp: Reopening(  # type: ignore[dict-item]
        lambda: MemfileStore6(_memfile_config(tmp, 6))),
}
