"""Nestor's lease and lease-statistics commands against a live Kea 2.2.

Kea 2.2 ``kea-dhcp4`` (and, for the v6 commands, ``kea-dhcp6``) runs in a
network namespace this test creates, with ``libdhcp_lease_cmds.so`` and
``libdhcp_stat_cmds.so`` loaded and a unix control socket. The same command
sequence goes to Kea (over its socket, one command per connection) and to
Nestor's handlers in-process, on an equivalent configuration, an empty
in-memory lease store and a statistics manager brought to Kea's start-up
state. Every answer must be equal once these are set
aside:

* ``cltt`` of leases made "now" (both sides read their own clock) and the
  result-set ``timestamp`` (checked separately for format and UTC);
* the JSON position Kea appends to some refusals (" (<wire>:0:40)");
* where Nestor deliberately follows Kea 3.x: result 4 (conflict) instead of 2.2's
  1 for an address already leased, an update of a missing lease and
  resend-ddns with DDNS off (:data:`KEA3_CONFLICTS`).

Afterwards every lease statistic (assigned and declined, per subnet and global)
must have the same sample values on both sides, so the commands count exactly as
Kea counts. Kea runs with ``TZ=IST-5:30`` so that a local-time stamp would show.
"""

from __future__ import annotations

import copy
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import unix_raw
from tests.netns import Lab, Proc, skip_unless_netns, wait_until

from nestor.config.loader import load_text
from nestor.config.model import Config
from nestor.control.lease_cmds import COMMANDS as LEASE_COMMANDS
from nestor.control.registry import Registry
from nestor.control.stat_cmds import COMMANDS as STAT_COMMANDS
from nestor.leases.memfile import MemfileConfig, MemfileStore4, MemfileStore6
from nestor.leases.store import LeaseStore4, LeaseStore6
from nestor.stats.lifecycle import PoolInfo, ServerStats, SubnetInfo
from nestor.stats.manager import StatsManager
from nestor.stats.names import KEA_2_2

pytestmark = [pytest.mark.kea, pytest.mark.netns]

HOOKS = "/usr/lib/x86_64-linux-gnu/kea/hooks"
TZ = "IST-5:30"
POSITION = re.compile(r" ?(in )?\(<wire>:\d+:\d+\)$")
KEA3_CONFLICTS = {
    "IPv4 lease already exists.",
    "IPv6 lease already exists.",
    "DDNS updating is not enabled",
}
UPDATE_CONFLICT = re.compile(r"^failed to update the lease with address \S+ either because")
HW1, HW2, HW3 = "01:02:03:04:05:06", "01:02:03:04:05:07", "01:02:03:04:05:08"
EXPIRE = 1_700_000_000

