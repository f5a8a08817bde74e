"""What the DHCPv4 and DHCPv6 lease commands share: refusals as answers, the paging,
identifier and state arguments, the answer listing leases, and the commands whose
logic is the same in both families (:func:`family_specs`, given a :class:`Family`)."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nestor.config.model import Config
from nestor.control.lease_json import Refused, as_map, get_int, is_int, parse_address
from nestor.control.lease_stats import LeaseStats
from nestor.control.lease_write import write_leases
from nestor.control.registry import (
    ACCESS_READ,
    ACCESS_WRITE,
    RESULT_CONFLICT,
    RESULT_EMPTY,
    RESULT_ERROR,
    RESULT_SUCCESS,
    Answer,
    CommandContext,
    CommandSpec,
    answer,
)
from nestor.leases.lease import Lease4, Lease6, LeaseState
from nestor.leases.store import LeaseStore, LeaseStoreError

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


# -- the commands both families serve alike ----------------------------------------------

L = TypeVar("L", Lease4, Lease6)


@dataclass(frozen=True)
class Family(Generic[L]):
    """One address family's side of the lease commands."""

    number: int  # 4 or 6: in command names ("lease4-...") and texts ("IPv4 ...")
    store: Callable[[CommandContext], LeaseStore[L]]
    to_json: Callable[[L], dict[str, Any]]
    # The lease of ``leaseN-add``/``leaseN-update`` arguments, and ``force-create``.
    parse: Callable[[Config, object, int], tuple[L, bool]]

    def parsed_lease(self, ctx: CommandContext, args: object) -> tuple[L, bool]:
        if ctx.config is None:
            raise Refused("no configuration")
        return self.parse(ctx.config, args, int(ctx.now()))

    def stats(self, ctx: CommandContext) -> LeaseStats:
        return LeaseStats(ctx.config, ctx.stats)

    def leases_answer(self, leases: list[L], count: bool = False, suffix: str = "") -> Answer:
        return leases_answer(self.number, [self.to_json(x) for x in leases], count, suffix)

    def found(self, lease: L | None) -> Answer:
        """The answer of ``leaseX-get``."""
        if lease is None:
            return answer(RESULT_EMPTY, "Lease not found.")
        return answer(RESULT_SUCCESS, f"IPv{self.number} lease found.", self.to_json(lease))

    def delete(self, ctx: CommandContext, store: LeaseStore[L], lease: L | None) -> Answer:
        """The end of ``leaseX-del``, once the lease the arguments name is looked up."""
        if lease is None or not store.delete(lease):
            return answer(RESULT_EMPTY, f"IPv{self.number} lease not found.")
        store.commit()
        self.stats(ctx).deleted(lease)
        return answer(RESULT_SUCCESS, f"IPv{self.number} lease deleted.")

    def add_or_update(self, ctx: CommandContext, lease: L, old: L | None,
                      force: bool, commit: bool = True) -> bool:
        """Kea's ``addOrUpdate``: True when the lease was added. ``old`` is the stored
        lease at that address; ``commit`` False leaves the commit to the caller."""
        store = self.store(ctx)
        if old is None and force:
            if not store.add(lease):
                raise Conflict("lost race between calls to get and add")
        elif old is None:
            raise Conflict(f"failed to update the lease with address {lease.address} "
                           "either because the lease has been deleted or it has changed "
                           "in the database, in both cases a retry might succeed")
        else:
            store.update(lease)
        if commit:
            store.commit()
        if old is None:
            self.stats(ctx).added(lease)
        else:
            self.stats(ctx).updated(old, lease)
        return old is None


def _get_all(fam: Family[L], ctx: CommandContext, args: Args) -> Answer:
    store = fam.store(ctx)
    if args is None:
        return fam.leases_answer(store.all())
    # A subnet listed twice is listed twice, as Kea does.
    ids = subnet_list(as_map(args))
    return fam.leases_answer([x for i in ids for x in store.get_by_subnet(i)])


