"""Host reservations: identifiers in Kea's lookup order, in-pool and out-of-pool
addresses, global reservations, conflicts, reserved names, options and fields."""

from __future__ import annotations

from typing import Any

from tests.unit.engine.helpers import a4, config4, dora, ip, mac, make_lab, query

from nestor.wire.options4 import build_rai

DISCOVER, REQUEST = 1, 3


def subnet(reservations: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
            "pools": [{"pool": "192.0.2.100 - 192.0.2.103"}],
            "option-data": [{"name": "routers", "data": "192.0.2.1"}],
            "reservations": reservations, **extra}


def lab_with(in_subnet: list[dict[str, Any]], **glob: Any):  # type: ignore[no-untyped-def]
    sub = glob.pop("subnet_extra", {})
    return make_lab(config4(**{"valid-lifetime": 600, **glob,
                               "subnet4": [subnet(in_subnet, **sub)]}))


def offered(lab, hw: bytes = mac(1), **opts: bytes) -> int:  # type: ignore[no-untyped-def]
    reply = lab.send(query(DISCOVER, hw, options={int(k[1:]): v for k, v in opts.items()}))
    assert reply is not None, "no offer"
    return int(reply.packet.yiaddr)


def test_out_of_pool_reservation_by_hardware_address() -> None:
    lab = lab_with([{"hw-address": mac(1).hex(":"), "ip-address": "192.0.2.10"}])
    assert offered(lab) == ip("192.0.2.10")
    _, ack = dora(lab)
    assert ack.packet.yiaddr == ip("192.0.2.10")
    assert offered(lab, mac(2)) == ip("192.0.2.100")


def test_in_pool_reservation_is_skipped_for_others() -> None:
    lab = lab_with([{"hw-address": mac(9).hex(":"), "ip-address": "192.0.2.100"}])
    assert offered(lab, mac(1)) == ip("192.0.2.101")
    req = query(REQUEST, mac(2), options={50: a4("192.0.2.100"), 54: a4("192.0.2.1")})
    nak = lab.send(req)
    assert nak is not None and nak.packet.message_type == 6
    assert offered(lab, mac(9)) == ip("192.0.2.100")


def test_reservations_out_of_pool_skips_the_in_pool_check() -> None:
    lab = lab_with([{"hw-address": mac(9).hex(":"), "ip-address": "192.0.2.100"}],
                   subnet_extra={"reservations-out-of-pool": True})
    # The operator promised reservations lie outside the pools: .100 is dynamic.
    assert offered(lab, mac(1)) == ip("192.0.2.100")


def test_identifier_kinds() -> None:
    duid = bytes.fromhex("000100011c3d4e5f0a0b0c0d0e0f")
    lab = lab_with([
        {"client-id": "01:aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.11"},
        {"circuit-id": "'port-7'", "ip-address": "192.0.2.12"},
        {"duid": duid.hex(":"), "ip-address": "192.0.2.13"}])
    assert offered(lab, mac(1), o61=bytes.fromhex("01aabbccddeeff")) == ip("192.0.2.11")
    rai = build_rai([(1, b"port-7")])
    relayed = lab.send(query(DISCOVER, mac(2), giaddr="192.0.2.254", options={82: rai}),
                       src="192.0.2.254", dst="192.0.2.1", sport=67)
    assert relayed is not None and relayed.packet.yiaddr == ip("192.0.2.12")
    rfc4361 = b"\xff" + b"\x00\x00\x00\x01" + duid
    assert offered(lab, mac(3), o61=rfc4361) == ip("192.0.2.13")


def test_identifier_order_decides_between_two_reservations() -> None:
    both = [{"hw-address": mac(1).hex(":"), "ip-address": "192.0.2.20"},
            {"client-id": "01:02:03", "ip-address": "192.0.2.21"}]
    cid = bytes.fromhex("010203")
    assert offered(lab_with(both), o61=cid) == ip("192.0.2.20")
    client_first = lab_with(both, **{"host-reservation-identifiers": ["client-id",
                                                                       "hw-address"]})
    assert offered(client_first, o61=cid) == ip("192.0.2.21")


