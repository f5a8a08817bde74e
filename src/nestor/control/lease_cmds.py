"""The lease commands of Kea's ``libdhcp_lease_cmds.so``, as a handler table.

:data:`COMMANDS` is the whole library: the DHCPv4 commands defined here and the
DHCPv6 ones of :mod:`.lease6_cmds`, since Kea's library registers both families'
commands in either server (the other family finds no subnets and no leases).

Each handler takes the running server (:class:`CommandContext`) and the command's
``arguments`` and returns Kea's answer. Argument checks, texts and result codes
are Kea 2.2's, checked against a live Kea by
``tests/interop/test_lease_cmds_kea.py``; argument parsing lives in
:mod:`.lease_args`, the lease JSON in :mod:`.lease_json` and the statistics the
commands keep in :mod:`.lease_stats`.

Deliberate differences from Kea 2.2, following Kea 3.x:

* ``lease4-add`` of an address that has a lease, and ``lease4-update`` of a lease
  that does not exist (without ``force-create``), answer result 4 (conflict);
  Kea 2.2 answers 1 with the same text.
* ``lease4-resend-ddns`` answers 4 when DDNS is off (2.2: 1); and without any
  arguments it answers that ``ip-address`` is missing (2.2 drops the connection).
* ``lease4-get-by-state`` and ``lease4-write`` (Kea 3.x commands) exist;
  ``lease4-write`` refuses the lease file the server is appending to.

Nestor has no DHCP-DDNS client yet, so for ``lease4-resend-ddns`` updates are
never enabled and ``update-ddns`` of ``lease4-del`` has nothing to queue.
"""

from __future__ import annotations

from nestor.control.lease6_cmds import COMMANDS as COMMANDS6
from nestor.control.lease_args import QueryType, parse_lease4, parse_query
from nestor.control.lease_common import (
    LIBRARY,
    Args,
    Conflict,
    Handler,
    ddns_address,
    filename_arg,
    hostname_arg,
    kea_answer,
    leases_answer,
    page_limit,
    page_start,
    state_arg,
    string_arg,
    subnet_ids,
    subnet_list,
    wipe_subnet,
)
from nestor.control.lease_json import (
    Refused,
    as_map,
    get_int,
    lease4_json,
    parse_client_id,
    parse_hwaddr,
)
from nestor.control.lease_stats import LeaseStats
from nestor.control.lease_write import write_leases
from nestor.control.registry import (
    ACCESS_READ,
    ACCESS_WRITE,
    RESULT_EMPTY,
    RESULT_SUCCESS,
    Answer,
    CommandContext,
    CommandSpec,
    answer,
)
from nestor.leases.lease import Lease4
from nestor.leases.memstore import MemoryStore4
from nestor.leases.store import LeaseStore4


def _store(ctx: CommandContext) -> LeaseStore4:
    """The server's v4 store; a DHCPv6 server (which serves these commands too, as Kea's
    library registers both families' commands) has no v4 leases: an empty store."""
    store: object = ctx.leases
    return store if isinstance(store, LeaseStore4) else MemoryStore4()


def _stats(ctx: CommandContext) -> LeaseStats:
    return LeaseStats(ctx.config, ctx.stats)


def _leases_answer(leases: list[Lease4], count: bool = False, suffix: str = "") -> Answer:
    return leases_answer(4, [lease4_json(x) for x in leases], count, suffix)


def _parsed_lease(ctx: CommandContext, args: Args) -> tuple[Lease4, bool]:
    if ctx.config is None:
        raise Refused("no configuration")
    return parse_lease4(ctx.config, args, int(ctx.now()))


# -- adding, updating, deleting ---------------------------------------------------------

