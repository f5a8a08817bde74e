"""The engine's per-query log lines are Kea 2.2's, word for word.

Every expected line below was written by Kea 2.2 for the same query (same hardware
address, client id and transaction id, same configuration shape) in the differential
lab of ``tests/interop``; only the timestamp/pid prefix is left out. Operators alert on
these lines, so identifier, logger, severity and every argument must match.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.log_capture import RecordingOutput
from tests.unit.engine.helpers import Lab, a4, make_lab, query

from nestor.engine import log4
from nestor.logs import MANAGER, Severity, Spec

DISCOVER, REQUEST, DECLINE, RELEASE = 1, 3, 4, 7
RELAY_SRC = "192.0.2.2"
SERVER_ID = a4("192.0.2.1")


def _logging(severity: Severity, debuglevel: int = 0) -> Iterator[RecordingOutput]:
    old_root, old_specs = MANAGER.root_name, MANAGER.specs()
    capture = RecordingOutput()
    MANAGER.install("kea-dhcp4", [Spec("kea-dhcp4", severity, debuglevel, (capture,))])
    try:
        yield capture
    finally:
        MANAGER.install(old_root, old_specs)


@pytest.fixture
def log() -> Iterator[RecordingOutput]:
    yield from _logging(Severity.INFO)


def mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", ""))


def ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def lab(first: dict[int, int] | None = None) -> Lab:
    """Subnets like the Kea lab's: 10.N.0.0/24 (id 100+N) reached through giaddr 10.N.0.1;
    ``first`` moves a subnet's pool start so addresses match the recorded lines."""
    starts = {0: 100, 1: 100, 2: 100, 5: 100, 6: 100, **(first or {})}

    def pool(n: int, last: int = 199) -> list[dict[str, Any]]:
        net = "192.0.2" if n == 0 else f"10.{n}.0"
        return [{"pool": f"{net}.{starts[n]} - {net}.{last}"}]

    dhcp4 = {
        "interfaces-config": {"interfaces": ["eth0"]},
        "lease-database": {"type": "memfile", "persist": False},
        "valid-lifetime": 4000,
        "client-classes": [{"name": "nobody", "test": "option[60].text == 'nobody'"}],
        "subnet4": [
            {"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0", "pools": pool(0)},
            {"id": 101, "subnet": "10.1.0.0/24", "pools": pool(1)},
            {"id": 102, "subnet": "10.2.0.0/24", "pools": pool(2)},
            {"id": 103, "subnet": "10.3.0.0/24",
             "pools": [{"pool": "10.3.0.100 - 10.3.0.199", "client-class": "nobody"}]},
            {"id": 105, "subnet": "10.5.0.0/24", "pools": pool(5), "cache-threshold": 0.5},
            {"id": 106, "subnet": "10.6.0.0/24", "pools": pool(6, last=100)}],
        "shared-networks": [{"name": "tiny", "relay": {"ip-addresses": ["10.4.0.1"]},
                             "subnet4": [
            {"id": 41, "subnet": "10.41.0.0/24", "pools": [{"pool": "10.41.0.10 - 10.41.0.10"}]},
            {"id": 42, "subnet": "10.42.0.0/24",
             "pools": [{"pool": "10.42.0.10 - 10.42.0.10"}]}]}]}
    return make_lab(json.dumps({"Dhcp4": dhcp4}))


def relayed(lab: Lab, mtype: int, hw: str, xid: int, net: int,
            options: dict[int, bytes] | None = None, ciaddr: str = "0.0.0.0") -> Any:
    return lab.send(query(mtype, mac(hw), xid=xid, giaddr=f"10.{net}.0.1", ciaddr=ciaddr,
                          options=options), src=RELAY_SRC, dst="192.0.2.1", sport=67)


