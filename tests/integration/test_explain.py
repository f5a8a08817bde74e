"""``packet4-explain`` over a real UNIX control socket of a running ``nestor-dhcp4``.

The server has no DHCP interface (no root needed); the explained queries are
relayed, so the subnet is chosen by giaddr. The answer names the classes and each
test's result, the subnet, pool, reservation and the address the client would be
offered; nothing is counted or written.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import NESTOR, Daemon, start_server, unix_cmd

from nestor.wire.packet4 import Packet4

pytestmark = pytest.mark.skipif(not NESTOR.exists(), reason="nestor-dhcp4 not installed")


def _ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def config(work: Path, sock: Path) -> dict[str, Any]:
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": str(sock)},
        "lease-database": {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0},
        "client-classes": [
            {"name": "phones", "test": "substring(option[60].hex, 0, 5) == 'phone'",
             "next-server": "10.1.0.9", "boot-file-name": "phone.cfg"},
            {"name": "vip-known", "test": "member('KNOWN') and member('phones')"},
            {"name": "DROP", "test": "option[60].text == 'evil'"}],
        "subnet4": [{
            "id": 7, "subnet": "10.1.0.0/24",
            "pools": [{"pool": "10.1.0.10 - 10.1.0.19", "client-class": "phones"},
                      {"pool": "10.1.0.100 - 10.1.0.199"}],
            "reservations": [{"hw-address": "02:00:00:00:00:05", "ip-address": "10.1.0.50",
                              "hostname": "five", "client-classes": ["phones"]}]}],
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": str(work / "nestor.log")}]}],
    }}


def discover(last: int, vendor: bytes | None = None, giaddr: str = "10.1.0.1") -> str:
    options = {53: b"\x01"}
    if vendor is not None:
        options[60] = vendor
    packet = Packet4(1, 0x5555, bytes((2, 0, 0, 0, 0, last)), hops=1, giaddr=_ip(giaddr),
                     options=options)
    return packet.serialize().hex()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("explain")
    sock = work / "ctl.sock"
    daemon: Daemon = start_server(config(work, sock), work, "explain", sock)
    try:
        yield sock
    finally:
        daemon.stop()


def explain(sock: Path, **arguments: Any) -> dict[str, Any]:
    return unix_cmd(sock, "packet4-explain", arguments)


def test_listed_as_a_command(server: Path) -> None:
    assert "packet4-explain" in unix_cmd(server, "list-commands")["arguments"]


def test_member_of_a_class_gets_its_pool_and_boot_fields(server: Path) -> None:
    got = explain(server, packet=discover(1, b"phone-x"), **{"remote-address": "10.1.0.1"})
    assert got["result"] == 0, got
    args = got["arguments"]
    assert args["classes"] == ["ALL", "VENDOR_CLASS_phone-x", "phones", "UNKNOWN"]
    tests = {e["class"]: e["result"] for e in args["evaluations"]}
    assert tests["phones"] == "true" and tests["DROP"] == "false"
    assert tests["vip-known"] == "false"
    assert args["subnet"] == {"id": 7, "subnet": "10.1.0.0/24"}
    assert (args["address"], args["pool"]) == ("10.1.0.10", "10.1.0.10 - 10.1.0.19")
    assert args["boot"]["next-server"] == "10.1.0.9"
    assert args["boot"]["boot-file-name"] == "phone.cfg"
    assert args["reservation"] is None


def test_others_get_the_open_pool(server: Path) -> None:
    args = explain(server, packet=discover(2))["arguments"]
    assert "phones" not in args["classes"]
    assert (args["address"], args["pool"]) == ("10.1.0.100", "10.1.0.100 - 10.1.0.199")


def test_reservation_and_its_classes(server: Path) -> None:
    args = explain(server, packet=discover(5))["arguments"]
    assert args["reservation"]["hostname"] == "five"
    assert args["reservation"]["client-classes"] == ["phones"]
    assert (args["address"], args["address-source"]) == ("10.1.0.50", "reservation")
    # Kea's order: the reservation's classes, then KNOWN, then the tests needing it.
    assert args["classes"][-3:] == ["phones", "KNOWN", "vip-known"]


def test_drop_and_no_subnet(server: Path) -> None:
    dropped = explain(server, packet=discover(3, b"evil"))
    assert dropped["result"] == 0 and dropped["arguments"]["outcome"].startswith("dropped")
    lost = explain(server, packet=discover(4, giaddr="192.168.77.1"))
    assert lost["arguments"]["outcome"] == "no subnet selected"


def test_bad_arguments_are_refused(server: Path) -> None:
    assert explain(server)["result"] == 1
    assert explain(server, packet="zz")["result"] == 1
    assert explain(server, packet="0101")["result"] == 1  # too short for a header
    assert explain(server, packet=discover(1), interface="nope0")["result"] == 1
    assert explain(server, packet=discover(1), **{"remote-address": "x"})["result"] == 1


def test_nothing_is_counted_or_stored(server: Path) -> None:
    for last in range(1, 4):
        explain(server, packet=discover(last, b"phone"))
    stats = unix_cmd(server, "statistic-get-all")["arguments"]
    assert stats["pkt4-received"][0][0] == 0
    assert stats["pkt4-receive-drop"][0][0] == 0
    assert stats["subnet[7].assigned-addresses"][0][0] == 0
    lease_file = server.parent / "leases4.csv"
    lines = lease_file.read_text().splitlines() if lease_file.exists() else []
    assert len(lines) <= 1  # the header at most
