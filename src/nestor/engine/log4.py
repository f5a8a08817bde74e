"""The DHCPv4 engine's per-query log messages: Kea 2.2's identifiers, loggers, arguments.

Operators alert on these lines (``DHCP4_LEASE_ALLOC`` to follow assignments,
``ALLOC_ENGINE_V4_ALLOC_FAIL*`` for exhausted pools), so each message is written
where Kea writes it, on the logger Kea uses (``kea-dhcp4.leases``, ``.alloc-engine``,
``.bad-packets``, ``.dhcp4``) and with Kea's argument formats: the client label
``[hwtype=1 00:11:22:33:44:55], cid=[01:00:11:22:33:44:55], tid=0x1a2b`` (Kea's
``Pkt4::getLabel``), addresses as dotted quads, lifetimes as numbers or ``infinity``.
Compared against Kea 2.2's log by ``tests/interop/test_dhcp4_vs_kea.py``.

Cost: the INFO messages are on by default (Kea logs them too), so a granted lease
costs one label and one line. Every function first asks its logger whether the
message would be shown and builds nothing when it would not; the label is a few
``bytes.hex`` calls and one f-string.
"""

from __future__ import annotations

from collections.abc import Sequence

from nestor.config.model import Subnet
from nestor.leases.lease import INFINITY_LFT, Lease4
from nestor.logs.core import get_logger
from nestor.logs.levels import DBG_DHCP_DETAIL, Severity
from nestor.wire.packet4 import Packet4, ip4_text

lease_log = get_logger("leases")
alloc_log = get_logger("alloc-engine")
bad_log = get_logger("bad-packets")
dhcp4_log = get_logger("dhcp4")

INFO, WARN, ERROR = Severity.INFO, Severity.WARN, Severity.ERROR
# Kea's Pkt4::getName.
MESSAGE_NAMES = {1: "DHCPDISCOVER", 2: "DHCPOFFER", 3: "DHCPREQUEST", 4: "DHCPDECLINE",
                 5: "DHCPACK", 6: "DHCPNAK", 7: "DHCPRELEASE", 8: "DHCPINFORM"}
MIN_CLIENT_ID = 2  # Kea's ClientId refuses shorter identifiers (RFC 2132 section 9.14)


def label(query: Packet4) -> str:
    """Kea's ``Pkt4::getLabel``: hardware address with its type, client id, xid in hex."""
    cid = query.options.get(61)
    tail = ""
    if cid is None:
        cid_text = "no info"
    elif len(cid) < MIN_CLIENT_ID:
        cid_text, tail = "no info", " (malformed client-id)"
    else:
        cid_text = cid.hex(":")
    return (f"[hwtype={query.htype} {query.hwaddr.hex(':')}], cid=[{cid_text}], "
            f"tid=0x{query.xid:x}{tail}")


def lifetime_text(seconds: int) -> str:
    """Kea's ``Lease::lifetimeToText``."""
    return "infinity" if seconds == INFINITY_LFT else str(seconds)


# -- leases granted (Dhcpv4Srv::assignLease) ---------------------------------------------
def advertised(query: Packet4, addr: int) -> None:
    if lease_log.enabled(INFO):
        lease_log.info("DHCP4_LEASE_ADVERT", label(query), ip4_text(addr))


def allocated(query: Packet4, lease: Lease4) -> None:
    if lease_log.enabled(INFO):
        lease_log.info("DHCP4_LEASE_ALLOC", label(query), ip4_text(lease.addr),
                       lifetime_text(lease.valid_lft))


def reused(query: Packet4, addr: int, remaining: int) -> None:
    """Lease caching: the stored lease handed out again with what is left of it."""
    if lease_log.enabled(INFO):
        lease_log.info("DHCP4_LEASE_REUSE", label(query), ip4_text(addr),
                       lifetime_text(remaining))


def init_reboot(query: Packet4, requested: int) -> None:
    if lease_log.enabled(INFO):
        lease_log.info("DHCP4_INIT_REBOOT", label(query), ip4_text(requested))


def no_subnet(query: Packet4, src: int, mtype: int) -> None:
    """A DISCOVER or REQUEST no subnet matches (Kea logs it at ERROR, then NAKs a
    REQUEST and drops a DISCOVER)."""
    if bad_log.enabled(ERROR):
        bad_log.error("DHCP4_PACKET_NAK_0001", label(query), ip4_text(src),
                      MESSAGE_NAMES.get(mtype, "UNKNOWN"))


# -- refusals, at Kea's debug level ------------------------------------------------------
def init_reboot_nak(query: Packet4, requested: int) -> None:
    if bad_log.debug_on(DBG_DHCP_DETAIL):
        bad_log.debug(DBG_DHCP_DETAIL, "DHCP4_PACKET_NAK_0002", label(query),
                      ip4_text(requested))