def test_global_reservations() -> None:
    glob = [{"hw-address": mac(1).hex(":"), "ip-address": "192.0.2.30",
             "hostname": "Printer"}]
    off = lab_with([], reservations=glob)  # reservations-global is false by default
    assert offered(off) == ip("192.0.2.100")
    on = lab_with([], reservations=glob, **{"reservations-global": True,
                                            "reservations-in-subnet": False})
    reply = on.send(query(DISCOVER, options={55: b"\x0c"}))
    assert reply is not None and reply.packet.yiaddr == ip("192.0.2.30")
    assert reply.packet.options[12] == b"printer"  # reserved name, lower case


def test_reserved_address_leased_to_someone_else_is_a_conflict() -> None:
    lab = lab_with([])
    dora(lab, mac(2))  # mac 2 holds .100
    conflicted = make_lab(config4(**{"valid-lifetime": 600, "subnet4": [subnet(
        [{"hw-address": mac(1).hex(":"), "ip-address": "192.0.2.100"}])]}),
        clock=lab.clock)
    conflicted.store.add(lab.store.get(ip("192.0.2.100")).copy())  # type: ignore[union-attr]
    assert offered(conflicted) == ip("192.0.2.101")
    assert conflicted.stat("v4-reservation-conflicts") == 1
    assert conflicted.stat("subnet[1].v4-reservation-conflicts") == 1


def test_request_for_other_address_while_reservation_is_free_is_naked() -> None:
    lab = lab_with([{"hw-address": mac(1).hex(":"), "ip-address": "192.0.2.10"}])
    req = query(REQUEST, options={50: a4("192.0.2.101"), 54: a4("192.0.2.1")})
    nak = lab.send(req)
    assert nak is not None and nak.packet.message_type == 6


def test_reservation_options_fields_and_classes() -> None:
    lab = lab_with([{"hw-address": mac(1).hex(":"), "ip-address": "192.0.2.10",
                     "next-server": "192.0.2.5", "boot-file-name": "special.efi",
                     "client-classes": ["gold"],
                     "option-data": [{"name": "routers", "data": "192.0.2.254"}]}],
                   **{"client-classes": [{"name": "gold", "option-data": [
                       {"name": "domain-name", "data": "gold.example"}]}]})
    reply = lab.send(query(DISCOVER, options={55: bytes((3, 15))}))
    assert reply is not None
    p = reply.packet
    assert p.options[3] == a4("192.0.2.254")  # the reservation beats the subnet
    assert p.options[15] == b"gold.example"  # a class the reservation puts the client in
    assert p.siaddr == ip("192.0.2.5") and p.file.rstrip(b"\0") == b"special.efi"
    other = lab.send(query(DISCOVER, mac(2), options={55: bytes((3, 15))}))
    assert other is not None and other.packet.options[3] == a4("192.0.2.1")
    assert 15 not in other.packet.options


def test_known_and_unknown_classes_guard_pools() -> None:
    cfg = {"valid-lifetime": 600, "subnet4": [{
        "id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
        "pools": [{"pool": "192.0.2.100 - 192.0.2.109", "client-class": "KNOWN"},
                  {"pool": "192.0.2.200 - 192.0.2.209", "client-class": "UNKNOWN"}],
        "reservations": [{"hw-address": mac(1).hex(":"), "hostname": "known-host"}]}]}
    lab = make_lab(config4(**cfg))
    assert offered(lab, mac(1)) == ip("192.0.2.100")
    assert offered(lab, mac(2)) == ip("192.0.2.200")


