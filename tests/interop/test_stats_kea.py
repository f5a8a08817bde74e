"""Nestor's statistics against a live Kea 2.2, over Kea's own control socket.

Kea 2.2 (``kea-dhcp4``/``kea-dhcp6``) runs in a network namespace this test
creates, with a unix control socket in a temporary folder. Every ``statistic-*``
command goes to Kea (one JSON command per connection, read until Kea closes)
and to Nestor's handlers on a manager brought to the same state by
``ServerStats`` (start-up, then the same configuration commits Kea sees through
``config-set``). Answers must be equal once sample timestamps are replaced by a
placeholder and Kea's "in (<wire>:L:C)" positions are cut; the number of
samples of each statistic must be equal too.

Both sides run with ``TZ=IST-5:30`` so that a timestamp printed in UTC instead
of local time shows up as a 5.5 hour gap.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import unix_raw
from tests.netns import Lab, Namespace, Proc, skip_unless_netns, wait_until

from nestor.stats import HANDLERS, KEA_2_2, ServerStats, StatsManager, SubnetInfo

pytestmark = [pytest.mark.kea, pytest.mark.netns]

TZ = "IST-5:30"  # POSIX zone string: UTC+05:30 without tzdata
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")
WIRE_POSITION = re.compile(r" in \(<wire>:\d+:\d+\)$")
SERVER_ADDRESS = {4: "192.0.2.1/24", 6: "2001:db8:1::1/64"}


# -- talking to Kea ----------------------------------------------------------

def send(path: str, command: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    """One command on a fresh connection; Kea answers and closes."""
    answer: dict[str, Any] = json.loads(unix_raw(path, json.dumps(command).encode(), timeout))
    return answer


class KeaServer:
    """kea-dhcp4 or kea-dhcp6 with a unix control socket, in its own namespace."""

    def __init__(self, lab: Lab, ns: Namespace, iface: str, family: int) -> None:
        self.lab, self.ns, self.iface, self.family = lab, ns, iface, family
        self.socket = str(lab.workdir / f"kea{family}-{os.urandom(3).hex()}.sock")
        self.proc: Proc | None = None

    def config(self, subnets: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "interfaces-config": {"interfaces": [self.iface]},
            "control-socket": {"socket-type": "unix", "socket-name": self.socket},
            "lease-database": {"type": "memfile", "persist": False},
            f"subnet{self.family}": subnets, **extra}
        if self.family == 6:
            body["server-id"] = {"type": "LLT", "persist": False}
        return {f"Dhcp{self.family}": body}

    def start(self, subnets: list[dict[str, Any]]) -> None:
        path = self.lab.workdir / f"kea{self.family}.json"
        path.write_text(json.dumps(self.config(subnets)))
        Path("/run/kea").mkdir(parents=True, exist_ok=True)
        env = {"KEA_PIDFILE_DIR": str(self.lab.workdir), "KEA_LOCKFILE_DIR": str(self.lab.workdir),
               "TZ": TZ}
        self.proc = self.lab.spawn(self.ns, [f"kea-dhcp{self.family}", "-c", str(path)],
                                   label=f"kea{self.family}", env=env)
        proc = self.proc
        wait_until(lambda: os.path.exists(self.socket) or not proc.running(), 20,
                   f"kea-dhcp{self.family} control socket")
        if not proc.running():
            pytest.fail(f"kea-dhcp{self.family} did not start: {proc.stderr()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()
            self.proc = None

    def command(self, name: str, arguments: object = None) -> dict[str, Any]:
        command: dict[str, Any] = {"command": name}
        if arguments is not None:
            command["arguments"] = arguments
        return send(self.socket, command)

    def config_set(self, subnets: list[dict[str, Any]], **extra: Any) -> None:
        answer = self.command("config-set", self.config(subnets, **extra))
        assert answer["result"] == 0, answer


@pytest.fixture(scope="module")
def lab() -> Iterator[tuple[Lab, Namespace, str]]:
    skip_unless_netns("kea-dhcp4", "kea-dhcp6")
    with Lab("stats") as lab:
        srv, cli = lab.namespace("srv"), lab.namespace("cli")
        link = lab.link(srv, cli)
        for address in SERVER_ADDRESS.values():
            srv.add_address(link.a_if, address)
        yield lab, srv, link.a_if


@pytest.fixture
def local_tz() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = TZ
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def kea(lab: tuple[Lab, Namespace, str], family: int) -> KeaServer:
    return KeaServer(lab[0], lab[1], lab[2], family)


# -- comparing ---------------------------------------------------------------

def normalise(value: Any, stamps: list[str]) -> Any:
    """Replace timestamps by "TS" (collecting them) and cut Kea's wire positions."""
    if isinstance(value, dict):
        out = {k: normalise(v, stamps) for k, v in value.items()}
        if isinstance(out.get("text"), str):
            out["text"] = WIRE_POSITION.sub("", out["text"])
        return out
    if isinstance(value, list):
        return [normalise(v, stamps) for v in value]
    if isinstance(value, str) and TIMESTAMP.match(value):
        stamps.append(value)
        return "TS"
    return value