SUBNETS: list[dict[str, Any]] = [
    {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.100"}]},
    {"id": 2, "subnet": "198.51.100.0/24", "valid-lifetime": 600,
     "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}, {"pool": "198.51.100.100/30"}]},
    {"id": 7, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.5 - 203.0.113.9"}]},
]


def dhcp_config(family: int, iface: str, sock: str, **extra: Any) -> dict[str, Any]:
    """A memfile server with both hook libraries; ``extra`` adds or overrides entries."""
    return {f"Dhcp{family}": {
        "interfaces-config": {"interfaces": [iface]},
        "control-socket": {"socket-type": "unix", "socket-name": sock},
        "lease-database": {"type": "memfile", "persist": False},
        "hooks-libraries": [{"library": f"{HOOKS}/libdhcp_lease_cmds.so"},
                            {"library": f"{HOOKS}/libdhcp_stat_cmds.so"}],
        "valid-lifetime": 4000,
        **extra}}


def dhcp4(iface: str, sock: str) -> dict[str, Any]:
    return dhcp_config(4, iface, sock, subnet4=copy.deepcopy(SUBNETS))


def send(path: str, command: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    """One command on a fresh connection; Kea answers and closes."""
    answer: dict[str, Any] = json.loads(unix_raw(path, json.dumps(command).encode(), timeout))
    return answer


@dataclass
class Nestor:
    """Nestor's side: the handlers with a real store and statistics manager."""

    config: Config
    leases: LeaseStore4
    stats: StatsManager = field(default_factory=StatsManager)
    engine: None = None
    server: Any = None
    registry: Registry = field(default_factory=Registry)

    def now(self) -> float:
        return time.time()

    def command(self, name: str, arguments: object = None) -> dict[str, Any]:
        command: dict[str, Any] = {"command": name}
        if arguments is not None:
            command["arguments"] = arguments
        return self.registry.dispatch(self, command)


def run_kea(family: int, server_address: str,
            make_config: Callable[[str, str], dict[str, Any]]) -> Iterator[tuple[str, Config]]:
    """``kea-dhcpN`` in a namespace of its own; yields its control socket and the
    configuration as Nestor loads it, and stops Kea afterwards."""
    skip_unless_netns(f"kea-dhcp{family}")
    for lib in ("libdhcp_lease_cmds.so", "libdhcp_stat_cmds.so"):
        if not os.path.exists(f"{HOOKS}/{lib}"):
            pytest.skip(f"Kea hook library {lib} is not installed")
    with Lab("leasecmd" if family == 4 else "leasecmd6") as lab:
        srv, cli = lab.namespace("srv"), lab.namespace("cli")
        link = lab.link(srv, cli)
        srv.add_address(link.a_if, server_address)
        sock = str(lab.workdir / f"kea{family}.sock")
        conf = make_config(link.a_if, sock)
        path = lab.workdir / f"kea{family}.json"
        path.write_text(json.dumps(conf))
        Path("/run/kea").mkdir(parents=True, exist_ok=True)
        env = {"KEA_PIDFILE_DIR": str(lab.workdir), "KEA_LOCKFILE_DIR": str(lab.workdir),
               "TZ": TZ}
        proc: Proc = lab.spawn(srv, [f"kea-dhcp{family}", "-c", str(path)],
                               label=f"kea{family}", env=env)
        wait_until(lambda: os.path.exists(sock) or not proc.running(), 20,
                   f"kea-dhcp{family} control socket")
        if not proc.running():
            pytest.fail(f"kea-dhcp{family} did not start: {proc.stderr()[-2000:]}")
        try:
            yield sock, load_text(json.dumps(conf), family).config
        finally:
            proc.stop()


@pytest.fixture(scope="module")
def kea() -> Iterator[tuple[str, Config]]:
    yield from run_kea(4, "192.0.2.1/24", dhcp4)


def nestor_side(config: Config, store: LeaseStore4 | LeaseStore6, family: int,
                subnets: list[SubnetInfo]) -> Nestor:
    """Nestor with the library's v4 and v6 commands and statistics at Kea's start-up."""
    side = Nestor(config, store)  # type: ignore[arg-type]  # a v6 store serves too
    side.registry.register_all(LEASE_COMMANDS + STAT_COMMANDS)
    stats = ServerStats(side.stats, family, KEA_2_2)
    stats.start()
    stats.commit(subnets)
    return side


def nestor_for(config: Config) -> Nestor:
    return nestor_side(config, MemfileStore4(MemfileConfig(persist=False)), 4,
                       [SubnetInfo(s.id, [PoolInfo(p.size) for p in s.pools])
                        for s in config.subnets])


def normalise(answer: dict[str, Any], now_cltts: set[int]) -> dict[str, Any]:
    """Set aside what may differ (see the module docstring)."""
    out: dict[str, Any] = json.loads(json.dumps(answer))
    text = out.get("text")
    if isinstance(text, str):
        out["text"] = POSITION.sub("", text)
        if out["result"] == 1 and (out["text"] in KEA3_CONFLICTS
                                   or UPDATE_CONFLICT.match(out["text"])):
            out["result"] = 4  # Kea 3.x's code for these; Nestor follows 3.x
    args = out.get("arguments")
    if isinstance(args, dict):
        leases = args.get("leases", [args] if "ip-address" in args else [])
        for lease in leases:
            if lease.get("cltt") in now_cltts:
                lease["cltt"] = "now"
        if "result-set" in args:
            args["result-set"]["timestamp"] = "now"
    return out


def cltts_now() -> set[int]:
    """The clock values a lease made during this second or the last two may carry."""
    now = int(time.time())
    return {now - 2, now - 1, now, now + 1}


# The command sequence: lease changes in every state, lookups of every kind, every
# refusal probed, the statistics command, then wipes.
SEQUENCE: list[tuple[str, object]] = [
    ("lease4-get-all", None),
    ("stat-lease4-get", None),
    # arguments that are not a map reach the handlers, which answer in their own words
    ("lease4-add", []),
    ("lease4-update", [1]),
    ("lease4-get", []),
    ("lease4-del", "x"),
    ("lease4-get-all", []),
    ("lease4-get-page", []),
    ("lease4-get-by-hostname", []),
    ("lease4-get-by-client-id", 5),
    ("lease4-resend-ddns", []),
    ("lease4-wipe", []),
    ("stat-lease4-get", []),
    ("stat-lease6-get", None),
    # the v6 commands exist in a v4 server too, with no v6 subnets or leases
    ("lease6-get-all", None),
    ("lease6-get", {"ip-address": "2001:db8::1"}),
    ("lease6-add", {"ip-address": "2001:db8:1::10", "duid": "01:02:03", "iaid": 5}),
    ("lease6-add", {"ip-address": "2001:db8:1::10", "duid": "01:02:03", "iaid": 5,
                    "subnet-id": 1}),
    ("lease6-bulk-apply", {"leases": []}),
    ("lease6-bulk-apply", {"deleted-leases": [{"ip-address": "2001:db8::1"}]}),
    ("lease6-wipe", None),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1, "hostname": "A.example.",
                    "fqdn-fwd": True, "client-id": "01:aa:bb", "comment": "hi",
                    "user-context": {"a": [1, "x"]}, "expire": EXPIRE}),
    ("lease4-add", {"ip-address": "192.0.2.6", "hw-address": HW2, "client-id": "aabb",
                    "state": 1}),
    ("lease4-add", {"ip-address": "192.0.2.7", "hw-address": HW3, "state": 2}),
    ("lease4-add", {"ip-address": "192.0.2.8", "hw-address": "1:2:3:4:5:8",
                    "hostname": "b.example.", "subnet-id": 1, "valid-lft": 100}),
    ("lease4-add", {"ip-address": "198.51.100.11", "hw-address": HW1, "hostname": "a.example."}),
    ("lease4-add", {"ip-address": "198.51.100.101", "hw-address": "", "valid-lft": 0}),
    ("lease4-add", {"ip-address": "203.0.113.1", "hw-address": HW2, "state": 1,
                    "valid-lft": 4294967295, "client-id": "0x0102"}),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW2}),
    ("lease4-add", None),
    ("lease4-add", {}),
    ("lease4-add", {"ip-address": "192.0.2.9"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": 5}),
    ("lease4-add", {"ip-address": "bogus", "hw-address": HW1}),
    ("lease4-add", {"ip-address": "2001:db8::1", "hw-address": HW1}),
    ("lease4-add", {"ip-address": "10.0.0.1", "hw-address": HW1}),
    ("lease4-add", {"ip-address": "10.0.0.1", "hw-address": HW1, "subnet-id": 9}),
    ("lease4-add", {"ip-address": "10.0.0.1", "hw-address": HW1, "subnet-id": 2}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "subnet-id": -1}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "state": 3}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "state": 300}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "fqdn-rev": True}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "fqdn-rev": 1}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "user-context": [1]}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "expire": 0}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "expire": 100}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "expire": "5"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "valid-lft": 4294967296}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "client-id": "01"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "client-id": "zz"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "client-id": "01-02"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "client-id": "1::2"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "client-id": "ab" * 129}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": "zz"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": "010203040506"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": "01:02:"}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": ":".join(["01"] * 21)}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "comment": "c",
                    "user-context": {"comment": "d"}}),
    ("lease4-add", {"ip-address": "192.0.2.9", "hw-address": HW1, "force-create": "x"}),
    ("lease4-get", None),
    ("lease4-get", {}),
    ("lease4-get", {"ip-address": 5}),
    ("lease4-get", {"ip-address": "1.2.3"}),
    ("lease4-get", {"ip-address": "2001:db8::1"}),
    ("lease4-get", {"ip-address": "192.0.2.5"}),
    ("lease4-get", {"ip-address": "192.0.2.99"}),
    ("lease4-get", {"ip-address": "192.0.2.5", "type": "foo"}),
    ("lease4-get", {"ip-address": "192.0.2.5", "type": "IA_PD"}),
    ("lease4-get", {"ip-address": "192.0.2.5", "type": 1}),
    ("lease4-get", {"ip-address": "192.0.2.5", "update-ddns": "yes"}),
    ("lease4-get", {"subnet-id": "1"}),
    ("lease4-get", {"subnet-id": 1}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "hw-address"}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "foo", "identifier": "01:02"}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "duid", "identifier": "01:02"}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "hw-address", "identifier": HW1}),
    ("lease4-get", {"subnet-id": 2, "identifier-type": "hw-address", "identifier": HW1}),
    ("lease4-get", {"subnet-id": 7, "identifier-type": "hw-address", "identifier": HW1}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "client-id", "identifier": "aa:bb"}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "client-id", "identifier": ""}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "address", "identifier": "192.0.2.5"}),
    ("lease4-get-all", None),
    ("lease4-get-all", {}),
    ("lease4-get-all", {"subnets": 1}),
    ("lease4-get-all", {"subnets": [1, "a"]}),
    ("lease4-get-all", {"subnets": [2, 9]}),
    ("lease4-get-all", {"subnets": [9]}),
    ("lease4-get-all", {"subnets": [2, 2]}),
    ("lease4-get-page", None),
    ("lease4-get-page", {}),
    ("lease4-get-page", {"from": 5}),
    ("lease4-get-page", {"from": "foo"}),
    ("lease4-get-page", {"from": "2001::1"}),
    ("lease4-get-page", {"from": "start"}),
    ("lease4-get-page", {"from": "start", "limit": "x"}),
    ("lease4-get-page", {"from": "start", "limit": 0}),
    ("lease4-get-page", {"from": "start", "limit": -1}),
    ("lease4-get-page", {"from": "start", "limit": 3}),
    ("lease4-get-page", {"from": "192.0.2.7", "limit": 3}),
    ("lease4-get-page", {"from": "198.51.100.11", "limit": 3}),
    ("lease4-get-page", {"from": "255.255.255.255", "limit": 3}),
    ("lease4-get-by-hw-address", None),
    ("lease4-get-by-hw-address", {}),
    ("lease4-get-by-hw-address", {"hw-address": 1}),
    ("lease4-get-by-hw-address", {"hw-address": " "}),
    ("lease4-get-by-hw-address", {"hw-address": "01:02:03:04:05:0G"}),
    ("lease4-get-by-hw-address", {"hw-address": HW1.upper()}),
    ("lease4-get-by-hw-address", {"hw-address": "01:02:03:04:05:99"}),
    ("lease4-get-by-client-id", None),
    ("lease4-get-by-client-id", {}),
    ("lease4-get-by-client-id", {"client-id": 5}),
    ("lease4-get-by-client-id", {"client-id": ""}),
    ("lease4-get-by-client-id", {"client-id": " "}),
    ("lease4-get-by-client-id", {"client-id": "01"}),
    ("lease4-get-by-client-id", {"client-id": "xx"}),
    ("lease4-get-by-client-id", {"client-id": "01 aa bb"}),
    ("lease4-get-by-client-id", {"client-id": "abb"}),
    ("lease4-get-by-hostname", None),
    ("lease4-get-by-hostname", {}),
    ("lease4-get-by-hostname", {"hostname": ""}),
    ("lease4-get-by-hostname", {"hostname": 5}),
    ("lease4-get-by-hostname", {"hostname": "A.EXAMPLE."}),
    ("lease4-get-by-hostname", {"hostname": "nope."}),
    ("stat-lease4-get", None),
    ("stat-lease4-get", {}),
    ("stat-lease4-get", {"subnet-id": "1"}),
    ("stat-lease4-get", {"subnet-id": 0}),
    ("stat-lease4-get", {"subnet-id": 2}),
    ("stat-lease4-get", {"subnet-id": 3}),
    ("stat-lease4-get", {"subnet-id": 1, "subnet-range": {}}),
    ("stat-lease4-get", {"subnet-range": 1}),
    ("stat-lease4-get", {"subnet-range": {}}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 0}}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 1}}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 1, "last-subnet-id": 0}}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 1}}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 1, "last-subnet-id": 1}}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 3, "last-subnet-id": 6}}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 10}}),
    ("lease4-update", None),
    ("lease4-update", {}),
    ("lease4-update", {"ip-address": "192.0.2.50", "hw-address": HW1}),
    ("lease4-update", {"ip-address": "192.0.2.50", "hw-address": HW1, "force-create": True}),
    ("lease4-update", {"ip-address": "192.0.2.50", "hw-address": HW1, "force-create": False}),
    ("lease4-update", {"ip-address": "192.0.2.50", "hw-address": HW1, "state": 1}),
    ("lease4-update", {"ip-address": "192.0.2.6", "hw-address": HW2, "state": 0}),
    ("lease4-update", {"ip-address": "192.0.2.7", "hw-address": HW2, "expire": EXPIRE}),
    ("lease4-update", {"ip-address": "192.0.2.8", "hw-address": HW2, "state": 2}),
    ("lease4-update", {"ip-address": "192.0.2.5", "hw-address": HW2, "subnet-id": 2}),
    ("lease4-update", {"ip-address": "203.0.113.1", "hw-address": HW3, "state": 0,
                       "hostname": "C.Example.", "expire": EXPIRE}),
    ("lease4-get", {"ip-address": "192.0.2.50"}),
    ("lease4-get", {"ip-address": "203.0.113.1"}),
    ("stat-lease4-get", None),
    ("lease4-del", None),
    ("lease4-del", {}),
    ("lease4-del", {"ip-address": "192.0.2.99"}),
    ("lease4-del", {"ip-address": "192.0.2.50", "update-ddns": True}),
    ("lease4-del", {"subnet-id": 1, "identifier-type": "hw-address", "identifier": HW3}),
    ("lease4-del", {"subnet-id": 1, "identifier-type": "client-id", "identifier": "aa:bb"}),
    ("lease4-del", {"subnet-id": 1, "identifier-type": "client-id", "identifier": "aa:bb"}),
    ("lease4-del", {"subnet-id": 1, "identifier-type": "duid", "identifier": "aa:bb"}),
    ("lease4-del", {"subnet-id": 1, "identifier-type": "address", "identifier": "aa:bb"}),
    ("lease4-resend-ddns", {}),
    ("lease4-resend-ddns", {"ip-address": 5}),
    ("lease4-resend-ddns", {"ip-address": "x"}),
    ("lease4-resend-ddns", {"ip-address": "2001::1"}),
    ("lease4-resend-ddns", {"ip-address": "192.0.2.5"}),
    ("lease4-get-all", None),
    ("lease4-wipe", {"subnet-id": "x"}),
    ("lease4-wipe", {"subnet-id": -1}),
    ("lease4-wipe", {"subnet-id": 9}),
    ("lease4-wipe", {"subnet-id": 7}),
    ("lease4-wipe", {"subnet-id": 7}),
    ("stat-lease4-get", None),
    ("lease4-add", {"ip-address": "203.0.113.2", "hw-address": HW1, "state": 1}),
    ("lease4-wipe", {}),
    ("lease4-wipe", None),
    ("lease4-get-all", None),
    ("stat-lease4-get", None),
]


