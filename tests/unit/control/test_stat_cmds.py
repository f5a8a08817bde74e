"""``stat-lease4-get`` and ``stat-lease6-get`` on a real memfile store and statistics
manager.

Expected texts and shapes are Kea 2.2's (compared live by
``tests/interop/test_lease_cmds_kea.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nestor.config.loader import load_text
from nestor.config.model import Config
from nestor.control.registry import Registry
from nestor.control.stat_cmds import COLUMNS4, COMMANDS
from nestor.leases.lease import Lease4, Lease6, LeaseType
from nestor.leases.memfile import MemfileConfig, MemfileStore4, MemfileStore6
from nestor.leases.store import LeaseStore4
from nestor.stats.lifecycle import PoolInfo, ServerStats, SubnetInfo
from nestor.stats.manager import StatsManager
from nestor.stats.names import KEA_2_2

NOW = 1_800_000_000.25
REGISTRY = Registry()
REGISTRY.register_all(COMMANDS)


def make_config(stat_cmds: bool = True) -> Config:
    libs = [{"library": "libdhcp_stat_cmds.so"}] if stat_cmds else []
    body = {"hooks-libraries": libs, "subnet4": [
        {"id": 5, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.1 - 203.0.113.4"}]},
        {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.100"}]},
        {"id": 2, "subnet": "198.51.100.0/24",
         "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}, {"pool": "198.51.100.100/30"}]}]}
    return load_text(json.dumps({"Dhcp4": body}), 4).config


@dataclass
class Ctx:
    config: Config
    leases: LeaseStore4
    stats: StatsManager = field(default_factory=StatsManager)
    engine: None = None
    server: Any = None

    def now(self) -> float:
        return NOW

    def run(self, arguments: object = None) -> dict[str, Any]:
        command: dict[str, Any] = {"command": "stat-lease4-get"}
        if arguments is not None:
            command["arguments"] = arguments
        return REGISTRY.dispatch(self, command)


def address(text: str) -> int:
    return int.from_bytes(bytes(int(p) for p in text.split(".")), "big")


@pytest.fixture(params=[False, True], ids=["memory", "persist"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ctx]:
    store = MemfileStore4(MemfileConfig(persist=request.param, lfc_interval=0,
                                        name=str(tmp_path / "l4.csv")))
    context = Ctx(make_config(), store)
    server = ServerStats(context.stats, 4, KEA_2_2)
    server.start()
    server.commit([SubnetInfo(s.id, [PoolInfo(p.size) for p in s.pools])
                   for s in context.config.subnets])
    leases = [("192.0.2.10", 1, 0), ("192.0.2.11", 1, 0), ("192.0.2.12", 1, 1),
              ("192.0.2.13", 1, 2), ("198.51.100.10", 2, 1)]
    for text, subnet_id, state in leases:
        store.add(Lease4(address(text), b"\x01\x02\x03\x04\x05\x06", valid_lft=60,
                         cltt=int(NOW), subnet_id=subnet_id, state=state))
    context.stats.set("subnet[1].cumulative-assigned-addresses", 7)
    yield context
    store.close()


def rows(answer: dict[str, Any]) -> list[list[int]]:
    result: list[list[int]] = answer["arguments"]["result-set"]["rows"]
    return result


def test_all_subnets_one_row_each_by_id(ctx: Ctx) -> None:
    answer = ctx.run()
    assert answer["result"] == 0
    assert answer["text"] == "stat-lease4-get[all subnets]: 3 rows found"
    result_set = answer["arguments"]["result-set"]
    assert result_set["columns"] == list(COLUMNS4) == [
        "subnet-id", "total-addresses", "cumulative-assigned-addresses",
        "assigned-addresses", "declined-addresses"]
    # assigned counts only the default state; expired-reclaimed counts nowhere
    assert result_set["rows"] == [[1, 91, 7, 2, 1], [2, 15, 0, 0, 1], [5, 4, 0, 0, 0]]
    stamp = datetime.fromtimestamp(NOW, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert result_set["timestamp"] == stamp == "2027-01-15 08:00:00.250000"
    assert ctx.run({}) == {**answer, "arguments": ctx.run({})["arguments"]}


def test_one_subnet_and_ranges(ctx: Ctx) -> None:
    one = ctx.run({"subnet-id": 2})
    assert (one["text"], rows(one)) == ("stat-lease4-get[subnet-id=2]: 1 rows found",
                                        [[2, 15, 0, 0, 1]])
    span = ctx.run({"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 10}})
    assert span["text"] == "stat-lease4-get[subnets 2 through 10]: 2 rows found"
    assert [r[0] for r in rows(span)] == [2, 5]


def test_unknown_subnets_are_empty_answers(ctx: Ctx) -> None:
    assert ctx.run({"subnet-id": 3}) == {"arguments": {}, "result": 3, "text": (
        "stat-lease4-get[subnet-id=3]: no matching data, subnet-id: 3 does not exist")}
    assert ctx.run({"subnet-range": {"first-subnet-id": 3, "last-subnet-id": 4}}) == {
        "arguments": {}, "result": 3, "text": "stat-lease4-get[subnets 3 through 4]: no "
        "matching data, selected ID range: 3 through 4 includes no known subnets"}


def test_counts_follow_the_store(ctx: Ctx) -> None:
    lease = ctx.leases.get(address("192.0.2.12"))
    assert lease is not None
    ctx.leases.update(lease.copy(state=0))
    assert rows(ctx.run({"subnet-id": 1})) == [[1, 91, 7, 3, 0]]


@pytest.mark.parametrize(("arguments", "text"), [
    ([], "'arguments' parameter is not a map"),
    ({"subnet-id": "1"}, "'subnet-id' parameter is not integer"),
    ({"subnet-id": 0}, "'subnet-id' parameter must be > 0"),
    ({"subnet-id": 1, "subnet-range": {}}, "cannot specify both subnet-id and subnet-range"),
    ({"subnet-range": 1}, "subnet-range parameter is not a map"),
    ({"subnet-range": {}}, "'first-subnet-id' parameter missing or not an integer"),
    ({"subnet-range": {"first-subnet-id": 0}}, "'first-subnet-id' parameter must be > 0"),
    ({"subnet-range": {"first-subnet-id": 1}},
     "'last-subnet-id' parameter missing or not an integer"),
    ({"subnet-range": {"first-subnet-id": 1, "last-subnet-id": 0}},
     "'last-subnet-id' parameter must be > 0"),
    ({"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 1}},
     "'last-subnet-id' must be greater than 'first-subnet-id'"),
    ({"subnet-range": {"first-subnet-id": 1, "last-subnet-id": 1}},
     "LeaseStatsQuery: last_subnet_id_must be > first_subnet_id_"),
])
def test_refusals(ctx: Ctx, arguments: object, text: str) -> None:
    # A list of arguments never passes the registry; call the handler as Kea's would.
    handler = COMMANDS[0].handler
    assert handler(ctx, arguments) == {"result": 1, "text": text}  # type: ignore[arg-type]


def test_needs_the_library(tmp_path: Path) -> None:
    store = MemfileStore4(MemfileConfig(persist=False))
    context = Ctx(make_config(stat_cmds=False), store)
    assert context.run() == {"result": 2, "text": "'stat-lease4-get' command not supported."}
    assert [(s.name, s.access, s.library) for s in COMMANDS] == [
        ("stat-lease4-get", "read", "libdhcp_stat_cmds.so"),
        ("stat-lease6-get", "read", "libdhcp_stat_cmds.so")]


def test_v6_columns_and_counts(tmp_path: Path) -> None:
    body = {"hooks-libraries": [{"library": "libdhcp_stat_cmds.so"}], "subnet6": [
        {"id": 3, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/120"}],
         "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56}]}]}
    config = load_text(json.dumps({"Dhcp6": body}), 6).config
    store = MemfileStore6(MemfileConfig(persist=False))
    context = Ctx(config, store)  # type: ignore[arg-type]
    server = ServerStats(context.stats, 6, KEA_2_2)
    server.start()
    server.commit([SubnetInfo(3, [PoolInfo(256)], [PoolInfo(256)])])
    base = 0x2001_0DB8_0001_0000_0000_0000_0000_0000
    for offset, kind, state in ((1, LeaseType.NA, 0), (2, LeaseType.NA, 1),
                                (3, LeaseType.TA, 0), (1 << 72, LeaseType.PD, 0)):
        store.add(Lease6(base + offset, b"\x01\x02", 1, kind, valid_lft=60, subnet_id=3,
                         state=state))
    answer = REGISTRY.dispatch(context, {"command": "stat-lease6-get"})
    assert answer["text"] == "stat-lease6-get[all subnets]: 1 rows found"
    result_set = answer["arguments"]["result-set"]
    assert result_set["columns"] == ["subnet-id", "total-nas", "cumulative-assigned-nas",
                                     "assigned-nas", "declined-nas", "total-pds",
                                     "cumulative-assigned-pds", "assigned-pds"]
    # temporary addresses count nowhere, as in Kea's memfile
    assert result_set["rows"] == [[3, 256, 0, 1, 1, 256, 0, 1]]
    # a DHCPv6 server has no IPv4 subnets
    assert REGISTRY.dispatch(context, {"command": "stat-lease4-get"})["result"] == 3
