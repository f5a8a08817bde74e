"""Server4 driven in-process on loopback: statistics, reload semantics, timers.

The real server object, engine, memfile store and UDP sockets (``udp`` socket
type on ``lo``, ephemeral ports) are used; the test calls the pipeline
itself instead of running the event loop, so it can read the statistics
that the process keeps in memory (no control channel exists yet).
"""

from __future__ import annotations

import importlib
import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.dhcp4_tool import ACK, DISCOVER, OFFER, REQUEST, options, packet


def _engine_missing() -> str | None:
    try:
        module = importlib.import_module("nestor.engine.v4")
    except ImportError as exc:
        return f"the DHCPv4 engine (nestor.engine.v4) is not there yet: {exc}"
    return None if hasattr(module, "Engine4") else "nestor.engine.v4 has no Engine4 yet"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(tmp: Path, pool: str = "127.0.0.100 - 127.0.0.199", **extra: Any) -> str:
    return json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo"], "dhcp-socket-type": "udp"},
        "lease-database": {"type": "memfile", "name": str(tmp / "leases4.csv"),
                           "lfc-interval": 0},
        "valid-lifetime": 600,
        "subnet4": [{"id": 1, "subnet": "127.0.0.0/8", "pools": [{"pool": pool}]}],
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": str(tmp / "nestor.log")}]}],
        **extra}})


class Rig:
    """A started Server4 plus a relay-like client socket on loopback."""

    def __init__(self, tmp: Path) -> None:
        from nestor.server.dhcp4 import Server4

        self.tmp = tmp
        self.conf = tmp / "kea-dhcp4.conf"
        self.conf.write_text(_config(tmp))
        self.client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.client.bind(("127.0.0.1", 0))
        self.server = Server4(str(self.conf), server_port=_free_port(),
                              client_port=self.client.getsockname()[1])
        self.server.start()

    def stat(self, name: str) -> object:
        return self.server.stats.value(name)

    def pump(self) -> None:
        """Run batches until every server socket is drained."""
        assert self.server.transport is not None and self.server.pipeline is not None
        for _ in range(1000):
            ready, _, _ = select.select(self.server.transport.fds, [], [], 0.2)
            if not ready:
                return
            for receiver in self.server.transport.receivers:
                if receiver.fd in ready:
                    self.server.pipeline.run(receiver)

    def send(self, data: bytes) -> None:
        self.client.sendto(data, ("127.0.0.1", self.server.server_port))

    def reply(self) -> bytes | None:
        self.pump()
        ready, _, _ = select.select([self.client], [], [], 1.0)
        return self.client.recv(4096) if ready else None

    def dora(self, mac: bytes) -> str | None:
        self.send(packet(DISCOVER, 7, mac, "127.0.0.1"))
        offer = self.reply()
        if offer is None or options(offer).get(53) != bytes([OFFER]):
            return None
        extra = bytes([50, 4]) + offer[16:20] + bytes([54, 4]) + options(offer)[54]
        self.send(packet(REQUEST, 8, mac, "127.0.0.1", extra))
        ack = self.reply()
        if ack is None or options(ack).get(53) != bytes([ACK]):
            return None
        return socket.inet_ntoa(ack[16:20])

    def close(self) -> None:
        self.server.stop()
        self.client.close()


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    reason = _engine_missing()
    if reason:
        pytest.skip(reason)
    r = Rig(tmp_path)
    try:
        yield r
    finally:
        r.close()


def test_packet_statistics(rig: Rig) -> None:
    assert rig.dora(b"\x02\0\0\0\0\1") is not None
    assert (rig.stat("pkt4-received"), rig.stat("pkt4-sent")) == (2, 2)
    for data in (b"", b"\x01" * 100, b"\x01" * 236 + b"\xde\xad\xbe\xef" + b"\xff"):
        rig.send(data)
    rig.pump()
    assert rig.stat("pkt4-received") == 5
    assert rig.stat("pkt4-parse-failed") == 3
    assert rig.stat("pkt4-receive-drop") == 3
    assert rig.stat("pkt4-sent") == 2
    assert rig.dora(b"\x02\0\0\0\0\2") is not None  # still serving


def test_acked_lease_is_in_the_file_before_the_ack_is_read(rig: Rig) -> None:
    address = rig.dora(b"\x02\0\0\0\0\3")
    assert address is not None
    assert address in (rig.tmp / "leases4.csv").read_text()