def _get_page(fam: Family[L], ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused(f"no parameters specified for the lease{fam.number}-get-page command")
    params = as_map(args)
    start = page_start(params.get("from"), fam.number)
    limit = page_limit(params.get("limit"))
    # The page excludes ``from`` itself; "start" is 0, never a lease address.
    return fam.leases_answer(fam.store(ctx).page(start, limit), count=True)


def _get_by_hostname(fam: Family[L], ctx: CommandContext, args: Args) -> Answer:
    return fam.leases_answer(fam.store(ctx).get_by_hostname(hostname_arg(args)))


def _get_by_state(fam: Family[L], ctx: CommandContext, args: Args) -> Answer:
    """Kea 3.1: leases in one state, optionally of one subnet (0 or absent: all)."""
    state = state_arg(args)
    assert args is not None
    subnet_id = get_int(args, "subnet-id", "uint32") if "subnet-id" in args else 0
    store = fam.store(ctx)
    leases = store.get_by_subnet(subnet_id) if subnet_id else store.all()
    return fam.leases_answer([x for x in leases if x.state == state],
                             suffix=f" with state {state}")


def _wipe(fam: Family[L], ctx: CommandContext, args: Args) -> Answer:
    """Deprecated in Kea, still served: every lease of one subnet, or of all of them."""
    store, stats = fam.store(ctx), fam.stats(ctx)
    subnet_id = wipe_subnet(args)
    if subnet_id:
        ids = [subnet_id]
        count = store.wipe(subnet_id)
        stats.wiped(subnet_id, fam.number)
    else:
        ids = subnet_ids(ctx.config, fam.number)
        count = sum(store.wipe(i) for i in ids)
        stats.wiped_all(ids, fam.number)
    store.commit()
    text = (f"Deleted {count} IPv{fam.number} lease(s) from subnet(s)"
            + "".join(f" {i}" for i in ids))
    return answer(RESULT_SUCCESS if count else RESULT_EMPTY, text)


def _resend_ddns(fam: Family[L], ctx: CommandContext, args: Args) -> Answer:
    ddns_address(args, fam.number)
    # Without a DHCP-DDNS client there is nothing to send name changes to: Nestor
    # answers what Kea answers when updates are not enabled.
    raise Conflict("DDNS updating is not enabled")


def _write(fam: Family[L], ctx: CommandContext, args: Args) -> Answer:
    filename = filename_arg(args)
    write_leases(fam.store(ctx), filename)
    return answer(RESULT_SUCCESS, f"IPv{fam.number} lease database into '{filename}'.")


# The shared commands: the name after "leaseN-", the logic and Kea's access class.
_SHARED: tuple[tuple[str, Callable[[Family[Any], CommandContext, Args], Answer], str], ...] = (
    ("get-all", _get_all, ACCESS_READ),
    ("get-by-hostname", _get_by_hostname, ACCESS_READ),
    ("get-by-state", _get_by_state, ACCESS_READ),
    ("get-page", _get_page, ACCESS_READ),
    ("resend-ddns", _resend_ddns, ACCESS_WRITE),
    ("wipe", _wipe, ACCESS_WRITE),
    ("write", _write, ACCESS_WRITE),
)


def spec(name: str, handler: Handler, access: str) -> CommandSpec:
    return CommandSpec(name, handler, access, LIBRARY, any_arguments=True)


def _bound(fam: Family[L], logic: Callable[[Family[L], CommandContext, Args], Answer],
           name: str) -> Handler:
    def handler(ctx: CommandContext, args: Args) -> Answer:
        return logic(fam, ctx, args)
    handler.__name__ = handler.__qualname__ = name.replace("-", "_")
    return kea_answer(handler)


def family_specs(fam: Family[L], own: tuple[CommandSpec, ...]) -> tuple[CommandSpec, ...]:
    """One family's command table: its ``own`` commands and the shared ones, by name."""
    names = [(f"lease{fam.number}-{suffix}", logic, access) for suffix, logic, access in _SHARED]
    shared: list[CommandSpec] = [spec(name, _bound(fam, logic, name), access)
                                 for name, logic, access in names]
    return tuple(sorted((*own, *shared), key=lambda s: s.name))
