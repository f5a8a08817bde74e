"""The common path: DISCOVER/OFFER, REQUEST/ACK in every client state, RELEASE,
DECLINE, INFORM, and what gets dropped (RFC 2131 sections 3 and 4.3)."""

from __future__ import annotations

from tests.unit.engine.helpers import SIMPLE, a4, config4, dora, ip, mac, make_lab, query

from nestor.leases.lease import LeaseState
from nestor.transport.route import TargetKind

DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = 1, 2, 3, 4, 5, 6, 7, 8


def lab_simple(**extra: object):  # type: ignore[no-untyped-def]
    return make_lab(config4(**{**SIMPLE, **extra}))


def test_offer_is_not_stored_but_ack_is() -> None:
    lab = lab_simple()
    offer = lab.send(query(DISCOVER))
    assert offer is not None and offer.packet.message_type == OFFER
    assert offer.packet.yiaddr == ip("192.0.2.100")
    assert len(lab.store) == 0
    assert lab.stat("pkt4-offer-sent") == 1
    assert lab.stat("subnet[1].assigned-addresses") == 0
    # Like Kea's iterative allocator, the cursor moved on: a new DISCOVER from a
    # client without a lease is offered the next address.
    offer2, ack = dora(lab)
    assert offer2.packet.yiaddr == ip("192.0.2.101")
    assert ack.packet.message_type == ACK and ack.packet.yiaddr == ip("192.0.2.101")
    lease = lab.store.get(ip("192.0.2.101"))
    assert lease is not None and lease.hwaddr == mac(1) and lease.valid_lft == 120
    assert lease.cltt == int(lab.clock.now) and lease.subnet_id == 1
    assert lab.stat("pkt4-ack-sent") == 1
    assert lab.stat("pkt4-discover-received") == 2
    assert lab.stat("pkt4-request-received") == 1
    assert lab.stat("subnet[1].assigned-addresses") == 1
    assert lab.stat("subnet[1].cumulative-assigned-addresses") == 1
    assert lab.stat("cumulative-assigned-addresses") == 1
    assert lab.stat("subnet[1].pool[0].assigned-addresses") == 1


def test_clients_get_distinct_addresses_and_keep_theirs() -> None:
    lab = lab_simple()
    _, ack1 = dora(lab, mac(1))
    _, ack2 = dora(lab, mac(2))
    assert ack1.packet.yiaddr != ack2.packet.yiaddr
    again = lab.send(query(DISCOVER, mac(1)))
    assert again is not None and again.packet.yiaddr == ack1.packet.yiaddr


def test_request_for_another_server_is_ignored() -> None:
    lab = lab_simple()
    offer = lab.send(query(DISCOVER))
    assert offer is not None
    req = query(REQUEST, options={50: offer.packet.yiaddr.to_bytes(4, "big"),
                                  54: a4("192.0.2.250")})
    assert lab.send(req) is None
    assert len(lab.store) == 0
    assert lab.stat("pkt4-receive-drop") == 1


def test_renewing_client_is_answered_by_unicast() -> None:
    lab = lab_simple()
    dora(lab)
    lab.clock.now += 30
    renew = query(REQUEST, ciaddr="192.0.2.100")
    ack = lab.send(renew, src="192.0.2.100", dst="192.0.2.1")
    assert ack is not None and ack.packet.message_type == ACK
    assert ack.packet.ciaddr == ip("192.0.2.100") and ack.packet.yiaddr == ip("192.0.2.100")
    assert ack.target.kind is TargetKind.UNICAST
    assert (ack.target.address, ack.target.port, ack.target.source) == \
        ("192.0.2.100", 68, "192.0.2.1")
    lease = lab.store.get(ip("192.0.2.100"))
    assert lease is not None and lease.cltt == int(lab.clock.now)
    assert lab.stat("subnet[1].assigned-addresses") == 1  # a renewal is not a new lease


def test_rebinding_client_broadcasts_and_gets_unicast_to_ciaddr() -> None:
    lab = lab_simple()
    dora(lab)
    ack = lab.send(query(REQUEST, ciaddr="192.0.2.100"))
    assert ack is not None and ack.packet.message_type == ACK
    assert ack.target.kind is TargetKind.UNICAST and ack.target.address == "192.0.2.100"


def test_request_for_address_held_by_another_client_is_naked() -> None:
    lab = lab_simple()
    dora(lab, mac(1))
    req = query(REQUEST, mac(2), options={50: a4("192.0.2.100"), 54: a4("192.0.2.1")})
    nak = lab.send(req)
    assert nak is not None and nak.packet.message_type == NAK
    assert nak.packet.yiaddr == 0 and nak.target.kind is TargetKind.BROADCAST
    assert list(nak.packet.options) == [53, 54]
    assert lab.stat("pkt4-nak-sent") == 1
    lease = lab.store.get(ip("192.0.2.100"))
    assert lease is not None and lease.hwaddr == mac(1)