def init_reboot_unknown(query: Packet4, requested: int) -> None:
    if bad_log.debug_on(DBG_DHCP_DETAIL):
        bad_log.debug(DBG_DHCP_DETAIL, "DHCP4_NO_LEASE_INIT_REBOOT", label(query),
                      ip4_text(requested))


def lease_refused(query: Packet4, fake: bool) -> None:
    """No lease for a DISCOVER (NAK_0003) or a REQUEST (NAK_0004)."""
    if not bad_log.debug_on(DBG_DHCP_DETAIL):
        return
    if fake:
        bad_log.debug(DBG_DHCP_DETAIL, "DHCP4_PACKET_NAK_0003", *_addresses(query))
    else:
        bad_log.debug(DBG_DHCP_DETAIL, "DHCP4_PACKET_NAK_0004", *_addresses(query))


def unknown_address(query: Packet4) -> None:
    if bad_log.debug_on(DBG_DHCP_DETAIL):
        bad_log.debug(DBG_DHCP_DETAIL, "DHCP4_UNKNOWN_ADDRESS_REQUESTED", *_addresses(query))


def _addresses(query: Packet4) -> tuple[str, str, str]:
    requested = query.options.get(50)
    return (label(query), ip4_text(query.ciaddr),
            ip4_text(int.from_bytes(requested, "big")) if requested is not None
            and len(requested) == 4 else "(no address)")


# -- RELEASE and DECLINE (Dhcpv4Srv::processRelease, processDecline) --------------------
def released(query: Packet4, addr: int) -> None:
    if lease_log.enabled(INFO):
        lease_log.info("DHCP4_RELEASE", label(query), ip4_text(addr))


def release_refused(query: Packet4, found: bool) -> None:
    """A RELEASE for no lease, or for another client's."""
    if not lease_log.debug_on(DBG_DHCP_DETAIL):
        return
    if found:
        lease_log.debug(DBG_DHCP_DETAIL, "DHCP4_RELEASE_FAIL_WRONG_CLIENT", label(query),
                        ip4_text(query.ciaddr))
    else:
        lease_log.debug(DBG_DHCP_DETAIL, "DHCP4_RELEASE_FAIL_NO_LEASE", label(query),
                        ip4_text(query.ciaddr))


def declined(query: Packet4, addr: int, probation: int) -> None:
    if lease_log.enabled(INFO):
        lease_log.info("DHCP4_DECLINE_LEASE", ip4_text(addr), label(query), probation)


def decline_not_found(query: Packet4, addr: int) -> None:
    if dhcp4_log.enabled(WARN):
        dhcp4_log.warn("DHCP4_DECLINE_LEASE_NOT_FOUND", ip4_text(addr), label(query))


def decline_mismatch(query: Packet4, lease: Lease4) -> None:
    """Another client's lease: both identities, as Kea prints them."""
    if dhcp4_log.enabled(WARN):
        cid = query.options.get(61)
        dhcp4_log.warn("DHCP4_DECLINE_LEASE_MISMATCH", ip4_text(lease.addr), label(query),
                       query.hwaddr.hex(":"), lease.hwaddr.hex(":"),
                       cid.hex(":") if cid else "(none)",
                       lease.client_id.hex(":") if lease.client_id else "(none)")


# -- exhausted pools (AllocEngine::allocateUnreservedLease4) ------------------------------
def allocation_failed(query: Packet4, last: Subnet, shared: str, capacities: Sequence[int],
                      classes: Sequence[str]) -> None:
    """Kea's failure report: the subnet (or shared network) tried, how many candidates
    were tried (every address of the pools the client may use) or that no pool was
    permitted, and the client's classes. ``capacities``: per subnet tried, the size of
    its pools the client may use."""
    if not alloc_log.enabled(WARN):
        return
    who = label(query)
    if shared:
        usable = sum(1 for n in capacities if n)
        alloc_log.warn("ALLOC_ENGINE_V4_ALLOC_FAIL_SHARED_NETWORK", who, shared, usable,
                       len(capacities) - usable)
    else:
        alloc_log.warn("ALLOC_ENGINE_V4_ALLOC_FAIL_SUBNET", who, str(last.prefix), last.id,
                       "(none)")
    attempts = sum(capacities)
    if attempts:
        alloc_log.warn("ALLOC_ENGINE_V4_ALLOC_FAIL", who, attempts)
    else:
        alloc_log.warn("ALLOC_ENGINE_V4_ALLOC_FAIL_NO_POOLS", who)
    if classes:
        alloc_log.warn("ALLOC_ENGINE_V4_ALLOC_FAIL_CLASSES", who, ", ".join(classes))
