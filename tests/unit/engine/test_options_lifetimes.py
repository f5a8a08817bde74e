"""Reply options (parameter request list, always-send, never-send, Kea's precedence,
sub-option spaces) and the lifetimes a client is told (valid-lifetime bounds, T1/T2,
lease caching, offer-lifetime), plus store-extended-info."""

from __future__ import annotations

from typing import Any

from tests.unit.engine.helpers import a4, config4, dora, ip, mac, make_lab, query

from nestor.wire.options4 import build_rai

DISCOVER, REQUEST = 1, 3


def lab_for(subnet_extra: dict[str, Any] | None = None, pool_extra: dict[str, Any] | None = None,
            **glob: Any):  # type: ignore[no-untyped-def]
    sub = {"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
           "pools": [{"pool": "192.0.2.100 - 192.0.2.199", **(pool_extra or {})}],
           **(subnet_extra or {})}
    return make_lab(config4(**{"valid-lifetime": 600, **glob, "subnet4": [sub]}))


def offer(lab, hw: bytes = mac(1), **opts: bytes):  # type: ignore[no-untyped-def]
    r = lab.send(query(DISCOVER, hw, options={int(k[1:]): v for k, v in opts.items()}))
    assert r is not None
    return r.packet


def u32(p, code: int) -> int:  # type: ignore[no-untyped-def]
    return int.from_bytes(p.options[code], "big")


def test_parameter_request_list_drives_optional_options() -> None:
    lab = lab_for(**{"option-data": [
        {"name": "ntp-servers", "data": "192.0.2.123"},
        {"name": "routers", "data": "192.0.2.1"}]})
    plain = offer(lab)
    assert 42 not in plain.options and plain.options[3] == a4("192.0.2.1")  # 3 is basic
    asked = offer(lab, o55=bytes((42,)))
    assert asked.options[42] == a4("192.0.2.123")
    assert asked.options[1] == a4("255.255.255.0")  # the mask comes with every lease


def test_always_send_and_never_send() -> None:
    lab = lab_for(subnet_extra={"option-data": [
        {"name": "domain-name-servers", "data": "192.0.2.53", "never-send": True}]},
        **{"option-data": [
            {"name": "ntp-servers", "data": "192.0.2.123", "always-send": True},
            {"name": "domain-name-servers", "data": "192.0.2.99"}]})
    p = offer(lab, o55=bytes((6,)))
    assert p.options[42] == a4("192.0.2.123")
    assert 6 not in p.options  # the subnet's never-send wins over the global value


def test_precedence_pool_subnet_class_global() -> None:
    glob = {"option-data": [{"name": "domain-name", "data": "global.example"},
                            {"name": "ntp-servers", "data": "192.0.2.1"},
                            {"name": "time-servers", "data": "192.0.2.2"}],
            "client-classes": [{"name": "VENDOR_CLASS_acme", "option-data": [
                {"name": "ntp-servers", "data": "192.0.2.11"},
                {"name": "time-servers", "data": "192.0.2.12"}]}]}
    lab = lab_for(subnet_extra={"option-data": [
        {"name": "domain-name", "data": "subnet.example"},
        {"name": "ntp-servers", "data": "192.0.2.21"}]},
        pool_extra={"option-data": [{"name": "domain-name", "data": "pool.example"}]},
        **glob)
    p = offer(lab, o55=bytes((4, 15, 42)), o60=b"acme")
    assert p.options[15] == b"pool.example"
    assert p.options[42] == a4("192.0.2.21")
    assert p.options[4] == a4("192.0.2.12")
    q = offer(lab, mac(2), o55=bytes((4,)))
    assert q.options[4] == a4("192.0.2.2")


def test_vendor_encapsulated_sub_options() -> None:
    lab = lab_for(**{
        "option-def": [{"name": "tftp", "code": 1, "type": "ipv4-address",
                        "space": "vendor-encapsulated-options-space"}],
        "option-data": [{"name": "vendor-encapsulated-options"},
                        {"name": "tftp", "space": "vendor-encapsulated-options-space",
                         "data": "192.0.2.70"}]})
    p = offer(lab, o55=bytes((43,)))
    assert p.options[43] == b"\x01\x04" + a4("192.0.2.70")


def test_valid_lifetime_bounds_and_client_request() -> None:
    lab = lab_for(**{"min-valid-lifetime": 300, "max-valid-lifetime": 900})
    assert u32(offer(lab), 51) == 600
    assert u32(offer(lab, o51=(100).to_bytes(4, "big")), 51) == 300
    assert u32(offer(lab, o51=(5000).to_bytes(4, "big")), 51) == 900
    assert u32(offer(lab, o51=(700).to_bytes(4, "big")), 51) == 700


def test_timers() -> None:
    none = offer(lab_for())
    assert 58 not in none.options and 59 not in none.options  # Kea v4 default
    explicit = offer(lab_for(**{"renew-timer": 100, "rebind-timer": 200}))
    assert (u32(explicit, 58), u32(explicit, 59)) == (100, 200)
    calc = offer(lab_for(**{"calculate-tee-times": True, "t1-percent": 0.4,
                            "t2-percent": 0.8}))
    assert (u32(calc, 58), u32(calc, 59)) == (240, 480)
    too_big = offer(lab_for(**{"renew-timer": 700, "rebind-timer": 800}))
    assert 58 not in too_big.options and 59 not in too_big.options


