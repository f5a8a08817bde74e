"""Start-up, configuration commits and lease recounts, as Kea does them."""

from __future__ import annotations

import pytest
from tests.unit.stats.clock import FakeClock

from nestor.stats import (
    KEA_2_2,
    KEA_3_0,
    LeaseCount,
    LeaseKind,
    LeaseState,
    PoolInfo,
    ServerStats,
    StatsManager,
    SubnetInfo,
)
from nestor.stats.lifecycle import capacity_value


@pytest.fixture
def stats() -> StatsManager:
    return StatsManager(FakeClock())


def server(stats: StatsManager, family: int = 4, version: tuple[int, int] = KEA_3_0
           ) -> ServerStats:
    srv = ServerStats(stats, family, version)
    srv.start()
    return srv


def test_start_creates_zero_counters_only(stats: StatsManager) -> None:
    server(stats)
    assert stats.value("pkt4-received") == 0
    assert all(stats.value(name) == 0 for name in stats)
    assert "declined-addresses" not in stats  # made by the first lease recount


def test_commit_without_subnets_does_not_recount(stats: StatsManager) -> None:
    server(stats).commit([])
    assert "declined-addresses" not in stats and "cumulative-assigned-addresses" not in stats


def test_subnet_and_pool_totals_follow_pools(stats: StatsManager) -> None:
    srv = server(stats)
    srv.commit([SubnetInfo(1, (100, 10)), SubnetInfo(7, (16,))])
    assert stats.value("subnet[1].total-addresses") == 110
    assert stats.value("subnet[1].pool[0].total-addresses") == 100
    assert stats.value("subnet[1].pool[1].total-addresses") == 10
    assert stats.value("subnet[7].total-addresses") == 16
    srv.commit([SubnetInfo(1, (50,)), SubnetInfo(8, (16,))])
    assert stats.value("subnet[1].total-addresses") == 50
    assert "subnet[1].pool[1].total-addresses" not in stats
    assert not any(name.startswith("subnet[7].") and "conflicts" not in name
                   and "reuses" not in name for name in stats)
    assert stats.value("subnet[8].total-addresses") == 16


def test_reconfiguration_keeps_kea_22_survivors(stats: StatsManager) -> None:
    """Kea 2.2 removes a subnet's statistics on reconfiguration, except the
    reservation-conflict counter, which outlives the subnet."""
    srv = server(stats, version=KEA_2_2)
    srv.commit([SubnetInfo(7, (16,))])
    stats.add("subnet[7].v4-reservation-conflicts", 2)
    stats.add("subnet[7].cumulative-assigned-addresses", 5)
    stats.add("subnet[7].v4-allocation-fail", 1)  # made on demand, also kept
    srv.commit([SubnetInfo(8, (16,))])
    assert sorted(n for n in stats if n.startswith("subnet[7]")) == [
        "subnet[7].v4-allocation-fail", "subnet[7].v4-reservation-conflicts"]
    assert stats.value("subnet[7].v4-reservation-conflicts") == 2


def test_same_subnet_reconfigured_restarts_its_counters(stats: StatsManager) -> None:
    srv = server(stats, version=KEA_2_2)
    srv.commit([SubnetInfo(1, (100,))])
    stats.add("subnet[1].cumulative-assigned-addresses", 5)
    stats.add("subnet[1].reclaimed-leases", 3)
    stats.add("subnet[1].v4-reservation-conflicts", 2)
    stats.add("cumulative-assigned-addresses", 5)
    srv.commit([SubnetInfo(1, (100,))])
    assert stats.value("subnet[1].cumulative-assigned-addresses") == 0
    assert stats.value("subnet[1].reclaimed-leases") == 0
    assert stats.value("subnet[1].v4-reservation-conflicts") == 2
    assert stats.value("cumulative-assigned-addresses") == 5  # global: never zeroed


def test_recount_zeroes_declined_every_commit(stats: StatsManager) -> None:
    srv = server(stats, version=KEA_2_2)
    srv.commit([SubnetInfo(1, (100,))])
    srv.commit([SubnetInfo(1, (100,))])
    assert [v for v, _ in stats.samples("declined-addresses")] == [0, 0]
    assert len(stats.samples("reclaimed-leases")) == 1


