"""Lease files move both ways between Nestor and Kea 2.2 (the oracle).

* A file Nestor wrote is loaded by ``kea-dhcp4``/``kea-dhcp6``; ``lease4-get-all``
  over Kea's control socket (``libdhcp_lease_cmds.so``) shows the same leases.
* Leases Kea created (``lease4-add``/``-update``/``-del``) and wrote are loaded
  by Nestor with the same content Kea reported.
* Kea's ``kea-lfc`` compacts a Nestor file, and Kea itself runs ``nestor-lfc``
  through ``KEA_LFC_EXECUTABLE``; both results load with the same leases.

Kea runs inside a network namespace this test creates (no interfaces are
configured, so it opens no DHCP sockets at all); it is stopped by PID.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import time
from collections.abc import Callable, Iterator
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Any, TypeVar

import pytest
from tests.netns import Lab, Namespace, Proc, skip_unless_netns, wait_until

from nestor.leases import LEASE_TYPE_NAMES, Lease4, Lease6, LeaseState, LeaseType
from nestor.leases.leasefile import load_file
from nestor.leases.lfc import lfc_files
from nestor.leases.memfile import MemfileConfig, MemfileStore4, MemfileStore6
from nestor.leases.rows import COLUMNS4, SCHEMA4
from nestor.leases.store import LeaseStore

pytestmark = [pytest.mark.kea, pytest.mark.netns]

LEASE_CMDS = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"
# Far enough ahead that Kea's reclamation never touches these leases during the test.
CLTT = int(time.time()) + 86_400
NESTOR_LFC = (sys.executable, "-m", "nestor.daemons.lfc")

L = TypeVar("L", Lease4, Lease6)


class Kea:
    """One kea-dhcp4/kea-dhcp6 process with a unix control socket."""

    def __init__(self, lab: Lab, ns: Namespace, family: int, lease_file: Path,
                 env: dict[str, str] | None = None, lfc_interval: int = 0) -> None:
        self.family = family
        work = lab.workdir
        self.socket_path = str(work / f"kea{family}-{time.monotonic_ns() % 10**6}.sock")
        config = _config(family, str(lease_file), self.socket_path, str(work), lfc_interval)
        conf_path = work / f"kea{family}.json"
        conf_path.write_text(json.dumps(config))
        run_env = {"KEA_PIDFILE_DIR": str(work), "KEA_LOCKFILE_DIR": str(work), **(env or {})}
        self.proc: Proc = ns.spawn([f"kea-dhcp{family}", "-c", str(conf_path)],
                                   label=f"kea{family}", env=run_env)
        wait_until(self._ready, 30, f"kea-dhcp{family} control socket")

    def _ready(self) -> bool:
        if not self.proc.running():
            raise RuntimeError(f"kea-dhcp{self.family} exited: {self.proc.stdout()[-2000:]}")
        try:
            return bool(self.command("list-commands")["result"] == 0)
        except OSError:
            return False

    def command(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"command": name}
        if arguments is not None:
            request["arguments"] = arguments
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(10)
            sock.connect(self.socket_path)
            sock.sendall(json.dumps(request).encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        answer: dict[str, Any] = json.loads(data)
        return answer

    def ok(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.command(name, arguments)
        assert answer["result"] in (0, 3), answer
        return answer

    def leases(self) -> list[dict[str, Any]]:
        answer = self.ok(f"lease{self.family}-get-all")
        found: list[dict[str, Any]] = answer.get("arguments", {}).get("leases", [])
        return sorted(found, key=lambda x: _addr_key(x["ip-address"]))

    def stop(self) -> None:
        assert self.proc.stop(10) == 0, self.proc.stdout()[-2000:]

    def __enter__(self) -> Kea:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _addr_key(text: str) -> tuple[int, int]:
    return (6, int(IPv6Address(text))) if ":" in text else (4, int(IPv4Address(text)))


def _config(family: int, lease_file: str, sock: str, work: str,
            lfc_interval: int) -> dict[str, Any]:
    common: dict[str, Any] = {
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": sock},
        "lease-database": {"type": "memfile", "name": lease_file,
                           "lfc-interval": lfc_interval},
        "hooks-libraries": [{"library": LEASE_CMDS}],
        "loggers": [{"name": f"kea-dhcp{family}", "severity": "INFO",
                     "output_options": [{"output": f"{work}/kea{family}.log"}]}],
    }
    if family == 4:
        common["subnet4"] = [
            {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10-192.0.2.200"}]},
            {"id": 2, "subnet": "198.51.100.0/24"}]
        return {"Dhcp4": common}
    common["server-id"] = {"type": "EN", "enterprise-id": 2495, "identifier": "0102",
                           "persist": False}
    common["subnet6"] = [{"id": 1, "subnet": "2001:db8:1::/64",
                          "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48,
                                        "delegated-len": 56}]}]
    return {"Dhcp6": common}


@pytest.fixture
def lab() -> Iterator[tuple[Lab, Namespace]]:
    skip_unless_netns("kea-dhcp4", "kea-dhcp6", "kea-lfc")
    if not Path(LEASE_CMDS).exists():
        pytest.skip(f"{LEASE_CMDS} is not installed")
    with Lab("lfile") as made:
        yield made, made.namespace("kea")


# Kea's JSON view of a lease (lease4-get-all / lease6-get-all) ------------------------------
def kea_view4(lease: Lease4) -> dict[str, Any]:
    view: dict[str, Any] = {
        "ip-address": str(lease.address), "hw-address": lease.hwaddr.hex(":"),
        "valid-lft": lease.valid_lft, "cltt": lease.cltt, "subnet-id": lease.subnet_id,
        "fqdn-fwd": lease.fqdn_fwd, "fqdn-rev": lease.fqdn_rev, "hostname": lease.hostname,
        "state": lease.state}
    if lease.client_id is not None:
        view["client-id"] = lease.client_id.hex(":")
    if lease.user_context is not None:
        view["user-context"] = lease.user_context
    return view


def kea_view6(lease: Lease6) -> dict[str, Any]:
    view: dict[str, Any] = {
        "ip-address": str(lease.address), "duid": lease.duid.hex(":"), "iaid": lease.iaid,
        "type": LEASE_TYPE_NAMES[lease.type], "preferred-lft": lease.preferred_lft,
        "valid-lft": lease.valid_lft, "cltt": lease.cltt, "subnet-id": lease.subnet_id,
        "fqdn-fwd": lease.fqdn_fwd, "fqdn-rev": lease.fqdn_rev, "hostname": lease.hostname,
        "state": lease.state}
    if lease.type == LeaseType.PD:
        view["prefix-len"] = lease.prefix_len
    if lease.hwaddr is not None:
        view["hw-address"] = lease.hwaddr.hex(":")
    if lease.user_context is not None:
        view["user-context"] = lease.user_context
    return view


def ip4(text: str) -> int:
    return int(IPv4Address(text))


def ip6(text: str) -> int:
    return int(IPv6Address(text))


def nestor_leases4(newline_hostnames: bool = True) -> list[Lease4]:
    awkward = "we,ird&#x41 name\nline2" if newline_hostnames else "we,ird&#x41 name"
    return [
        Lease4(ip4("192.0.2.10"), bytes.fromhex("1a1b1c1d1e1f"), b"\x01\x1a\x1b\x1c", 3600,
               CLTT, 1, True, False, awkward, user_context={"note": 'a, "b"', "n": [1, 2]}),
        Lease4(ip4("192.0.2.11"), b"", None, 7200, CLTT, 1, state=LeaseState.DECLINED),
        Lease4(ip4("192.0.2.12"), bytes.fromhex("0a0b0c0d0e0f"), None, 0xFFFFFFFF, CLTT, 1,
               fqdn_rev=True, hostname="infinite.example.org"),
        Lease4(ip4("198.51.100.7"), b"", b"\xff\x00\x01", 600, CLTT, 2,
               state=LeaseState.EXPIRED_RECLAIMED, pool_id=3),
    ]


def add_renewed(store: LeaseStore[L], wanted: list[L], older: int) -> None:
    """Each lease gets two rows: an older one first, then the current one."""
    for lease in wanted:
        store.add(lease.copy(cltt=CLTT - older))
        store.update(lease.copy())


def kea_leases(made: Lab, ns: Namespace, family: int, path: Path) -> list[dict[str, Any]]:
    """The leases a freshly started Kea loads from ``path``."""
    with Kea(made, ns, family, path) as kea:
        return kea.leases()


def check_nestor_loads(store: MemfileStore4 | MemfileStore6, view: Callable[[Any], object],
                       expected: list[dict[str, Any]]) -> None:
    """The store shows what Kea showed; the Kea 2.2 file needed an upgrade, so the
    cleanup Nestor ran at start must have converted it."""
    assert [view(x) for x in store.all()] == expected
    assert store.files is not None and store.files.wait_lfc(60) == 0
    store.close()


def write_nestor4(path: Path, newline_hostnames: bool = True) -> list[Lease4]:
    store = MemfileStore4(MemfileConfig(name=str(path), lfc_interval=0))
    wanted = nestor_leases4(newline_hostnames)
    add_renewed(store, wanted, 500)
    doomed = Lease4(ip4("192.0.2.99"), b"\x02" * 6, None, 60, CLTT, 1)
    store.add(doomed)
    store.delete(doomed)
    store.close()
    return wanted


def test_kea_loads_a_lease_file_nestor_wrote(lab: tuple[Lab, Namespace]) -> None:
    made, ns = lab
    path = made.workdir / "kea-leases4.csv"
    wanted = write_nestor4(path)
    # Kea 2.2 has no pool_id; everything else must match.
    assert kea_leases(made, ns, 4, path) == [kea_view4(x) for x in wanted]


def test_nestor_loads_a_lease_file_kea_wrote(lab: tuple[Lab, Namespace]) -> None:
    made, ns = lab
    path = made.workdir / "kea-leases4.csv"
    with Kea(made, ns, 4, path) as kea:
        kea.ok("lease4-add", {"ip-address": "192.0.2.10", "hw-address": "1a:1b:1c:1d:1e:1f",
                              "client-id": "01:02:03", "hostname": "a,b&c",
                              "user-context": {"k": "v,w", "q": '"x"'}, "valid-lft": 3600,
                              "expire": CLTT + 3600, "fqdn-fwd": True})
        kea.ok("lease4-add", {"ip-address": "192.0.2.11", "hw-address": "", "state": 1,
                              "expire": CLTT + 7200})
        kea.ok("lease4-add", {"ip-address": "192.0.2.12", "hw-address": "aa:bb:cc:dd:ee:01",
                              "valid-lft": 0xFFFFFFFF, "expire": CLTT + 0xFFFFFFFF})
        kea.ok("lease4-add", {"ip-address": "198.51.100.5", "hw-address": "aa:bb:cc:dd:ee:02",
                              "subnet-id": 2, "expire": CLTT + 4000})
        kea.ok("lease4-update", {"ip-address": "198.51.100.5", "hw-address": "aa:bb:cc:dd:ee:03",
                                 "subnet-id": 2, "hostname": "renamed", "expire": CLTT + 5000})
        kea.ok("lease4-add", {"ip-address": "192.0.2.13", "hw-address": "aa:bb:cc:dd:ee:04"})
        kea.ok("lease4-del", {"ip-address": "192.0.2.13"})
        expected = kea.leases()
    assert len(expected) == 4
    check_nestor_loads(MemfileStore4(MemfileConfig(name=str(path), lfc_interval=0,
                                                   lfc_command=NESTOR_LFC)),
                       kea_view4, expected)
    previous = Path(lfc_files(str(path))["previous"])
    assert previous.read_text().splitlines()[0] == ",".join(c.name for c in COLUMNS4)
    again = MemfileStore4(MemfileConfig(name=str(path), lfc_interval=0))
    assert [kea_view4(x) for x in again.all()] == expected
    again.close()


def test_kea_lfc_compacts_a_nestor_file(lab: tuple[Lab, Namespace]) -> None:
    made, _ = lab
    path = made.workdir / "kea-leases4.csv"
    # Kea 2.2's kea-lfc writes newlines in hostnames raw, breaking its own output
    # (fixed in Kea 3.x), so this file avoids them.
    wanted = write_nestor4(path, newline_hostnames=False)
    files = lfc_files(str(path))
    os.rename(path, files["input"])
    done = made.namespace("lfc").run(
        ["kea-lfc", "-4", "-x", files["previous"], "-i", files["input"], "-o", files["output"],
         "-f", files["finish"], "-p", files["pid"], "-c", "ignored-path"],
        env={"KEA_LOCKFILE_DIR": str(made.workdir), "KEA_PIDFILE_DIR": str(made.workdir)})
    assert done.returncode == 0, done.stderr
    assert not Path(files["input"]).exists()
    leases: dict[int, Lease4] = {}
    load_file(files["previous"], SCHEMA4, leases, 1)
    # Kea 2.2 drops the pool_id column; every other field is kept.
    assert list(leases.values()) == [x.copy(pool_id=0) for x in wanted]


def test_kea_runs_nestor_lfc_through_kea_lfc_executable(lab: tuple[Lab, Namespace]) -> None:
    made, ns = lab
    path = made.workdir / "kea-leases4.csv"
    wrapper = made.workdir / "nestor-lfc"
    # Kea starts the program with an empty environment: the wrapper names the interpreter.
    wrapper.write_text(f"#!/bin/sh\nexec {' '.join(NESTOR_LFC)} \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    files = lfc_files(str(path))
    with Kea(made, ns, 4, path, env={"KEA_LFC_EXECUTABLE": str(wrapper)},
             lfc_interval=1) as kea:
        for n in range(20):
            for renewal in range(3):
                kea.ok("lease4-add" if renewal == 0 else "lease4-update",
                       {"ip-address": f"192.0.2.{10 + n}", "hw-address": f"02:00:00:00:00:{n:02x}",
                        "hostname": f"h{n},x", "expire": CLTT + 3600 + renewal})
        expected = kea.leases()

        def compacted() -> bool:
            prev = Path(files["previous"])
            return (prev.exists() and not Path(files["input"]).exists()
                    and len(prev.read_text().splitlines()) == 21)
        wait_until(compacted, 30, "Kea to run nestor-lfc")
    # nestor-lfc wrote it: Kea 2.2's kea-lfc would not write the pool_id column.
    assert Path(files["previous"]).read_text().splitlines()[0].endswith(",pool_id")
    assert kea_leases(made, ns, 4, path) == expected


# DHCPv6 ----------------------------------------------------------------------------------
DUID = bytes.fromhex("000100011a2b3c4d0a0b0c0d0e0f")


def nestor_leases6() -> list[Lease6]:
    return [
        Lease6(ip6("2001:db8:1::10"), DUID, 7, LeaseType.NA, 128, 1800, 3600, CLTT, 1,
               fqdn_fwd=True, hostname="six,&\nsix", hwaddr=bytes.fromhex("0a0b0c0d0e0f"),
               user_context={"v": [True, None]}),
        Lease6(ip6("2001:db8:1::11"), b"\x00", 0, LeaseType.NA, 128, 7200, 7200, CLTT, 1,
               state=LeaseState.DECLINED),
        Lease6(ip6("2001:db8:8:100::"), DUID, 9, LeaseType.PD, 56, 1800, 3600, CLTT, 1),
    ]


def test_kea6_loads_a_lease_file_nestor_wrote(lab: tuple[Lab, Namespace]) -> None:
    made, ns = lab
    path = made.workdir / "kea-leases6.csv"
    store = MemfileStore6(MemfileConfig(name=str(path), lfc_interval=0))
    wanted = nestor_leases6()
    add_renewed(store, wanted, 9)
    store.close()
    assert kea_leases(made, ns, 6, path) == [kea_view6(x) for x in wanted]


def test_nestor_loads_a_v6_lease_file_kea_wrote(lab: tuple[Lab, Namespace]) -> None:
    made, ns = lab
    path = made.workdir / "kea-leases6.csv"
    with Kea(made, ns, 6, path) as kea:
        kea.ok("lease6-add", {"ip-address": "2001:db8:1::100", "duid": "01:02:03:04",
                              "iaid": 1234, "hw-address": "1a:1b:1c:1d:1e:1f", "hostname": "h,1",
                              "user-context": {"a": "b"}, "preferred-lft": 1800,
                              "valid-lft": 3600, "fqdn-rev": True, "subnet-id": 1})
        kea.ok("lease6-add", {"type": "IA_PD", "ip-address": "2001:db8:8::", "prefix-len": 56,
                              "duid": "01:02:03:04", "iaid": 5, "subnet-id": 1})
        kea.ok("lease6-add", {"ip-address": "2001:db8:1::101", "duid": "00", "iaid": 0,
                              "state": 1, "subnet-id": 1})
        kea.ok("lease6-add", {"ip-address": "2001:db8:1::102", "duid": "0a:0b", "iaid": 7,
                              "subnet-id": 1})
        kea.ok("lease6-del", {"ip-address": "2001:db8:1::102"})
        expected = kea.leases()
    assert len(expected) == 3
    check_nestor_loads(MemfileStore6(MemfileConfig(name=str(path), lfc_interval=0,
                                                   lfc_command=NESTOR_LFC)),
                       kea_view6, expected)
