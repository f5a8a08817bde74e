"""The lease and lease-statistics commands over a real ``nestor-dhcp4``'s channels.

``nestor-dhcp4 -c`` runs with ``hooks-libraries`` naming Kea's
``libdhcp_lease_cmds.so`` and ``libdhcp_stat_cmds.so``, a UNIX control socket
and an HTTP control socket. Every ``lease4-*`` command and ``stat-lease4-get``
is driven over both channels with its found (0), bad-argument (1), empty (3)
and conflict (4) cases, and their effects are checked where a user sees them:
``lease4-get-all``, ``stat-lease4-get``, ``statistic-get``, the file
``lease4-write`` leaves, and (in network namespaces) a real DORA that gets an
address only once ``lease4-del`` freed it. A command of a library that is not
loaded answers 2.

The DORA test runs against Kea 2.2 too, so its expectations are Kea's; the
exact answers are compared with Kea 2.2 in ``test_control_leases_kea.py``.
"""

from __future__ import annotations

import copy
import re
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import (
    NESTOR,
    Daemon,
    free_port,
    have,
    http_cmd,
    http_post,
    self_signed,
    start_server,
    unix_cmd,
)
from tests.integration.server4_lab import AGAINST_KEA, base_config, server_lab
from tests.integration.test_control_dhcp4 import answering, dora
from tests.netns import skip_unless_netns, wait_until

from nestor.leases.lease import Lease4
from nestor.leases.leasefile import load_file
from nestor.leases.rows import SCHEMA4

pytestmark = pytest.mark.skipif(not NESTOR.exists(), reason="nestor-dhcp4 not installed")

HOOKS = "/usr/lib/x86_64-linux-gnu/kea/hooks"
LEASE_LIB, STAT_LIB = f"{HOOKS}/libdhcp_lease_cmds.so", f"{HOOKS}/libdhcp_stat_cmds.so"
HW1, HW2, HW3 = "01:02:03:04:05:06", "01:02:03:04:05:07", "01:02:03:04:05:08"
EXPIRE = 2_000_000_000  # in the future: the server's reclamation must leave the leases alone
LEASE_KEYS = {"cltt", "fqdn-fwd", "fqdn-rev", "hostname", "hw-address", "ip-address", "state",
              "subnet-id", "valid-lft"}
STAT_COLUMNS = ["subnet-id", "total-addresses", "cumulative-assigned-addresses",
                "assigned-addresses", "declined-addresses"]
SUBNETS: list[dict[str, Any]] = [
    {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]},
    {"id": 2, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}]},
    {"id": 7, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.5 - 203.0.113.9"}]},
]

Send = Callable[..., dict[str, Any]]


def dhcp4(work: Path, sockets: dict[str, Any], libraries: list[str]) -> dict[str, Any]:
    """``sockets``: ``control-socket`` (Kea 2.2) or ``control-sockets`` (a list)."""
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        **sockets,
        "lease-database": {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0},
        "hooks-libraries": [{"library": lib} for lib in libraries],
        "valid-lifetime": 4000,
        "subnet4": copy.deepcopy(SUBNETS),
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": str(work / "server.log")}]}],
    }}


@dataclass
class Channels:
    work: Path
    unix: Send
    http: Send


