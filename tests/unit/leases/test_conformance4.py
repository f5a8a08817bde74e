"""LeaseStore4 conformance: every DHCPv4 lease backend must pass these.

Semantics follow Kea's lease manager as the allocation engine, lease
reclamation and the lease_cmds hook rely on them (see nestor.leases.store).
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from tests.unit.leases.factories import STORE4_FACTORIES

from nestor.leases import Lease4, LeaseState, LeaseStore4, NoSuchLease

NOW = 1_700_000_000
HW1, HW2 = bytes.fromhex("0a0b0c0d0e01"), bytes.fromhex("0a0b0c0d0e02")
CID1, CID2 = bytes.fromhex("01aabbcc"), bytes.fromhex("01ddeeff")


def ip(text: str) -> int:
    return int(IPv4Address(text))


def lease(addr: str, hw: bytes = HW1, cid: bytes | None = CID1, subnet: int = 1,
          cltt: int = NOW, valid: int = 3600, state: int = LeaseState.DEFAULT,
          hostname: str = "") -> Lease4:
    return Lease4(ip(addr), hw, cid, valid, cltt, subnet, hostname=hostname, state=state)


@pytest.fixture(params=sorted(STORE4_FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LeaseStore4]:
    made = STORE4_FACTORIES[request.param](tmp_path)
    yield made
    made.close()


def addrs(leases: list[Lease4]) -> list[str]:
    return [str(x.address) for x in leases]


def test_add_then_get_by_address(store: LeaseStore4) -> None:
    original = lease("192.0.2.10", hostname="host.example.org")
    original.user_context = {"k": [1, "v"]}
    assert store.add(original.copy())
    assert store.get(ip("192.0.2.10")) == original
    assert store.get(ip("192.0.2.11")) is None
    assert len(store) == 1


def test_adding_a_taken_address_fails_and_keeps_the_first(store: LeaseStore4) -> None:
    assert store.add(lease("192.0.2.10", hw=HW1))
    assert not store.add(lease("192.0.2.10", hw=HW2))
    assert store.get(ip("192.0.2.10")).hwaddr == HW1  # type: ignore[union-attr]
    assert store.get_by_hwaddr(HW2) == []
    assert len(store) == 1


def test_lookup_by_hardware_address_per_subnet(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10", hw=HW1, subnet=1))
    store.add(lease("198.51.100.10", hw=HW1, subnet=2, cid=CID2))
    store.add(lease("192.0.2.11", hw=HW2, subnet=1, cid=CID2))
    assert sorted(addrs(store.get_by_hwaddr(HW1))) == ["192.0.2.10", "198.51.100.10"]
    assert addrs([store.get_by_hwaddr_subnet(HW1, 2)]) == ["198.51.100.10"]  # type: ignore
    assert store.get_by_hwaddr_subnet(HW1, 3) is None
    assert store.get_by_hwaddr(b"\x01\x02") == []


def test_lookup_by_client_id_per_subnet(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10", cid=CID1, subnet=1))
    store.add(lease("198.51.100.10", cid=CID1, subnet=2, hw=HW2))
    store.add(lease("192.0.2.12", cid=None, hw=HW2, subnet=1))
    assert sorted(addrs(store.get_by_client_id(CID1))) == ["192.0.2.10", "198.51.100.10"]
    found = store.get_by_client_id_subnet(CID1, 1)
    assert found is not None and str(found.address) == "192.0.2.10"
    assert store.get_by_client_id_subnet(CID2, 1) is None


def test_two_leases_for_one_client_in_one_subnet_are_both_found(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10"))
    store.add(lease("192.0.2.20"))
    assert sorted(addrs(store.get_by_hwaddr(HW1))) == ["192.0.2.10", "192.0.2.20"]
    assert store.get_by_hwaddr_subnet(HW1, 1) is not None
    store.delete(lease("192.0.2.10"))
    assert addrs([store.get_by_hwaddr_subnet(HW1, 1)]) == ["192.0.2.20"]  # type: ignore
    assert addrs(store.get_by_client_id(CID1)) == ["192.0.2.20"]


def test_update_replaces_fields_and_moves_index_entries(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10", hw=HW1, cid=CID1))
    stored = store.get(ip("192.0.2.10"))
    assert stored is not None
    store.update(stored.copy(hwaddr=HW2, client_id=CID2, cltt=NOW + 60, hostname="renewed"))
    got = store.get(ip("192.0.2.10"))
    assert got is not None and (got.hwaddr, got.hostname, got.cltt) == (HW2, "renewed", NOW + 60)
    assert store.get_by_hwaddr(HW1) == [] and store.get_by_client_id(CID1) == []
    assert addrs(store.get_by_hwaddr(HW2)) == ["192.0.2.10"]
    assert addrs(store.get_by_client_id(CID2)) == ["192.0.2.10"]


def test_every_lookup_returns_the_updated_lease(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10", hostname="old"))
    store.update(lease("192.0.2.10", cltt=NOW + 30, hostname="new"))
    found = [store.get(ip("192.0.2.10")), store.get_by_hwaddr_subnet(HW1, 1),
             store.get_by_client_id_subnet(CID1, 1), *store.get_by_hwaddr(HW1),
             *store.get_by_client_id(CID1), *store.get_by_subnet(1), *store.all()]
    assert [(x.hostname, x.cltt) for x in found if x] == [("new", NOW + 30)] * 7


def test_update_can_drop_the_client_id(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10", cid=CID1))
    store.update(lease("192.0.2.10", cid=None))
    assert store.get_by_client_id(CID1) == []
    assert store.get(ip("192.0.2.10")).client_id is None  # type: ignore[union-attr]


def test_update_of_a_missing_lease_raises(store: LeaseStore4) -> None:
    with pytest.raises(NoSuchLease):
        store.update(lease("192.0.2.10"))


def test_update_with_the_stored_object_itself_is_refused(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10"))
    stored = store.get(ip("192.0.2.10"))
    with pytest.raises(ValueError, match="copy"):
        store.update(stored)  # type: ignore[arg-type]


def test_delete_removes_from_every_index(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.10", hostname="h"))
    assert store.delete(lease("192.0.2.10"))
    assert store.get(ip("192.0.2.10")) is None
    assert store.get_by_hwaddr(HW1) == [] and store.get_by_client_id(CID1) == []
    assert store.get_by_subnet(1) == [] and store.get_by_hostname("h") == []
    assert store.expired(NOW + 10**6) == []
    assert store.counts() == {}
    assert not store.delete(lease("192.0.2.10"))
    assert len(store) == 0


def test_all_and_pages_are_in_address_order(store: LeaseStore4) -> None:
    for text in ("192.0.2.30", "10.0.0.1", "192.0.2.4", "203.0.113.1", "192.0.2.200"):
        store.add(lease(text))
    ordered = ["10.0.0.1", "192.0.2.4", "192.0.2.30", "192.0.2.200", "203.0.113.1"]
    assert addrs(store.all()) == ordered
    assert addrs(store.page(None, 2)) == ordered[:2]
    assert addrs(store.page(ip("192.0.2.4"), 2)) == ordered[2:4]
    assert addrs(store.page(ip("192.0.2.5"), 10)) == ordered[2:]
    assert store.page(ip("203.0.113.1"), 10) == []
    assert addrs(store.page(0, 1)) == ordered[:1]


def test_subnet_and_hostname_queries(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.20", subnet=1, hostname="a.example"))
    store.add(lease("192.0.2.10", subnet=1, hostname="b.example", hw=HW2))
    store.add(lease("198.51.100.1", subnet=2, hostname="a.example", cid=CID2))
    assert addrs(store.get_by_subnet(1)) == ["192.0.2.10", "192.0.2.20"]
    assert addrs(store.get_by_subnet(3)) == []
    assert addrs(store.get_by_hostname("a.example")) == ["192.0.2.20", "198.51.100.1"]
    assert store.get_by_hostname("A.example") == []


def test_expired_lists_due_leases_soonest_first_within_the_limit(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.1", cltt=NOW - 100, valid=50))  # expired at NOW-50
    store.add(lease("192.0.2.2", cltt=NOW - 100, valid=90))  # expired at NOW-10
    store.add(lease("192.0.2.3", cltt=NOW - 100, valid=100))  # expires exactly now
    store.add(lease("192.0.2.4", cltt=NOW - 100, valid=101))  # not yet
    store.add(lease("192.0.2.5", cltt=NOW - 100, valid=10,
                    state=LeaseState.EXPIRED_RECLAIMED))  # already reclaimed
    store.add(lease("192.0.2.6", cltt=NOW - 100, valid=20, state=LeaseState.DECLINED))
    assert addrs(store.expired(NOW)) == ["192.0.2.6", "192.0.2.1", "192.0.2.2", "192.0.2.3"]
    assert addrs(store.expired(NOW, limit=2)) == ["192.0.2.6", "192.0.2.1"]
    # A query, not a removal: asking again gives the same answer.
    assert addrs(store.expired(NOW, limit=2)) == ["192.0.2.6", "192.0.2.1"]
    assert store.expired(NOW - 1000) == []


def test_renewed_and_reclaimed_leases_leave_the_expired_list(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.1", cltt=NOW - 100, valid=50))
    store.add(lease("192.0.2.2", cltt=NOW - 100, valid=60))
    store.update(lease("192.0.2.1", cltt=NOW, valid=50))  # renewed
    store.update(lease("192.0.2.2", cltt=NOW - 100, valid=60,
                       state=LeaseState.EXPIRED_RECLAIMED))
    assert store.expired(NOW) == []
    assert addrs(store.expired(NOW + 50)) == ["192.0.2.1"]
    # Back to an earlier expiry: listed once, at its new place.
    store.update(lease("192.0.2.1", cltt=NOW - 100, valid=50))
    store.update(lease("192.0.2.1", cltt=NOW, valid=50))
    store.update(lease("192.0.2.1", cltt=NOW - 100, valid=50))
    assert addrs(store.expired(NOW)) == ["192.0.2.1"]


def test_delete_expired_reclaimed_honours_the_hold_time(store: LeaseStore4) -> None:
    reclaimed = LeaseState.EXPIRED_RECLAIMED
    store.add(lease("192.0.2.1", cltt=NOW - 5000, valid=1000, state=reclaimed))  # NOW-4000
    store.add(lease("192.0.2.2", cltt=NOW - 5000, valid=2000, state=reclaimed))  # NOW-3000
    store.add(lease("192.0.2.3", cltt=NOW - 5000, valid=1000))  # expired, not reclaimed
    store.add(lease("192.0.2.4", cltt=NOW - 5000, valid=3000, state=reclaimed))  # NOW-2000
    assert store.delete_expired_reclaimed(NOW, 3000) == 2
    assert addrs(store.all()) == ["192.0.2.3", "192.0.2.4"]
    assert store.delete_expired_reclaimed(NOW, 3000) == 0


def test_wipe_removes_one_subnet(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.1", subnet=1))
    store.add(lease("192.0.2.2", subnet=1, hw=HW2))
    store.add(lease("198.51.100.1", subnet=2, cid=CID2))
    assert store.wipe(1) == 2
    assert addrs(store.all()) == ["198.51.100.1"]
    assert store.wipe(1) == 0


def test_counts_follow_every_change(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.1", subnet=1))
    store.add(lease("192.0.2.2", subnet=1, hw=HW2))
    store.add(lease("198.51.100.1", subnet=2, state=LeaseState.DECLINED, hw=b""))
    assert store.counts() == {(1, 0): 2, (2, 1): 1}
    store.update(lease("192.0.2.2", subnet=1, hw=HW2, state=LeaseState.DECLINED))
    assert store.counts() == {(1, 0): 1, (1, 1): 1, (2, 1): 1}
    store.update(lease("192.0.2.1", subnet=3))
    store.delete(lease("198.51.100.1"))
    assert store.counts() == {(1, 1): 1, (3, 0): 1}


def test_declined_lease_without_hardware_address(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.9", hw=b"", cid=None, state=LeaseState.DECLINED))
    got = store.get(ip("192.0.2.9"))
    assert got is not None and got.hwaddr == b"" and got.state == LeaseState.DECLINED
    assert store.get_by_hwaddr(b"") == []


def test_commit_and_close_keep_the_store_consistent(store: LeaseStore4) -> None:
    store.add(lease("192.0.2.1"))
    store.commit()
    store.commit()
    assert addrs(store.all()) == ["192.0.2.1"]
