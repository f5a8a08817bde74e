"""Every statistic name Kea's DHCP servers keep, as a table.

Each row says where a statistic lives (global, per subnet, per address pool,
per prefix-delegation pool), when Kea creates it and from which Kea version,
and whether a reconfiguration removes it. The lifecycle module turns these rows
into the statistics a server holds after start-up and after each configuration
commit; the engine uses the names.

Sources: the statistics tables of the Kea 2.2 manual (``dhcp4-srv``/``dhcp6-srv``
"Statistics in the DHCPvX Server"); what a running Kea 2.2 returns from
``statistic-get-all`` after start-up and after ``config-set`` (checked by
``tests/interop/test_stats_kea.py``); and for 2.4+/3.x the pool-level and
lease-reuse statistics Kea 3.0 reports and the names its control-channel tests
expect at start-up (3.1). Kea keeps no shared-network-level statistics: the only
shared-network ones are the ``v4/v6-allocation-fail-shared-network`` counters,
global and per subnet.

Scopes name statistics the way Kea's ``StatsMgr::generateName`` does:
``subnet[1].total-addresses``, ``subnet[1].pool[0].assigned-addresses``,
``subnet[1].pd-pool[0].total-pds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

Version = tuple[int, int]

KEA_2_2: Version = (2, 2)
KEA_2_4: Version = (2, 4)
KEA_3_0: Version = (3, 0)
KEA_3_1: Version = (3, 1)


class Scope(Enum):
    GLOBAL = "global"
    SUBNET = "subnet"
    POOL = "pool"  # address pool (v4 pools, v6 IA_NA pools)
    PD_POOL = "pd-pool"  # v6 prefix-delegation pool


class Init(Enum):
    """When Kea creates a statistic, and with which value."""

    STARTUP = "startup"  # 0 when the server starts (Dhcp4Srv/Dhcp6Srv constructors)
    CAPACITY = "capacity"  # set to the pool capacity on every configuration commit
    COMMIT_IF_ABSENT = "commit-if-absent"  # 0 on a commit, unless it already exists
    RECOUNT_ZERO = "recount-zero"  # 0 on every lease recount (then recounted from leases)
    RECOUNT_IF_ABSENT = "recount-if-absent"  # 0 on a lease recount unless it exists
    ON_DEMAND = "on-demand"  # created by the first increment


@dataclass(frozen=True)
class StatDef:
    """One statistic Kea keeps. ``name`` is the part after any ``subnet[ID].`` prefix."""

    name: str
    family: int  # 4 or 6
    scope: Scope
    init: Init
    since: Version = KEA_2_2  # first Kea version creating it this way (2.2 = "2.2 or older")
    # Subnet and pool scope: deleted (with the old subnet) on every commit before the
    # new configuration's statistics are made (CfgSubnetsX::removeStatistics).
    removed_on_commit: bool = True

    def present_in(self, version: Version) -> bool:
        return self.since <= version


def _rows(family: int, scope: Scope, init: Init, names: str, since: Version = KEA_2_2,
          removed_on_commit: bool = True) -> tuple[StatDef, ...]:
    return tuple(StatDef(n, family, scope, init, since, removed_on_commit)
                 for n in names.split())


G, S, P, PD = Scope.GLOBAL, Scope.SUBNET, Scope.POOL, Scope.PD_POOL

# The order inside each group is the order in which Kea creates them.
STATISTICS: tuple[StatDef, ...] = (
    # ---------------------------------------------------------------- DHCPv4
    *_rows(4, G, Init.STARTUP, """
        pkt4-received pkt4-discover-received pkt4-offer-received pkt4-request-received
        pkt4-ack-received pkt4-nak-received pkt4-release-received pkt4-decline-received
        pkt4-inform-received pkt4-unknown-received pkt4-sent pkt4-offer-sent pkt4-ack-sent
        pkt4-nak-sent pkt4-parse-failed pkt4-receive-drop
        v4-allocation-fail v4-allocation-fail-shared-network v4-allocation-fail-subnet
        v4-allocation-fail-no-pools v4-allocation-fail-classes v4-reservation-conflicts"""),
    *_rows(4, G, Init.STARTUP, "v4-lease-reuses", since=KEA_2_4),
    # 3.1 development series: lease query counters (before: made by the lease-query
    # hook) and one counter per reason a packet is dropped.
    *_rows(4, G, Init.STARTUP, """
        pkt4-lease-query-received pkt4-lease-query-response-unassigned-sent
        pkt4-lease-query-response-unknown-sent pkt4-lease-query-response-active-sent
        pkt4-service-disabled pkt4-queue-full pkt4-duplicate pkt4-rfc-violation
        pkt4-admin-filtered pkt4-not-for-us pkt4-processing-failed pkt4-limit-exceeded""",
           since=KEA_3_1),
    # Lease recount: declined is recounted, the cumulative counters only created.
    *_rows(4, G, Init.RECOUNT_ZERO, "declined-addresses"),
    *_rows(4, G, Init.RECOUNT_IF_ABSENT,
           "reclaimed-declined-addresses reclaimed-leases cumulative-assigned-addresses"),
    *_rows(4, S, Init.CAPACITY, "total-addresses"),
    *_rows(4, S, Init.COMMIT_IF_ABSENT, "cumulative-assigned-addresses"),
    # Kea 2.2 does not remove these with their subnet; they outlive a removed subnet.
    *_rows(4, S, Init.COMMIT_IF_ABSENT, "v4-lease-reuses", since=KEA_2_4,
           removed_on_commit=False),
    *_rows(4, S, Init.COMMIT_IF_ABSENT, "v4-reservation-conflicts", removed_on_commit=False),
    *_rows(4, S, Init.RECOUNT_ZERO, "assigned-addresses declined-addresses"),
    *_rows(4, S, Init.RECOUNT_IF_ABSENT, "reclaimed-declined-addresses reclaimed-leases"),
    *_rows(4, S, Init.ON_DEMAND, """
        v4-allocation-fail v4-allocation-fail-shared-network v4-allocation-fail-subnet
        v4-allocation-fail-no-pools v4-allocation-fail-classes""", removed_on_commit=False),
    *_rows(4, P, Init.CAPACITY, "total-addresses", since=KEA_2_4),
    *_rows(4, P, Init.COMMIT_IF_ABSENT, "cumulative-assigned-addresses", since=KEA_2_4),
    *_rows(4, P, Init.RECOUNT_ZERO, "assigned-addresses declined-addresses", since=KEA_2_4),
    *_rows(4, P, Init.RECOUNT_IF_ABSENT, "reclaimed-declined-addresses reclaimed-leases",
           since=KEA_2_4),
    # ---------------------------------------------------------------- DHCPv6
    *_rows(6, G, Init.STARTUP, """
        pkt6-received pkt6-receive-drop pkt6-parse-failed pkt6-solicit-received
        pkt6-advertise-received pkt6-request-received pkt6-reply-received
        pkt6-renew-received pkt6-rebind-received pkt6-release-received
        pkt6-decline-received pkt6-infrequest-received pkt6-dhcpv4-query-received
        pkt6-dhcpv4-response-received pkt6-unknown-received pkt6-sent
        pkt6-advertise-sent pkt6-reply-sent pkt6-dhcpv4-response-sent
        v6-allocation-fail v6-allocation-fail-shared-network v6-allocation-fail-subnet
        v6-allocation-fail-no-pools v6-allocation-fail-classes"""),
    *_rows(6, G, Init.STARTUP, "v6-ia-na-lease-reuses v6-ia-pd-lease-reuses", since=KEA_2_4),
    # RFC 9686 address registration (Kea 3.0).
    *_rows(6, G, Init.STARTUP, """
        pkt6-addr-reg-inform-received pkt6-addr-reg-reply-received
        pkt6-addr-reg-reply-sent""", since=KEA_3_0),
    *_rows(6, G, Init.RECOUNT_ZERO, "declined-addresses"),
    *_rows(6, G, Init.RECOUNT_IF_ABSENT, """
        reclaimed-declined-addresses reclaimed-leases cumulative-assigned-nas
        cumulative-assigned-pds"""),
    *_rows(6, G, Init.RECOUNT_IF_ABSENT, "cumulative-registered-nas", since=KEA_3_0),
    *_rows(6, S, Init.CAPACITY, "total-nas total-pds"),
    *_rows(6, S, Init.COMMIT_IF_ABSENT, "cumulative-assigned-nas cumulative-assigned-pds"),
    *_rows(6, S, Init.COMMIT_IF_ABSENT, "v6-ia-na-lease-reuses v6-ia-pd-lease-reuses",
           since=KEA_2_4, removed_on_commit=False),
    *_rows(6, S, Init.COMMIT_IF_ABSENT, "cumulative-registered-nas", since=KEA_3_0),
    *_rows(6, S, Init.RECOUNT_ZERO, "assigned-nas declined-addresses"),
    *_rows(6, S, Init.RECOUNT_IF_ABSENT, "reclaimed-declined-addresses"),
    *_rows(6, S, Init.RECOUNT_ZERO, "assigned-pds"),
    *_rows(6, S, Init.RECOUNT_IF_ABSENT, "reclaimed-leases"),
    *_rows(6, S, Init.RECOUNT_ZERO, "registered-nas", since=KEA_3_0),
    *_rows(6, S, Init.ON_DEMAND, """
        v6-allocation-fail v6-allocation-fail-shared-network v6-allocation-fail-subnet
        v6-allocation-fail-no-pools v6-allocation-fail-classes""", removed_on_commit=False),
    *_rows(6, P, Init.CAPACITY, "total-nas", since=KEA_2_4),
    *_rows(6, P, Init.COMMIT_IF_ABSENT, "cumulative-assigned-nas", since=KEA_2_4),
    *_rows(6, P, Init.RECOUNT_ZERO, "assigned-nas declined-addresses", since=KEA_2_4),
    *_rows(6, P, Init.RECOUNT_IF_ABSENT, "reclaimed-declined-addresses reclaimed-leases",
           since=KEA_2_4),
    *_rows(6, PD, Init.CAPACITY, "total-pds", since=KEA_2_4),
    *_rows(6, PD, Init.COMMIT_IF_ABSENT, "cumulative-assigned-pds", since=KEA_2_4),
    *_rows(6, PD, Init.RECOUNT_ZERO, "assigned-pds", since=KEA_2_4),
    *_rows(6, PD, Init.RECOUNT_IF_ABSENT, "reclaimed-leases", since=KEA_2_4),
)


def statistics(family: int, version: Version, scope: Scope | None = None,
               init: Init | None = None) -> tuple[StatDef, ...]:
    """The rows of one server family present in ``version``, optionally filtered."""
    return tuple(d for d in STATISTICS
                 if d.family == family and d.present_in(version)
                 and (scope is None or d.scope is scope) and (init is None or d.init is init))


# -- names, as Kea's StatsMgr::generateName builds them ------------------------

def subnet_stat(subnet_id: int, name: str) -> str:
    """``subnet[ID].name``."""
    return f"subnet[{subnet_id}].{name}"


def pool_stat(subnet_id: int, pool_id: int, name: str, scope: Scope = Scope.POOL) -> str:
    """``subnet[ID].pool[N].name`` (or ``pd-pool[N]`` for a prefix-delegation pool)."""
    return f"subnet[{subnet_id}].{scope.value}[{pool_id}].{name}"


def scoped_name(d: StatDef, subnet_id: int | None = None, pool_id: int | None = None) -> str:
    """The full name of row ``d`` for a subnet (and pool, for pool scopes)."""
    if d.scope is Scope.GLOBAL:
        return d.name
    if subnet_id is None:
        raise ValueError(f"{d.name}: a {d.scope.value} statistic needs a subnet id")
    if d.scope is Scope.SUBNET:
        return subnet_stat(subnet_id, d.name)
    if pool_id is None:
        raise ValueError(f"{d.name}: a {d.scope.value} statistic needs a pool id")
    return pool_stat(subnet_id, pool_id, d.name, d.scope)
