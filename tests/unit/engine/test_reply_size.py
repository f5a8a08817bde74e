"""Replies larger than the client's maximum message size (option 57, RFC 2132 9.10).

What Kea 2.2 does (seen in the differential lab, ``large-reply-*`` scenarios): it never
looks at option 57. With 576 announced it sent a 607-octet reply without overloading,
and an 809-octet one whole. Nestor keeps within the announced size when overloading
``file`` and ``sname`` makes the options fit (RFC 2131 section 4.1) and otherwise sends
the whole reply, like Kea, instead of none.
"""

from __future__ import annotations

import json

import pytest
from tests.unit.engine.helpers import SERVER_IF, Lab, mac, make_lab, query

from nestor.engine.v4 import Query4Meta
from nestor.server.pipeline import MAX_DATAGRAM, Pipeline4, encode
from nestor.transport.udp4 import Datagram4
from nestor.wire.packet4 import Packet4, PacketTooBig, parse4

MAX_576 = (576).to_bytes(2, "big")


def big_lab() -> Lab:
    # The Kea lab's "big" class: 500 octets of options for a client that asks.
    return make_lab(json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": ["eth0"]},
        "lease-database": {"type": "memfile", "persist": False},
        "option-data": [{"name": "merit-dump", "data": "m" * 200},
                        {"name": "root-path", "data": "r" * 100},
                        {"name": "extensions-path", "data": "e" * 200}],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
                     "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}]}}))


def offer_for(prl: bytes) -> tuple[Packet4, Packet4]:
    lab = big_lab()
    q = query(1, mac(1), options={57: MAX_576, 55: prl})
    # The engine directly: the helpers' send() encodes within 576 octets by default.
    reply = lab.engine.handle(q, Query4Meta(SERVER_IF, "eth0", 0, 68, 0xFFFFFFFF))
    assert reply is not None
    return q, reply.packet


def test_reply_too_big_even_overloaded_is_sent_whole() -> None:
    q, offer = offer_for(bytes((1, 3, 14, 17, 18)))
    wire = encode(offer, q)
    # Before: PacketTooBig, and the client got no OFFER at all.
    assert len(wire) > 576 - 28
    back = parse4(wire)
    assert back == offer
    assert not back.sname.strip(b"\0") and not back.file.strip(b"\0")  # no overloading
    assert 52 not in back.options


def test_server_answers_with_the_whole_reply() -> None:
    """The server's decision step for one received datagram: before, the oversized OFFER
    was dropped (logged as DHCP4_PACKET_PROCESS_STD_EXCEPTION 'PacketTooBig')."""
    lab = big_lab()
    pipeline = Pipeline4(lab.engine, lab.store, None, lab.stats)  # type: ignore[arg-type]
    q = query(1, mac(1), options={57: MAX_576, 55: bytes((1, 3, 14, 17, 18))})
    decided = pipeline._decide(Datagram4(q.serialize(), "0.0.0.0", 68, "255.255.255.255",
                                         SERVER_IF, "eth0"))
    assert decided is not None
    wire, target = decided
    offer = parse4(wire)
    assert offer.options[53] == b"\x02"
    assert offer.options[14] == b"m" * 200 and offer.options[18] == b"e" * 200
    assert target.port == 68


def test_reply_that_fits_overloaded_keeps_to_the_client_size() -> None:
    q, offer = offer_for(bytes((1, 3, 14, 17)))
    wire = encode(offer, q)
    assert len(wire) <= 576 - 28
    assert parse4(wire).options == offer.options


def test_reply_beyond_one_datagram_is_refused() -> None:
    # No UDP datagram carries this: the pipeline logs DHCP4_PACKET_PACK_FAIL and sends
    # nothing (Kea fails the same way while packing).
    q = query(1, mac(1))
    huge = Packet4(2, 1, mac(1), options={53: b"\x02", 43: b"v" * MAX_DATAGRAM})
    with pytest.raises(PacketTooBig):
        encode(huge, q)