def test_lease_caching_reuses_the_lease() -> None:
    lab = lab_for(**{"cache-threshold": 0.25})
    dora(lab)
    stored = lab.store.get(ip("192.0.2.100"))
    lab.clock.now += 100
    renew = lab.send(query(REQUEST, ciaddr="192.0.2.100"), src="192.0.2.100", dst="192.0.2.1")
    assert renew is not None and u32(renew.packet, 51) == 500
    assert lab.store.get(ip("192.0.2.100")) is stored  # not rewritten
    assert lab.stat("v4-lease-reuses") == 1 and lab.stat("subnet[1].v4-lease-reuses") == 1
    lab.clock.now += 100  # 200 s old: past 25 % of 600
    late = lab.send(query(REQUEST, ciaddr="192.0.2.100"), src="192.0.2.100", dst="192.0.2.1")
    assert late is not None and u32(late.packet, 51) == 600
    fresh = lab.store.get(ip("192.0.2.100"))
    assert fresh is not None and fresh.cltt == int(lab.clock.now)


def test_offer_lifetime_holds_the_offered_address() -> None:
    lab = lab_for(**{"offer-lifetime": 60})
    p = offer(lab)
    assert u32(p, 51) == 600  # the client is told the real lifetime
    held = lab.store.get(p.yiaddr)
    assert held is not None and held.valid_lft == 60
    assert lab.stat("subnet[1].assigned-addresses") == 1
    assert offer(lab, mac(2)).yiaddr != p.yiaddr
    _, ack = dora(lab)
    lease = lab.store.get(ack.packet.yiaddr)
    assert lease is not None and lease.valid_lft == 600
    assert lab.stat("subnet[1].assigned-addresses") == 2  # mac 1 and mac 2's offer


def test_store_extended_info_keeps_relay_information() -> None:
    lab = lab_for(**{"store-extended-info": True})
    rai = build_rai([(1, b"\x01\x02"), (2, b"\xaa\xbb")])
    req = query(REQUEST, giaddr="192.0.2.254",
                options={50: a4("192.0.2.150"), 54: a4("192.0.2.1"), 82: rai})
    ack = lab.send(req, src="192.0.2.254", dst="192.0.2.1", sport=67)
    assert ack is not None and ack.packet.message_type == 5
    lease = lab.store.get(ip("192.0.2.150"))
    assert lease is not None
    assert lease.user_context == {"ISC": {"relay-agent-info": {
        "sub-options": "0x" + rai.hex().upper(), "remote-id": "AABB"}}}


def test_client_hostname_is_echoed_and_stored() -> None:
    lab = lab_for(**{"ddns-qualifying-suffix": "example.org"})
    _, ack = dora(lab, options={12: b"My_Laptop"})
    assert ack.packet.options[12] == b"mylaptop.example.org"
    lease = lab.store.get(ack.packet.yiaddr)
    assert lease is not None and lease.hostname == "mylaptop.example.org"


def test_client_fqdn_option_without_dns_updates() -> None:
    lab = lab_for(**{"ddns-qualifying-suffix": "example.org"})
    # Flags S|E, rcodes 0, the partial name "laptop" in wire format.
    fqdn = bytes((0x05, 0, 0)) + b"\x06laptop"
    _, ack = dora(lab, options={81: fqdn, 12: b"ignored"})
    p = ack.packet
    assert 12 not in p.options  # option 81 wins (RFC 4702 section 3.1)
    # Updates are disabled: S=0, N=1, O=1 (overridden), E kept; fully qualified name.
    assert p.options[81] == bytes((0x0E, 0, 0)) + b"\x06laptop\x07example\x03org\x00"
    lease = lab.store.get(p.yiaddr)
    assert lease is not None and lease.hostname == "laptop.example.org."
    assert not lease.fqdn_fwd and not lease.fqdn_rev


def test_vendor_options_requested_through_option_125() -> None:
    """Checked against Kea 2.2: a CableLabs client's ORO (125, enterprise 4491,
    sub-option 1) pulls the configured vendor-4491 options into the reply; a plain
    request for 125 gets only the configured enterprise number."""
    from nestor.wire.options4 import build_vivso

    lab = lab_for(**{"option-data": [
        {"name": "vivso-suboptions", "data": "4491"},
        {"name": "tftp-servers", "space": "vendor-4491", "data": "10.1.1.202,10.1.1.203"}]})
    oro = build_vivso([(4491, [(1, bytes((2,)))])])
    asked = offer(lab, o125=oro)
    assert asked.options[125] == bytes.fromhex("0000118b0a02080a0101ca0a0101cb")
    plain = offer(lab, mac(2), o55=bytes((125,)))
    assert plain.options[125] == bytes.fromhex("0000118b00")
    other = offer(lab, mac(3), o125=build_vivso([(1234, [(1, bytes((2,)))])]))
    assert 125 not in other.options


def test_generated_names_follow_ddns_replace_client_name() -> None:
    """Checked against Kea 2.2 (which does this even with DNS updates disabled)."""
    lab = lab_for(**{"ddns-replace-client-name": "always", "ddns-generated-prefix": "gen",
                     "ddns-qualifying-suffix": "example.org"})
    _, ack = dora(lab, options={12: b"laptop"})
    assert ack.packet.options[12] == b"gen-192-0-2-100.example.org"
    lease = lab.store.get(ack.packet.yiaddr)
    assert lease is not None and lease.hostname == "gen-192-0-2-100.example.org"
    fqdn = offer(lab, mac(2), o81=bytes((0x05, 0, 0)) + b"\x03baz")
    assert fqdn.options[81] == bytes((0x0E, 0, 0)) + b"\x0fgen-192-0-2-101\x07example\x03org\x00"
    never = lab_for(**{"ddns-qualifying-suffix": "example.org"})
    assert offer(never, o12=b".").options[12] == b"myhost-192-0-2-100.example.org"
    assert 12 not in offer(never, mac(2)).options