def test_early_global_reservations_lookup() -> None:
    """Checked against Kea 2.2: with the early lookup a global reservation's classes
    (and KNOWN) count for subnet selection, here of a relayed query; a broadcast is
    still checked against the link before the lookup, so it stays unanswered."""
    def lab(early: bool):  # type: ignore[no-untyped-def]
        return make_lab(config4(**{
            "valid-lifetime": 600, "early-global-reservations-lookup": early,
            "reservations-global": True, "reservations-in-subnet": True,
            "client-classes": [{"name": "vip"}],
            "reservations": [{"hw-address": mac(1).hex(":"), "client-classes": ["vip"]},
                             {"hw-address": mac(2).hex(":"), "client-classes": ["DROP"]}],
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "client-class": "vip",
                         "pools": [{"pool": "192.0.2.100 - 192.0.2.150"}]}]}))

    relay = {"src": "192.0.2.200", "dst": "192.0.2.1", "sport": 67}
    late, early = lab(False), lab(True)
    assert late.send(query(DISCOVER, mac(1), giaddr="192.0.2.200"), **relay) is None
    got = early.send(query(DISCOVER, mac(1), giaddr="192.0.2.200"), **relay)
    assert got is not None and got.packet.yiaddr == ip("192.0.2.100")
    assert early.send(query(DISCOVER, mac(1))) is None  # broadcast: link check first
    assert early.send(query(DISCOVER, mac(2), giaddr="192.0.2.200"), **relay) is None
    assert early.stat("pkt4-receive-drop") == 2


def test_non_unique_ip_reservations() -> None:
    lab = lab_with([{"hw-address": mac(1).hex(":"), "ip-address": "192.0.2.100"},
                    {"hw-address": mac(2).hex(":"), "ip-address": "192.0.2.100"}],
                   **{"ip-reservations-unique": False})
    _, ack = dora(lab, mac(1))
    assert ack.packet.yiaddr == ip("192.0.2.100")
    # The second holder of the reservation finds it taken: a conflict, and a
    # dynamic address that is reserved for nobody.
    assert offered(lab, mac(2)) == ip("192.0.2.101")
    assert lab.stat("v4-reservation-conflicts") == 1
    assert offered(lab, mac(3)) == ip("192.0.2.102")


def test_flex_id_reservations_with_the_flex_id_hook() -> None:
    hook = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_flex_id.so",
            "parameters": {"identifier-expression": "relay4[2].hex"}}
    lab = lab_with([{"flex-id": "'subscriber-7'", "ip-address": "192.0.2.77"}],
                   **{"hooks-libraries": [hook],
                      "host-reservation-identifiers": ["flex-id", "hw-address"]})
    rai = build_rai([(1, b"port"), (2, b"subscriber-7")])
    relayed = lab.send(query(DISCOVER, mac(4), giaddr="192.0.2.254", options={82: rai}),
                       src="192.0.2.254", dst="192.0.2.1", sport=67)
    assert relayed is not None and relayed.packet.yiaddr == ip("192.0.2.77")
    other = lab.send(query(DISCOVER, mac(5), giaddr="192.0.2.254",
                           options={82: build_rai([(2, b"subscriber-8")])}),
                     src="192.0.2.254", dst="192.0.2.1", sport=67)
    assert other is not None and other.packet.yiaddr == ip("192.0.2.100")
    # Without the hook there is no flex-id to look up.
    plain = lab_with([{"flex-id": "'subscriber-7'", "ip-address": "192.0.2.77"}])
    again = plain.send(query(DISCOVER, mac(4), giaddr="192.0.2.254", options={82: rai}),
                       src="192.0.2.254", dst="192.0.2.1", sport=67)
    assert again is not None and again.packet.yiaddr == ip("192.0.2.100")


def test_global_reservation_moves_the_client_to_its_subnet_in_a_shared_network() -> None:
    # Kea 2.2 leased a globally reserved address in the selected subnet (wrong subnet
    # id, that subnet's options); later Kea moves to the subnet holding the address,
    # and so does this.
    lab = make_lab(config4(**{
        "valid-lifetime": 600, "reservations-global": True,
        "reservations": [{"hw-address": mac(7).hex(":"), "ip-address": "10.0.0.70"}],
        "shared-networks": [{"name": "net", "interface": "eth0", "subnet4": [
            {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100-192.0.2.101"}]},
            {"id": 2, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.100-10.0.0.101"}],
             "option-data": [{"name": "routers", "data": "10.0.0.1"}]}]}]}))
    _, ack = dora(lab, mac(7))
    assert ack.packet.yiaddr == ip("10.0.0.70") and ack.packet.options[3] == a4("10.0.0.1")
    lease = lab.store.get(ip("10.0.0.70"))
    assert lease is not None and lease.subnet_id == 2
