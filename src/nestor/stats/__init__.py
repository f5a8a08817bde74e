"""Statistics with Kea's names and semantics.

* :mod:`.manager` - :class:`StatsManager`, named integer/float/duration/string
  statistics with sample limits (Kea's StatsMgr and Observation);
* :mod:`.names` - the table of every statistic Kea's DHCP servers keep;
* :mod:`.lifecycle` - :class:`ServerStats`, which creates them at start-up and
  on each configuration commit and recounts the lease statistics;
* :mod:`.commands` - the ten ``statistic-*`` command handlers.

The package does no I/O; the clock is injectable.
"""

from nestor.stats.commands import HANDLERS, Answer, handle
from nestor.stats.lifecycle import (
    LeaseCount,
    LeaseKind,
    LeaseState,
    PoolInfo,
    ServerStats,
    SubnetInfo,
)
from nestor.stats.manager import StatsManager
from nestor.stats.names import (
    KEA_2_2,
    KEA_2_4,
    KEA_3_0,
    KEA_3_1,
    STATISTICS,
    Init,
    Scope,
    StatDef,
    pool_stat,
    subnet_stat,
)
from nestor.stats.observation import InvalidStatType, StatType, StatValue

__all__ = [
    "HANDLERS",
    "KEA_2_2",
    "KEA_2_4",
    "KEA_3_0",
    "KEA_3_1",
    "STATISTICS",
    "Answer",
    "Init",
    "InvalidStatType",
    "LeaseCount",
    "LeaseKind",
    "LeaseState",
    "PoolInfo",
    "Scope",
    "ServerStats",
    "StatDef",
    "StatType",
    "StatValue",
    "StatsManager",
    "SubnetInfo",
    "handle",
    "pool_stat",
    "subnet_stat",
]
