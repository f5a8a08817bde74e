"""DHCPRELEASE and DHCPDECLINE: the client gives an address back, or reports it in use.

Neither gets a reply (RFC 2131 sections 4.3.4 and 4.3.5). Both only touch a lease
the sender owns (Kea's ``Lease4::belongsToClient``): the client identifier when both
have one, else the hardware address. What Kea logs for each outcome is logged here
too (``DHCP4_RELEASE``, ``DHCP4_DECLINE_LEASE`` and the warnings for a DECLINE of an
unknown or foreign lease).
"""

from __future__ import annotations

from nestor.engine import log4
from nestor.engine.lease4 import LeaseBook, belongs_to, expired
from nestor.leases.lease import LeaseState
from nestor.wire.packet4 import Packet4


def release(book: LeaseBook, query: Packet4) -> None:
    """The lease at ``ciaddr`` goes if it is the sender's (RFC 2131 section 4.3.4)."""
    lease = book.store.get(query.ciaddr)
    if lease is None or not belongs_to(lease, query.hwaddr, query.options.get(61)):
        log4.release_refused(query, lease is not None)
        return
    if book.release(lease):
        log4.released(query, lease.addr)


def decline(book: LeaseBook, query: Packet4, now: int) -> bool:
    """The address in option 50 is in use on the link: its lease goes into probation
    (RFC 2131 section 4.3.3). False when option 50 is missing (the caller drops the
    query: RFC 2131 table 5 says the declined address MUST be there)."""
    addr = query.requested_address
    if addr is None:
        return False
    lease = book.store.get(addr)
    if lease is None:
        log4.decline_not_found(query, addr)
    elif not belongs_to(lease, query.hwaddr, query.options.get(61)):
        log4.decline_mismatch(query, lease)
    elif lease.state != LeaseState.DEFAULT or expired(lease, now):
        # Only a live lease can be declined: Kea 2.2 also took expired or reclaimed
        # ones, which left declined-addresses counting a lease assigned-addresses no
        # longer counted; later Kea versions refuse them, and so does this. For the
        # log, the client has no such lease.
        log4.decline_not_found(query, addr)
    else:
        book.decline(lease, now)
        log4.declined(query, addr, book.probation)
    return True
