"""The statistics table against what Kea reports.

The expected name sets below are what ``statistic-get-all`` returned from a
running Kea 2.2 (start-up, and one subnet) and from Kea 3.0 (one subnet with
one pool, from a published 3.0 answer); the interop test re-checks the 2.2
ones against the live server.
"""

from __future__ import annotations

from collections import Counter

import pytest

from nestor.stats import (
    KEA_2_2,
    KEA_3_0,
    KEA_3_1,
    STATISTICS,
    Init,
    Scope,
    ServerStats,
    StatsManager,
    SubnetInfo,
    pool_stat,
    subnet_stat,
)
from nestor.stats.names import scoped_name, statistics


def words(text: str) -> list[str]:
    return text.split()


KEA22_V4_STARTUP = words("""
    pkt4-ack-received pkt4-ack-sent pkt4-decline-received pkt4-discover-received
    pkt4-inform-received pkt4-nak-received pkt4-nak-sent pkt4-offer-received pkt4-offer-sent
    pkt4-parse-failed pkt4-receive-drop pkt4-received pkt4-release-received
    pkt4-request-received pkt4-sent pkt4-unknown-received v4-allocation-fail
    v4-allocation-fail-classes v4-allocation-fail-no-pools v4-allocation-fail-shared-network
    v4-allocation-fail-subnet v4-reservation-conflicts""")

KEA22_V4_WITH_SUBNET = KEA22_V4_STARTUP + words("""
    cumulative-assigned-addresses declined-addresses reclaimed-declined-addresses
    reclaimed-leases subnet[1].assigned-addresses subnet[1].cumulative-assigned-addresses
    subnet[1].declined-addresses subnet[1].reclaimed-declined-addresses
    subnet[1].reclaimed-leases subnet[1].total-addresses
    subnet[1].v4-reservation-conflicts""")

KEA30_V4_WITH_POOL = KEA22_V4_WITH_SUBNET + words("""
    v4-lease-reuses subnet[1].v4-lease-reuses subnet[1].pool[0].assigned-addresses
    subnet[1].pool[0].cumulative-assigned-addresses subnet[1].pool[0].declined-addresses
    subnet[1].pool[0].reclaimed-declined-addresses subnet[1].pool[0].reclaimed-leases
    subnet[1].pool[0].total-addresses""")

KEA22_V6_STARTUP = words("""
    pkt6-advertise-received pkt6-advertise-sent pkt6-decline-received
    pkt6-dhcpv4-query-received pkt6-dhcpv4-response-received pkt6-dhcpv4-response-sent
    pkt6-infrequest-received pkt6-parse-failed pkt6-rebind-received pkt6-receive-drop
    pkt6-received pkt6-release-received pkt6-renew-received pkt6-reply-received
    pkt6-reply-sent pkt6-request-received pkt6-sent pkt6-solicit-received
    pkt6-unknown-received v6-allocation-fail v6-allocation-fail-classes
    v6-allocation-fail-no-pools v6-allocation-fail-shared-network
    v6-allocation-fail-subnet""")

KEA22_V6_WITH_SUBNET = KEA22_V6_STARTUP + words("""
    cumulative-assigned-nas cumulative-assigned-pds declined-addresses
    reclaimed-declined-addresses reclaimed-leases subnet[3].assigned-nas
    subnet[3].assigned-pds subnet[3].cumulative-assigned-nas subnet[3].cumulative-assigned-pds
    subnet[3].declined-addresses subnet[3].reclaimed-declined-addresses
    subnet[3].reclaimed-leases subnet[3].total-nas subnet[3].total-pds""")

KEA30_V6_WITH_POOL = KEA22_V6_WITH_SUBNET + words("""
    pkt6-addr-reg-inform-received pkt6-addr-reg-reply-received pkt6-addr-reg-reply-sent
    v6-ia-na-lease-reuses v6-ia-pd-lease-reuses cumulative-registered-nas
    subnet[3].cumulative-registered-nas subnet[3].registered-nas
    subnet[3].v6-ia-na-lease-reuses subnet[3].v6-ia-pd-lease-reuses
    subnet[3].pool[0].assigned-nas subnet[3].pool[0].cumulative-assigned-nas
    subnet[3].pool[0].declined-addresses subnet[3].pool[0].reclaimed-declined-addresses
    subnet[3].pool[0].reclaimed-leases subnet[3].pool[0].total-nas""")