def test_recount_counts_leases(stats: StatsManager) -> None:
    srv = server(stats)
    leases = [
        LeaseCount(1, LeaseState.DEFAULT, 7),
        LeaseCount(1, LeaseState.DECLINED, 2),
        LeaseCount(1, LeaseState.EXPIRED_RECLAIMED, 4),  # counts nowhere
        LeaseCount(1, LeaseState.DEFAULT, 5, pool_id=0),
        LeaseCount(1, LeaseState.DECLINED, 1, pool_id=0),
        LeaseCount(2, LeaseState.DECLINED, 3),
    ]
    srv.commit([SubnetInfo(1, (100,)), SubnetInfo(2, (10,))], leases)
    assert stats.value("subnet[1].assigned-addresses") == 9  # declined count as assigned
    assert stats.value("subnet[1].declined-addresses") == 2
    assert stats.value("subnet[1].pool[0].assigned-addresses") == 6
    assert stats.value("subnet[1].pool[0].declined-addresses") == 1
    assert stats.value("subnet[2].assigned-addresses") == 3
    assert stats.value("declined-addresses") == 5  # subnet rows only


def test_orphan_leases_make_their_subnet_statistic(stats: StatsManager) -> None:
    # Kea's recount walks the lease store, so leases of a subnet that is no longer
    # configured still produce that subnet's assigned count.
    orphans = [LeaseCount(9, LeaseState.DEFAULT, 2),
               LeaseCount(9, LeaseState.DEFAULT, 1, pool_id=0)]
    server(stats).commit([SubnetInfo(1, (100,))], orphans)
    assert stats.value("subnet[9].assigned-addresses") == 2
    assert "subnet[9].pool[0].assigned-addresses" not in stats


def test_kea_22_has_no_pool_statistics(stats: StatsManager) -> None:
    server(stats, version=KEA_2_2).commit(
        [SubnetInfo(1, (100,))], [LeaseCount(1, LeaseState.DEFAULT, 1, pool_id=0)])
    assert not any(".pool[" in name for name in stats)
    assert stats.value("subnet[1].assigned-addresses") == 0  # pool rows feed pools only


def test_explicit_pool_ids_and_shared_ids_add_up(stats: StatsManager) -> None:
    server(stats).commit([SubnetInfo(1, (PoolInfo(10, 5), PoolInfo(20, 5), 30))])
    assert stats.value("subnet[1].pool[5].total-addresses") == 30
    assert stats.value("subnet[1].pool[2].total-addresses") == 30
    assert stats.value("subnet[1].total-addresses") == 60


def test_dhcpv6_address_and_prefix_pools(stats: StatsManager) -> None:
    srv = server(stats, family=6)
    srv.commit([SubnetInfo(3, (256, 65536), (256,))], [
        LeaseCount(3, LeaseState.DEFAULT, 4, LeaseKind.NA),
        LeaseCount(3, LeaseState.DECLINED, 1, LeaseKind.NA),
        LeaseCount(3, LeaseState.DEFAULT, 2, LeaseKind.PD),
        LeaseCount(3, LeaseState.DEFAULT, 2, LeaseKind.PD, pool_id=0),
    ])
    assert stats.value("subnet[3].total-nas") == 65792
    assert stats.value("subnet[3].total-pds") == 256
    assert stats.value("subnet[3].pd-pool[0].total-pds") == 256
    assert stats.value("subnet[3].assigned-nas") == 5
    assert stats.value("subnet[3].assigned-pds") == 2
    assert stats.value("subnet[3].pd-pool[0].assigned-pds") == 2
    assert stats.value("declined-addresses") == 1
    assert "pkt6-received" in stats and "pkt4-received" not in stats


def test_big_capacities() -> None:
    assert capacity_value(2**64, KEA_2_2) == -1  # what Kea 2.2 shows for a /64 pool
    assert capacity_value(2**63, KEA_2_2) == -(2**63)
    assert capacity_value(2**64, KEA_3_0) == 2**64
    assert capacity_value(2**200, KEA_3_0) == 2**128 - 1


def test_commit_applies_configured_sample_defaults(stats: StatsManager) -> None:
    srv = server(stats)
    stats.set_max_sample_count("pkt4-received", 1)
    srv.commit([SubnetInfo(1, (10,))], sample_count=3)
    for _ in range(5):
        stats.add("pkt4-received")
    assert [v for v, _ in stats.samples("pkt4-received")] == [5, 4, 3]


def test_family_must_be_4_or_6(stats: StatsManager) -> None:
    with pytest.raises(ValueError):
        ServerStats(stats, 5)


def test_pool_rows_count_only_for_configured_pools(stats: StatsManager) -> None:
    server(stats).commit([SubnetInfo(1, (100,))], [
        LeaseCount(1, LeaseState.DEFAULT, 3, pool_id=7),
        LeaseCount(1, LeaseState.DEFAULT, 2, LeaseKind.PD, pool_id=0)])
    assert not any("pool[7]" in name or "pd-pool" in name for name in stats)
    assert stats.value("subnet[1].pool[0].assigned-addresses") == 0