def start_nestor(work: Path, label: str,
                 libraries: list[str]) -> tuple[Daemon, Channels, dict[str, Any]]:
    sock, port = work / f"{label}.sock", free_port()
    conf = dhcp4(work, {"control-sockets": [
        {"socket-type": "unix", "socket-name": str(sock)},
        {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": port}]},
        libraries)
    daemon = start_server(conf, work, label, sock)
    url = f"http://127.0.0.1:{port}/"
    return daemon, Channels(work, lambda c, a=None: unix_cmd(sock, c, a),
                            lambda c, a=None: http_cmd(url, c, a)), conf


@pytest.fixture(scope="module")
def nestor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Channels]:
    work = tmp_path_factory.mktemp("leasecmds")
    daemon, channels, _ = start_nestor(work, "nestor", [LEASE_LIB, STAT_LIB])
    try:
        yield channels
    finally:
        daemon.stop()


def newest(send: Send, name: str) -> int:
    got = send("statistic-get", {"name": name})
    assert got["result"] == 0, got
    return int(got["arguments"][name][0][0])


def stat_row(send: Send, subnet_id: int) -> dict[str, int]:
    got = send("stat-lease4-get", {"subnet-id": subnet_id})
    assert got["result"] == 0 and got["text"] == (
        f"stat-lease4-get[subnet-id={subnet_id}]: 1 rows found"), got
    result_set = got["arguments"]["result-set"]
    assert result_set["columns"] == STAT_COLUMNS
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", result_set["timestamp"])
    [row] = result_set["rows"]
    return dict(zip(STAT_COLUMNS, row, strict=True))


def by_address(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    leases = answer["arguments"]["leases"]
    for lease in leases:
        assert LEASE_KEYS <= set(lease) <= LEASE_KEYS | {"client-id", "user-context"}, lease
    return {lease["ip-address"]: lease for lease in leases}


def addresses(answer: dict[str, Any]) -> list[str]:
    assert answer["result"] == 0, answer
    return [lease["ip-address"] for lease in answer["arguments"]["leases"]]


A10 = {"ip-address": "192.0.2.10", "hw-address": HW1, "client-id": "01:aa:bb",
       "hostname": "A.Example.", "valid-lft": 3600, "expire": EXPIRE,
       "user-context": {"note": "a, \"quoted\" value"}}
D11 = {"ip-address": "198.51.100.11", "hw-address": HW2, "state": 1, "expire": EXPIRE}


def add_and_count(send: Send) -> None:
    """lease4-add: added, conflict, refused; what get-all and both statistics show."""
    assert send("lease4-add", A10) == {
        "result": 0, "text": "Lease for address 192.0.2.10, subnet-id 1 added."}
    assert send("lease4-add", {"ip-address": "192.0.2.10", "hw-address": HW2}) == {
        "result": 4, "text": "IPv4 lease already exists."}
    assert send("lease4-add", {"ip-address": "192.0.2.11"})["result"] == 1  # no hw-address
    assert send("lease4-add", {"ip-address": "10.9.9.9", "hw-address": HW1})["result"] == 1
    assert send("lease4-add", D11)["result"] == 0
    every = send("lease4-get-all")
    assert every["text"] == "2 IPv4 lease(s) found."
    lease = by_address(every)["192.0.2.10"]
    assert lease == {"ip-address": "192.0.2.10", "hw-address": HW1, "client-id": "01:aa:bb",
                     "hostname": "a.example.", "valid-lft": 3600, "cltt": EXPIRE - 3600,
                     "subnet-id": 1, "state": 0, "fqdn-fwd": False, "fqdn-rev": False,
                     "user-context": {"note": "a, \"quoted\" value"}}
    assert by_address(every)["198.51.100.11"]["state"] == 1
    assert stat_row(send, 1) == {"subnet-id": 1, "total-addresses": 11, "assigned-addresses": 1,
                                 "cumulative-assigned-addresses": 0, "declined-addresses": 0}
    assert stat_row(send, 2)["declined-addresses"] == 1
    assert newest(send, "subnet[1].assigned-addresses") == 1
    assert newest(send, "subnet[2].declined-addresses") == 1


def lookups(send: Send) -> None:
    """Every lease4-get* command: found, empty, refused."""
    found = send("lease4-get", {"ip-address": "192.0.2.10"})
    assert found["result"] == 0 and found["text"] == "IPv4 lease found."
    assert found["arguments"] == by_address(send("lease4-get-all"))["192.0.2.10"]
    assert send("lease4-get", {"ip-address": "192.0.2.99"}) == {
        "result": 3, "text": "Lease not found."}
    assert send("lease4-get", {"ip-address": "bogus"})["result"] == 1
    ident = send("lease4-get", {"subnet-id": 1, "identifier-type": "hw-address",
                                "identifier": HW1})
    assert ident["arguments"]["ip-address"] == "192.0.2.10"
    first = send("lease4-get-page", {"from": "start", "limit": 1})
    assert first["arguments"]["count"] == 1 and addresses(first) == ["192.0.2.10"]
    second = send("lease4-get-page", {"from": "192.0.2.10", "limit": 5})
    assert addresses(second) == ["198.51.100.11"]
    assert send("lease4-get-page", {"from": "198.51.100.11", "limit": 5}) == {
        "arguments": {"count": 0, "leases": []}, "result": 3, "text": "0 IPv4 lease(s) found."}
    assert send("lease4-get-page", {"from": "start", "limit": 0})["result"] == 1
    for command, key, hit, miss, bad in [
            ("lease4-get-by-hw-address", "hw-address", HW1.upper(), "01:02:03:04:05:99", 5),
            ("lease4-get-by-client-id", "client-id", "01:AA:BB", "01:ff", 5),
            ("lease4-get-by-hostname", "hostname", "a.EXAMPLE.", "nope.", ""),
            ("lease4-get-by-state", "state", 0, 2, "bogus")]:
        assert addresses(send(command, {key: hit})) == ["192.0.2.10"], command
        assert send(command, {key: miss})["result"] == 3, command
        assert send(command, {key: bad})["result"] == 1, command
        assert send(command, {})["result"] == 1, command
    assert addresses(send("lease4-get-by-state", {"state": "declined"})) == ["198.51.100.11"]


def update_ddns_write(send: Send, work: Path, tag: str) -> None:
    """lease4-update (with force-create), lease4-resend-ddns, lease4-write."""
    new = {"ip-address": "192.0.2.12", "hw-address": HW3, "expire": EXPIRE}
    missing = send("lease4-update", new)
    assert missing["result"] == 4 and missing["text"].startswith(
        "failed to update the lease with address 192.0.2.12 either because"), missing
    assert send("lease4-update", dict(new, **{"force-create": True})) == {
        "result": 0, "text": "IPv4 lease added."}
    assert send("lease4-update", dict(new, hostname="c.example.")) == {
        "result": 0, "text": "IPv4 lease updated."}
    assert send("lease4-get", {"ip-address": "192.0.2.12"})["arguments"]["hostname"] == (
        "c.example.")
    assert send("lease4-update", {"ip-address": "192.0.2.12"})["result"] == 1
    assert newest(send, "subnet[1].assigned-addresses") == 2
    # No DHCP-DDNS: Kea's answer for "updates not enabled", with Kea 3.x's result 4.
    assert send("lease4-resend-ddns", {"ip-address": "192.0.2.10"}) == {
        "result": 4, "text": "DDNS updating is not enabled"}
    assert send("lease4-resend-ddns", {"ip-address": "x"})["result"] == 1

    target = work / f"written-{tag}.csv"
    assert send("lease4-write", {"filename": str(target)}) == {
        "result": 0, "text": f"IPv4 lease database into '{target}'."}
    loaded: dict[int, Lease4] = {}
    load_file(str(target), SCHEMA4, loaded, 0)
    listed = by_address(send("lease4-get-all"))
    assert sorted(str(lease.address) for lease in loaded.values()) == sorted(listed)
    assert {lease.hostname for lease in loaded.values()} == {"a.example.", "", "c.example."}
    live = send("lease4-write", {"filename": str(work / "leases4.csv")})
    assert live["result"] == 1 and "in use" in live["text"]
    assert send("lease4-write", {})["result"] == 1


def delete_and_wipe(send: Send) -> None:
    assert send("lease4-del", {"ip-address": "192.0.2.12"}) == {
        "result": 0, "text": "IPv4 lease deleted."}
    assert send("lease4-del", {"ip-address": "192.0.2.12"}) == {
        "result": 3, "text": "IPv4 lease not found."}
    assert send("lease4-del", {})["result"] == 1
    assert send("lease4-del", {"subnet-id": 1, "identifier-type": "hw-address",
                               "identifier": HW1})["result"] == 0
    assert newest(send, "subnet[1].assigned-addresses") == 0
    assert send("lease4-wipe", {"subnet-id": 2}) == {
        "result": 0, "text": "Deleted 1 IPv4 lease(s) from subnet(s) 2"}
    assert send("lease4-wipe", {"subnet-id": 2})["result"] == 3
    assert send("lease4-wipe", {"subnet-id": "x"})["result"] == 1
    assert newest(send, "subnet[2].declined-addresses") == 0
    assert send("lease4-get-all") == {
        "arguments": {"leases": []}, "result": 3, "text": "0 IPv4 lease(s) found."}
    everything = send("stat-lease4-get")
    assert everything["text"] == "stat-lease4-get[all subnets]: 3 rows found"
    assert [row[0] for row in everything["arguments"]["result-set"]["rows"]] == [1, 2, 7]


@pytest.mark.parametrize("channel", ["unix", "http"])
def test_every_lease_command_over(nestor: Channels, channel: str) -> None:
    send: Send = getattr(nestor, channel)
    assert send("lease4-wipe")["result"] in (0, 3)  # the other channel's run left nothing
    assert send("lease4-get-all")["result"] == 3
    add_and_count(send)
    lookups(send)
    update_ddns_write(send, nestor.work, channel)
    delete_and_wipe(send)


def test_commands_of_libraries_not_loaded(tmp_path: Path) -> None:
    """Only the listed library's commands exist; config-set changes which ones."""
    daemon, ch, conf = start_nestor(tmp_path, "onelib", [LEASE_LIB])
    try:
        for send in (ch.unix, ch.http):
            assert send("stat-lease4-get") == {
                "result": 2, "text": "'stat-lease4-get' command not supported."}
            assert send("lease4-get-all")["result"] == 3
        names = set(ch.unix("list-commands")["arguments"])
        assert {"lease4-write", "lease6-get-all", "lease6-bulk-apply"} <= names
        assert not {"stat-lease4-get", "stat-lease6-get"} & names
        conf["Dhcp4"]["hooks-libraries"] = [{"library": STAT_LIB}]
        assert ch.unix("config-set", conf)["result"] == 0
        for send in (ch.unix, ch.http):
            assert send("lease4-add", A10) == {
                "result": 2, "text": "'lease4-add' command not supported."}
            assert send("stat-lease4-get", {"subnet-id": 7})["result"] == 0
    finally:
        daemon.stop()


def test_lease_commands_over_https_with_basic_auth(tmp_path: Path) -> None:
    """Wrong or missing credentials get 401 and change nothing; right ones are served."""
    if not have("openssl"):
        pytest.skip("openssl is needed to make the test certificate")
    cert, key = self_signed(tmp_path)
    sock, port = tmp_path / "tls.sock", free_port()
    conf = dhcp4(tmp_path, {"control-sockets": [
        {"socket-type": "unix", "socket-name": str(sock)},
        {"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": port,
         "cert-file": str(cert), "key-file": str(key), "cert-required": False,
         "authentication": {"type": "basic", "realm": "leases",
                            "clients": [{"user": "admin", "password": "s3cret"}]}}]},
        [LEASE_LIB, STAT_LIB])
    daemon = start_server(conf, tmp_path, "tls", sock)
    tls = ssl.create_default_context(cafile=str(cert))

    def https(command: str, arguments: object, auth: tuple[str, str] | None) -> Any:
        request = {"command": command, "service": ["dhcp4"], "arguments": arguments}
        return http_post(f"https://127.0.0.1:{port}/", request, auth, tls)

    try:
        for auth in (("admin", "wrong"), None):
            status, _, body = https("lease4-add", A10, auth)
            assert (status, body) == (401, {"result": 401, "text": "Unauthorized"})
        assert unix_cmd(sock, "lease4-get-all")["result"] == 3
        status, _, body = https("lease4-add", A10, ("admin", "s3cret"))
        assert status == 200 and body == [
            {"result": 0, "text": "Lease for address 192.0.2.10, subnet-id 1 added."}]
        _, _, body = https("stat-lease4-get", {"subnet-id": 1}, ("admin", "s3cret"))
        assert body[0]["arguments"]["result-set"]["rows"] == [[1, 11, 0, 1, 0]]
        _, _, body = https("lease4-get-all", {"subnets": [1]}, ("admin", "s3cret"))
        assert addresses(body[0]) == ["192.0.2.10"]
    finally:
        daemon.stop()


# -- a real client gets the address lease4-del freed (network namespaces) ----------------------

@pytest.mark.parametrize("program", [str(NESTOR), "kea-dhcp4"], ids=["nestor", "kea"])
def test_lease4_del_frees_the_address_for_a_real_client(program: str) -> None:
    """Run against Kea 2.2 as well, so the expectations are Kea's."""
    skip_unless_netns(program)
    if AGAINST_KEA:
        pytest.skip("runs against both servers by itself")
    if program == "kea-dhcp4" and not Path(LEASE_LIB).exists():
        pytest.skip(f"Kea hook library {LEASE_LIB} is not installed")
    with server_lab("ctldel") as sl:
        sock = sl.work / "ctl.sock"
        config = base_config(sl.work, **{
            "control-socket": {"socket-type": "unix", "socket-name": str(sock)},
            "hooks-libraries": [{"library": LEASE_LIB}, {"library": STAT_LIB}]})
        config["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.100 - 192.0.2.101"}]
        sl.write_config(config)
        env = {"KEA_PIDFILE_DIR": str(sl.work), "KEA_LOCKFILE_DIR": str(sl.work)}
        proc = sl.srv.spawn([program, "-c", str(sl.conf)], "server", env=env)
        wait_until(lambda: answering(sock) or not proc.running(), 30, "the control socket")
        assert proc.running(), proc.stderr()[-2000:]
        send: Send = lambda c, a=None: unix_cmd(sock, c, a)  # noqa: E731
        for address, hw in (("192.0.2.100", HW1), ("192.0.2.101", HW2)):
            assert send("lease4-add", {"ip-address": address, "hw-address": hw})["result"] == 0
        assert newest(send, "subnet[1].assigned-addresses") == 2
        assert stat_row(send, 1)["assigned-addresses"] == 2
        assert dora(sl, 1, 0x020000000500, timeout=0.5) == []  # the pool is full

        assert send("lease4-del", {"ip-address": "192.0.2.101"})["result"] == 0
        assert newest(send, "subnet[1].assigned-addresses") == 1
        assert dora(sl, 1, 0x020000000600) == ["192.0.2.101"]
        leases = by_address(send("lease4-get-all"))
        assert leases["192.0.2.101"]["hw-address"] == "02:00:00:00:06:00"
        assert leases["192.0.2.100"]["hw-address"] == HW1
        assert newest(send, "subnet[1].assigned-addresses") == 2
        assert stat_row(send, 1)["cumulative-assigned-addresses"] == 1
        proc.stop()
