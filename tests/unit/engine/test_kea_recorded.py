"""The engine answers as kea-dhcp4 2.2 did, byte for byte, query by query.

Each scenario of ``kea_cases.py`` (a configuration and a query sequence) was
replayed to a real kea-dhcp4 2.2 and its replies and final statistics recorded
in ``kea_replies4.json``; here the same sequence goes through ``Engine4``: every
reply must be the same datagram (or silence where Kea was silent), and every
statistic the same value (``pkt4-received``/``pkt4-sent`` belong to the server
process, not the engine). Re-record with
``python -m tests.unit.engine.kea_cases --record``.
"""

from __future__ import annotations

import copy
import json

import pytest
from tests.unit.engine.kea_cases import IFACE, RECORDED, SERVER, Scenario, ip, scenarios

from nestor.config.loader import load_text
from nestor.engine.v4 import Engine4, Link4, Query4Meta
from nestor.leases.memfile import MemfileConfig, MemfileStore4
from nestor.stats import ServerStats, StatsManager, SubnetInfo
from nestor.stats.names import KEA_2_2
from nestor.wire.packet4 import parse4

_DATA = json.loads(RECORDED.read_text())
RECORD = _DATA["scenarios"]
KEA_STATS = _DATA["statistics"]
SERVER_COUNTED = {"pkt4-received", "pkt4-sent"}
SCENARIOS = {s.name: s for s in scenarios()}


def engine_for(scenario: Scenario) -> Engine4:
    body = copy.deepcopy(scenario.config)
    body["Dhcp4"].pop("loggers", None)
    config = load_text(json.dumps(body), universe=4).config
    stats = StatsManager()
    life = ServerStats(stats, 4, KEA_2_2)
    life.start()
    life.commit([SubnetInfo(s.id, [p.size for p in s.pools]) for s in config.subnets])
    return Engine4(config, MemfileStore4(MemfileConfig(persist=False)), stats,
                   {2: Link4(2, IFACE, ((ip(SERVER), 24),))}, lambda: 1_800_000_000.0)


def test_every_scenario_was_recorded() -> None:
    assert set(RECORD) == set(SCENARIOS)
    for name, sc in SCENARIOS.items():
        assert set(RECORD[name]) == {x.name for x in sc.queries}, name


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_replies_match_kea_2_2(name: str) -> None:
    sc = SCENARIOS[name]
    engine = engine_for(sc)
    for x in sc.queries:
        sport = 67 if x.packet.giaddr else 68
        reply = engine.handle(copy.deepcopy(x.packet),
                              Query4Meta(2, IFACE, ip(x.src), sport, ip(x.dst)))
        kea = RECORD[name][x.name]
        if kea is None:
            assert reply is None, f"{name}/{x.name}: Kea stayed silent, we sent {reply}"
            continue
        assert reply is not None, f"{name}/{x.name}: Kea answered {parse4(bytes.fromhex(kea))}"
        mine = reply.packet.serialize()
        assert mine == bytes.fromhex(kea), \
            f"{name}/{x.name}:\n kea  {parse4(bytes.fromhex(kea))}\n mine {reply.packet}"
    kea_stats = {k: v for k, v in KEA_STATS[name].items() if k not in SERVER_COUNTED}
    ours = {k: engine.stats.value(k) for k in engine.stats if k not in SERVER_COUNTED}
    assert ours == kea_stats
