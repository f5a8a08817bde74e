"""The DHCPv6 lease commands of Kea's ``libdhcp_lease_cmds.so``, as a handler table.

The counterpart of :mod:`.lease_cmds` for a DHCPv6 server: leases are keyed by
type (``IA_NA``, ``IA_TA``, ``IA_PD``) and address or prefix, and clients are
named by DUID and IAID. Texts and result codes are Kea 2.2's, checked against
a live ``kea-dhcp6``; as for v4, conflicts answer result 4 as in Kea 3.x, and
``lease6-resend-ddns`` answers that DDNS is not enabled (Nestor has no DHCP-DDNS
client yet). ``lease6-bulk-apply`` deletes, then adds or updates, reporting
each lease that failed instead of failing the command.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from nestor.control.lease6_args import parse_lease6
from nestor.control.lease_args import LeaseQuery, QueryType, parse_query
from nestor.control.lease_common import (
    Args,
    Conflict,
    Family,
    family_specs,
    kea_answer,
    spec,
    string_arg,
)
from nestor.control.lease_json import (
    Refused,
    hex_colons,
    lease6_json,
    parse_duid,
    parse_hwaddr,
)
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
from nestor.leases.lease import LEASE_TYPE_NAMES, Lease6, LeaseType
from nestor.leases.memstore import MemoryStore6
from nestor.leases.store import LeaseStore6


def _store(ctx: CommandContext) -> LeaseStore6:
    """The server's v6 store; a DHCPv4 server has no v6 leases: an empty store."""
    store: object = ctx.leases
    return store if isinstance(store, LeaseStore6) else MemoryStore6()


V6 = Family(6, _store, lease6_json, parse_lease6)



def _added_text(lease: Lease6) -> str:
    if lease.type == LeaseType.NA:
        return f"Lease for address {lease.address}, subnet-id {lease.subnet_id} added."
    return (f"Lease for prefix {lease.address}/{lease.prefix_len}, subnet-id "
            f"{lease.subnet_id} added.")


# -- adding, updating, deleting ---------------------------------------------------------

