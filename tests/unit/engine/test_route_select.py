"""Where replies go (RFC 2131 section 4.1) and which subnet serves a query (Kea's
subnet selection: relay address, link selection, subnet selection option, ciaddr,
interface)."""

from __future__ import annotations

import json

from tests.unit.engine.helpers import SIMPLE, a4, config4, dora, ip, mac, make_lab, query

from nestor.leases.memfile import MemfileConfig
from nestor.leases.store import LeaseStoreError
from nestor.transport.route import TargetKind
from nestor.wire.options4 import build_rai

DISCOVER, REQUEST, INFORM = 1, 3, 8

RELAYED = {
    "valid-lifetime": 600,
    "subnet4": [
        {"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
         "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]},
        {"id": 2, "subnet": "198.51.100.0/24",
         "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}]},
        {"id": 3, "subnet": "10.20.0.0/16", "relay": {"ip-addresses": ["172.16.5.1"]},
         "pools": [{"pool": "10.20.0.10 - 10.20.0.20"}]},
        {"id": 4, "subnet": "10.30.0.0/24", "interface": "eth1",
         "pools": [{"pool": "10.30.0.10 - 10.30.0.20"}]}],
}


def relayed_lab(**extra: object):  # type: ignore[no-untyped-def]
    return make_lab(config4(**{**RELAYED, **extra}))


def offer_for(lab, q, **send):  # type: ignore[no-untyped-def]
    reply = lab.send(q, **send)
    assert reply is not None
    return reply


def test_broadcast_flag_and_direct_replies() -> None:
    lab = make_lab(config4(**SIMPLE))
    direct = offer_for(lab, query(DISCOVER))
    assert direct.target.kind is TargetKind.DIRECT
    assert direct.target.mac == query(DISCOVER).hwaddr
    assert direct.target.address == "192.0.2.100"
    bcast = offer_for(lab, query(DISCOVER, flags=0x8000))
    assert bcast.target.kind is TargetKind.BROADCAST
    assert bcast.target.address == "255.255.255.255" and bcast.target.port == 68
    assert bcast.packet.flags == 0x8000  # flags are copied (RFC 2131 table 3)


def test_relayed_reply_goes_to_giaddr_and_echoes_relay_info_last() -> None:
    lab = relayed_lab()
    rai = build_rai([(1, b"port-7"), (2, b"rid")])
    q = query(DISCOVER, giaddr="198.51.100.2", hops=1, options={82: rai, 55: b"\x03"})
    offer = offer_for(lab, q, src="198.51.100.2", dst="192.0.2.1", sport=67)
    assert offer.packet.yiaddr == ip("198.51.100.100")
    assert offer.packet.giaddr == ip("198.51.100.2") and offer.packet.hops == 1
    assert offer.target.kind is TargetKind.UNICAST
    assert (offer.target.address, offer.target.port) == ("198.51.100.2", 67)
    assert list(offer.packet.options)[-1] == 82 and offer.packet.options[82] == rai
    wire = offer.packet.serialize()
    assert wire[-1 - len(rai) - 2:-1] == b"\x52" + bytes((len(rai),)) + rai


def test_relay_source_port_sub_option() -> None:
    lab = relayed_lab()
    rai = build_rai([(1, b"x"), (19, b"")])
    q = query(DISCOVER, giaddr="198.51.100.2", options={82: rai})
    offer = offer_for(lab, q, src="198.51.100.2", dst="192.0.2.1", sport=3067)
    assert offer.target.port == 3067


def test_use_routing_for_relayed_traffic() -> None:
    lab = relayed_lab(**{"interfaces-config": {"interfaces": ["eth0"],
                                               "outbound-interface": "use-routing"}})
    q = query(DISCOVER, giaddr="198.51.100.2")
    offer = offer_for(lab, q, src="198.51.100.2", dst="192.0.2.1", sport=67)
    assert offer.target.kind is TargetKind.ROUTED


def test_relay_ip_addresses_select_their_subnet() -> None:
    lab = relayed_lab()
    q = query(DISCOVER, giaddr="172.16.5.1")
    offer = offer_for(lab, q, src="172.16.5.1", dst="192.0.2.1", sport=67)
    assert offer.packet.yiaddr == ip("10.20.0.10")


def test_link_selection_sub_option_and_ignore_flag() -> None:
    rai = build_rai([(5, a4("10.20.0.1"))])
    q = query(DISCOVER, giaddr="198.51.100.2", options={82: rai})
    lab = relayed_lab()
    offer = offer_for(lab, q, src="198.51.100.2", dst="192.0.2.1", sport=67)
    assert offer.packet.yiaddr == ip("10.20.0.10")
    ignoring = relayed_lab(compatibility={"ignore-rai-link-selection": True})
    offer2 = offer_for(ignoring, q, src="198.51.100.2", dst="192.0.2.1", sport=67)
    assert offer2.packet.yiaddr == ip("198.51.100.100")


def test_subnet_selection_option_is_honoured_and_echoed() -> None:
    lab = relayed_lab()
    q = query(DISCOVER, options={118: a4("198.51.100.0")})
    offer = offer_for(lab, q)
    assert offer.packet.yiaddr == ip("198.51.100.100")
    assert offer.packet.options[118] == a4("198.51.100.0")


def test_interface_name_then_interface_address() -> None:
    lab = relayed_lab()
    on_eth1 = offer_for(lab, query(DISCOVER), ifindex=3)  # subnet 4 names eth1
    assert on_eth1.packet.yiaddr == ip("10.30.0.10")
    # The server id is the address of the interface the query came in on.
    assert on_eth1.packet.options[54] == a4("203.0.113.1")
    no_iface = make_lab(config4(**{**SIMPLE, "subnet4": [
        {"id": 7, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.50 - 192.0.2.60"}]}]}))
    by_address = offer_for(no_iface, query(DISCOVER))
    assert by_address.packet.yiaddr == ip("192.0.2.50")


def test_renewing_client_is_served_from_its_ciaddr_subnet() -> None:
    lab = relayed_lab()
    _, ack = dora(lab)
    assert ack.packet.yiaddr == ip("192.0.2.100")
    renew = query(REQUEST, ciaddr="192.0.2.100")
    reply = lab.send(renew, src="192.0.2.100", dst="192.0.2.1", ifindex=3)
    assert reply is not None and reply.packet.message_type == 5


def test_no_subnet_means_no_offer() -> None:
    lab = make_lab(config4(**SIMPLE))
    assert lab.send(query(DISCOVER), ifindex=3) is None  # eth1 has no subnet
    assert lab.stat("pkt4-offer-sent") == 0
    # Checked against Kea 2.2: a broadcast from a link without subnet is dropped
    # before processing (DHCP4_PACKET_DROP_0002), whatever its type.
    assert lab.stat("pkt4-receive-drop") == 1
    assert lab.send(query(4, options={50: a4("192.0.2.100")}), ifindex=3) is None
    assert lab.stat("pkt4-receive-drop") == 2
    # Relayed from a network no subnet covers: no offer, but not a drop.
    assert lab.send(query(DISCOVER, giaddr="10.99.0.1"), src="10.99.0.1",
                    dst="192.0.2.1", sport=67) is None
    assert lab.stat("pkt4-receive-drop") == 2


def test_broken_lease_store_costs_one_answer_not_the_server() -> None:
    lab = make_lab(config4(**SIMPLE))

    class Broken(type(lab.store)):  # type: ignore[misc]
        def add(self, lease):  # type: ignore[no-untyped-def]
            raise LeaseStoreError("disk full")

    broken = Broken(MemfileConfig(persist=False))
    lab.engine = type(lab.engine)(lab.engine.config, broken, lab.stats, lab.links, lab.clock)
    lab.stats.set("pkt4-processing-failed", 0)  # Kea 3.1's counter, when the server keeps it
    offer = lab.send(query(DISCOVER))
    assert offer is not None and offer.packet.yiaddr == ip("192.0.2.100")
    req = query(3, options={50: a4("192.0.2.100"), 54: a4("192.0.2.1")})
    assert lab.send(req) is None
    assert lab.stat("pkt4-processing-failed") == 1
    assert lab.send(query(DISCOVER, mac(2))) is not None  # and the next query is served


def test_class_guarded_subnet() -> None:
    cfg = {**SIMPLE, "subnet4": [
        {"id": 1, "subnet": "192.0.2.0/24", "client-class": "VENDOR_CLASS_printer",
         "interface": "eth0", "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}]}
    lab = make_lab(config4(**cfg))
    assert lab.send(query(DISCOVER)) is None
    offer = lab.send(query(DISCOVER, options={60: b"printer"}))
    assert offer is not None and offer.packet.yiaddr == ip("192.0.2.100")


def test_relayed_inform_with_ciaddr_is_answered_directly() -> None:
    lab = relayed_lab()
    q = query(INFORM, ciaddr="198.51.100.40", giaddr="198.51.100.2",
              options={82: build_rai([(1, b"c")])})
    ack = offer_for(lab, q, src="198.51.100.2", dst="192.0.2.1", sport=67)
    assert ack.target.address == "198.51.100.40" and ack.target.port == 68
    assert ack.packet.giaddr == 0 and 82 not in ack.packet.options


def test_config_text_is_json() -> None:
    assert json.loads(config4(**RELAYED))["Dhcp4"]["subnet4"][2]["id"] == 3


def test_relayed_inform_without_ciaddr_asks_the_relay_to_broadcast() -> None:
    # Checked against Kea 2.2: the ACK goes to the relay with the broadcast bit set.
    lab = relayed_lab()
    ack = offer_for(lab, query(INFORM, giaddr="198.51.100.2"), src="198.51.100.2",
                    dst="192.0.2.1", sport=67)
    assert ack.packet.flags & 0x8000
    assert (ack.target.address, ack.target.port) == ("198.51.100.2", 67)
