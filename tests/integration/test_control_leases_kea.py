"""The lease commands of a real ``nestor-dhcp4`` next to Kea 2.2's, over both channels.

The same command sequence goes to Kea 2.2's ``kea-dhcp4`` with the same hook
libraries (in a network namespace this test creates, UNIX control socket) and to
Nestor over its UNIX and its HTTP channel; the answers must agree once positions
in texts, result-set timestamps and statistics history are set aside, and
Kea 3.x's result 4 is accepted where 2.2 answers 1 (as in
``tests/interop/test_lease_cmds_kea.py``, which compares the handlers in-process).
Then a file Nestor's ``lease4-write`` made is loaded by a second Kea 2.2, whose
``lease4-get-all`` must list exactly what Nestor listed.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import NESTOR, unix_cmd
from tests.integration.test_control_leases import (
    A10,
    D11,
    EXPIRE,
    HW1,
    HW2,
    HW3,
    LEASE_LIB,
    STAT_LIB,
    dhcp4,
    start_nestor,
)
from tests.netns import Lab, Proc, skip_unless_netns, wait_until

pytestmark = pytest.mark.skipif(not NESTOR.exists(), reason="nestor-dhcp4 not installed")

POSITION = re.compile(r" ?(in )?\(<wire>:\d+:\d+\)$")
# Kea 2.2 answers 1 where Kea 3.x (and Nestor) answer 4 (conflict).
KEA3_CONFLICTS = re.compile(r"^(IPv4 lease already exists\.|DDNS updating is not enabled|"
                            r"failed to update the lease with address \S+ either because.*)$")
# Commands Kea 2.2 lacks (Kea 3.x has them): Kea answers 2; Nestor's answers are
# checked in test_control_leases.py.
NEWER_THAN_22 = {"lease4-get-by-state", "lease4-write"}

KEA_SEQUENCE: list[tuple[str, object]] = [
    ("lease4-get-all", None),
    ("stat-lease4-get", None),
    ("lease4-add", A10),
    ("lease4-add", D11),
    ("lease4-add", {"ip-address": "192.0.2.10", "hw-address": HW2}),
    ("lease4-add", {"ip-address": "192.0.2.11"}),
    ("lease4-add", {"ip-address": "10.9.9.9", "hw-address": HW1}),
    ("lease4-add", {"ip-address": "192.0.2.14", "hw-address": HW1, "subnet-id": 2}),
    ("lease4-add", {"ip-address": "203.0.113.5", "hw-address": HW3, "subnet-id": 7,
                    "valid-lft": 100, "expire": EXPIRE}),
    ("statistic-get", {"name": "subnet[1].assigned-addresses"}),
    ("statistic-get", {"name": "subnet[2].declined-addresses"}),
    ("lease4-get-all", None),
    ("lease4-get-all", {"subnets": [2, 7]}),
    ("lease4-get-all", {"subnets": [9]}),
    ("lease4-get-all", {"subnets": 1}),
    ("lease4-get", {"ip-address": "192.0.2.10"}),
    ("lease4-get", {"ip-address": "192.0.2.99"}),
    ("lease4-get", {"ip-address": "bogus"}),
    ("lease4-get", {"subnet-id": 1, "identifier-type": "client-id", "identifier": "01:aa:bb"}),
    ("lease4-get-page", {"from": "start", "limit": 2}),
    ("lease4-get-page", {"from": "198.51.100.11", "limit": 2}),
    ("lease4-get-page", {"from": "203.0.113.5", "limit": 2}),
    ("lease4-get-page", {"from": "start", "limit": 0}),
    ("lease4-get-by-hw-address", {"hw-address": HW1}),
    ("lease4-get-by-hw-address", {"hw-address": "01:02:03:04:05:99"}),
    ("lease4-get-by-hw-address", {}),
    ("lease4-get-by-client-id", {"client-id": "01:aa:bb"}),
    ("lease4-get-by-client-id", {"client-id": "01:ff"}),
    ("lease4-get-by-client-id", {"client-id": 5}),
    ("lease4-get-by-hostname", {"hostname": "a.example."}),
    ("lease4-get-by-hostname", {"hostname": "nope."}),
    ("lease4-get-by-hostname", {"hostname": ""}),
    ("lease4-get-by-state", {"state": 1}),
    ("lease4-update", {"ip-address": "192.0.2.12", "hw-address": HW3, "expire": EXPIRE}),
    ("lease4-update", {"ip-address": "192.0.2.12", "hw-address": HW3, "expire": EXPIRE,
                       "force-create": True}),
    ("lease4-update", {"ip-address": "192.0.2.12", "hw-address": HW3, "expire": EXPIRE,
                       "hostname": "c.example."}),
    ("lease4-update", {"ip-address": "192.0.2.12"}),
    ("lease4-get", {"ip-address": "192.0.2.12"}),
    ("lease4-resend-ddns", {"ip-address": "192.0.2.10"}),
    ("lease4-resend-ddns", {"ip-address": "x"}),
    ("lease4-resend-ddns", {"ip-address": "192.0.2.99"}),
    ("lease4-write", {"filename": "/nonexistent/x.csv"}),
    ("stat-lease4-get", None),
    ("stat-lease4-get", {"subnet-id": 2}),
    ("stat-lease4-get", {"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 7}}),
    ("stat-lease4-get", {"subnet-id": 3}),
    ("stat-lease4-get", {"subnet-id": "1"}),
    ("statistic-get", {"name": "subnet[1].assigned-addresses"}),
    ("lease4-del", {"ip-address": "192.0.2.12"}),
    ("lease4-del", {"ip-address": "192.0.2.12"}),
    ("lease4-del", {}),
    ("lease4-del", {"ip-address": "203.0.113.5", "update-ddns": True}),
    ("lease4-del", {"subnet-id": 1, "identifier-type": "hw-address", "identifier": HW1}),
    ("statistic-get", {"name": "subnet[1].assigned-addresses"}),
    ("lease4-wipe", {"subnet-id": 2}),
    ("lease4-wipe", {"subnet-id": 2}),
    ("lease4-wipe", {"subnet-id": "x"}),
    ("statistic-get", {"name": "subnet[2].declined-addresses"}),
    ("lease4-wipe", None),
    ("lease4-get-all", None),
    ("stat-lease4-get", None),
]


def normalise(answer: dict[str, Any]) -> dict[str, Any]:
    """Set aside what may differ: positions in texts, 2.2's result 1 for conflicts,
    result-set timestamps and statistics history (the newest value stays)."""
    out: dict[str, Any] = json.loads(json.dumps(answer))
    text = out.get("text")
    if isinstance(text, str):
        out["text"] = POSITION.sub("", text)
        if out["result"] == 1 and KEA3_CONFLICTS.match(out["text"]):
            out["result"] = 4
    args = out.get("arguments")
    if isinstance(args, dict):
        if "result-set" in args:
            args["result-set"]["timestamp"] = "now"
        for name, samples in args.items():
            if "[" in name and isinstance(samples, list) and samples:
                args[name] = samples[0][0]
    return out


def spawn_kea(lab: Lab, conf: dict[str, Any], label: str, sock: Path) -> Proc:
    path = lab.workdir / f"{label}.json"
    path.write_text(json.dumps(conf))
    Path("/run/kea").mkdir(parents=True, exist_ok=True)
    env = {"KEA_PIDFILE_DIR": str(lab.workdir), "KEA_LOCKFILE_DIR": str(lab.workdir)}
    proc = lab.spawn(lab.namespace(label), ["kea-dhcp4", "-c", str(path)], label, env=env)

    def ready() -> bool:
        if not proc.running():
            raise AssertionError(f"kea-dhcp4 exited: {proc.stderr()[-2000:]}")
        try:
            return bool(unix_cmd(sock, "version-get")["result"] == 0)
        except OSError:
            return False

    wait_until(ready, 30, f"{label} control socket")
    return proc


def library_commands(names: set[str]) -> set[str]:
    return {n for n in names if n.startswith(("lease4-", "lease6-", "stat-lease"))}


@pytest.fixture(scope="module")
def kea_lab() -> Iterator[Lab]:
    skip_unless_netns("kea-dhcp4")
    for lib in (LEASE_LIB, STAT_LIB):
        if not Path(lib).exists():
            pytest.skip(f"Kea hook library {lib} is not installed")
    with Lab("leasectl") as lab:
        yield lab


def test_same_answers_as_kea_over_both_channels(kea_lab: Lab, tmp_path: Path) -> None:
    sock = kea_lab.workdir / "kea.sock"
    kea_conf = dhcp4(kea_lab.workdir, {"control-socket": {
        "socket-type": "unix", "socket-name": str(sock)}}, [LEASE_LIB, STAT_LIB])
    kea = spawn_kea(kea_lab, kea_conf, "kea", sock)
    theirs = [unix_cmd(sock, name, args) for name, args in KEA_SEQUENCE]
    kea_names = set(unix_cmd(sock, "list-commands")["arguments"])
    kea.stop()
    daemon, ch, _ = start_nestor(tmp_path, "nestor", [LEASE_LIB, STAT_LIB])
    try:
        for send in (ch.unix, ch.http):
            mismatches = []
            for (name, args), kea_answer in zip(KEA_SEQUENCE, theirs, strict=True):
                ours = send(name, args)
                if name in NEWER_THAN_22:
                    assert kea_answer == {"result": 2, "text": f"'{name}' command not supported."}
                elif normalise(ours) != normalise(kea_answer):
                    mismatches.append(((name, args), kea_answer, ours))
            assert not mismatches, json.dumps(mismatches[:4], indent=1)
        names = set(ch.unix("list-commands")["arguments"])
    finally:
        daemon.stop()
    # With lease_cmds loaded Kea lists the library's v6 commands in kea-dhcp4 too; Nestor
    # lists them all, plus the Kea 2.4+/3.x ones 2.2 lacks. (Built-ins: test_control_kea.)
    kea_lib, ours_lib = library_commands(kea_names), library_commands(names)
    assert kea_lib <= ours_lib
    assert ours_lib - kea_lib == {"lease4-get-by-state", "lease4-write",
                                  "lease6-get-by-hw-address", "lease6-get-by-state",
                                  "lease6-write"}


def test_kea_loads_the_file_lease4_write_made(kea_lab: Lab, tmp_path: Path) -> None:
    daemon, ch, _ = start_nestor(tmp_path, "writer", [LEASE_LIB])
    try:
        for lease in (A10, D11, {"ip-address": "192.0.2.13", "hw-address": HW3,
                                 "hostname": "b.example.", "fqdn-fwd": True,
                                 "valid-lft": 100, "expire": EXPIRE}):
            assert ch.http("lease4-add", lease)["result"] == 0
        written = tmp_path / "written.csv"
        assert ch.http("lease4-write", {"filename": str(written)})["result"] == 0
        ours = ch.unix("lease4-get-all")
    finally:
        daemon.stop()
    work = kea_lab.workdir / "reader"
    work.mkdir()
    shutil.copy(written, work / "leases4.csv")
    sock = work / "kea.sock"
    conf = dhcp4(work, {"control-socket": {"socket-type": "unix", "socket-name": str(sock)}},
                 [LEASE_LIB])
    kea = spawn_kea(kea_lab, conf, "reader", sock)
    try:
        assert unix_cmd(sock, "lease4-get-all") == ours
    finally:
        kea.stop()