def test_request_for_an_address_no_pool_holds_is_ignored() -> None:
    # Checked against Kea 2.2: an address outside every pool of the client's network
    # is none of this server's business (DHCP4_UNKNOWN_ADDRESS_REQUESTED): no NAK,
    # authoritative or not. An address in a pool the client may not use is NAKed.
    for authoritative in (False, True):
        lab = make_lab(config4(**{**SIMPLE, "authoritative": authoritative, "subnet4": [
            {**SIMPLE["subnet4"][0], "pools": [  # type: ignore[index]
                {"pool": "192.0.2.100 - 192.0.2.199"},
                {"pool": "192.0.2.200 - 192.0.2.210", "client-class": "nobody"}]},
            SIMPLE["subnet4"][1]]}))  # type: ignore[index]
        for addr in ("192.0.2.20", "198.51.100.150", "172.16.0.5"):
            req = query(REQUEST, options={50: a4(addr), 54: a4("192.0.2.1")})
            assert lab.send(req) is None, addr
        renew = query(REQUEST, ciaddr="192.0.2.20")
        assert lab.send(renew, src="192.0.2.20", dst="192.0.2.1") is None
        guarded = query(REQUEST, options={50: a4("192.0.2.205"), 54: a4("192.0.2.1")})
        nak = lab.send(guarded)
        assert nak is not None and nak.packet.message_type == NAK
        assert len(lab.store) == 0


def test_init_reboot_known_client() -> None:
    lab = lab_simple()
    dora(lab)
    right = lab.send(query(REQUEST, options={50: a4("192.0.2.100")}))
    assert right is not None and right.packet.message_type == ACK
    wrong = lab.send(query(REQUEST, options={50: a4("192.0.2.150")}))
    assert wrong is not None and wrong.packet.message_type == NAK


def test_init_reboot_unknown_client_depends_on_authoritative() -> None:
    quiet = lab_simple()
    assert quiet.send(query(REQUEST, options={50: a4("192.0.2.150")})) is None
    assert quiet.stat("pkt4-nak-sent") == 0
    loud = lab_simple(authoritative=True)
    nak = loud.send(query(REQUEST, options={50: a4("192.0.2.150")}))
    assert nak is not None and nak.packet.message_type == NAK


def test_release_only_by_the_owner() -> None:
    lab = lab_simple()
    dora(lab)
    stranger = query(RELEASE, mac(9), ciaddr="192.0.2.100", options={54: a4("192.0.2.1")})
    assert lab.send(stranger, src="192.0.2.100", dst="192.0.2.1") is None
    assert lab.store.get(ip("192.0.2.100")) is not None
    owner = query(RELEASE, ciaddr="192.0.2.100", options={54: a4("192.0.2.1")})
    assert lab.send(owner, src="192.0.2.100", dst="192.0.2.1") is None
    assert lab.store.get(ip("192.0.2.100")) is None
    assert lab.stat("subnet[1].assigned-addresses") == 0
    assert lab.stat("pkt4-release-received") == 2


def test_decline_puts_the_address_in_probation() -> None:
    lab = lab_simple(**{"decline-probation-period": 600})
    dora(lab)
    lab.send(query(DECLINE, options={50: a4("192.0.2.100"), 54: a4("192.0.2.1")}))
    lease = lab.store.get(ip("192.0.2.100"))
    assert lease is not None and lease.state == LeaseState.DECLINED
    assert lease.hwaddr == b"" and lease.client_id is None and lease.valid_lft == 600
    assert lab.stat("declined-addresses") == 1
    assert lab.stat("subnet[1].declined-addresses") == 1
    assert lab.stat("subnet[1].assigned-addresses") == 1  # still counted, as Kea does
    # Nobody gets the declined address while it is in probation, not even its client.
    offer = lab.send(query(DISCOVER))
    assert offer is not None and offer.packet.yiaddr != ip("192.0.2.100")


def test_decline_without_requested_address_is_dropped() -> None:
    lab = lab_simple()
    dora(lab)
    assert lab.send(query(DECLINE, options={54: a4("192.0.2.1")})) is None
    lease = lab.store.get(ip("192.0.2.100"))
    assert lease is not None and lease.state == LeaseState.DEFAULT
    assert lab.stat("pkt4-receive-drop") == 1


def test_inform_gets_options_but_no_lease() -> None:
    lab = lab_simple()
    inform = query(INFORM, ciaddr="192.0.2.7", options={55: bytes((3, 6, 15, 51))})
    ack = lab.send(inform, src="192.0.2.7", dst="192.0.2.1")
    assert ack is not None and ack.packet.message_type == ACK
    p = ack.packet
    assert p.yiaddr == 0 and p.ciaddr == ip("192.0.2.7")
    assert p.options[3] == a4("192.0.2.1") and p.options[54] == a4("192.0.2.1")
    assert 51 not in p.options and 58 not in p.options
    assert ack.target.kind is TargetKind.UNICAST
    assert (ack.target.address, ack.target.port) == ("192.0.2.7", 68)
    assert len(lab.store) == 0