# Kea 3.1's control-channel test expects these DHCPv4 globals at start-up.
KEA31_V4_STARTUP = KEA22_V4_STARTUP + words("""
    v4-lease-reuses pkt4-lease-query-received pkt4-lease-query-response-unassigned-sent
    pkt4-lease-query-response-unknown-sent pkt4-lease-query-response-active-sent
    pkt4-service-disabled pkt4-queue-full pkt4-duplicate pkt4-rfc-violation
    pkt4-admin-filtered pkt4-not-for-us pkt4-processing-failed pkt4-limit-exceeded""")


def names_after(family: int, version: tuple[int, int],
                subnets: list[SubnetInfo] | None = None) -> list[str]:
    stats = StatsManager()
    server = ServerStats(stats, family, version)
    server.start()
    if subnets is not None:
        server.commit(subnets)
    return list(stats)


@pytest.mark.parametrize(("family", "version", "subnets", "expected"), [
    (4, KEA_2_2, None, KEA22_V4_STARTUP),
    (4, KEA_2_2, [SubnetInfo(1, (100,))], KEA22_V4_WITH_SUBNET),
    (4, KEA_3_0, [SubnetInfo(1, (253,))], KEA30_V4_WITH_POOL),
    (4, KEA_3_1, None, KEA31_V4_STARTUP),
    (6, KEA_2_2, None, KEA22_V6_STARTUP),
    (6, KEA_2_2, [SubnetInfo(3, (256,))], KEA22_V6_WITH_SUBNET),
    (6, KEA_3_0, [SubnetInfo(3, (61440,))], KEA30_V6_WITH_POOL),
], ids=["2.2-v4-start", "2.2-v4-subnet", "3.0-v4-pool", "3.1-v4-start", "2.2-v6-start",
        "2.2-v6-subnet", "3.0-v6-pool"])
def test_name_set_matches_kea(family: int, version: tuple[int, int],
                              subnets: list[SubnetInfo] | None, expected: list[str]) -> None:
    assert names_after(family, version, subnets) == sorted(expected)


def test_rows_are_unique_per_family_and_scope() -> None:
    keys = Counter((d.family, d.scope, d.name) for d in STATISTICS)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_row_is_well_formed() -> None:
    for d in STATISTICS:
        assert d.family in (4, 6)
        assert d.name == d.name.strip() and " " not in d.name and "[" not in d.name
        if d.scope is Scope.GLOBAL:
            assert d.init in (Init.STARTUP, Init.RECOUNT_ZERO, Init.RECOUNT_IF_ABSENT)
        if d.init is Init.CAPACITY:
            assert d.name.startswith("total-")
        # the packet counters of one family never leak into the other
        assert not d.name.startswith(f"pkt{10 - d.family}-")


def test_names_follow_generate_name() -> None:
    assert subnet_stat(7, "total-addresses") == "subnet[7].total-addresses"
    assert pool_stat(7, 2, "assigned-nas") == "subnet[7].pool[2].assigned-nas"
    assert pool_stat(7, 0, "total-pds", Scope.PD_POOL) == "subnet[7].pd-pool[0].total-pds"
    row = statistics(6, KEA_3_0, Scope.PD_POOL, Init.CAPACITY)[0]
    assert scoped_name(row, 3, 1) == "subnet[3].pd-pool[1].total-pds"
    with pytest.raises(ValueError):
        scoped_name(row, 3)


def test_versions_filter_rows() -> None:
    assert statistics(4, KEA_2_2, Scope.POOL) == ()
    assert {d.name for d in statistics(4, KEA_3_0, Scope.POOL)} == {
        "total-addresses", "cumulative-assigned-addresses", "assigned-addresses",
        "declined-addresses", "reclaimed-declined-addresses", "reclaimed-leases"}