@kea_answer
def lease6_add(ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused("no parameters specified for the command")
    lease, _ = V6.parsed_lease(ctx, args)
    store = _store(ctx)
    if store.get_any(lease.addr) is not None or not store.add(lease):
        raise Conflict("IPv6 lease already exists.")
    store.commit()
    V6.stats(ctx).added(lease)
    return answer(RESULT_SUCCESS, _added_text(lease))


@kea_answer
def lease6_update(ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused("no parameters specified for lease6-update command")
    lease, force = V6.parsed_lease(ctx, args)
    added = V6.add_or_update(ctx, lease, _store(ctx).get(lease.type, lease.addr), force)
    return answer(RESULT_SUCCESS, "IPv6 lease added." if added else "IPv6 lease updated.")


def _by_query(store: LeaseStore6, query: LeaseQuery, deleting: bool) -> Lease6 | None:
    if query.kind in (QueryType.HW_ADDRESS, QueryType.CLIENT_ID):
        verb = "Delete" if deleting else "Query"
        raise Refused(f"{verb} by {query.kind.value} is not allowed in v6.")
    if query.kind is QueryType.DUID:
        found = store.get_by_duid_iaid(query.lease_type, query.identifier, query.iaid,
                                       query.subnet_id)
        return found[0] if found else None
    return store.get(query.lease_type, query.addr)


@kea_answer
def lease6_get(ctx: CommandContext, args: Args) -> Answer:
    return V6.found(_by_query(_store(ctx), parse_query(args, 6), deleting=False))


@kea_answer
def lease6_del(ctx: CommandContext, args: Args) -> Answer:
    store = _store(ctx)
    return V6.delete(ctx, store, _by_query(store, parse_query(args, 6), deleting=True))


# -- bulk apply -------------------------------------------------------------------------

def _failed(lease_type: int, addr: int, duid: bytes | None, result: int,
            message: str) -> dict[str, Any]:
    """Kea's ``createFailedLeaseMap``: the address, else the DUID, names the lease."""
    out: dict[str, Any] = {"type": LEASE_TYPE_NAMES.get(lease_type, "V4")}
    if addr:
        out["ip-address"] = str(ipaddress.IPv6Address(addr))
    elif duid:
        out["duid"] = hex_colons(duid)
    out["result"] = result
    out["error-message"] = message
    return out


def _to_delete(store: LeaseStore6, query: LeaseQuery) -> Lease6 | None:
    """Kea's ``getIPv6LeaseForDelete``: an unknown address still yields a lease to try."""
    lease = _by_query(store, query, deleting=True)
    if lease is None and query.kind is QueryType.ADDRESS:
        return Lease6(query.addr, b"", type=query.lease_type)
    return lease


def _bulk_lists(args: Args) -> tuple[list[object], list[object]]:
    if not isinstance(args, dict):
        raise Refused("Command arguments missing or a not a map.")
    deleted, leases = args.get("deleted-leases"), args.get("leases")
    if deleted is None and leases is None:
        raise Refused("neither 'deleted-leases' nor 'leases' parameter specified")
    if deleted is not None and not isinstance(deleted, list):
        raise Refused("the 'deleted-leases' parameter must be a list")
    if leases is not None and not isinstance(leases, list):
        raise Refused("the 'leases' parameter must be a list")
    return list(deleted or []), list(leases or [])


def _apply_deletes(ctx: CommandContext, store: LeaseStore6,
                   deletes: list[tuple[LeaseQuery, Lease6 | None]]) -> tuple[int, list[Any]]:
    done, failed = 0, []
    for query, lease in deletes:
        if lease is None:
            continue  # a DUID that names no lease: Kea skips it silently
        if store.delete(lease):
            done += 1
            V6.stats(ctx).deleted(lease)
        else:
            failed.append(_failed(query.lease_type, query.addr, query.identifier or None,
                                  RESULT_EMPTY, "lease not found"))
    return done, failed


def _apply_leases(ctx: CommandContext, leases: list[Lease6]) -> tuple[int, list[Any]]:
    store, done, failed = _store(ctx), 0, []
    for lease in leases:
        try:
            V6.add_or_update(ctx, lease, store.get(lease.type, lease.addr), True,
                             commit=False)
            done += 1
        except Refused as exc:
            result = RESULT_CONFLICT if isinstance(exc, Conflict) else RESULT_ERROR
            failed.append(_failed(lease.type, lease.addr, lease.duid, result, exc.text))
    return done, failed


@kea_answer
def lease6_bulk_apply(ctx: CommandContext, args: Args) -> Answer:
    """Every lease is checked before any change, so a malformed one changes nothing."""
    store = _store(ctx)
    deleted, given = _bulk_lists(args)
    queries = [parse_query(x, 6) for x in deleted]
    deletes = [(q, _to_delete(store, q)) for q in queries]
    leases = [V6.parsed_lease(ctx, x)[0] for x in given]
    removed, failed_deletes = _apply_deletes(ctx, store, deletes)
    applied, failed_leases = _apply_leases(ctx, leases)
    store.commit()
    body: dict[str, Any] | None = None
    if failed_deletes or failed_leases:
        body = {}
        if failed_deletes:
            body["failed-deleted-leases"] = failed_deletes
        if failed_leases:
            body["failed-leases"] = failed_leases
    count = removed + applied
    return answer(RESULT_SUCCESS if count else RESULT_EMPTY,
                  f"Bulk apply of {count} IPv6 leases completed.", body)


# -- lookups by client identifier -----------------------------------------------------------

@kea_answer
def lease6_get_by_duid(ctx: CommandContext, args: Args) -> Answer:
    duid = parse_duid(string_arg(args, "duid"))
    return V6.leases_answer(_store(ctx).get_by_duid(duid))


@kea_answer
def lease6_get_by_hw_address(ctx: CommandContext, args: Args) -> Answer:
    """Kea 3.1: leases whose client hardware address is known and equal."""
    hwaddr = parse_hwaddr(string_arg(args, "hw-address"))
    return V6.leases_answer([x for x in _store(ctx).all() if hwaddr and x.hwaddr == hwaddr])


# get-all, get-by-hostname, get-by-state, get-page, resend-ddns, wipe and write are
# the same in both families: :func:`family_specs` adds them.
COMMANDS: tuple[CommandSpec, ...] = family_specs(V6, (
    spec("lease6-add", lease6_add, ACCESS_WRITE),
    spec("lease6-bulk-apply", lease6_bulk_apply, ACCESS_WRITE),
    spec("lease6-del", lease6_del, ACCESS_WRITE),
    spec("lease6-get", lease6_get, ACCESS_READ),
    spec("lease6-get-by-duid", lease6_get_by_duid, ACCESS_READ),
    spec("lease6-get-by-hw-address", lease6_get_by_hw_address, ACCESS_READ),
    spec("lease6-update", lease6_update, ACCESS_WRITE),
))
