"""Client classes steering replies: evaluation passes and order, template (spawning)
classes, DROP after the host lookup, required (additional) classes of pools, subnets
and shared networks, reservation classes, option class-tagging, option and boot-field
precedence between classes, class logging, and the read-only explanation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.unit.engine.helpers import Lab, config4, dora, ip, mac, make_lab, query

from nestor.engine.explain4 import explain
from nestor.engine.v4 import Query4Meta
from nestor.logs.core import MANAGER, Spec
from nestor.logs.levels import Severity
from nestor.logs.pattern import Record

DISCOVER = 1
PRL = {55: bytes((6, 15, 42, 67))}


def lab(classes: list[dict[str, Any]], subnet: dict[str, Any] | None = None,
        **glob: Any) -> Lab:
    sub = {"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
           "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}], **(subnet or {})}
    return make_lab(config4(**{"client-classes": classes, "subnet4": [sub], **glob}))


def offer(lb: Lab, hw: bytes = mac(1), **options: bytes) -> Any:
    opts = dict(PRL)
    opts.update({int(k[1:]): v for k, v in options.items()})
    reply = lb.send(query(DISCOVER, hw, options=opts))
    assert reply is not None
    return reply.packet


def meta() -> Query4Meta:
    return Query4Meta(2, "eth0", 0, 68, 0xFFFFFFFF)


def test_template_class_spawns_and_its_options_serve_the_spawned_class() -> None:
    lb = lab([
        {"name": "SPAWN_by-vendor_phone",
         "option-data": [{"name": "domain-name", "data": "phone.example"}]},
        {"name": "by-vendor", "template-test": "option[60].text",
         "option-data": [{"name": "domain-name", "data": "template.example"}]}])
    # A regular class of the spawned name comes first: its option wins.
    assert offer(lb, mac(1), o60=b"phone").options[15] == b"phone.example"
    # Any other value spawns a class without definition: the template's options apply.
    assert offer(lb, mac(2), o60=b"pc").options[15] == b"template.example"
    # An empty value spawns nothing and does not put the packet in the template class.
    assert 15 not in offer(lb, mac(3)).options
    got = explain(lb.engine, query(DISCOVER, mac(4), options={60: b"pc"}), meta())
    assert got["classes"][:3] == ["ALL", "VENDOR_CLASS_pc", "SPAWN_by-vendor_pc"]
    assert "by-vendor" in got["classes"]


def test_option_precedence_follows_assignment_order_not_definition_order() -> None:
    """ARM "Classification Steps": the first class *assigned* that configures an option
    wins; a class depending on KNOWN is assigned after the host lookup, so a class
    defined after it but evaluated at receive time wins."""
    lb = lab([
        {"name": "late", "test": "member('KNOWN') or member('UNKNOWN')",
         "option-data": [{"name": "ntp-servers", "data": "10.0.0.1"}]},
        {"name": "early", "test": "option[60].exists",
         "option-data": [{"name": "ntp-servers", "data": "10.0.0.2"}]},
        {"name": "early2", "test": "option[60].exists",
         "option-data": [{"name": "ntp-servers", "data": "10.0.0.3"}]}])
    assert offer(lb, o60=b"x").options[42] == ip("10.0.0.2").to_bytes(4, "big")
    assert offer(lb, mac(2)).options[42] == ip("10.0.0.1").to_bytes(4, "big")


def test_class_depending_on_known_through_another_class_waits_for_hosts() -> None:
    lb = lab([{"name": "reserved", "test": "member('KNOWN')"},
              {"name": "vip", "test": "member('reserved')",
               "option-data": [{"name": "domain-name", "data": "vip.example"}]}],
             {"reservations": [{"hw-address": "02:00:00:00:00:01", "hostname": "h1"}]})
    assert offer(lb, mac(1)).options[15] == b"vip.example"
    assert 15 not in offer(lb, mac(2)).options
    got = explain(lb.engine, query(DISCOVER, mac(1)), meta())
    stages = {e["class"]: e["pass"] for e in got["evaluations"]}
    assert stages["reserved"] == stages["vip"] == "after-host-lookup"


def test_drop_after_host_lookup_is_counted_as_a_receive_drop() -> None:
    lb = lab([{"name": "DROP", "test": "member('KNOWN')"}],
             {"reservations": [{"hw-address": "02:00:00:00:00:01", "hostname": "h1"}]})
    assert lb.send(query(DISCOVER, mac(1))) is None
    assert lb.stat("pkt4-receive-drop") == 1
    assert lb.send(query(DISCOVER, mac(2))) is not None
    assert lb.stat("pkt4-receive-drop") == 1


def test_required_classes_of_pool_subnet_and_shared_network() -> None:
    """Kea 3.x: additional classes of the pool, then the subnet, then the shared network,
    the same order as option precedence; a class only listed by the network applies."""
    classes = [
        {"name": "by-network", "only-if-required": True, "test": "member('ALL')",
         "option-data": [{"name": "domain-name", "data": "network.example"},
                         {"name": "ntp-servers", "data": "10.0.0.9"}]},
        {"name": "by-subnet", "only-if-required": True, "test": "member('ALL')",
         "option-data": [{"name": "domain-name", "data": "subnet.example"}]},
        {"name": "by-pool", "only-in-additional-list": True, "test": "member('ALL')",
         "option-data": [{"name": "domain-name", "data": "pool.example"}]}]
    text = config4(**{"client-classes": classes, "shared-networks": [{
        "name": "net", "interface": "eth0", "require-client-classes": ["by-network"],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                     "require-client-classes": ["by-subnet"],
                     "pools": [{"pool": "192.0.2.100 - 192.0.2.109",
                                "evaluate-additional-classes": ["by-pool"]},
                               {"pool": "192.0.2.110 - 192.0.2.119"}]}]}]})
    lb = make_lab(text)
    first = offer(lb, mac(1))
    assert first.options[15] == b"pool.example"
    assert first.options[42] == ip("10.0.0.9").to_bytes(4, "big")
    got = explain(lb.engine, query(DISCOVER, mac(2)), meta())
    assert got["classes"][-3:] == ["by-pool", "by-subnet", "by-network"]


def test_only_if_required_class_is_not_evaluated_unless_required() -> None:
    lb = lab([{"name": "late", "only-if-required": True, "test": "member('ALL')",
               "option-data": [{"name": "domain-name", "data": "late.example"}]}])
    assert 15 not in offer(lb).options
    got = explain(lb.engine, query(DISCOVER, mac(2)), meta())
    assert "late" not in got["classes"] and got["evaluations"][-1]["class"] != "late"


def test_reservation_classes_grant_options_and_boot_fields() -> None:
    lb = lab([{"name": "vip", "boot-file-name": "vip.efi", "next-server": "192.0.2.9",
               "option-data": [{"name": "domain-name", "data": "vip.example"}]}],
             {"reservations": [{"hw-address": "02:00:00:00:00:01",
                                "client-classes": ["vip"]}]})
    known = offer(lb, mac(1))
    assert known.options[15] == b"vip.example"
    assert known.file.rstrip(b"\0") == b"vip.efi" and known.siaddr == ip("192.0.2.9")
    other = offer(lb, mac(2))
    assert 15 not in other.options and other.siaddr == 0


def test_first_class_setting_a_boot_field_wins() -> None:
    # Kea's setFixedFields takes each field from the first class that sets it (Kea 2.2
    # answers so for classify2.json, whose VoIP_host was meant to override VoIP).
    lb = lab([{"name": "voip", "test": "option[60].exists", "server-hostname": "hal9000",
               "boot-file-name": "/dev/null"},
              {"name": "voip-host", "test": "member('voip') and member('KNOWN')",
               "server-hostname": "hal9001", "next-server": "192.0.2.7"}],
             {"reservations": [{"hw-address": "02:00:00:00:00:01", "hostname": "h"}]})
    known = offer(lb, mac(1), o60=b"Aastra")
    assert known.sname.rstrip(b"\0") == b"hal9000" and known.file.rstrip(b"\0") == b"/dev/null"
    # A field only the later class sets comes from it.
    assert known.siaddr == ip("192.0.2.7")
    unknown = offer(lb, mac(2), o60=b"Aastra")
    assert unknown.sname.rstrip(b"\0") == b"hal9000" and unknown.siaddr == 0


def test_option_class_tagging() -> None:
    """Kea 3.x: an option-data entry tagged with client-classes applies to members only;
    others get the next entry in precedence (here the global one)."""
    lb = lab([{"name": "phones", "test": "option[60].text == 'phone'"}],
             {"option-data": [{"name": "domain-name", "data": "phones.example",
                               "client-classes": ["phones"]}]},
             **{"option-data": [{"name": "domain-name", "data": "everyone.example"}]})
    assert offer(lb, mac(1), o60=b"phone").options[15] == b"phones.example"
    assert offer(lb, mac(2), o60=b"pc").options[15] == b"everyone.example"


def test_class_valid_lifetime_first_class_wins() -> None:
    lb = lab([{"name": "a", "test": "option[60].exists", "valid-lifetime": 300},
              {"name": "b", "test": "option[60].exists", "valid-lifetime": 400}],
             **{"valid-lifetime": 1000})
    assert offer(lb, o60=b"x").options[51] == (300).to_bytes(4, "big")
    assert offer(lb, mac(2)).options[51] == (1000).to_bytes(4, "big")


@pytest.fixture
def debug_log() -> Iterator[list[str]]:
    lines: list[str] = []

    class Capture:
        def emit(self, record: Record) -> None:
            lines.append(record.message)

        def close(self) -> None:
            pass

    old_root, old_specs = MANAGER.root_name, MANAGER.specs()
    MANAGER.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.DEBUG, 99, (Capture(),))])
    try:
        yield lines
    finally:
        MANAGER.install(old_root, old_specs)


def test_classes_are_logged_at_debug(debug_log: list[str]) -> None:
    lb = lab([{"name": "phones", "test": "option[60].text == 'phone'"},
              {"name": "pcs", "test": "option[60].text == 'pc'"}])
    offer(lb, o60=b"phone")
    assert "EVAL_RESULT Expression phones evaluated to true" in debug_log
    assert "EVAL_RESULT Expression pcs evaluated to false" in debug_log
    assigned = [line for line in debug_log if line.startswith("DHCP4_CLASS_ASSIGNED")]
    assert assigned and assigned[-1].endswith(
        "tid=0x1234: client packet has been assigned to the following class(es): "
        "ALL, VENDOR_CLASS_phone, phones, UNKNOWN")


def test_no_class_log_when_debug_is_off(debug_log: list[str]) -> None:
    old_root, old_specs = MANAGER.root_name, MANAGER.specs()
    MANAGER.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.INFO, 0, ())])
    try:
        offer(lab([{"name": "phones", "test": "option[60].text == 'phone'"}]), o60=b"phone")
    finally:
        MANAGER.install(old_root, old_specs)
    assert debug_log == []


def test_explain_reports_decisions_and_changes_nothing() -> None:
    lb = lab([{"name": "phones", "test": "option[60].text == 'phone'", "valid-lifetime": 60,
               "server-hostname": "tftp.example"}],
             {"pools": [{"pool": "192.0.2.10 - 192.0.2.19", "client-class": "phones"},
                        {"pool": "192.0.2.100 - 192.0.2.199"}],
              "reservations": [{"hw-address": "02:00:00:00:00:07",
                                "ip-address": "192.0.2.77", "hostname": "seven"}]})
    before = (len(lb.store), lb.stat("pkt4-received"), lb.stat("pkt4-discover-received"))
    got = explain(lb.engine, query(DISCOVER, mac(1), options={60: b"phone"}), meta())
    assert got["outcome"] == "served"
    assert got["subnet"] == {"id": 1, "subnet": "192.0.2.0/24"}
    assert got["address"] == "192.0.2.10" and got["pool"] == "192.0.2.10 - 192.0.2.19"
    assert got["address-source"] == "free" and got["reservation"] is None
    assert got["boot"]["server-hostname"] == "tftp.example"
    assert got["class-valid-lifetime"] == 60
    assert {"class": "phones", "pass": "receive", "result": "true", "assigned": True} \
        in got["evaluations"]
    reserved = explain(lb.engine, query(DISCOVER, mac(7)), meta())
    assert reserved["address"] == "192.0.2.77" and reserved["address-source"] == "reservation"
    assert reserved["reservation"]["hostname"] == "seven" and "KNOWN" in reserved["classes"]
    assert (len(lb.store), lb.stat("pkt4-received"), lb.stat("pkt4-discover-received")) \
        == before
    # The real exchange is given what the explanation predicted ...
    _, ack = dora(lb, mac(1), {60: b"phone"})
    assert ack.packet.yiaddr == ip("192.0.2.10")
    # ... and once the client holds it, the explanation names its lease.
    again = explain(lb.engine, query(DISCOVER, mac(1), options={60: b"phone"}), meta())
    assert (again["address"], again["address-source"]) == ("192.0.2.10", "lease")


def test_explain_drop_and_no_subnet() -> None:
    lb = lab([{"name": "DROP", "test": "option[60].text == 'evil'"}])
    dropped = explain(lb.engine, query(DISCOVER, mac(1), options={60: b"evil"}), meta())
    assert dropped["outcome"].startswith("dropped") and "DROP" in dropped["classes"]
    far = explain(lb.engine, query(DISCOVER, mac(2), giaddr="10.9.9.1"), meta())
    assert far["outcome"] == "no subnet selected"
    assert lb.stat("pkt4-receive-drop") == 0


def test_reserved_class_reruns_receive_time_tests() -> None:
    """Kea 2.2 (checked): in a subnet outside shared networks, a reservation's classes
    replace the receive-time verdicts, so 'not member(vip)' loses to a reserved vip."""
    lb = lab([{"name": "vip"},
              {"name": "not-vip", "test": "not member('vip')",
               "option-data": [{"name": "domain-name", "data": "plain.example"}]}],
             {"reservations": [{"hw-address": "02:00:00:00:00:01",
                                "client-classes": ["vip"]}]})
    assert 15 not in offer(lb, mac(1)).options
    assert offer(lb, mac(2)).options[15] == b"plain.example"
    got = explain(lb.engine, query(DISCOVER, mac(1)), meta())
    assert got["classes"] == ["ALL", "vip", "KNOWN"]


def test_shared_network_reservation_classes_come_after_the_address() -> None:
    """Kea (checked against 2.2): in a shared network a subnet reservation's classes are
    set once the address is chosen: they give options but open no guarded pool."""
    text = config4(**{
        "client-classes": [{"name": "vip", "option-data": [
            {"name": "domain-name", "data": "vip.example"}]}],
        "shared-networks": [{"name": "net", "interface": "eth0", "subnet4": [{
            "id": 1, "subnet": "192.0.2.0/24",
            "pools": [{"pool": "192.0.2.10 - 192.0.2.19", "client-class": "vip"},
                      {"pool": "192.0.2.100 - 192.0.2.199"}],
            "reservations": [{"hw-address": "02:00:00:00:00:01",
                              "client-classes": ["vip"]}]}]}]})
    got = offer(make_lab(text), mac(1))
    assert got.yiaddr == ip("192.0.2.100") and got.options[15] == b"vip.example"