def lease_statistics(all_stats: dict[str, Any],
                     suffixes: tuple[str, ...]) -> dict[str, list[Any]]:
    """Sample values (newest first) of the statistics lease commands change."""
    return {name: [sample[0] for sample in samples] for name, samples in all_stats.items()
            if name.endswith(suffixes)}


def assert_same_as_kea(sock: str, nestor: Nestor, sequence: list[tuple[str, object]],
                       stat_suffixes: tuple[str, ...]) -> None:
    """Every command of ``sequence`` answers alike on both sides, and the lease
    statistics (those ending in ``stat_suffixes``) end with the same samples."""
    mismatches = []
    for name, arguments in sequence:
        command: dict[str, Any] = {"command": name}
        if arguments is not None:
            command["arguments"] = arguments
        theirs = send(sock, command)
        ours = nestor.command(name, arguments)
        now = cltts_now()
        if normalise(theirs, now) != normalise(ours, now):
            mismatches.append((command, theirs, ours))
    assert not mismatches, json.dumps(mismatches[:5], indent=1)
    theirs_stats = send(sock, {"command": "statistic-get-all"})["arguments"]
    assert (lease_statistics(theirs_stats, stat_suffixes)
            == lease_statistics(nestor.stats.get_all(), stat_suffixes))


def test_answers_and_statistics_match_kea(kea: tuple[str, Config]) -> None:
    sock, config = kea
    assert_same_as_kea(sock, nestor_for(config), SEQUENCE,
                       ("assigned-addresses", "declined-addresses"))