def assert_same(kea_answer: dict[str, Any], nestor_answer: dict[str, Any], what: str) -> None:
    kea_stamps: list[str] = []
    nestor_stamps: list[str] = []
    assert normalise(nestor_answer, nestor_stamps) == normalise(kea_answer, kea_stamps), what
    # Same local time on both sides: a UTC/local mix-up would be hours apart.
    for kea_ts, nestor_ts in zip(kea_stamps, nestor_stamps, strict=True):
        gap = abs(datetime.fromisoformat(kea_ts) - datetime.fromisoformat(nestor_ts))
        assert gap.total_seconds() < 600, f"{what}: {kea_ts} vs {nestor_ts}"


def nestor_side(family: int, subnets: list[SubnetInfo]) -> tuple[StatsManager, ServerStats]:
    stats = StatsManager()
    server = ServerStats(stats, family, KEA_2_2)
    server.start()
    server.commit(subnets)
    return stats, server


def get_all(stats: StatsManager) -> dict[str, Any]:
    return HANDLERS["statistic-get-all"](stats, None)


# -- the tests ---------------------------------------------------------------

V4_SUBNETS = [
    {"id": 1, "subnet": "192.0.2.0/24",
     "pools": [{"pool": "192.0.2.100-192.0.2.199"}, {"pool": "192.0.2.200-192.0.2.209"}]},
    {"id": 7, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.0/28"}]},
]
V4_INFO = [SubnetInfo(1, (100, 10)), SubnetInfo(7, (16,))]

# Applied in this order to both servers; each answer is compared.
COMMANDS: list[tuple[str, object]] = [
    ("statistic-get", {"name": "pkt4-received"}),
    ("statistic-get", {"name": "bogus"}),
    ("statistic-get", {"name": ""}),
    ("statistic-get", {}),
    ("statistic-get", None),
    ("statistic-get", {"name": 5}),
    ("statistic-get", {"name": None}),
    ("statistic-get", [1]),
    ("statistic-get", {"name": "subnet[1].total-addresses"}),
    ("statistic-reset", {"name": "subnet[1].total-addresses"}),
    ("statistic-get", {"name": "subnet[1].total-addresses"}),
    ("statistic-reset", {"name": "bogus"}),
    ("statistic-reset", None),
    ("statistic-reset", {"name": "pkt4-received", "extra": 1}),
    ("statistic-remove", {"name": "pkt4-sent"}),
    ("statistic-remove", {"name": "pkt4-sent"}),
    ("statistic-remove", {"name": 1}),
    ("statistic-get-all", {}),
    ("statistic-sample-age-set", {"name": "pkt4-received", "duration": 1245}),
    ("statistic-sample-age-set", {"name": "pkt4-received", "duration": "x"}),
    ("statistic-sample-age-set", {"name": "pkt4-received", "duration": 1.5}),
    ("statistic-sample-age-set", {"name": "pkt4-received"}),
    ("statistic-sample-age-set", {"duration": 5}),
    ("statistic-sample-age-set", {"name": "bogus", "duration": 5}),
    ("statistic-sample-age-set-all", {"duration": 3}),
    ("statistic-sample-age-set-all", {}),
    ("statistic-sample-age-set-all", None),
    ("statistic-sample-age-set-all", {"duration": "abc"}),
    ("statistic-sample-age-set-all", {"duration": True}),
    ("statistic-sample-age-set-all", [1]),
    ("statistic-sample-count-set", {"name": "pkt4-received", "max-samples": 3}),
    ("statistic-sample-count-set", {"name": "pkt4-received", "max-samples": "3"}),
    ("statistic-sample-count-set", {"name": "pkt4-received", "max-samples": 2.0}),
    ("statistic-sample-count-set", {"name": "pkt4-received", "max-samples": True}),
    ("statistic-sample-count-set", {"name": "pkt4-received"}),
    ("statistic-sample-count-set", {"name": "bogus", "max-samples": 3}),
    ("statistic-sample-count-set", {"name": "pkt4-received", "max-samples": -1}),
    ("statistic-sample-count-set-all", {"max-samples": 0}),
    ("statistic-sample-count-set-all", {"max-samples": 5}),
    ("statistic-sample-count-set-all", {"max-samples": "5"}),
    ("statistic-sample-count-set-all", {}),
    ("statistic-sample-count-set-all", None),
    ("statistic-sample-count-set-all", {"max-samples": -3}),
    ("statistic-sample-count-set-all", [1]),
    ("statistic-reset-all", {"foo": 1}),
    ("statistic-get-all", {}),
    ("statistic-remove-all", None),
    ("statistic-get-all", None),
    ("statistic-get-all", [1]),
]


def test_every_statistic_command_answers_like_kea(
        lab: tuple[Lab, Namespace, str], local_tz: None) -> None:
    server = kea(lab, 4)
    server.start(V4_SUBNETS)
    try:
        stats, _ = nestor_side(4, V4_INFO)
        assert_same(server.command("statistic-get-all"), get_all(stats), "start-up")
        for index, (name, arguments) in enumerate(COMMANDS):
            expected = server.command(name, arguments)
            got = HANDLERS[name](stats, arguments)
            assert_same(expected, got, f"#{index} {name} {arguments!r}")
    finally:
        server.stop()


def test_reconfiguration_recounts_like_kea(
        lab: tuple[Lab, Namespace, str], local_tz: None) -> None:
    """Subnet totals follow pools; removed subnets lose their statistics (except the
    ones Kea keeps); declined-addresses gains a sample per commit; the configured
    default sample limits are imposed on every statistic at each commit."""
    server = kea(lab, 4)
    server.start(V4_SUBNETS)
    try:
        stats, nestor = nestor_side(4, V4_INFO)
        new_subnets = [
            {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100-192.0.2.149"}]},
            {"id": 8, "subnet": "10.0.1.0/24", "pools": [{"pool": "10.0.1.0/28"},
                                                          {"pool": "10.0.1.64/26"}]},
        ]
        new_info = [SubnetInfo(1, (50,)), SubnetInfo(8, (16, 64))]
        steps: list[tuple[dict[str, Any], int, int]] = [
            ({}, 20, 0),
            ({"statistic-default-sample-count": 2}, 2, 0),
            ({"statistic-default-sample-count": 2}, 2, 0),
            ({"statistic-default-sample-count": 0, "statistic-default-sample-age": 0}, 0, 0),
            ({}, 20, 0),
        ]
        for index, (extra, count, age) in enumerate(steps):
            server.config_set(new_subnets, **extra)
            nestor.commit(new_info, sample_count=count, sample_age=age)
            assert_same(server.command("statistic-get-all"), get_all(stats), f"commit {index}")
        # A per-statistic limit set by command, then trimming by age.
        for args in ({"name": "declined-addresses", "max-samples": 1},
                     {"name": "declined-addresses", "duration": 0}):
            command = ("statistic-sample-count-set" if "max-samples" in args
                       else "statistic-sample-age-set")
            assert_same(server.command(command, args), HANDLERS[command](stats, args), command)
            server.config_set(new_subnets)
            nestor.commit(new_info)
            assert_same(server.command("statistic-get-all"), get_all(stats), command)
    finally:
        server.stop()


V6_SUBNETS = [
    {"id": 3, "subnet": "2001:db8:1::/64",
     "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}, {"pool": "2001:db8:1::1:0/112"}],
     "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56}]},
    {"id": 4, "subnet": "2001:db8:2::/64", "pools": [{"pool": "2001:db8:2::/64"}]},
]
V6_INFO = [SubnetInfo(3, (256, 65536), (256,)), SubnetInfo(4, (2**64,))]


def test_dhcpv6_statistics_like_kea(lab: tuple[Lab, Namespace, str], local_tz: None) -> None:
    server = kea(lab, 6)
    server.start(V6_SUBNETS)
    try:
        stats, nestor = nestor_side(6, V6_INFO)
        assert_same(server.command("statistic-get-all"), get_all(stats), "start-up")
        server.config_set([V6_SUBNETS[0]])
        nestor.commit(V6_INFO[:1])
        # Kea 2.2's count of a /64 pool is 2**64 - 1 cast to int64: -1 (checked above).
        assert_same(server.command("statistic-get-all"), get_all(stats), "reconfigured")
    finally:
        server.stop()
