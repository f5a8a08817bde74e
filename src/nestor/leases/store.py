"""The LeaseStore interface every lease backend implements (memfile now, SQL later).

It mirrors what Kea's ``LeaseMgr`` offers the allocation engine, the lease
reclamation routine and the ``lease_cmds`` hook, in Python terms:

* Stores are synchronous. The memfile store answers from memory; a database
  store blocks on its driver. The caller decides where that runs.
* Addresses are ``int``; hardware addresses, client identifiers and DUIDs are
  ``bytes``. The clock is passed in (``now``) so that nothing here reads time.
* Leases returned by a store are the store's own records: read them, but to
  change one make ``lease.copy(...)`` and hand the copy to :meth:`update`.
  Passing the very object the store returned raises ``ValueError``, because
  the store could no longer tell which index entries to move.
* Changes are durable once :meth:`commit` returns. A server processes a batch
  of packets, calls ``commit()`` once, and only then sends that batch's
  replies: an acknowledged lease is never lost, yet one write serves a batch.

The conformance suite in ``tests/unit/leases`` runs against every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from nestor.errors import NestorError
from nestor.leases.lease import Lease4, Lease6

L = TypeVar("L", Lease4, Lease6)


class LeaseStoreError(NestorError):
    """A lease backend failed (cannot open, cannot write, inconsistent request)."""


class NoSuchLease(LeaseStoreError):
    """``update()`` of a lease the store does not hold (Kea's ``NoSuchLease``)."""


class LeaseFileError(LeaseStoreError):
    """A lease file cannot be used; names the file and, when known, the line."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        where = f" ({file}:{line})" if file is not None and line is not None else ""
        super().__init__(message + where)


class LeaseStore(ABC, Generic[L]):
    """What every lease backend offers, whatever the address family."""

    family: int

    @abstractmethod
    def add(self, lease: L) -> bool:
        """Store a new lease; False (and nothing stored) if its address is taken."""

    @abstractmethod
    def update(self, lease: L) -> None:
        """Replace the lease with the same address; raises NoSuchLease if there is none."""

    @abstractmethod
    def delete(self, lease: L) -> bool:
        """Remove the lease with this lease's address; False if there was none."""

    @abstractmethod
    def all(self) -> list[L]:
        """Every lease, in address order (``lease4-get-all``)."""

    @abstractmethod
    def page(self, after: int | None, limit: int) -> list[L]:
        """At most ``limit`` leases with addresses above ``after`` (from the lowest if None),
        in address order (``lease4-get-page``)."""

    @abstractmethod
    def get_by_subnet(self, subnet_id: int) -> list[L]:
        """The leases of one subnet, in address order."""

    @abstractmethod
    def get_by_hostname(self, hostname: str) -> list[L]:
        """Leases whose hostname is exactly ``hostname``, in address order."""

    @abstractmethod
    def expired(self, now: int, limit: int = 0) -> list[L]:
        """Leases due for reclamation: not in state expired-reclaimed and expiring at or
        before ``now``, soonest first; at most ``limit`` of them (0 means all)."""

    @abstractmethod
    def delete_expired_reclaimed(self, now: int, secs: int) -> int:
        """Delete expired-reclaimed leases that expired ``secs`` or more seconds before
        ``now`` (Kea's ``hold-reclaimed-time``); returns how many went."""

    @abstractmethod
    def wipe(self, subnet_id: int) -> int:
        """Delete every lease of a subnet (``lease4-wipe``); returns how many went."""

    @abstractmethod
    def commit(self) -> None:
        """Make every change made so far durable (see the module docstring)."""

    @abstractmethod
    def close(self) -> None:
        """Commit and release files or connections. The store is unusable afterwards."""

    @abstractmethod
    def __len__(self) -> int:
        """How many leases the store holds."""


class LeaseStore4(LeaseStore[Lease4]):
    """DHCPv4 lookups on top of :class:`LeaseStore`."""

    family = 4

    @abstractmethod
    def get(self, addr: int) -> Lease4 | None:
        """The lease for an address."""

    @abstractmethod
    def get_by_hwaddr(self, hwaddr: bytes) -> list[Lease4]:
        """Every lease of a hardware address, in any subnet."""

    @abstractmethod
    def get_by_hwaddr_subnet(self, hwaddr: bytes, subnet_id: int) -> Lease4 | None:
        """The lease of a hardware address in a subnet (the first stored, if several)."""

    @abstractmethod
    def get_by_client_id(self, client_id: bytes) -> list[Lease4]:
        """Every lease of a client identifier, in any subnet."""

    @abstractmethod
    def get_by_client_id_subnet(self, client_id: bytes, subnet_id: int) -> Lease4 | None:
        """The lease of a client identifier in a subnet (the first stored, if several)."""

    @abstractmethod
    def counts(self) -> dict[tuple[int, int], int]:
        """Lease counts keyed by (subnet id, state), zero counts left out; feeds the
        ``subnet[id].assigned-addresses`` / ``declined-addresses`` statistics."""


class LeaseStore6(LeaseStore[Lease6]):
    """DHCPv6 lookups on top of :class:`LeaseStore`."""

    family = 6

    @abstractmethod
    def get(self, lease_type: int, addr: int) -> Lease6 | None:
        """The lease of that type for an address or prefix."""

    @abstractmethod
    def get_any(self, addr: int) -> Lease6 | None:
        """The lease for an address or prefix, whatever its type."""

    @abstractmethod
    def get_by_duid(self, duid: bytes) -> list[Lease6]:
        """Every lease of a DUID."""

    @abstractmethod
    def get_by_duid_iaid(self, lease_type: int, duid: bytes, iaid: int,
                         subnet_id: int | None = None) -> list[Lease6]:
        """The leases of one IA (type, DUID, IAID), optionally only in one subnet."""

    @abstractmethod
    def counts(self) -> dict[tuple[int, int, int], int]:
        """Lease counts keyed by (subnet id, lease type, state), zero counts left out."""
