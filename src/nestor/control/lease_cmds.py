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
    lease4_json,
    parse_client_id,
    parse_hwaddr,
)
from nestor.control.registry import (
    ACCESS_READ,
    ACCESS_WRITE,
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


V4 = Family(4, _store, lease4_json, parse_lease4)



# -- adding, updating, deleting ---------------------------------------------------------

@kea_answer
def lease4_add(ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused("no parameters specified for the command")
    lease, _ = V4.parsed_lease(ctx, args)  # force-create is read and ignored here
    store = _store(ctx)
    if not store.add(lease):
        raise Conflict("IPv4 lease already exists.")
    store.commit()
    V4.stats(ctx).added(lease)
    return answer(RESULT_SUCCESS, f"Lease for address {lease.address}, subnet-id "
                                  f"{lease.subnet_id} added.")


@kea_answer
def lease4_update(ctx: CommandContext, args: Args) -> Answer:
    if args is None:
        raise Refused("no parameters specified for lease4-update command")
    lease, force = V4.parsed_lease(ctx, args)
    added = V4.add_or_update(ctx, lease, _store(ctx).get(lease.addr), force)
    return answer(RESULT_SUCCESS, "IPv4 lease added." if added else "IPv4 lease updated.")


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
    return V4.found(_find(_store(ctx), args, deleting=False))


@kea_answer
def lease4_del(ctx: CommandContext, args: Args) -> Answer:
    store = _store(ctx)
    return V4.delete(ctx, store, _find(store, args, deleting=True))


# -- lookups by client identifier -----------------------------------------------------------

@kea_answer
def lease4_get_by_hw_address(ctx: CommandContext, args: Args) -> Answer:
    hwaddr = parse_hwaddr(string_arg(args, "hw-address"))
    return V4.leases_answer(_store(ctx).get_by_hwaddr(hwaddr) if hwaddr else [])


@kea_answer
def lease4_get_by_client_id(ctx: CommandContext, args: Args) -> Answer:
    client_id = parse_client_id(string_arg(args, "client-id"))
    return V4.leases_answer(_store(ctx).get_by_client_id(client_id))


# get-all, get-by-hostname, get-by-state, get-page, resend-ddns, wipe and write are
# the same in both families: :func:`family_specs` adds them.
COMMANDS4: tuple[CommandSpec, ...] = family_specs(V4, (
    spec("lease4-add", lease4_add, ACCESS_WRITE),
    spec("lease4-del", lease4_del, ACCESS_WRITE),
    spec("lease4-get", lease4_get, ACCESS_READ),
    spec("lease4-get-by-client-id", lease4_get_by_client_id, ACCESS_READ),
    spec("lease4-get-by-hw-address", lease4_get_by_hw_address, ACCESS_READ),
    spec("lease4-update", lease4_update, ACCESS_WRITE),
))

# Kea's library registers every v4 and v6 command in either server (list-commands
# shows them all); the other family's commands find no subnets and no leases.
COMMANDS: tuple[CommandSpec, ...] = COMMANDS4 + COMMANDS6
