"""LeaseStore6 conformance: every DHCPv6 lease backend must pass these."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv6Address
from pathlib import Path

import pytest
from tests.unit.leases.factories import STORE6_FACTORIES

from nestor.leases import Lease6, LeaseState, LeaseStore6, LeaseType, NoSuchLease

NOW = 1_700_000_000
DUID1, DUID2 = bytes.fromhex("000100011a2b3c4d0a0b0c0d0e0f"), bytes.fromhex("00030001aabbccddeeff")


def ip(text: str) -> int:
    return int(IPv6Address(text))


def lease(addr: str, duid: bytes = DUID1, iaid: int = 1, kind: int = LeaseType.NA,
          subnet: int = 1, cltt: int = NOW, valid: int = 3600,
          state: int = LeaseState.DEFAULT, plen: int = 128, hostname: str = "") -> Lease6:
    return Lease6(ip(addr), duid, iaid, kind, plen, valid // 2, valid, cltt, subnet,
                  hostname=hostname, state=state)


@pytest.fixture(params=sorted(STORE6_FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LeaseStore6]:
    made = STORE6_FACTORIES[request.param](tmp_path)
    yield made
    made.close()


def addrs(leases: list[Lease6]) -> list[str]:
    return [str(x.address) for x in leases]


def test_add_then_get_by_type_and_address(store: LeaseStore6) -> None:
    original = lease("2001:db8:1::10", hostname="h.example")
    original.hwaddr, original.hwtype, original.hwaddr_source = b"\x0a\x0b\x0c", 6, 4
    original.user_context = {"a": {"b": None}}
    assert store.add(original.copy())
    assert store.get(LeaseType.NA, ip("2001:db8:1::10")) == original
    assert store.get(LeaseType.TA, ip("2001:db8:1::10")) is None
    assert store.get_any(ip("2001:db8:1::10")) == original
    assert store.get_any(ip("2001:db8:1::11")) is None


def test_an_address_holds_one_lease_whatever_its_type(store: LeaseStore6) -> None:
    assert store.add(lease("2001:db8:8::", kind=LeaseType.PD, plen=56))
    assert not store.add(lease("2001:db8:8::", kind=LeaseType.NA))
    got = store.get_any(ip("2001:db8:8::"))
    assert got is not None and (got.type, got.prefix_len) == (LeaseType.PD, 56)


def test_lookup_by_duid_iaid_type_and_subnet(store: LeaseStore6) -> None:
    store.add(lease("2001:db8:1::10", iaid=1))
    store.add(lease("2001:db8:1::11", iaid=1))
    store.add(lease("2001:db8:1::12", iaid=2))
    store.add(lease("2001:db8:8::", iaid=1, kind=LeaseType.PD, plen=56))
    store.add(lease("2001:db8:2::10", iaid=1, subnet=2))
    store.add(lease("2001:db8:1::20", duid=DUID2, iaid=1))
    na = store.get_by_duid_iaid(LeaseType.NA, DUID1, 1)
    assert sorted(addrs(na)) == ["2001:db8:1::10", "2001:db8:1::11", "2001:db8:2::10"]
    one = store.get_by_duid_iaid(LeaseType.NA, DUID1, 1, subnet_id=1)
    assert sorted(addrs(one)) == ["2001:db8:1::10", "2001:db8:1::11"]
    assert addrs(store.get_by_duid_iaid(LeaseType.PD, DUID1, 1)) == ["2001:db8:8::"]
    assert store.get_by_duid_iaid(LeaseType.TA, DUID1, 1) == []
    assert len(store.get_by_duid(DUID1)) == 5
    assert addrs(store.get_by_duid(DUID2)) == ["2001:db8:1::20"]


def test_update_moves_the_lease_to_its_new_duid(store: LeaseStore6) -> None:
    store.add(lease("2001:db8:1::10"))
    stored = store.get_any(ip("2001:db8:1::10"))
    assert stored is not None
    store.update(stored.copy(duid=DUID2, iaid=9, cltt=NOW + 5))
    assert store.get_by_duid(DUID1) == []
    assert addrs(store.get_by_duid_iaid(LeaseType.NA, DUID2, 9)) == ["2001:db8:1::10"]
    with pytest.raises(NoSuchLease):
        store.update(lease("2001:db8:1::99"))
    again = store.get_any(ip("2001:db8:1::10"))
    with pytest.raises(ValueError):
        store.update(again)  # type: ignore[arg-type]


def test_every_lookup_returns_the_updated_lease(store: LeaseStore6) -> None:
    store.add(lease("2001:db8:1::10", hostname="old"))
    store.update(lease("2001:db8:1::10", cltt=NOW + 30, hostname="new"))
    found = [store.get(LeaseType.NA, ip("2001:db8:1::10")), store.get_any(ip("2001:db8:1::10")),
             *store.get_by_duid(DUID1), *store.get_by_duid_iaid(LeaseType.NA, DUID1, 1),
             *store.get_by_subnet(1), *store.all()]
    assert [(x.hostname, x.cltt) for x in found if x] == [("new", NOW + 30)] * 6


def test_delete_and_wipe(store: LeaseStore6) -> None:
    store.add(lease("2001:db8:1::10", subnet=1))
    store.add(lease("2001:db8:1::11", subnet=1, iaid=2))
    store.add(lease("2001:db8:2::10", subnet=2))
    assert store.delete(lease("2001:db8:1::10"))
    assert not store.delete(lease("2001:db8:1::10"))
    assert store.get_by_duid_iaid(LeaseType.NA, DUID1, 1, 1) == []
    assert store.wipe(1) == 1
    assert addrs(store.all()) == ["2001:db8:2::10"]


def test_all_and_pages_in_address_order(store: LeaseStore6) -> None:
    texts = ["2001:db8:1::ff", "2001:db8::1", "fe80::1", "2001:db8:1::2"]
    for n, text in enumerate(texts):
        store.add(lease(text, iaid=n))
    ordered = ["2001:db8::1", "2001:db8:1::2", "2001:db8:1::ff", "fe80::1"]
    assert addrs(store.all()) == ordered
    assert addrs(store.page(None, 3)) == ordered[:3]
    assert addrs(store.page(ip("2001:db8:1::ff"), 3)) == ordered[3:]
    assert addrs(store.page(0, 1)) == ordered[:1]


def test_expired_and_reclaimed_ordering(store: LeaseStore6) -> None:
    reclaimed = LeaseState.EXPIRED_RECLAIMED
    store.add(lease("2001:db8:1::1", cltt=NOW - 100, valid=80))
    store.add(lease("2001:db8:1::2", cltt=NOW - 100, valid=40, iaid=2))
    store.add(lease("2001:db8:8::", cltt=NOW - 100, valid=60, kind=LeaseType.PD, plen=56))
    store.add(lease("2001:db8:1::3", cltt=NOW - 100, valid=500, iaid=3))
    store.add(lease("2001:db8:1::4", cltt=NOW - 9000, valid=10, iaid=4, state=reclaimed))
    assert addrs(store.expired(NOW)) == ["2001:db8:1::2", "2001:db8:8::", "2001:db8:1::1"]
    assert addrs(store.expired(NOW, 1)) == ["2001:db8:1::2"]
    assert store.delete_expired_reclaimed(NOW, 3600) == 1
    assert store.get_any(ip("2001:db8:1::4")) is None


def test_counts_by_subnet_type_and_state(store: LeaseStore6) -> None:
    store.add(lease("2001:db8:1::1"))
    store.add(lease("2001:db8:1::2", iaid=2, state=LeaseState.DECLINED, duid=b"\x00"))
    store.add(lease("2001:db8:8::", kind=LeaseType.PD, plen=56))
    store.add(lease("2001:db8:2::1", subnet=2))
    assert store.counts() == {(1, 0, 0): 1, (1, 0, 1): 1, (1, 2, 0): 1, (2, 0, 0): 1}
    store.update(lease("2001:db8:1::1", state=LeaseState.EXPIRED_RECLAIMED))
    store.delete(lease("2001:db8:2::1"))
    assert store.counts() == {(1, 0, 2): 1, (1, 0, 1): 1, (1, 2, 0): 1}
    assert len(store) == 3