def dora(lab: Lab, hw: str, net: int, xids: tuple[int, int] = (1, 2),
         options: dict[int, bytes] | None = None) -> int:
    offer = relayed(lab, DISCOVER, hw, xids[0], net, options)
    assert offer is not None
    ack = relayed(lab, REQUEST, hw, xids[1], net,
                  {**(options or {}), 50: offer.packet.yiaddr.to_bytes(4, "big"),
                   54: offer.packet.options[54]})
    assert ack is not None and ack.packet.options[53] == b"\x05"
    return int(ack.packet.yiaddr)


def test_offer_and_ack(log: RecordingOutput) -> None:
    dora(lab({1: 102}), "02:00:00:09:00:09", 1, (0xe57eafcb, 0xe47eae38),
         {61: bytes.fromhex("01aabbccddeeff")})
    assert log.lines() == [
        "INFO [kea-dhcp4.leases] DHCP4_LEASE_ADVERT [hwtype=1 02:00:00:09:00:09], "
        "cid=[01:aa:bb:cc:dd:ee:ff], tid=0xe57eafcb: lease 10.1.0.102 will be advertised",
        "INFO [kea-dhcp4.leases] DHCP4_LEASE_ALLOC [hwtype=1 02:00:00:09:00:09], "
        "cid=[01:aa:bb:cc:dd:ee:ff], tid=0xe47eae38: lease 10.1.0.102 has been allocated "
        "for 4000 seconds"]


def test_lease_cache_reuse(log: RecordingOutput) -> None:
    lb = lab()
    hw, who = "02:00:00:09:00:10", "[hwtype=1 02:00:00:09:00:10], cid=[no info]"
    dora(lb, hw, 5, (0xdb988de2, 0xdc988f75))
    assert relayed(lb, DISCOVER, hw, 0xd9988abc, 5) is not None
    assert relayed(lb, REQUEST, hw, 0xda988c4f, 5, ciaddr="10.5.0.100") is not None
    leases = "INFO [kea-dhcp4.leases] DHCP4_LEASE_"
    assert log.lines()[2:] == [
        f"{leases}ADVERT {who}, tid=0xd9988abc: lease 10.5.0.100 will be advertised",
        f"{leases}REUSE {who}, tid=0xd9988abc: lease 10.5.0.100 has been reused for 4000 "
        "seconds",
        f"{leases}ALLOC {who}, tid=0xda988c4f: lease 10.5.0.100 has been allocated for "
        "4000 seconds",
        f"{leases}REUSE {who}, tid=0xda988c4f: lease 10.5.0.100 has been reused for 4000 "
        "seconds"]


ALLOC = "WARN [kea-dhcp4.alloc-engine] ALLOC_ENGINE_V4_ALLOC_FAIL"


def test_exhausted_subnet(log: RecordingOutput) -> None:
    lb = lab()
    dora(lb, "02:00:00:09:00:11", 6)
    # A REQUEST without an address: the pool has nothing left for it.
    reply = relayed(lb, REQUEST, "02:00:00:09:00:12", 0x881f1539, 6)
    assert reply is not None and reply.packet.options[53] == b"\x06"
    who = "[hwtype=1 02:00:00:09:00:12], cid=[no info], tid=0x881f1539"
    assert log.lines()[2:] == [
        f"{ALLOC}_SUBNET {who}: failed to allocate an IPv4 lease in the subnet 10.6.0.0/24, "
        "subnet-id 106, shared network (none)",
        f"{ALLOC} {who}: failed to allocate an IPv4 address after 1 attempt(s)",
        f"{ALLOC}_CLASSES {who}: Failed to allocate an IPv4 address for client with "
        "classes: ALL, UNKNOWN"]


def test_no_permitted_pool(log: RecordingOutput) -> None:
    assert relayed(lab(), DISCOVER, "02:00:00:09:00:0e", 0x63f26757, 3) is None
    who = "[hwtype=1 02:00:00:09:00:0e], cid=[no info], tid=0x63f26757"
    assert log.lines() == [
        f"{ALLOC}_SUBNET {who}: failed to allocate an IPv4 lease in the subnet 10.3.0.0/24, "
        "subnet-id 103, shared network (none)",
        f"{ALLOC}_NO_POOLS {who}: no pools were available for the address allocation",
        f"{ALLOC}_CLASSES {who}: Failed to allocate an IPv4 address for client with "
        "classes: ALL, UNKNOWN"]