def test_discover_with_server_id_or_without_identity_is_dropped() -> None:
    lab = lab_simple()
    assert lab.send(query(DISCOVER, options={54: a4("192.0.2.1")})) is None
    assert lab.send(query(DISCOVER, b"")) is None
    no_type = query(DISCOVER)
    del no_type.options[53]
    assert lab.send(no_type) is None
    assert lab.stat("pkt4-unknown-received") == 1
    assert lab.stat("pkt4-receive-drop") == 3
    assert lab.stat("pkt4-offer-sent") == 0


def test_client_id_echo_and_matching() -> None:
    cid = b"\x01" + mac(1)
    lab = lab_simple()
    offer, ack = dora(lab, mac(1), {61: cid})
    assert offer.packet.options[61] == cid and ack.packet.options[61] == cid
    lease = lab.store.get(ack.packet.yiaddr)
    assert lease is not None and lease.client_id == cid
    # Same client id behind another NIC: the same lease (match-client-id true).
    moved = lab.send(query(DISCOVER, mac(5), options={61: cid}))
    assert moved is not None and moved.packet.yiaddr == ack.packet.yiaddr
    quiet = lab_simple(**{"echo-client-id": False})
    offer2 = quiet.send(query(DISCOVER, options={61: cid}))
    assert offer2 is not None and 61 not in offer2.packet.options


def test_match_client_id_false_goes_by_hardware_address() -> None:
    lab = lab_simple(**{"match-client-id": False})
    _, ack = dora(lab, mac(1), {61: b"\x01abc"})
    lease = lab.store.get(ack.packet.yiaddr)
    assert lease is not None and lease.client_id is None
    other_cid = lab.send(query(DISCOVER, mac(1), options={61: b"\x01xyz"}))
    assert other_cid is not None and other_cid.packet.yiaddr == ack.packet.yiaddr


def test_fixed_fields_and_configured_server_id() -> None:
    lab = lab_simple(**{"next-server": "192.0.2.9", "server-hostname": "boot.example.org",
                        "boot-file-name": "pxelinux.0"})
    offer = lab.send(query(DISCOVER))
    assert offer is not None
    p = offer.packet
    assert p.siaddr == ip("192.0.2.9")
    assert p.sname.rstrip(b"\0") == b"boot.example.org"
    assert p.file.rstrip(b"\0") == b"pxelinux.0"
    sid = make_lab(config4(**{**SIMPLE, "option-data": [
        {"name": "dhcp-server-identifier", "data": "10.9.9.9"}]}))
    offer2 = sid.send(query(DISCOVER))
    assert offer2 is not None and offer2.packet.options[54] == a4("10.9.9.9")
    # A REQUEST naming the configured identifier is for us.
    req = query(REQUEST, options={50: offer2.packet.yiaddr.to_bytes(4, "big"),
                                  54: a4("10.9.9.9")})
    ack = sid.send(req)
    assert ack is not None and ack.packet.message_type == ACK


def test_update_links_changes_server_identity() -> None:
    from nestor.engine.v4 import Link4

    lab = lab_simple()
    lab.engine.update_links({2: Link4(2, "eth0", ((ip("192.0.2.2"), 24),))})
    offer = lab.send(query(DISCOVER))
    assert offer is not None and offer.packet.options[54] == a4("192.0.2.2")
    old = query(REQUEST, options={50: offer.packet.yiaddr.to_bytes(4, "big"),
                                  54: a4("192.0.2.1")})
    assert lab.send(old) is None  # the address we no longer have is another server's
    new = query(REQUEST, options={50: offer.packet.yiaddr.to_bytes(4, "big"),
                                  54: a4("192.0.2.2")})
    ack = lab.send(new)
    assert ack is not None and ack.packet.message_type == ACK


def test_server_identifier_configured_in_a_class_is_accepted() -> None:
    # Checked against Kea 2.2: the subnet's configured identifier wins in the reply,
    # but a REQUEST naming the class's one is still for this server.
    lab = make_lab(config4(**{**SIMPLE, "client-classes": [
        {"name": "special", "test": "option[60].text == 's'",
         "option-data": [{"name": "dhcp-server-identifier", "data": "10.7.7.7"}]}]}))
    req = query(REQUEST, options={60: b"s", 50: a4("192.0.2.101"), 54: a4("10.7.7.7")})
    ack = lab.send(req)
    assert ack is not None and ack.packet.message_type == ACK
    assert ack.packet.options[54] == a4("10.7.7.7")  # no subnet-level one here


def test_an_expired_lease_cannot_be_declined() -> None:
    lab = lab_simple(**{"expired-leases-processing": {"hold-reclaimed-time": 3600}})
    dora(lab)
    lab.clock.now += 200  # valid-lifetime 120: expired
    lab.engine.reclaim_expired(lab.clock.now)
    lab.send(query(DECLINE, options={50: a4("192.0.2.100")}))
    lease = lab.store.get(ip("192.0.2.100"))
    assert lease is not None and lease.state == LeaseState.EXPIRED_RECLAIMED
    assert lab.stat("declined-addresses") == 0