@kea_answer
def lease4_add(ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused("no parameters specified for the command")
    lease, _ = _parsed_lease(ctx, args)  # force-create is read and ignored here
    store = _store(ctx)
    if not store.add(lease):
        raise Conflict("IPv4 lease already exists.")
    store.commit()
    _stats(ctx).added(lease)
    return answer(RESULT_SUCCESS, f"Lease for address {lease.address}, subnet-id "
                                  f"{lease.subnet_id} added.")


@kea_answer
def lease4_update(ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused("no parameters specified for lease4-update command")
    lease, force = _parsed_lease(ctx, args)
    store = _store(ctx)
    old = store.get(lease.addr)
    if old is None and force:
        if not store.add(lease):
            raise Conflict("lost race between calls to get and add")
        store.commit()
        _stats(ctx).added(lease)
        return answer(RESULT_SUCCESS, "IPv4 lease added.")
    if old is None:
        raise Conflict(f"failed to update the lease with address {lease.address} either "
                       "because the lease has been deleted or it has changed in the "
                       "database, in both cases a retry might succeed")
    store.update(lease)
    store.commit()
    _stats(ctx).updated(old, lease)
    return answer(RESULT_SUCCESS, "IPv4 lease updated.")


def _find(store: LeaseStore4, args: Args, deleting: bool) -> Lease4 | None:
    """The lease ``lease4-get``/``lease4-del`` arguments name."""
    query = parse_query(args)
    if query.kind is QueryType.DUID:
        verb = "Delete" if deleting else "Query"
        raise Refused(f"{verb} by duid is not allowed in v4.")
    if query.kind is QueryType.HW_ADDRESS:
        return store.get_by_hwaddr_subnet(query.identifier, query.subnet_id)
    if query.kind is QueryType.CLIENT_ID:
        return store.get_by_client_id_subnet(query.identifier, query.subnet_id)
    return store.get(query.addr)


@kea_answer
def lease4_get(ctx: CommandContext, args: Args) -> Answer:
    lease = _find(_store(ctx), args, deleting=False)
    if lease is None:
        return answer(RESULT_EMPTY, "Lease not found.")
    return answer(RESULT_SUCCESS, "IPv4 lease found.", lease4_json(lease))


@kea_answer
def lease4_del(ctx: CommandContext, args: Args) -> Answer:
    store = _store(ctx)
    lease = _find(store, args, deleting=True)
    if lease is None or not store.delete(lease):
        return answer(RESULT_EMPTY, "IPv4 lease not found.")
    store.commit()
    _stats(ctx).deleted(lease)
    return answer(RESULT_SUCCESS, "IPv4 lease deleted.")


@kea_answer
def lease4_wipe(ctx: CommandContext, args: Args) -> Answer:
    """Deprecated in Kea, still served: every lease of one subnet, or of all of them."""
    store, stats = _store(ctx), _stats(ctx)
    subnet_id = wipe_subnet(args)
    if subnet_id:
        ids = [subnet_id]
        count = store.wipe(subnet_id)
        stats.wiped(subnet_id)
    else:
        ids = subnet_ids(ctx.config, 4)
        count = sum(store.wipe(i) for i in ids)
        stats.wiped_all(ids)
    store.commit()
    text = f"Deleted {count} IPv4 lease(s) from subnet(s)" + "".join(f" {i}" for i in ids)
    return answer(RESULT_SUCCESS if count else RESULT_EMPTY, text)


# -- lookups --------------------------------------------------------------------------------

@kea_answer
def lease4_get_all(ctx: CommandContext, args: Args) -> Answer:
    store = _store(ctx)
    if args is None:
        return _leases_answer(store.all())
    # A subnet listed twice is listed twice, as Kea does.
    ids = subnet_list(as_map(args))
    return _leases_answer([x for i in ids for x in store.get_by_subnet(i)])


@kea_answer
def lease4_get_page(ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused("no parameters specified for the lease4-get-page command")
    params = as_map(args)
    start = page_start(params.get("from"), 4)
    limit = page_limit(params.get("limit"))
    # The page excludes ``from`` itself; "start" is 0.0.0.0, never a lease address.
    return _leases_answer(_store(ctx).page(start, limit), count=True)


@kea_answer
def lease4_get_by_hw_address(ctx: CommandContext, args: Args) -> Answer:
    hwaddr = parse_hwaddr(string_arg(args, "hw-address"))
    return _leases_answer(_store(ctx).get_by_hwaddr(hwaddr) if hwaddr else [])


@kea_answer
def lease4_get_by_client_id(ctx: CommandContext, args: Args) -> Answer:
    client_id = parse_client_id(string_arg(args, "client-id"))
    return _leases_answer(_store(ctx).get_by_client_id(client_id))


@kea_answer
def lease4_get_by_hostname(ctx: CommandContext, args: Args) -> Answer:
    return _leases_answer(_store(ctx).get_by_hostname(hostname_arg(args)))


@kea_answer
def lease4_get_by_state(ctx: CommandContext, args: Args) -> Answer:
    """Kea 3.1: leases in one state, optionally of one subnet (0 or absent: all)."""
    state = state_arg(args)
    assert args is not None
    subnet_id = get_int(args, "subnet-id", "uint32") if "subnet-id" in args else 0
    leases = _store(ctx).get_by_subnet(subnet_id) if subnet_id else _store(ctx).all()
    return _leases_answer([x for x in leases if x.state == state],
                          suffix=f" with state {state}")


# -- DDNS and files ----------------------------------------------------------------------

@kea_answer
def lease4_resend_ddns(ctx: CommandContext, args: Args) -> Answer:
    ddns_address(args, 4)
    # Without a DHCP-DDNS client there is nothing to send name changes to: Nestor
    # answers what Kea answers when updates are not enabled.
    raise Conflict("DDNS updating is not enabled")


@kea_answer
def lease4_write(ctx: CommandContext, args: Args) -> Answer:
    filename = filename_arg(args)
    write_leases(_store(ctx), filename)
    return answer(RESULT_SUCCESS, f"IPv4 lease database into '{filename}'.")


def _spec(name: str, handler: Handler, access: str) -> CommandSpec:
    return CommandSpec(name, handler, access, LIBRARY, any_arguments=True)


COMMANDS4: tuple[CommandSpec, ...] = (
    _spec("lease4-add", lease4_add, ACCESS_WRITE),
    _spec("lease4-del", lease4_del, ACCESS_WRITE),
    _spec("lease4-get", lease4_get, ACCESS_READ),
    _spec("lease4-get-all", lease4_get_all, ACCESS_READ),
    _spec("lease4-get-by-client-id", lease4_get_by_client_id, ACCESS_READ),
    _spec("lease4-get-by-hostname", lease4_get_by_hostname, ACCESS_READ),
    _spec("lease4-get-by-hw-address", lease4_get_by_hw_address, ACCESS_READ),
    _spec("lease4-get-by-state", lease4_get_by_state, ACCESS_READ),
    _spec("lease4-get-page", lease4_get_page, ACCESS_READ),
    _spec("lease4-resend-ddns", lease4_resend_ddns, ACCESS_WRITE),
    _spec("lease4-update", lease4_update, ACCESS_WRITE),
    _spec("lease4-wipe", lease4_wipe, ACCESS_WRITE),
    _spec("lease4-write", lease4_write, ACCESS_WRITE),
)

# Kea's library registers every v4 and v6 command in either server (list-commands
# shows them all); the other family's commands find no subnets and no leases.
COMMANDS: tuple[CommandSpec, ...] = COMMANDS4 + COMMANDS6