def test_exhausted_shared_network_and_init_reboot(log: RecordingOutput) -> None:
    lb = lab()
    dora(lb, "02:00:00:09:00:0b", 4)
    dora(lb, "02:00:00:09:00:0c", 4)
    assert relayed(lb, DISCOVER, "02:00:00:09:00:0d", 0x60a0ad38, 4) is None
    # INIT-REBOOT for another client's address: unknown client, not authoritative.
    assert relayed(lb, REQUEST, "02:00:00:09:00:0d", 0x61a0aecb, 4,
                   {50: a4("10.41.0.10")}) is None
    who = "[hwtype=1 02:00:00:09:00:0d], cid=[no info], tid=0x60a0ad38"
    assert log.lines()[4:] == [
        f"{ALLOC}_SHARED_NETWORK {who}: failed to allocate an IPv4 address in the shared "
        "network tiny: 2 subnets have no available addresses, 0 subnets have no matching "
        "pools",
        f"{ALLOC} {who}: failed to allocate an IPv4 address after 2 attempt(s)",
        f"{ALLOC}_CLASSES {who}: Failed to allocate an IPv4 address for client with "
        "classes: ALL, UNKNOWN",
        "INFO [kea-dhcp4.leases] DHCP4_INIT_REBOOT [hwtype=1 02:00:00:09:00:0d], "
        "cid=[no info], tid=0x61a0aecb: client is in INIT-REBOOT state and requests "
        "address 10.41.0.10"]


def test_no_subnet(log: RecordingOutput) -> None:
    reply = relayed(lab(), REQUEST, "02:00:00:09:00:01", 0x5143d648, 9,
                    {50: a4("10.9.0.50")})
    assert reply is not None and reply.packet.options[53] == b"\x06"
    assert log.lines() == [
        "ERROR [kea-dhcp4.bad-packets] DHCP4_PACKET_NAK_0001 [hwtype=1 02:00:00:09:00:01], "
        "cid=[no info], tid=0x5143d648: failed to select a subnet for incoming packet, "
        "src 192.0.2.2, type DHCPREQUEST"]


def test_release(log: RecordingOutput) -> None:
    lb = lab({0: 105})
    hw = mac("02:00:00:00:01:0d")
    offer = lb.send(query(DISCOVER, hw))
    assert offer is not None
    lb.send(query(REQUEST, hw, options={50: a4("192.0.2.105"), 54: SERVER_ID}))
    assert lb.send(query(RELEASE, hw, xid=0x37b01d4b, ciaddr="192.0.2.105",
                         options={54: SERVER_ID}),
                   src="192.0.2.105", dst="192.0.2.1") is None
    assert log.lines()[2:] == [
        "INFO [kea-dhcp4.leases] DHCP4_RELEASE [hwtype=1 02:00:00:00:01:0d], cid=[no info], "
        "tid=0x37b01d4b: address 192.0.2.105 was released properly."]


