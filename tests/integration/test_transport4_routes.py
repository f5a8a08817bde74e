"""Transport4 remembers how each kind of unicast leaves; the memory must never be wrong.

Loopback only, ``udp`` socket type (one socket bound per address, as the
benchmark and relayed deployments use): 127.0.0.1 and 127.0.0.2 are both local
on ``lo``, so a reply's source address shows which socket and control data
were used. Each test sends the same kind of target several times, so the
second and later sends take the remembered route.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from nestor.transport.interfaces import Interface
from nestor.transport.route import broadcast, routed, unicast
from nestor.transport.selection import ListenInterface, ListenPlan, SocketType
from nestor.transport.transport4 import SendError, Transport4, TransportSettings

LO = Interface(1, "lo", 0x49, hwtype=772)
PRIMARY, SECOND = "127.0.0.1", "127.0.0.2"
PEER = "127.0.0.3"


@pytest.fixture()
def sink() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", 0))
    sock.settimeout(2.0)
    yield sock
    sock.close()


def _transport(sink: socket.socket) -> Transport4:
    """udp mode on lo with two addresses; every reply goes to the sink's port (-P)."""
    plan = ListenPlan((ListenInterface(LO, (PRIMARY, SECOND)),), ())
    settings = TransportSettings(SocketType.UDP, server_port=0,
                                 client_port=sink.getsockname()[1])
    transport = Transport4.open(plan, settings, {"lo": LO})
    if transport.failures:
        transport.close()
        pytest.skip(f"cannot bind on loopback here: {transport.failures}")
    return transport


def _source_of_next(sink: socket.socket) -> tuple[bytes, str]:
    data, (address, _port) = sink.recvfrom(2048)
    return data, address


def test_repeated_unicasts_keep_their_own_source(sink: socket.socket) -> None:
    with _transport(sink) as transport:
        # Interleaved, so that a memory keyed too coarsely would mix them up.
        order = [SECOND, "", SECOND, PRIMARY, "", SECOND, PRIMARY]
        for i, source in enumerate(order):
            transport.send(bytes((i,)) * 8, unicast(PEER, 67, LO.index, source))
        for i, source in enumerate(order):
            data, seen = _source_of_next(sink)
            assert data == bytes((i,)) * 8
            assert seen == (source or PRIMARY), f"send {i} with source {source!r}"


def test_routed_and_unicast_to_the_same_place_both_arrive(sink: socket.socket) -> None:
    with _transport(sink) as transport:
        for _ in range(3):
            transport.send(b"u" * 8, unicast(PEER, 67, LO.index, SECOND))
            transport.send(b"r" * 8, routed(PEER, 67, LO.index, SECOND))
        got = [_source_of_next(sink) for _ in range(6)]
        assert got == [(b"u" * 8, SECOND), (b"r" * 8, SECOND)] * 3


def test_unknown_interface_falls_back_to_the_address_owner(sink: socket.socket) -> None:
    # Weak host model: a unicast to one of our addresses may arrive on an interface
    # we do not listen on; the reply leaves from the interface owning the address.
    with _transport(sink) as transport:
        for _ in range(2):
            transport.send(b"w" * 8, unicast(PEER, 67, 999, SECOND))
        assert [_source_of_next(sink) for _ in range(2)] == [(b"w" * 8, SECOND)] * 2
        with pytest.raises(SendError, match="no socket open on interface index 999"):
            transport.send(b"x", unicast(PEER, 67, 999, "192.0.2.77"))


def test_nothing_is_sent_through_a_closed_transport(sink: socket.socket) -> None:
    transport = _transport(sink)
    target = unicast(PEER, 67, LO.index, SECOND)
    transport.send(b"a" * 8, target)
    transport.send(b"b" * 8, target)
    assert [_source_of_next(sink)[0] for _ in range(2)] == [b"a" * 8, b"b" * 8]
    transport.close()
    # The remembered socket is gone with the rest: the interface is unknown now.
    with pytest.raises(SendError, match="no socket open on interface index 1"):
        transport.send(b"c" * 8, target)


def test_broadcast_is_not_taken_for_a_unicast(sink: socket.socket) -> None:
    # Same interface and source as a remembered unicast, another kind: the
    # broadcast must still go to 255.255.255.255 (seen on the sink bound to any).
    with _transport(sink) as transport:
        transport.send(b"u" * 8, unicast(PEER, 67, LO.index))
        transport.send(b"u" * 8, unicast(PEER, 67, LO.index))
        try:
            transport.send(b"b" * 8, broadcast(LO.index))
        except SendError as exc:  # some sandboxes refuse broadcasts on lo
            pytest.skip(f"broadcast on lo refused: {exc}")
        got = [_source_of_next(sink)[0] for _ in range(3)]
        assert got == [b"u" * 8, b"u" * 8, b"b" * 8]
