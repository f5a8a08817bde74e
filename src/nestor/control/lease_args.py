"""Reading the arguments of the lease commands: Kea's ``Lease4Parser`` and the lookup
parameters of ``lease4-get``/``lease4-del`` (``LeaseCmdsImpl::getParameters``).

Both refuse with Kea's texts (:class:`~nestor.control.lease_json.Refused`), checking
in Kea's order so that the first problem reported is the one Kea reports.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from nestor.config.model import Config, Subnet
from nestor.control.lease_json import (
    Refused,
    as_map,
    element_text,
    get_address,
    get_bool,
    get_int,
    get_string,
    is_int,
    parse_address,
    parse_client_id,
    parse_duid,
    parse_hwaddr,
)
from nestor.leases.lease import Lease4, LeaseState, LeaseType

# Kea 2.2's lease commands accept only the states it had (lease_parser.cc).
MAX_COMMAND_STATE = LeaseState.EXPIRED_RECLAIMED


def subnet_for(config: Config, addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
               subnet_id: int, check_range: bool = True) -> Subnet:
    """The subnet a new lease belongs to: the one named (the address must be in it, but
    Kea does not check prefixes), or the first subnet containing the address (Kea's
    ``selectSubnet``)."""
    if subnet_id:
        subnet = config.subnet_by_id(subnet_id)
        if subnet is None or subnet.prefix.version != addr.version:
            raise Refused(f"Invalid subnet-id: No IPv{addr.version} subnet with "
                          f"subnet-id={subnet_id} currently configured.")
        if check_range and addr not in subnet.prefix:
            raise Refused(f"The address {addr} does not belong to subnet {subnet.prefix}, "
                          f"subnet-id={subnet_id}")
        return subnet
    for subnet in config.subnets:
        if addr in subnet.prefix:
            return subnet
    raise Refused(f"subnet-id not specified and failed to find a subnet for address {addr}")


def user_context(info: Mapping[str, object]) -> dict[str, object] | None:
    """``user-context`` (a map) with ``comment`` folded into it, as Kea stores it."""
    ctx = info.get("user-context")
    if ctx is not None and not isinstance(ctx, dict):
        raise Refused(f"Invalid user context '{element_text(ctx)}' is not a JSON map.")
    if "comment" not in info:
        return ctx
    comment = info["comment"]
    if ctx is not None and "comment" in ctx:
        raise Refused(f"Duplicated comment entry '{element_text(comment)}' in user context "
                      f"'{element_text(ctx)}'")
    return {**(ctx or {}), "comment": comment}


def lease_cltt(info: Mapping[str, object],
               addr: ipaddress.IPv4Address | ipaddress.IPv6Address, valid: int,
               now: int) -> int:
    """From ``expire`` when given (expired leases may be inserted on purpose, e.g. when
    migrating), else now."""
    if "expire" not in info:
        return now
    expire = get_int(info, "expire")
    if expire <= 0:
        raise Refused(f"expiration time must be positive for address {addr}")
    if expire < valid:
        raise Refused(f"expiration time must be greater than valid lifetime for address {addr}")
    return expire - valid


@dataclass(frozen=True)
class LeaseTail:
    """The arguments both families' leases end with, checked in Kea's order."""

    fwd: bool
    rev: bool
    hostname: str
    state: int
    user_context: dict[str, object] | None
    force: bool  # ``force-create``: not part of the lease


def parse_tail(info: Mapping[str, object]) -> LeaseTail:
    fwd = get_bool(info, "fqdn-fwd") if "fqdn-fwd" in info else False
    rev = get_bool(info, "fqdn-rev") if "fqdn-rev" in info else False
    # Kea stores host names in lower case (and looks them up that way).
    hostname = get_string(info, "hostname").lower() if "hostname" in info else ""
    if not hostname and (fwd or rev):
        raise Refused("No hostname specified and either forward or reverse fqdn was set "
                      "to true.")
    state = get_int(info, "state", "uint8") if "state" in info else 0
    if state > MAX_COMMAND_STATE:
        raise Refused(f"Invalid state value: {state}, supported values are: 0 (default), "
                      "1 (declined) and 2 (expired-reclaimed)")
    ctx = user_context(info)
    force = get_bool(info, "force-create") if "force-create" in info else False
    return LeaseTail(fwd, rev, hostname, state, ctx, force)


def parse_lease4(config: Config, arguments: object, now: int) -> tuple[Lease4, bool]:
    """A lease from ``lease4-add``/``lease4-update`` arguments, and ``force-create``."""
    info = as_map(arguments)
    addr = get_address(info, "ip-address")
    if not isinstance(addr, ipaddress.IPv4Address):
        raise Refused(f"Non-IPv4 address specified: {addr}")
    hwaddr = parse_hwaddr(get_string(info, "hw-address"))
    subnet_id = get_int(info, "subnet-id", "uint32") if "subnet-id" in info else 0
    subnet = subnet_for(config, addr, subnet_id)
    client_id = parse_client_id(get_string(info, "client-id")) if "client-id" in info else None
    valid = get_int(info, "valid-lft", "uint32") if "valid-lft" in info else \
        subnet.valid.default
    cltt = lease_cltt(info, addr, valid, now)
    tail = parse_tail(info)
    lease = Lease4(int(addr), hwaddr, client_id, valid, cltt, subnet.id, tail.fwd, tail.rev,
                   tail.hostname, tail.state, tail.user_context)
    return lease, tail.force


class QueryType(Enum):
    ADDRESS = "address"
    HW_ADDRESS = "hw-address"
    DUID = "duid"
    CLIENT_ID = "client-id"


@dataclass(frozen=True)
class LeaseQuery:
    """Which lease ``leaseX-get``/``leaseX-del`` name: by address, or by an identifier
    within a subnet (v6: of a lease type and IAID)."""

    kind: QueryType
    addr: int = 0
    identifier: bytes = b""
    subnet_id: int = 0
    update_ddns: bool = False
    lease_type: int = LeaseType.NA
    iaid: int = 0


# Kea's lease type names and numbers as text (``type``); "V4" is type 3.
LEASE_TYPES = {"IA_NA": LeaseType.NA, "0": LeaseType.NA, "IA_TA": LeaseType.TA,
               "1": LeaseType.TA, "IA_PD": LeaseType.PD, "2": LeaseType.PD, "V4": 3, "3": 3}


def _lease_type(params: Mapping[str, object]) -> int:
    if "type" not in params:
        return LeaseType.NA
    value = params["type"]
    if not isinstance(value, str):
        raise Refused("stringValue() called on non-string Element")
    if value not in LEASE_TYPES:
        raise Refused(f"Invalid lease type specified: {value}, only supported values are: "
                      "IA_NA, IA_TA, IA_PD and V4")
    return int(LEASE_TYPES[value])


def _by_address(value: object, family: int) -> int:
    if not isinstance(value, str):
        raise Refused("'ip-address' is not a string.")
    addr = parse_address(value)
    if addr.version != family:
        raise Refused(f"Invalid IPv{family} address specified: {value}")
    return int(addr)


def _identifier_kind(params: Mapping[str, object]) -> tuple[QueryType, str]:
    kind, ident = params.get("identifier-type"), params.get("identifier")
    if not isinstance(kind, str):
        raise Refused("No 'ip-address' provided and 'identifier-type' is either missing or "
                      "not a string.")
    if not isinstance(ident, str):
        raise Refused("No 'ip-address' provided and 'identifier' is either missing or not "
                      "a string.")
    try:
        return QueryType(kind), ident
    except ValueError:
        raise Refused(f"Incorrect identifier type: {kind}, the only supported values are: "
                      "address, hw-address, duid") from None


_IDENTIFIER_PARSERS = {QueryType.HW_ADDRESS: parse_hwaddr, QueryType.CLIENT_ID: parse_client_id,
                       QueryType.DUID: parse_duid}


def parse_query(arguments: object, family: int = 4) -> LeaseQuery:
    """``getParameters``: the checks of Kea's v4 and v6 commands, in its order."""
    if not isinstance(arguments, Mapping):
        raise Refused("Parameters missing or are not a map.")
    update_ddns = False
    if "update-ddns" in arguments:
        if not isinstance(arguments["update-ddns"], bool):
            raise Refused("'update-ddns' is not a boolean")
        update_ddns = bool(arguments["update-ddns"])
    lease_type = _lease_type(arguments)
    if "ip-address" in arguments:
        return LeaseQuery(QueryType.ADDRESS, _by_address(arguments["ip-address"], family),
                          update_ddns=update_ddns, lease_type=lease_type)
    if "subnet-id" not in arguments:
        raise Refused("Mandatory 'subnet-id' parameter missing.")
    subnet_id = arguments["subnet-id"]
    if not is_int(subnet_id):
        raise Refused("'subnet-id' parameter is not integer.")
    assert isinstance(subnet_id, int)
    iaid = arguments.get("iaid", 0)
    if not is_int(iaid):
        raise Refused("intValue() called on non-integer Element")
    assert isinstance(iaid, int)
    kind, ident = _identifier_kind(arguments)
    parser = _IDENTIFIER_PARSERS.get(kind)
    data = parser(ident) if parser is not None else b""
    return LeaseQuery(kind, identifier=data, subnet_id=subnet_id, update_ddns=update_ddns,
                      lease_type=lease_type, iaid=iaid)
