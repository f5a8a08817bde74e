"""What the DHCPv4 and DHCPv6 lease commands share: refusals as answers, the paging,
identifier and state arguments, and the answer listing leases."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from nestor.config.model import Config
from nestor.control.lease_json import Refused, as_map, get_int, is_int, parse_address
from nestor.control.registry import (
    RESULT_CONFLICT,
    RESULT_EMPTY,
    RESULT_ERROR,
    RESULT_SUCCESS,
    Answer,
    CommandContext,
    answer,
)
from nestor.leases.lease import LeaseState
from nestor.leases.store import LeaseStoreError

LIBRARY = "libdhcp_lease_cmds.so"
Args = dict[str, object] | None
Handler = Callable[[CommandContext, Args], Answer]
NOT_A_MAP = "Command arguments missing or a not a map."
# Kea 3.x's names for lease states in leaseX-get-by-state.
STATE_NAMES = {"assigned": LeaseState.DEFAULT, "declined": LeaseState.DECLINED,
               "expired-reclaimed": LeaseState.EXPIRED_RECLAIMED,
               "released": LeaseState.RELEASED, "registered": LeaseState.REGISTERED}
_SIZE_T = 1 << 64
_U32_MAX = 0xFFFF_FFFF


class Conflict(Refused):
    """Refused with result 4 (Kea's ``LeaseCmdsConflict``)."""


def kea_answer(handler: Handler) -> Handler:
    """Turn a refusal into Kea's error answer."""
    @functools.wraps(handler)
    def run(ctx: CommandContext, args: Args) -> Answer:
        try:
            return handler(ctx, args)
        except Conflict as exc:
            return answer(RESULT_CONFLICT, exc.text)
        except Refused as exc:
            return answer(RESULT_ERROR, exc.text)
        except LeaseStoreError as exc:  # the backend failed (e.g. the lease file)
            return answer(RESULT_ERROR, str(exc))
    return run


def leases_answer(family: int, leases: list[dict[str, Any]], count: bool = False,
                  suffix: str = "") -> Answer:
    """A ``{"leases": [...]}`` answer: result 3 when empty (``count`` adds ``count``)."""
    body: dict[str, Any] = {}
    if count:
        body["count"] = len(leases)
    body["leases"] = leases
    result = RESULT_SUCCESS if leases else RESULT_EMPTY
    return answer(result, f"{len(leases)} IPv{family} lease(s) found{suffix}.", body)


def subnet_ids(config: Config | None, family: int) -> list[int]:
    """Ids of the configured subnets of one address family, in configuration order."""
    if config is None:
        return []
    return [s.id for s in config.subnets if s.prefix.version == family]


def wipe_subnet(args: object) -> int:
    """``subnet-id`` of ``leaseX-wipe``: optional, 0 (or absent) means every subnet."""
    if args is None:
        return 0
    if not isinstance(args, Mapping):
        raise Refused("contains(string) called on a non-map Element")
    return get_int(args, "subnet-id", "uint32") if "subnet-id" in args else 0


def subnet_list(args: Mapping[str, object]) -> list[int]:
    """``subnets`` of ``leaseX-get-all``, checked in Kea's order."""
    subnets = args.get("subnets")
    if subnets is None:
        raise Refused("'subnets' parameter not specified")
    if not isinstance(subnets, list):
        raise Refused("'subnets' parameter must be a list")
    for subnet_id in subnets:
        if not is_int(subnet_id):
            raise Refused("listed subnet identifiers must be numbers")
    return [int(i) for i in subnets]


def page_start(value: object, family: int) -> int:
    """``from`` of ``leaseX-get-page``: "start" or an address (excluded from the page)."""
    if value is None:
        raise Refused("'from' parameter not specified")
    if not isinstance(value, str):
        raise Refused("'from' parameter must be a string")
    if value == "start":
        return 0
    try:
        addr = parse_address(value)
    except Refused:
        raise Refused("'from' parameter value is neither 'start' keyword nor a valid "
                      f"IPv{family} address") from None
    if addr.version != family:
        raise Refused(f"'from' parameter value {addr} is not an IPv{family} address")
    return int(addr)


def page_limit(value: object) -> int:
    if value is None:
        raise Refused("'limit' parameter not specified")
    if not is_int(value):
        raise Refused("'limit' parameter must be a number")
    assert isinstance(value, int)
    size = value % _SIZE_T  # Kea casts to size_t: -1 becomes huge
    if size == 0:
        raise Refused("page size of retrieved leases must not be 0")
    if size > _U32_MAX:
        raise Refused(f"page size of retrieved leases must not be greater than {_U32_MAX}")
    return size


def string_arg(args: Args, name: str) -> str:
    """The mandatory string argument of the ``leaseX-get-by-*`` commands."""
    if not isinstance(args, Mapping):
        raise Refused(NOT_A_MAP)
    value = args.get(name)
    if value is None:
        raise Refused(f"'{name}' parameter not specified")
    if not isinstance(value, str):
        raise Refused(f"'{name}' parameter must be a string")
    return value


def hostname_arg(args: Args) -> str:
    hostname = string_arg(args, "hostname")
    if not hostname:
        raise Refused("'hostname' parameter is empty")
    return hostname.lower()  # Kea keeps and looks up host names in lower case


def state_arg(args: Args) -> int:
    """``state`` of ``leaseX-get-by-state``: a number or one of Kea's state names."""
    if not isinstance(args, Mapping):
        raise Refused(NOT_A_MAP)
    value = args.get("state")
    if value is None:
        raise Refused("'state' parameter not specified")
    if isinstance(value, str):
        if value not in STATE_NAMES:
            raise Refused(f"'state' parameter value ({value}) is not recognized")
        return int(STATE_NAMES[value])
    if not is_int(value):
        raise Refused("'state' parameter must be a number or a string")
    assert isinstance(value, int)
    return value


def filename_arg(args: Args) -> str:
    """``filename`` of ``leaseX-write``."""
    if args is None:
        raise Refused("no parameters specified for the command")
    if not isinstance(args, Mapping):
        raise Refused("get(string) called on a non-map Element")
    filename = args.get("filename")
    if filename is None:
        raise Refused("'filename' parameter not specified")
    if not isinstance(filename, str):
        raise Refused("'filename' parameter must be a string")
    if not filename:
        raise Refused("'filename' parameter is empty")
    return filename


def ddns_address(args: Args, family: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``getAddressParam`` of ``leaseX-resend-ddns``, with its own texts."""
    params = as_map(args) if args is not None else {}
    if "ip-address" not in params:
        raise Refused("'ip-address' parameter is missing.")
    value = params["ip-address"]
    if not isinstance(value, str):
        raise Refused("'ip-address' is not a string.")
    try:
        addr = parse_address(value)
    except Refused:
        raise Refused(f"'{value}' is not a valid IP address.") from None
    if addr.version != family:
        raise Refused(f"Invalid IPv{family} address specified: {value}")
    return addr
