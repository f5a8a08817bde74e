"""The lease commands on a real memfile store (in memory and persisted) and a real
statistics manager, with the answers an operator sees.

Expected texts were read off Kea 2.2 (``tests/interop/test_lease_cmds_kea.py``
compares with a live one); where Nestor follows Kea 3.x instead (result 4 for
conflicts) the test says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from nestor.config.loader import load_text
from nestor.config.model import Config
from nestor.control.lease6_cmds import COMMANDS as COMMANDS6
from nestor.control.lease_cmds import COMMANDS
from nestor.control.lease_common import LIBRARY
from nestor.control.registry import Registry
from nestor.leases.memfile import MemfileConfig, MemfileStore4, MemfileStore6
from nestor.leases.store import LeaseStore4
from nestor.stats.lifecycle import PoolInfo, ServerStats, SubnetInfo
from nestor.stats.manager import StatsManager
from nestor.stats.names import KEA_2_2

NOW = 1_800_000_000
HW1, HW2 = "01:02:03:04:05:06", "0a:0b:0c:0d:0e:0f"


def make_config(libraries: tuple[str, ...] = (LIBRARY,), ddns: bool = False) -> Config:
    body: dict[str, Any] = {
        "valid-lifetime": 4000,
        "hooks-libraries": [{"library": f"/usr/lib/kea/hooks/{lib}"} for lib in libraries],
        "subnet4": [
            {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.100"}]},
            {"id": 2, "subnet": "198.51.100.0/24", "valid-lifetime": 600,
             "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}]}]}
    if ddns:
        body["dhcp-ddns"] = {"enable-updates": True}
    return load_text(json.dumps({"Dhcp4": body}), 4).config


@dataclass
class Ctx:
    """The running-server pieces the handlers use: a real configuration, lease store
    and statistics manager, and a fixed clock."""

    config: Config
    leases: LeaseStore4
    stats: StatsManager = field(default_factory=StatsManager)
    engine: None = None
    server: Any = None
    clock: float = NOW
    registry: Registry | None = None

    def now(self) -> float:
        return self.clock

    def run(self, name: str, arguments: object = None) -> dict[str, Any]:
        command: dict[str, Any] = {"command": name}
        if arguments is not None:
            command["arguments"] = arguments
        return (self.registry or REGISTRY).dispatch(self, command)

    def stat(self, name: str) -> object:
        return self.stats.value(name)


REGISTRY = Registry()
REGISTRY.register_all(COMMANDS)


def start_stats(ctx: Ctx) -> None:
    server = ServerStats(ctx.stats, 4, KEA_2_2)
    server.start()
    server.commit([SubnetInfo(s.id, [PoolInfo(p.size) for p in s.pools])
                   for s in ctx.config.subnets])


@pytest.fixture(params=["memory", "persist"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ctx]:
    persist = request.param == "persist"
    store = MemfileStore4(MemfileConfig(persist=persist, name=str(tmp_path / "leases4.csv"),
                                        lfc_interval=0))
    context = Ctx(make_config(), store)
    start_stats(context)
    yield context
    store.close()


def add(ctx: Ctx, address: str, hw: str = HW1, **extra: Any) -> dict[str, Any]:
    return ctx.run("lease4-add", {"ip-address": address, "hw-address": hw, **extra})


# -- adding and reading ----------------------------------------------------------------------

def test_added_lease_reads_back_in_keas_shape(ctx: Ctx) -> None:
    got = add(ctx, "192.0.2.5", client_id="01:aa:bb")  # unknown key: ignored like Kea
    assert got == {"result": 0, "text": "Lease for address 192.0.2.5, subnet-id 1 added."}
    got = add(ctx, "192.0.2.6", "0:a:b:c:d:e", **{
        "client-id": "0x01aabb", "hostname": "Host.Example.", "fqdn-fwd": True,
        "expire": NOW + 100, "comment": "hi", "user-context": {"a": 1}})
    assert got["result"] == 0
    answer = ctx.run("lease4-get", {"ip-address": "192.0.2.6"})
    assert answer == {"arguments": {
        "client-id": "01:aa:bb", "cltt": NOW + 100 - 4000, "fqdn-fwd": True, "fqdn-rev": False,
        "hostname": "host.example.", "hw-address": "00:0a:0b:0c:0d:0e",
        "ip-address": "192.0.2.6", "state": 0, "subnet-id": 1,
        "user-context": {"a": 1, "comment": "hi"}, "valid-lft": 4000},
        "result": 0, "text": "IPv4 lease found."}
    assert list(answer["arguments"]) == sorted(answer["arguments"])  # Kea's key order
    plain = ctx.run("lease4-get", {"ip-address": "192.0.2.5"})["arguments"]
    assert "client-id" not in plain and "user-context" not in plain
    assert plain["cltt"] == NOW and plain["valid-lft"] == 4000


def test_subnet_is_found_from_the_address_and_lifetime_inherited(ctx: Ctx) -> None:
    assert add(ctx, "198.51.100.50")["text"] == \
        "Lease for address 198.51.100.50, subnet-id 2 added."
    lease = ctx.run("lease4-get", {"ip-address": "198.51.100.50"})["arguments"]
    assert (lease["subnet-id"], lease["valid-lft"]) == (2, 600)


def test_adding_a_taken_address_is_a_conflict(ctx: Ctx) -> None:
    add(ctx, "192.0.2.5")
    # Kea 3.x answers 4 (conflict); Kea 2.2 answered 1 with the same text.
    assert add(ctx, "192.0.2.5", HW2) == {"result": 4, "text": "IPv4 lease already exists."}
    assert ctx.run("lease4-get", {"ip-address": "192.0.2.5"})["arguments"]["hw-address"] == HW1


def test_lookups_by_identifier(ctx: Ctx) -> None:
    add(ctx, "192.0.2.5", **{"client-id": "aa:bb", "hostname": "one.example."})
    add(ctx, "198.51.100.12", **{"hostname": "ONE.example."})
    add(ctx, "192.0.2.7", HW2)
    by_hw = ctx.run("lease4-get", {"subnet-id": 2, "identifier-type": "hw-address",
                                   "identifier": HW1})
    assert by_hw["arguments"]["ip-address"] == "198.51.100.12"
    by_cid = ctx.run("lease4-get", {"subnet-id": 1, "identifier-type": "client-id",
                                    "identifier": "aabb"})
    assert by_cid["arguments"]["ip-address"] == "192.0.2.5"
    assert ctx.run("lease4-get", {"subnet-id": 2, "identifier-type": "client-id",
                                  "identifier": "aa:bb"}) == {"result": 3,
                                                              "text": "Lease not found."}
    hw = ctx.run("lease4-get-by-hw-address", {"hw-address": HW1.upper()})
    assert (hw["result"], hw["text"]) == (0, "2 IPv4 lease(s) found.")
    assert [x["ip-address"] for x in hw["arguments"]["leases"]] == \
        ["192.0.2.5", "198.51.100.12"]
    names = ctx.run("lease4-get-by-hostname", {"hostname": "One.Example."})
    assert len(names["arguments"]["leases"]) == 2
    assert ctx.run("lease4-get-by-client-id", {"client-id": "aa:bb"})["text"] == \
        "1 IPv4 lease(s) found."
    assert ctx.run("lease4-get-by-client-id", {"client-id": "aa:cc"}) == {
        "arguments": {"leases": []}, "result": 3, "text": "0 IPv4 lease(s) found."}


def test_get_all_and_subnet_filter(ctx: Ctx) -> None:
    assert ctx.run("lease4-get-all") == {"arguments": {"leases": []}, "result": 3,
                                         "text": "0 IPv4 lease(s) found."}
    for address in ("192.0.2.9", "198.51.100.11", "192.0.2.10"):
        add(ctx, address)
    every = ctx.run("lease4-get-all")["arguments"]["leases"]
    assert [x["ip-address"] for x in every] == ["192.0.2.9", "192.0.2.10", "198.51.100.11"]
    two = ctx.run("lease4-get-all", {"subnets": [2]})
    assert (two["text"], len(two["arguments"]["leases"])) == ("1 IPv4 lease(s) found.", 1)
    assert ctx.run("lease4-get-all", {"subnets": [7]})["result"] == 3


def test_paging_visits_every_lease_once_in_address_order(ctx: Ctx) -> None:
    addresses = [f"192.0.2.{n}" for n in (30, 3, 200, 45, 7)] + ["198.51.100.15"]
    for address in addresses:
        add(ctx, address)
    seen: list[str] = []
    start = "start"
    for _ in range(10):  # bounded: 6 leases in pages of 4 take 3 calls
        page = ctx.run("lease4-get-page", {"from": start, "limit": 4})
        if page["result"] == 3:
            assert page["arguments"] == {"count": 0, "leases": []}
            break
        assert page["arguments"]["count"] == len(page["arguments"]["leases"]) <= 4
        seen += [x["ip-address"] for x in page["arguments"]["leases"]]
        start = seen[-1]
    assert seen == sorted(addresses, key=lambda a: tuple(int(p) for p in a.split(".")))


# -- changes and the statistics that follow them -------------------------------------------

def test_statistics_follow_add_update_delete(ctx: Ctx) -> None:
    add(ctx, "192.0.2.5")
    add(ctx, "192.0.2.6", state=1)
    add(ctx, "192.0.2.7", state=2)  # expired-reclaimed: not counted
    assert ctx.stat("subnet[1].assigned-addresses") == 2
    assert ctx.stat("subnet[1].declined-addresses") == 1
    assert ctx.stat("declined-addresses") == 1
    upd = ctx.run("lease4-update", {"ip-address": "192.0.2.6", "hw-address": HW1, "state": 0})
    assert upd == {"result": 0, "text": "IPv4 lease updated."}
    assert (ctx.stat("subnet[1].declined-addresses"), ctx.stat("declined-addresses")) == (0, 0)
    ctx.run("lease4-update", {"ip-address": "192.0.2.7", "hw-address": HW1})
    assert ctx.stat("subnet[1].assigned-addresses") == 3
    ctx.run("lease4-update", {"ip-address": "192.0.2.7", "hw-address": HW1,
                              "subnet-id": 1, "valid-lft": 10})
    assert ctx.stat("subnet[1].assigned-addresses") == 3
    assert ctx.run("lease4-del", {"ip-address": "192.0.2.5"}) == {
        "result": 0, "text": "IPv4 lease deleted."}
    assert ctx.stat("subnet[1].assigned-addresses") == 2
    assert ctx.run("lease4-del", {"ip-address": "192.0.2.5"}) == {
        "result": 3, "text": "IPv4 lease not found."}
    assert ctx.stat("cumulative-assigned-addresses") == 0  # commands never allocate


def test_update_of_a_missing_lease_needs_force_create(ctx: Ctx) -> None:
    args = {"ip-address": "192.0.2.50", "hw-address": HW1}
    # Kea 3.x: conflict (4); Kea 2.2 answered 1 with the same text.
    assert ctx.run("lease4-update", args) == {"result": 4, "text": (
        "failed to update the lease with address 192.0.2.50 either because the lease has "
        "been deleted or it has changed in the database, in both cases a retry might succeed")}
    assert ctx.run("lease4-update", {**args, "force-create": True}) == {
        "result": 0, "text": "IPv4 lease added."}
    assert ctx.stat("subnet[1].assigned-addresses") == 1
    assert ctx.run("lease4-update", {**args, "force-create": True})["text"] == \
        "IPv4 lease updated."


def test_delete_by_identifier_frees_the_address(ctx: Ctx) -> None:
    add(ctx, "192.0.2.5", **{"client-id": "aa:bb"})
    assert ctx.run("lease4-del", {"subnet-id": 1, "identifier-type": "client-id",
                                  "identifier": "aa:bb"})["result"] == 0
    assert add(ctx, "192.0.2.5", HW2)["result"] == 0


def test_wipe_one_subnet_and_all(ctx: Ctx) -> None:
    add(ctx, "192.0.2.5", state=1)
    add(ctx, "192.0.2.6")
    add(ctx, "198.51.100.11")
    assert ctx.run("lease4-wipe", {"subnet-id": 1}) == {
        "result": 0, "text": "Deleted 2 IPv4 lease(s) from subnet(s) 1"}
    assert (ctx.stat("subnet[1].assigned-addresses"), ctx.stat("declined-addresses")) == (0, 0)
    assert ctx.stat("subnet[2].assigned-addresses") == 1
    assert ctx.run("lease4-wipe") == {
        "result": 0, "text": "Deleted 1 IPv4 lease(s) from subnet(s) 1 2"}
    assert ctx.run("lease4-wipe", {}) == {
        "result": 3, "text": "Deleted 0 IPv4 lease(s) from subnet(s) 1 2"}
    assert ctx.run("lease4-get-all")["result"] == 3


def test_get_by_state(ctx: Ctx) -> None:
    add(ctx, "192.0.2.5", state=1)
    add(ctx, "192.0.2.6")
    add(ctx, "198.51.100.11", state=1)
    declined = ctx.run("lease4-get-by-state", {"state": "declined"})
    assert declined["text"] == "2 IPv4 lease(s) found with state 1."
    one = ctx.run("lease4-get-by-state", {"state": 1, "subnet-id": 2})
    assert [x["ip-address"] for x in one["arguments"]["leases"]] == ["198.51.100.11"]
    assert ctx.run("lease4-get-by-state", {"state": 9})["result"] == 3
    assert ctx.run("lease4-get-by-state", {"state": "nope"}) == {
        "result": 1, "text": "'state' parameter value (nope) is not recognized"}


def test_resend_ddns_without_a_ddns_client(ctx: Ctx) -> None:
    flags: dict[str, Any] = {"hostname": "a.example.", "fqdn-fwd": True}
    add(ctx, "192.0.2.5", **flags)
    # Kea 3.x answers 4 when DDNS is off (2.2: 1, same text).
    assert ctx.run("lease4-resend-ddns", {"ip-address": "192.0.2.5"}) == {
        "result": 4, "text": "DDNS updating is not enabled"}
    assert ctx.run("lease4-resend-ddns", {"ip-address": "x"}) == {
        "result": 1, "text": "'x' is not a valid IP address."}


def test_write_produces_a_lease_file_memfile_loads(ctx: Ctx, tmp_path: Path) -> None:
    extra: dict[str, Any] = {"client-id": "aa:bb", "user-context": {"k": "v, \"q\""}}
    add(ctx, "192.0.2.5", **extra)
    add(ctx, "198.51.100.11", state=1)
    target = tmp_path / "copy.csv"
    target.write_text("old\n")
    assert ctx.run("lease4-write", {"filename": str(target)}) == {
        "result": 0, "text": f"IPv4 lease database into '{target}'."}
    assert list(tmp_path.glob("copy.csv.bak*"))  # the previous file is kept, as Kea does
    copy = MemfileStore4(MemfileConfig(name=str(target), lfc_interval=0))
    try:
        assert copy.all() == ctx.leases.all()
    finally:
        copy.close()
    assert ctx.run("lease4-write", {"filename": ""}) == {
        "result": 1, "text": "'filename' parameter is empty"}


def test_writing_over_the_file_in_use_is_refused(tmp_path: Path) -> None:
    name = tmp_path / "leases4.csv"
    store = MemfileStore4(MemfileConfig(name=str(name), lfc_interval=0))
    context = Ctx(make_config(), store)
    try:
        assert context.run("lease4-write", {"filename": str(name)})["result"] == 1
        add(context, "192.0.2.5")
        assert "192.0.2.5" in name.read_text()
    finally:
        store.close()


def test_changes_reach_the_lease_file(tmp_path: Path) -> None:
    name = str(tmp_path / "leases4.csv")
    store = MemfileStore4(MemfileConfig(name=name, lfc_interval=0))
    context = Ctx(make_config(), store)
    add(context, "192.0.2.5")
    add(context, "192.0.2.6")
    context.run("lease4-del", {"ip-address": "192.0.2.5"})
    context.run("lease4-update", {"ip-address": "192.0.2.6", "hw-address": HW2})
    store.close()
    again = MemfileStore4(MemfileConfig(name=name, lfc_interval=0))
    try:
        assert [(str(x.address), x.hwaddr.hex(":")) for x in again.all()] == \
            [("192.0.2.6", HW2)]
    finally:
        again.close()


# -- refusals ----------------------------------------------------------------------------------

REFUSALS: list[tuple[str, object, int, str]] = [
    ("lease4-get", None, 1, "Parameters missing or are not a map."),
    ("lease4-get", {}, 1, "Mandatory 'subnet-id' parameter missing."),
    ("lease4-get", {"ip-address": 5}, 1, "'ip-address' is not a string."),
    ("lease4-get", {"ip-address": "foo"}, 1,
     "Failed to convert string to address 'foo': Invalid argument"),
    ("lease4-get", {"ip-address": "2001:db8::1"}, 1,
     "Invalid IPv4 address specified: 2001:db8::1"),
    ("lease4-get", {"ip-address": "192.0.2.5"}, 3, "Lease not found."),
    ("lease4-get", {"subnet-id": "x"}, 1, "'subnet-id' parameter is not integer."),
    ("lease4-get", {"subnet-id": 1}, 1, "No 'ip-address' provided and 'identifier-type' is "
     "either missing or not a string."),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "hw-address"}, 1,
     "No 'ip-address' provided and 'identifier' is either missing or not a string."),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "foo", "identifier": "01:02"}, 1,
     "Incorrect identifier type: foo, the only supported values are: address, hw-address, "
     "duid"),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "duid", "identifier": "01:02"}, 1,
     "Query by duid is not allowed in v4."),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "hw-address", "identifier": "zz"}, 1,
     "'z' is not a valid hexadecimal digit in decoded string 'zz'"),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "client-id", "identifier": ""}, 1,
     "Empty DUIDs are not allowed"),
    ("lease4-get", {"ip-address": "192.0.2.5", "type": "foo"}, 1,
     "Invalid lease type specified: foo, only supported values are: IA_NA, IA_TA, IA_PD and V4"),
    ("lease4-get", {"ip-address": "192.0.2.5", "update-ddns": 1}, 1,
     "'update-ddns' is not a boolean"),
    ("lease4-add", None, 1, "no parameters specified for the command"),
    ("lease4-add", {}, 1, "missing parameter 'ip-address'"),
    ("lease4-add", {"ip-address": "192.0.2.5"}, 1, "missing parameter 'hw-address'"),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": 5}, 1,
     "invalid type specified for parameter 'hw-address'"),
    ("lease4-add", {"ip-address": "bogus", "hw-address": HW1}, 1, "Failed to convert 'bogus' "
     "to address: Failed to convert string to address 'bogus': Invalid argument"),
    ("lease4-add", {"ip-address": "2001:db8::1", "hw-address": HW1}, 1,
     "Non-IPv4 address specified: 2001:db8::1"),
    ("lease4-add", {"ip-address": "10.0.0.1", "hw-address": HW1}, 1,
     "subnet-id not specified and failed to find a subnet for address 10.0.0.1"),
    ("lease4-add", {"ip-address": "10.0.0.1", "hw-address": HW1, "subnet-id": 7}, 1,
     "Invalid subnet-id: No IPv4 subnet with subnet-id=7 currently configured."),
    ("lease4-add", {"ip-address": "10.0.0.1", "hw-address": HW1, "subnet-id": 1}, 1,
     "The address 10.0.0.1 does not belong to subnet 192.0.2.0/24, subnet-id=1"),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "subnet-id": -1}, 1,
     "out of range value (-1) specified for parameter 'subnet-id'"),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "state": 3}, 1,
     "Invalid state value: 3, supported values are: 0 (default), 1 (declined) and 2 "
     "(expired-reclaimed)"),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "fqdn-fwd": True}, 1,
     "No hostname specified and either forward or reverse fqdn was set to true."),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "user-context": 5}, 1,
     "Invalid user context '5' is not a JSON map."),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "expire": 100}, 1,
     "expiration time must be greater than valid lifetime for address 192.0.2.5"),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "client-id": "01"}, 1,
     "client-id is too short (1), at least 2 is required"),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": "010203040506"}, 1,
     "invalid format of the decoded string '010203040506'"),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "comment": "c",
                    "user-context": {"comment": "d"}}, 1,
     "Duplicated comment entry '\"c\"' in user context '{ \"comment\": \"d\" }'"),
    ("lease4-get-all", {}, 1, "'subnets' parameter not specified"),
    ("lease4-get-all", {"subnets": 1}, 1, "'subnets' parameter must be a list"),
    ("lease4-get-all", {"subnets": [1, "a"]}, 1, "listed subnet identifiers must be numbers"),
    ("lease4-get-page", None, 1, "no parameters specified for the lease4-get-page command"),
    ("lease4-get-page", {"from": "foo"}, 1,
     "'from' parameter value is neither 'start' keyword nor a valid IPv4 address"),
    ("lease4-get-page", {"from": "start", "limit": 0}, 1,
     "page size of retrieved leases must not be 0"),
    ("lease4-get-page", {"from": "start", "limit": -1}, 1,
     "page size of retrieved leases must not be greater than 4294967295"),
    ("lease4-get-by-hw-address", None, 1, "Command arguments missing or a not a map."),
    ("lease4-get-by-hostname", {"hostname": ""}, 1, "'hostname' parameter is empty"),
    ("lease4-get-by-client-id", {"client-id": 5}, 1, "'client-id' parameter must be a string"),
    ("lease4-del", {"subnet-id": 1, "identifier-type": "duid", "identifier": "aa:bb"}, 1,
     "Delete by duid is not allowed in v4."),
    ("lease4-update", None, 1, "no parameters specified for lease4-update command"),
    ("lease4-wipe", {"subnet-id": "x"}, 1, "invalid type specified for parameter 'subnet-id'"),
    ("lease4-resend-ddns", {"ip-address": "2001::1"}, 1,
     "Invalid IPv4 address specified: 2001::1"),
    ("lease4-write", {}, 1, "'filename' parameter not specified"),
    ("lease4-get-by-state", {"state": {}}, 1, "'state' parameter must be a number or a string"),
]


@pytest.mark.parametrize(("name", "arguments", "result", "text"), REFUSALS)
def test_refusals(ctx: Ctx, name: str, arguments: object, result: int, text: str) -> None:
    assert ctx.run(name, arguments) == {"result": result, "text": text}
    assert len(ctx.leases) == 0


def test_commands_exist_only_with_the_library_loaded(tmp_path: Path) -> None:
    store = MemfileStore4(MemfileConfig(persist=False))
    context = Ctx(make_config(libraries=()), store)
    assert context.run("lease4-get-all") == {
        "result": 2, "text": "'lease4-get-all' command not supported."}
    assert {spec.library for spec in COMMANDS} == {"libdhcp_lease_cmds.so"}
    # Like Kea's library, both families' commands are served (27 in all, no duplicate).
    assert len({spec.name for spec in COMMANDS}) == len(COMMANDS) == 27
    assert {spec.name for spec in COMMANDS6} < {spec.name for spec in COMMANDS}


def test_access_classes_match_keas_table() -> None:
    """Every command's read/write class is the one Kea's command table gives."""
    table = Path(__file__).parents[3] / ".." / "shared" / "reference" / "kea-commands.tsv"
    if not table.exists():
        pytest.skip(f"{table} not found")
    access = {}
    for line in table.read_text().splitlines()[1:]:
        name, _daemons, library, mode, *_ = line.split("\t")
        if library == "lease_cmds":
            access[name] = mode
    specs = COMMANDS
    assert {spec.name: spec.access for spec in specs} == \
        {name: access[name] for name in (spec.name for spec in specs)}


# -- DHCPv6 -----------------------------------------------------------------------------------

DUID = "00:01:00:01:aa:bb"


def make_config6() -> Config:
    body: dict[str, Any] = {
        "valid-lifetime": 4000, "preferred-lifetime": 3000,
        "hooks-libraries": [{"library": LIBRARY}],
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                     "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::ff"}],
                     "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56}]}]}
    return load_text(json.dumps({"Dhcp6": body}), 6).config


@pytest.fixture(params=["memory", "persist"])
def ctx6(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ctx]:
    store = MemfileStore6(MemfileConfig(persist=request.param == "persist", lfc_interval=0,
                                        name=str(tmp_path / "leases6.csv")))
    context = Ctx(make_config6(), store)  # type: ignore[arg-type]
    context.registry = REGISTRY6
    server = ServerStats(context.stats, 6, KEA_2_2)
    server.start()
    server.commit([SubnetInfo(1, [PoolInfo(240)], [PoolInfo(256)])])
    yield context
    store.close()


REGISTRY6 = Registry()
REGISTRY6.register_all(COMMANDS6)


def test_v6_add_get_and_shape(ctx6: Ctx) -> None:
    got = ctx6.run("lease6-add", {"ip-address": "2001:db8:1::10", "duid": DUID, "iaid": 5,
                                  "hw-address": HW1, "hostname": "H.example."})
    assert got == {"result": 0, "text": "Lease for address 2001:db8:1::10, subnet-id 1 added."}
    pd = ctx6.run("lease6-add", {"ip-address": "3000::", "duid": DUID, "iaid": 5,
                                 "type": "IA_PD", "prefix-len": 56, "subnet-id": 1})
    assert pd["text"] == "Lease for prefix 3000::/56, subnet-id 1 added."
    answer = ctx6.run("lease6-get", {"subnet-id": 1, "identifier-type": "duid",
                                     "identifier": DUID, "iaid": 5})
    assert answer == {"arguments": {
        "cltt": NOW, "duid": DUID, "fqdn-fwd": False, "fqdn-rev": False,
        "hostname": "h.example.", "hw-address": HW1, "iaid": 5, "ip-address": "2001:db8:1::10",
        "preferred-lft": 4000, "state": 0, "subnet-id": 1, "type": "IA_NA", "valid-lft": 4000},
        "result": 0, "text": "IPv6 lease found."}
    prefix = ctx6.run("lease6-get", {"ip-address": "3000::", "type": "IA_PD"})["arguments"]
    assert (prefix["type"], prefix["prefix-len"]) == ("IA_PD", 56)
    assert ctx6.run("lease6-get", {"ip-address": "3000::"})["result"] == 3  # an IA_NA lookup
    assert ctx6.stat("subnet[1].assigned-nas") == 1
    assert ctx6.stat("subnet[1].assigned-pds") == 1
    assert ctx6.run("lease6-get-by-duid", {"duid": DUID})["text"] == "2 IPv6 lease(s) found."


def test_v6_bulk_apply_reports_each_failure(ctx6: Ctx) -> None:
    ctx6.run("lease6-add", {"ip-address": "2001:db8:1::10", "duid": DUID, "iaid": 5})
    answer = ctx6.run("lease6-bulk-apply", {
        "leases": [{"ip-address": "2001:db8:1::20", "duid": DUID, "iaid": 6}],
        "deleted-leases": [{"ip-address": "2001:db8:1::10"}, {"ip-address": "2001:db8:1::30"}]})
    assert answer == {"arguments": {"failed-deleted-leases": [
        {"error-message": "lease not found", "ip-address": "2001:db8:1::30", "result": 3,
         "type": "IA_NA"}]}, "result": 0, "text": "Bulk apply of 2 IPv6 leases completed."}
    leases = ctx6.run("lease6-get-all")["arguments"]["leases"]
    assert [x["ip-address"] for x in leases] == ["2001:db8:1::20"]
    assert ctx6.stat("subnet[1].assigned-nas") == 1
    # A malformed lease refuses the whole command before anything changes.
    refused = ctx6.run("lease6-bulk-apply", {"deleted-leases": [{"ip-address": "2001:db8:1::20"}],
                                             "leases": [{"ip-address": "2001:db8:1::21"}]})
    assert refused == {"result": 1, "text": "missing parameter 'duid'"}
    assert len(ctx6.leases) == 1


def test_v6_update_delete_wipe_and_write(ctx6: Ctx, tmp_path: Path) -> None:
    base = {"ip-address": "2001:db8:1::10", "duid": DUID, "iaid": 5}
    assert ctx6.run("lease6-update", base)["result"] == 4
    assert ctx6.run("lease6-update", {**base, "force-create": True, "state": 1})["text"] == \
        "IPv6 lease added."
    assert (ctx6.stat("subnet[1].declined-addresses"), ctx6.stat("declined-addresses")) == (1, 1)
    assert ctx6.run("lease6-update", base)["text"] == "IPv6 lease updated."
    assert ctx6.stat("declined-addresses") == 0
    target = tmp_path / "out6.csv"
    assert ctx6.run("lease6-write", {"filename": str(target)})["result"] == 0
    copy = MemfileStore6(MemfileConfig(name=str(target), lfc_interval=0))
    try:
        assert copy.all() == ctx6.leases.all()
    finally:
        copy.close()
    assert ctx6.run("lease6-del", {"ip-address": "2001:db8:1::10"}) == {
        "result": 0, "text": "IPv6 lease deleted."}
    ctx6.run("lease6-add", base)
    assert ctx6.run("lease6-wipe") == {
        "result": 0, "text": "Deleted 1 IPv6 lease(s) from subnet(s) 1"}
    assert ctx6.stat("subnet[1].assigned-nas") == 0