def test_broken_reload_changes_nothing(rig: Rig) -> None:
    before = (rig.server.engine, rig.server.leases, rig.server.transport, rig.server.config)
    rig.conf.write_text('{"Dhcp4": {"valid-lifetime": "x"}}')
    assert rig.server.reload() is False
    assert (rig.server.engine, rig.server.leases, rig.server.transport,
            rig.server.config) == before
    log = (rig.tmp / "nestor.log").read_text()
    assert "DHCP4_CONFIG_LOAD_FAIL" in log and f"{rig.conf}:1" in log
    assert rig.dora(b"\x02\0\0\0\0\4") is not None


def test_reload_keeps_store_and_sockets_when_unchanged(rig: Rig) -> None:
    leases, transport, engine = rig.server.leases, rig.server.transport, rig.server.engine
    rig.conf.write_text(_config(rig.tmp, "127.0.0.200 - 127.0.0.210"))
    assert rig.server.reload() is True
    assert rig.server.leases is leases and rig.server.transport is transport
    assert rig.server.engine is not engine
    address = rig.dora(b"\x02\0\0\0\0\5")
    assert address is not None and 200 <= int(address.rsplit(".", 1)[1]) <= 210


def test_reload_with_another_lease_file_reopens_the_store(rig: Rig) -> None:
    first = rig.dora(b"\x02\0\0\0\0\6")
    other = rig.tmp / "other.csv"
    text = json.loads(_config(rig.tmp))
    text["Dhcp4"]["lease-database"]["name"] = str(other)
    rig.conf.write_text(json.dumps(text))
    old = rig.server.leases
    assert rig.server.reload() is True
    assert rig.server.leases is not old
    second = rig.dora(b"\x02\0\0\0\0\7")
    assert first is not None and second is not None
    assert "02:00:00:00:00:07" in other.read_text()
    assert "02:00:00:00:00:06" not in other.read_text()  # the new file starts empty
    assert "02:00:00:00:00:06" in (rig.tmp / "leases4.csv").read_text()


def test_expired_leases_are_reclaimed_by_the_timer(tmp_path: Path) -> None:
    reason = _engine_missing()
    if reason:
        pytest.skip(reason)
    r = Rig(tmp_path)
    try:
        address = r.dora(b"\x02\0\0\0\0\x08")
        assert address is not None
        lease = next(iter(r.server.leases.all())) if r.server.leases else None
        assert lease is not None and lease.state == 0
        now = [lease.cltt + lease.valid_lft + 60.0]
        r.server.clock = lambda: now[0]
        r.server.engine.clock = r.server.clock  # type: ignore[union-attr]
        r.server.engine.reclaimer.clock = r.server.clock  # type: ignore[union-attr]
        r.server.timers.next_reclaim = 0.0
        r.server.tick()
        reclaimed = r.server.leases.all() if r.server.leases else []
        assert all(lease.state == 2 for lease in reclaimed) or not reclaimed
        assert r.stat("reclaimed-leases") == 1
    finally:
        r.close()


def test_an_engine_exception_drops_only_that_query(rig: Rig) -> None:
    # Fault injection at the engine boundary: the first query makes it raise.
    assert rig.server.pipeline is not None
    pipeline = rig.server.pipeline
    real = pipeline.engine.handle
    calls = []

    def failing_once(query: Any, meta: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("engine bug")
        return real(query, meta)

    pipeline.engine.handle = failing_once  # type: ignore[method-assign]
    rig.send(packet(DISCOVER, 9, b"\x02\0\0\0\0\x09", "127.0.0.1"))
    assert rig.reply() is None
    assert rig.dora(b"\x02\0\0\0\0\x0a") is not None
    log = (rig.tmp / "nestor.log").read_text()
    assert "DHCP4_PACKET_PROCESS_STD_EXCEPTION" in log and "RuntimeError: engine bug" in log


def test_lease_file_cleanup_runs_from_the_timer(tmp_path: Path) -> None:
    reason = _engine_missing()
    if reason:
        pytest.skip(reason)
    conf = json.loads(_config(tmp_path))
    conf["Dhcp4"]["lease-database"]["lfc-interval"] = 5
    r = Rig(tmp_path)
    try:
        r.conf.write_text(json.dumps(conf))
        assert r.server.reload() is True  # lease-database changed: store reopened
        addresses = [r.dora(bytes([2, 0, 0, 0, 1, i])) for i in range(5)]
        assert None not in addresses
        start = r.server.clock()
        r.server.clock = lambda: start
        r.server.tick()  # arms the cleanup timer
        r.server.clock = lambda: start + 6
        r.server.tick()  # due: rotates the file and starts nestor-lfc
        files = r.server.leases.files if r.server.leases else None  # type: ignore[attr-defined]
        assert files is not None and files.wait_lfc(60) == 0
        done = (tmp_path / "leases4.csv.2").read_text()
        assert all(a in done for a in addresses if a)
    finally:
        r.close()
