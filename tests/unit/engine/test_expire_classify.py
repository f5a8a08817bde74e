"""Lease reclamation (``expired-leases-processing``) and client classification
(built-in classes, configured tests, DROP, required classes, class lifetimes)."""

from __future__ import annotations

from typing import Any

from tests.unit.engine.helpers import Clock, a4, config4, dora, ip, mac, make_lab, query

from nestor.leases.lease import LeaseState

DISCOVER = 1


def lab_for(**glob: Any):  # type: ignore[no-untyped-def]
    clock = glob.pop("clock", None)
    classes_subnet = glob.pop("subnet_extra", {})
    sub = {"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
           "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}], **classes_subnet}
    return make_lab(config4(**{"valid-lifetime": 600, **glob, "subnet4": [sub]}), clock=clock)


def expire_leases(lab, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        dora(lab, mac(i + 1))
    lab.clock.now += 601


def test_reclaim_keeps_reclaimed_leases_then_flushes_them() -> None:
    lab = lab_for(**{"expired-leases-processing": {"hold-reclaimed-time": 100}})
    expire_leases(lab, 2)
    assert lab.engine.reclaim_expired(lab.clock.now) == 2
    lease = lab.store.get(ip("192.0.2.100"))
    assert lease is not None and lease.state == LeaseState.EXPIRED_RECLAIMED
    assert lab.stat("reclaimed-leases") == 2 and lab.stat("subnet[1].reclaimed-leases") == 2
    assert lab.stat("subnet[1].assigned-addresses") == 0
    assert lab.stat("subnet[1].pool[0].reclaimed-leases") == 2
    # The client comes back to its old address, which counts as assigned again.
    again = lab.send(query(DISCOVER, mac(1)))
    assert again is not None and again.packet.yiaddr == ip("192.0.2.100")
    assert lab.engine.flush_reclaimed(lab.clock.now) == 0  # held for hold-reclaimed-time
    lab.clock.now += 100
    assert lab.engine.flush_reclaimed(lab.clock.now) == 2  # the offer stored nothing
    assert len(lab.store) == 0


def test_reclaim_removes_at_once_without_hold_time() -> None:
    lab = lab_for(**{"expired-leases-processing": {"hold-reclaimed-time": 0}})
    expire_leases(lab, 1)
    assert lab.engine.reclaim_expired(lab.clock.now) == 1
    assert len(lab.store) == 0


def test_reclaim_is_bounded_by_count_and_time() -> None:
    lab = lab_for(**{"expired-leases-processing": {"max-reclaim-leases": 2,
                                                   "max-reclaim-time": 0,
                                                   "unwarned-reclaim-cycles": 1}})
    expire_leases(lab, 5)
    assert lab.engine.reclaim_expired(lab.clock.now) == 2
    assert lab.engine.reclaimer.incomplete_cycles == 1
    assert lab.engine.reclaim_expired(lab.clock.now) == 2
    assert lab.engine.reclaimer.slow  # two incomplete passes in a row: warn once
    assert lab.engine.reclaim_expired(lab.clock.now) == 1
    assert not lab.engine.reclaimer.slow

    class Ticking(Clock):
        def __call__(self) -> float:
            self.now += 1.0  # every reading a second later: the time limit always hits
            return self.now

    slow = lab_for(clock=Ticking(), **{"expired-leases-processing": {
        "max-reclaim-leases": 0, "max-reclaim-time": 50}})
    expire_leases(slow, 3)
    assert slow.engine.reclaim_expired(slow.clock.now + 10) == 1  # at least one, then stop


def test_reclaimed_declined_lease_is_removed_with_its_statistics() -> None:
    lab = lab_for(**{"decline-probation-period": 50})
    dora(lab)
    lab.send(query(4, options={50: a4("192.0.2.100")}))
    assert lab.stat("declined-addresses") == 1
    lab.clock.now += 51
    assert lab.engine.reclaim_expired(lab.clock.now) == 1
    assert lab.store.get(ip("192.0.2.100")) is None
    assert lab.stat("declined-addresses") == 0
    assert lab.stat("subnet[1].declined-addresses") == 0
    assert lab.stat("reclaimed-declined-addresses") == 1
    assert lab.stat("subnet[1].assigned-addresses") == 0


def test_expression_class_options_and_lifetime() -> None:
    lab = lab_for(**{"client-classes": [
        {"name": "phones", "test": "substring(option[60].hex, 0, 4) == 'voip'",
         "valid-lifetime": 60,
         "option-data": [{"name": "domain-name", "data": "phones.example"}]}]})
    phone = lab.send(query(DISCOVER, options={60: b"voip-x", 55: b"\x0f"}))
    assert phone is not None
    assert phone.packet.options[15] == b"phones.example"
    assert phone.packet.options[51] == (60).to_bytes(4, "big")
    pc = lab.send(query(DISCOVER, mac(2), options={60: b"pc", 55: b"\x0f"}))
    assert pc is not None and 15 not in pc.packet.options
    assert pc.packet.options[51] == (600).to_bytes(4, "big")


def test_drop_class() -> None:
    lab = lab_for(**{"client-classes": [
        {"name": "DROP", "test": "option[60].text == 'evil'"}]})
    assert lab.send(query(DISCOVER, options={60: b"evil"})) is None
    assert lab.stat("pkt4-receive-drop") == 1
    assert lab.send(query(DISCOVER, options={60: b"good"})) is not None


def test_required_classes_are_evaluated_only_where_required() -> None:
    classes = [{"name": "late", "only-if-required": True, "test": "option[60].text == 'x'",
                "option-data": [{"name": "domain-name", "data": "late.example"}]}]
    plain = lab_for(**{"client-classes": classes})
    p = plain.send(query(DISCOVER, options={60: b"x", 55: b"\x0f"}))
    assert p is not None and 15 not in p.packet.options
    required = lab_for(subnet_extra={"require-client-classes": ["late"]},
                       **{"client-classes": classes})
    r = required.send(query(DISCOVER, options={60: b"x", 55: b"\x0f"}))
    assert r is not None and r.packet.options[15] == b"late.example"


def test_bootp_clients_with_kea_bootp_hook() -> None:
    """Checked against Kea 2.2 with libdhcp_bootp.so: a request without message type
    is served as a DHCPREQUEST in class BOOTP, gets an infinite lease, and the reply
    carries no DHCP-only options and is padded to 300 octets."""
    hooks = [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_bootp.so"}]
    lab = lab_for(**{"hooks-libraries": hooks,
                     "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"}],
                     "client-classes": [{"name": "boot", "test": "member('BOOTP')",
                                         "boot-file-name": "boot.img"}]})
    bootp = query(DISCOVER)
    del bootp.options[53]
    reply = lab.send(bootp)
    assert reply is not None
    p = reply.packet
    assert p.yiaddr == ip("192.0.2.100") and list(p.options) == [1, 6]
    assert p.file.rstrip(b"\0") == b"boot.img"
    assert len(p.serialize()) == 300
    lease = lab.store.get(ip("192.0.2.100"))
    assert lease is not None and lease.valid_lft == 0xFFFFFFFF
    assert lab.stat("pkt4-request-received") == 1 and lab.stat("pkt4-ack-sent") == 0
    without_hook = lab_for()
    assert without_hook.send(bootp) is None
    assert without_hook.stat("pkt4-receive-drop") == 1


def test_no_flush_timer_means_reclaimed_leases_are_removed() -> None:
    lab = lab_for(**{"expired-leases-processing": {"hold-reclaimed-time": 100,
                                                   "flush-reclaimed-timer-wait-time": 0}})
    expire_leases(lab, 1)
    assert lab.engine.reclaim_expired(lab.clock.now) == 1
    assert len(lab.store) == 0