def test_result_set_timestamp_is_utc(kea: tuple[str, Config]) -> None:
    sock, config = kea
    answer = send(sock, {"command": "stat-lease4-get"})
    stamp = answer["arguments"]["result-set"]["timestamp"]
    ours = nestor_for(config).command("stat-lease4-get")["arguments"]["result-set"]["timestamp"]
    for text in (stamp, ours):
        when = datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
        assert abs(datetime.now(UTC) - when) < timedelta(minutes=1), text


# -- DHCPv6 -----------------------------------------------------------------------------------

SUBNETS6: list[dict[str, Any]] = [
    {"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::ff"}],
     "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56}]},
    {"id": 2, "subnet": "2001:db8:2::/64", "preferred-lifetime": 100,
     "pools": [{"pool": "2001:db8:2::/120"}]},
]
DUID1, DUID2 = "01:02:03", "01:02:04"


def dhcp6(iface: str, sock: str) -> dict[str, Any]:
    return dhcp_config(6, iface, sock, **{
        "server-id": {"type": "LLT", "persist": False}, "preferred-lifetime": 3000,
        "subnet6": copy.deepcopy(SUBNETS6)})


@pytest.fixture(scope="module")
def kea6() -> Iterator[tuple[str, Config]]:
    yield from run_kea(6, "2001:db8:1::1/64", dhcp6)


