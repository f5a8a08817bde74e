"""Lease4 and Lease6: what a server remembers about an address it handed out.

The fields and their meaning follow Kea's ``Lease4``/``Lease6`` (as written in
its memfile CSV columns and shown by ``lease4-get``):

* ``cltt`` is the client's last transmission time (seconds since the epoch);
  the lease expires at ``cltt + valid_lft`` (:attr:`expire`). Kea stores the
  expiry in the lease file and derives ``cltt`` when reading, so both are kept
  as plain integers here and ``expire`` is computed.
* ``state`` is one of :class:`LeaseState` (any other number read from a file
  is kept as is, the way Kea keeps it).
* A valid lifetime of 0 in a lease file means "this lease was deleted"; such a
  lease never lives in a store.

Speed and memory drive the representation: addresses are ``int`` (hash and
compare fastest, ``ipaddress.IPv4Address(lease.addr)`` converts), identifiers
are ``bytes``, and each class uses ``__slots__``. A lease handed to a store
belongs to it: read it freely, but to change a lease make a :meth:`copy`,
change that and pass it to ``update()`` - stores index the objects they hold.
"""

from __future__ import annotations

import ipaddress
from enum import IntEnum
from typing import Any, ClassVar, Self

# Kea's Lease::INFINITY_LFT: a lifetime that never runs out (RFC 2131 section 3.3 uses
# 0xffffffff for "infinity" on the wire, and Kea keeps the same value in its files).
INFINITY_LFT = 0xFFFFFFFF

UserContext = dict[str, Any]


class LeaseState(IntEnum):
    """Kea's lease states (``Lease::STATE_*``), the ``state`` column of lease files."""

    # 0-2 are Kea 2.2's (checked against its lease.cc and files).
    DEFAULT = 0
    DECLINED = 1
    EXPIRED_RECLAIMED = 2
    # Later Kea releases add a released state (lease affinity) and, in 3.1, addresses
    # a client registered itself (RFC 9686). Their numbers are not verified against
    # Kea 3.x here; a file's other states are kept as plain numbers anyway.
    RELEASED = 3
    REGISTERED = 4


class LeaseType(IntEnum):
    """DHCPv6 lease types, numbered as in Kea's ``lease_type`` column."""

    NA = 0
    TA = 1
    PD = 2


# Kea's names for lease types in control answers ("type": "IA_NA").
LEASE_TYPE_NAMES: dict[int, str] = {LeaseType.NA: "IA_NA", LeaseType.TA: "IA_TA",
                                     LeaseType.PD: "IA_PD"}


class _LeaseRecord:
    """What Lease4 and Lease6 share: expiry, copying and field-wise equality.

    Subclasses list their fields in ``__slots__``; those (with any a base class listed)
    are the fields copied and compared.
    """

    __slots__ = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()
    cltt: int
    valid_lft: int

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._FIELDS = cls._FIELDS + tuple(cls.__dict__.get("__slots__", ()))

    @property
    def expire(self) -> int:
        return self.cltt + self.valid_lft

    def copy(self, **changes: Any) -> Self:
        """A new lease with the same fields, some of them replaced by ``changes``."""
        cls = type(self)
        new = cls.__new__(cls)
        for name in cls._FIELDS:
            setattr(new, name, getattr(self, name))
        for name, value in changes.items():
            setattr(new, name, value)
        return new

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable record: compare, never hash


class Lease4(_LeaseRecord):
    """One DHCPv4 lease (Kea's ``Lease4``)."""

    __slots__ = ("addr", "client_id", "cltt", "fqdn_fwd", "fqdn_rev", "hostname", "hwaddr",
                 "pool_id", "state", "subnet_id", "user_context", "valid_lft")

    def __init__(self, addr: int, hwaddr: bytes = b"", client_id: bytes | None = None,
                 valid_lft: int = 0, cltt: int = 0, subnet_id: int = 0,
                 fqdn_fwd: bool = False, fqdn_rev: bool = False, hostname: str = "",
                 state: int = LeaseState.DEFAULT, user_context: UserContext | None = None,
                 pool_id: int = 0) -> None:
        self.addr = addr
        self.hwaddr = hwaddr
        self.client_id = client_id
        self.valid_lft = valid_lft
        self.cltt = cltt
        self.subnet_id = subnet_id
        self.fqdn_fwd = fqdn_fwd
        self.fqdn_rev = fqdn_rev
        self.hostname = hostname
        self.state = state
        self.user_context = user_context
        self.pool_id = pool_id

    @property
    def address(self) -> ipaddress.IPv4Address:
        return ipaddress.IPv4Address(self.addr)

    def __repr__(self) -> str:
        cid = self.client_id.hex(":") if self.client_id is not None else None
        return (f"Lease4({self.address}, hw={self.hwaddr.hex(':')!r}, cid={cid!r}, "
                f"subnet={self.subnet_id}, cltt={self.cltt}, valid={self.valid_lft}, "
                f"state={self.state}, host={self.hostname!r})")


class Lease6(_LeaseRecord):
    """One DHCPv6 lease, an address (NA/TA) or a delegated prefix (PD) (Kea's ``Lease6``)."""

    __slots__ = ("addr", "cltt", "duid", "fqdn_fwd", "fqdn_rev", "hostname", "hwaddr",
                 "hwaddr_source", "hwtype", "iaid", "pool_id", "preferred_lft", "prefix_len",
                 "state", "subnet_id", "type", "user_context", "valid_lft")

    def __init__(self, addr: int, duid: bytes, iaid: int = 0, type: int = LeaseType.NA,
                 prefix_len: int = 128, preferred_lft: int = 0, valid_lft: int = 0,
                 cltt: int = 0, subnet_id: int = 0, fqdn_fwd: bool = False,
                 fqdn_rev: bool = False, hostname: str = "", hwaddr: bytes | None = None,
                 hwtype: int = 1, hwaddr_source: int = 0, state: int = LeaseState.DEFAULT,
                 user_context: UserContext | None = None, pool_id: int = 0) -> None:
        self.addr = addr
        self.duid = duid
        self.iaid = iaid
        self.type = type
        self.prefix_len = prefix_len
        self.preferred_lft = preferred_lft
        self.valid_lft = valid_lft
        self.cltt = cltt
        self.subnet_id = subnet_id
        self.fqdn_fwd = fqdn_fwd
        self.fqdn_rev = fqdn_rev
        self.hostname = hostname
        self.hwaddr = hwaddr
        # Kea's HWAddr keeps a hardware type (1 = Ethernet, RFC 826) and the source the
        # address was learned from (HWADDR_SOURCE_* bit values); 0 means unknown.
        self.hwtype = hwtype
        self.hwaddr_source = hwaddr_source
        self.state = state
        self.user_context = user_context
        self.pool_id = pool_id

    @property
    def address(self) -> ipaddress.IPv6Address:
        return ipaddress.IPv6Address(self.addr)

    def __repr__(self) -> str:
        kind = LEASE_TYPE_NAMES.get(self.type, str(self.type))
        return (f"Lease6({kind} {self.address}/{self.prefix_len}, duid={self.duid.hex(':')!r}, "
                f"iaid={self.iaid}, subnet={self.subnet_id}, cltt={self.cltt}, "
                f"valid={self.valid_lft}, state={self.state}, host={self.hostname!r})")


Lease = Lease4 | Lease6