def test_decline_outcomes(log: RecordingOutput) -> None:
    lb = lab()
    held = dora(lb, "02:00:00:00:01:0e", 2)
    dora(lb, "02:00:00:09:00:05", 1)
    relayed(lb, DECLINE, "02:00:00:00:01:0e", 0x462b3b7b, 2, {50: held.to_bytes(4, "big")})
    relayed(lb, DECLINE, "02:00:00:09:00:04", 0x7fa8ccc9, 1, {50: a4("10.1.0.181")})
    relayed(lb, DECLINE, "02:00:00:09:00:06", 0xc480e9ed, 1, {50: a4("10.1.0.100")})
    assert log.lines()[4:] == [
        "INFO [kea-dhcp4.leases] DHCP4_DECLINE_LEASE Received DHCPDECLINE for addr "
        "10.2.0.100 from client [hwtype=1 02:00:00:00:01:0e], cid=[no info], "
        "tid=0x462b3b7b. The lease will be unavailable for 86400 seconds.",
        "WARN [kea-dhcp4.dhcp4] DHCP4_DECLINE_LEASE_NOT_FOUND Received DHCPDECLINE for addr "
        "10.1.0.181 from client [hwtype=1 02:00:00:09:00:04], cid=[no info], "
        "tid=0x7fa8ccc9, but no such lease found.",
        "WARN [kea-dhcp4.dhcp4] DHCP4_DECLINE_LEASE_MISMATCH Received DHCPDECLINE for addr "
        "10.1.0.100 from client [hwtype=1 02:00:00:09:00:06], cid=[no info], "
        "tid=0xc480e9ed, but the data doesn't match: received hwaddr: 02:00:00:09:00:06, "
        "lease hwaddr: 02:00:00:09:00:05, received client-id: (none), lease client-id: "
        "(none)"]


def test_label_formats() -> None:
    # Kea's Pkt4::getLabel: xid without leading zeros, a too short client id flagged.
    assert log4.label(query(DISCOVER, mac("02:00:00:00:00:01"), xid=0xa405f48)) == \
        "[hwtype=1 02:00:00:00:00:01], cid=[no info], tid=0xa405f48"
    short = query(DISCOVER, mac("02:00:00:00:00:01"), xid=1, options={61: b"\x01"})
    assert log4.label(short) == \
        "[hwtype=1 02:00:00:00:00:01], cid=[no info], tid=0x1 (malformed client-id)"
    assert log4.lifetime_text(0xFFFFFFFF) == "infinity"


def test_nothing_is_built_when_the_messages_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-packet cost when an operator turned these messages off: no label, no
    address text, nothing formatted."""
    def forbidden(query: object) -> str:
        raise AssertionError("label built for a message that is not shown")

    monkeypatch.setattr(log4, "label", forbidden)
    for capture in _logging(Severity.FATAL):
        lb = lab()
        dora(lb, "02:00:00:09:00:20", 1)
        relayed(lb, DISCOVER, "02:00:00:09:00:21", 3, 3)  # allocation failure
        relayed(lb, REQUEST, "02:00:00:09:00:22", 4, 9)  # no subnet
        assert capture.records == []


def test_debug_messages_render() -> None:
    """At the highest debug level the refusal messages appear too, fully formatted."""
    for capture in _logging(Severity.DEBUG, 99):
        lb = lab()
        dora(lb, "02:00:00:09:00:30", 1)
        relayed(lb, RELEASE, "02:00:00:09:00:31", 5, 1, ciaddr="10.1.0.100")  # not its own
        relayed(lb, RELEASE, "02:00:00:09:00:31", 6, 1, ciaddr="10.1.0.150")  # no lease
        relayed(lb, REQUEST, "02:00:00:09:00:32", 7, 1, {50: a4("10.1.0.100")})  # reboot
        relayed(lb, REQUEST, "02:00:00:09:00:30", 8, 1, {50: a4("10.1.0.120")})  # wrong
        # Class assignment messages (nestor.engine.classify) are tested with the classes.
        ids = [r.message.split(" ", 1)[0] for r in capture.records
               if not r.message.startswith(("EVAL_RESULT", "DHCP4_CLASS_ASSIGNED"))]
        assert ids == ["DHCP4_LEASE_ADVERT", "DHCP4_LEASE_ALLOC",
                       "DHCP4_RELEASE_FAIL_WRONG_CLIENT", "DHCP4_RELEASE_FAIL_NO_LEASE",
                       "DHCP4_INIT_REBOOT", "DHCP4_NO_LEASE_INIT_REBOOT",
                       "DHCP4_INIT_REBOOT", "DHCP4_PACKET_NAK_0002"]
        assert not any("%" in r.message for r in capture.records)
