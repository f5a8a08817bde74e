"""``stat-lease4-get``/``stat-lease6-get`` of Kea's ``libdhcp_stat_cmds.so``: lease counts
per subnet as a result set.

The answer is a table: ``columns`` names, one row per selected subnet (configured
subnets only, by ascending id) and a ``timestamp``. Capacity and the cumulative
count come from the statistics manager; assigned (state default) and declined
counts come from the lease store itself, so they are exact even when statistics
were reset (v6: address counts are of ``IA_NA`` leases, prefix counts of ``IA_PD``;
temporary addresses count nowhere, as in Kea's memfile). Arguments select all
subnets (none given), one ``subnet-id``, or a ``subnet-range`` of
``first-subnet-id`` through ``last-subnet-id``; texts and codes are Kea 2.2's
(``tests/interop/test_lease_cmds_kea.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from nestor.control.lease_json import Refused, is_int
from nestor.control.registry import (
    ACCESS_READ,
    RESULT_EMPTY,
    RESULT_ERROR,
    RESULT_SUCCESS,
    Answer,
    CommandContext,
    CommandSpec,
    answer,
)
from nestor.leases.lease import LeaseState, LeaseType
from nestor.leases.store import LeaseStore6

LIBRARY = "libdhcp_stat_cmds.so"
COLUMNS4 = ("subnet-id", "total-addresses", "cumulative-assigned-addresses",
            "assigned-addresses", "declined-addresses")
COLUMNS6 = ("subnet-id", "total-nas", "cumulative-assigned-nas", "assigned-nas",
            "declined-nas", "total-pds", "cumulative-assigned-pds", "assigned-pds")
DEFAULT, DECLINED = LeaseState.DEFAULT, LeaseState.DECLINED
NA, PD = LeaseType.NA, LeaseType.PD


@dataclass(frozen=True)
class Selection:
    """All subnets (``first`` 0), one subnet (``last`` None) or a range."""

    first: int = 0
    last: int | None = None

    def text(self) -> str:
        if not self.first:
            return "[all subnets]"
        if self.last is None:
            return f"[subnet-id={self.first}]"
        return f"[subnets {self.first} through {self.last}]"


def _positive_id(params: Mapping[str, object], name: str) -> int:
    value = params.get(name)
    if not is_int(value):
        raise Refused(f"'{name}' parameter missing or not an integer")
    assert isinstance(value, int)
    if value <= 0:
        raise Refused(f"'{name}' parameter must be > 0")
    return value


def parse_selection(args: object) -> Selection:
    """Kea's ``getParameters``: the checks and texts in its order."""
    if args is None:
        return Selection()
    if not isinstance(args, Mapping):
        raise Refused("'arguments' parameter is not a map")
    single = 0
    if "subnet-id" in args:
        value = args["subnet-id"]
        if not is_int(value):
            raise Refused("'subnet-id' parameter is not integer")
        assert isinstance(value, int)
        if value <= 0:
            raise Refused("'subnet-id' parameter must be > 0")
        single = value
    if "subnet-range" not in args:
        return Selection(single)
    if single:
        raise Refused("cannot specify both subnet-id and subnet-range")
    span = args["subnet-range"]
    if not isinstance(span, Mapping):
        raise Refused("subnet-range parameter is not a map")
    first = _positive_id(span, "first-subnet-id")
    last = _positive_id(span, "last-subnet-id")
    if last < first:
        raise Refused("'last-subnet-id' must be greater than 'first-subnet-id'")
    return Selection(first, last)


class NotFound(Exception):
    """The selection names no configured subnet (result 3)."""


def _selected_ids(ctx: CommandContext, sel: Selection, family: int) -> list[int]:
    subnets = ctx.config.subnets if ctx.config is not None else []
    ids = sorted(s.id for s in subnets if s.prefix.version == family)
    if sel.first and sel.last is None:
        if sel.first not in ids:
            raise NotFound(f"subnet-id: {sel.first} does not exist")
        return [sel.first]
    if sel.last is not None:
        ids = [i for i in ids if sel.first <= i <= sel.last]
    if not ids:
        raise NotFound(f"selected ID range: {sel.first} through {sel.last or 0} includes "
                       "no known subnets")
    if sel.last is not None and sel.last == sel.first:
        # Kea's lease statistics query refuses a one-subnet range (after the check above).
        raise Refused("LeaseStatsQuery: last_subnet_id_must be > first_subnet_id_")
    return ids


def _stat(ctx: CommandContext, subnet_id: int, name: str) -> int:
    value = ctx.stats.value(f"subnet[{subnet_id}].{name}")
    return value if isinstance(value, int) else 0


def _rows4(ctx: CommandContext, ids: list[int]) -> list[list[int]]:
    counts = ctx.leases.counts() if ctx.leases is not None else {}
    return [[i, _stat(ctx, i, "total-addresses"), _stat(ctx, i, "cumulative-assigned-addresses"),
             counts.get((i, DEFAULT), 0), counts.get((i, DECLINED), 0)] for i in ids]


def _rows6(ctx: CommandContext, ids: list[int]) -> list[list[int]]:
    store: object = ctx.leases
    counts = store.counts() if isinstance(store, LeaseStore6) else {}
    return [[i, _stat(ctx, i, "total-nas"), _stat(ctx, i, "cumulative-assigned-nas"),
             counts.get((i, NA, DEFAULT), 0), counts.get((i, NA, DECLINED), 0),
             _stat(ctx, i, "total-pds"), _stat(ctx, i, "cumulative-assigned-pds"),
             counts.get((i, PD, DEFAULT), 0)] for i in ids]


def timestamp(ctx: CommandContext) -> str:
    """Kea's ``ptimeToText`` of the current UTC time, to the microsecond."""
    return datetime.fromtimestamp(ctx.now(), UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _stat_lease_get(ctx: CommandContext, args: object, family: int) -> Answer:
    name = f"stat-lease{family}-get"
    try:
        sel = parse_selection(args)
        ids = _selected_ids(ctx, sel, family)
    except NotFound as exc:
        return answer(RESULT_EMPTY, f"{name}{sel.text()}: no matching data, {exc}", {})
    except Refused as exc:
        return answer(RESULT_ERROR, exc.text)
    rows = _rows4(ctx, ids) if family == 4 else _rows6(ctx, ids)
    columns = COLUMNS4 if family == 4 else COLUMNS6
    result_set = {"columns": list(columns), "rows": rows, "timestamp": timestamp(ctx)}
    return answer(RESULT_SUCCESS, f"{name}{sel.text()}: {len(rows)} rows found",
                  {"result-set": result_set})


def stat_lease4_get(ctx: CommandContext, args: dict[str, object] | None) -> Answer:
    return _stat_lease_get(ctx, args, 4)


def stat_lease6_get(ctx: CommandContext, args: dict[str, object] | None) -> Answer:
    return _stat_lease_get(ctx, args, 6)


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("stat-lease4-get", stat_lease4_get, ACCESS_READ, LIBRARY, any_arguments=True),
    CommandSpec("stat-lease6-get", stat_lease6_get, ACCESS_READ, LIBRARY, any_arguments=True),
)