def nestor6_for(config: Config) -> Nestor:
    return nestor_side(config, MemfileStore6(MemfileConfig(persist=False)), 6,
                       [SubnetInfo(s.id, [PoolInfo(p.size) for p in s.pools],
                                   [PoolInfo(1 << (p.delegated_len - p.prefix.prefixlen))
                                    for p in s.pd_pools])
                        for s in config.subnets])


SEQUENCE6: list[tuple[str, object]] = [
    ("lease6-get-all", None),
    ("lease6-get-all", []),
    ("lease6-bulk-apply", []),
    ("lease6-wipe", 5),
    ("stat-lease6-get", [1]),
    ("lease4-get-all", None),
    ("lease4-add", {"ip-address": "192.0.2.5", "hw-address": HW1}),
    ("lease4-wipe", None),
    ("stat-lease4-get", None),
    ("lease6-add", None),
    ("lease6-add", {}),
    ("lease6-add", {"ip-address": "192.0.2.1"}),
    ("lease6-add", {"ip-address": "2001:db8:1::10"}),
    ("lease6-add", {"ip-address": "2001:db8:1::10", "duid": "zz"}),
    ("lease6-add", {"ip-address": "2001:db8:1::10", "duid": DUID1}),
    ("lease6-add", {"ip-address": "2001:db8:1::10", "duid": DUID1, "iaid": 5}),
    ("lease6-add", {"ip-address": "2001:db8:1::10", "duid": DUID1, "iaid": 5}),
    ("lease6-add", {"ip-address": "2001:db8:1::11", "duid": DUID1, "iaid": 6,
                    "hw-address": "0a:0b:0c:0d:0e:0f", "hostname": "X.example.",
                    "fqdn-rev": True, "state": 1, "user-context": {"a": 1}, "expire": EXPIRE,
                    "preferred-lft": 50, "valid-lft": 100}),
    ("lease6-add", {"ip-address": "3000::", "duid": DUID1, "iaid": 7, "type": "IA_PD"}),
    ("lease6-add", {"ip-address": "3000::", "duid": DUID1, "iaid": 7, "type": "IA_PD",
                    "prefix-len": 56}),
    ("lease6-add", {"ip-address": "3000::", "duid": DUID1, "iaid": 7, "type": "IA_PD",
                    "prefix-len": 56, "subnet-id": 1}),
    ("lease6-add", {"ip-address": "3000:0:0:100::", "duid": DUID1, "iaid": 7, "type": "IA_TA",
                    "subnet-id": 1}),
    ("lease6-add", {"ip-address": "3000:0:0:200::", "duid": DUID1, "iaid": 7, "type": "foo",
                    "subnet-id": 1}),
    ("lease6-add", {"ip-address": "2001:db8:2::5", "duid": DUID2, "iaid": 7, "state": 2}),
    ("lease6-add", {"ip-address": "2001:db8:2::6", "duid": "01", "iaid": 7}),
    ("lease6-add", {"ip-address": "2001:db8:2::7", "duid": DUID2, "iaid": -1}),
    ("lease6-add", {"ip-address": "2001:db8:9::7", "duid": DUID2, "iaid": 1}),
    ("lease6-add", {"ip-address": "2001:db8:9::7", "duid": DUID2, "iaid": 1, "subnet-id": 2}),
    ("lease6-get-all", None),
    ("lease6-get-all", {"subnets": [2]}),
    ("lease6-get", {"ip-address": "3000::"}),
    ("lease6-get", {"ip-address": "3000::", "type": "IA_PD"}),
    ("lease6-get", {"ip-address": "192.0.2.1"}),
    ("lease6-get", {"subnet-id": 1, "identifier-type": "duid", "identifier": DUID1}),
    ("lease6-get", {"subnet-id": 1, "identifier-type": "duid", "identifier": DUID1, "iaid": 5}),
    ("lease6-get", {"subnet-id": 1, "identifier-type": "duid", "identifier": DUID1, "iaid": 7,
                    "type": "IA_PD"}),
    ("lease6-get", {"subnet-id": 1, "identifier-type": "hw-address", "identifier": DUID1}),
    ("lease6-get", {"subnet-id": 1, "identifier-type": "client-id", "identifier": DUID1}),
    ("lease6-get", {"subnet-id": 1, "identifier-type": "duid", "identifier": ""}),
    ("lease6-get-page", {"from": "start", "limit": 2}),
    ("lease6-get-page", {"from": "192.0.2.1", "limit": 2}),
    ("lease6-get-page", {"from": "2001:db8:1::10", "limit": 2}),
    ("lease6-get-page", {"from": "2001:db8:2::6", "limit": 2}),
    ("lease6-get-by-duid", {"duid": DUID1}),
    ("lease6-get-by-duid", {"duid": ""}),
    ("lease6-get-by-duid", {}),
    ("lease6-get-by-duid", None),
    ("lease6-get-by-hostname", {"hostname": "x.EXAMPLE."}),
    ("lease6-update", {"ip-address": "2001:db8:1::11", "duid": DUID1, "iaid": 6, "state": 0}),
    ("lease6-update", {"ip-address": "2001:db8:1::99", "duid": DUID1, "iaid": 6}),
    ("lease6-update", {"ip-address": "2001:db8:1::99", "duid": DUID1, "iaid": 6,
                       "force-create": True}),
    ("lease6-update", {"ip-address": "2001:db8:2::5", "duid": DUID2, "iaid": 7}),
    ("stat-lease6-get", None),
    ("stat-lease6-get", {"subnet-id": 2}),
    ("stat-lease6-get", {"subnet-id": 3}),
    ("lease6-del", {"ip-address": "3000::"}),
    ("lease6-del", {"ip-address": "3000::", "type": "IA_PD"}),
    ("lease6-del", {"subnet-id": 1, "identifier-type": "duid", "identifier": DUID1, "iaid": 5}),
    ("lease6-del", {"subnet-id": 1, "identifier-type": "hw-address", "identifier": DUID1}),
    ("lease6-resend-ddns", {"ip-address": "2001:db8:1::11"}),
    ("lease6-resend-ddns", {"ip-address": "192.0.2.1"}),
    ("lease6-bulk-apply", None),
    ("lease6-bulk-apply", {}),
    ("lease6-bulk-apply", {"leases": 1}),
    ("lease6-bulk-apply", {"leases": [{"ip-address": "2001:db8:1::20", "duid": "01:02:05",
                                       "iaid": 1}],
                           "deleted-leases": [{"ip-address": "2001:db8:1::21"},
                                              {"ip-address": "2001:db8:2::6"}]}),
    ("lease6-bulk-apply", {"leases": [{"ip-address": "2001:db8:1::22", "duid": "01:02:05",
                                       "iaid": 1}, {"ip-address": "2001:db8:1::23"}]}),
    ("lease6-bulk-apply", {"deleted-leases": [{"subnet-id": 1, "identifier-type": "duid",
                                               "identifier": "09:09", "iaid": 1}]}),
    ("lease6-get-all", None),
    ("stat-lease6-get", None),
    ("lease6-wipe", {"subnet-id": 2}),
    ("lease6-wipe", {"subnet-id": 1}),
    ("lease6-wipe", None),
    ("stat-lease6-get", None),
]


def test_v6_answers_and_statistics_match_kea(kea6: tuple[str, Config]) -> None:
    sock, config = kea6
    assert_same_as_kea(sock, nestor6_for(config), SEQUENCE6,
                       ("assigned-nas", "assigned-pds", "declined-addresses"))
