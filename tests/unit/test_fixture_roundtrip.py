"""Real traffic through Nestor's codec: every captured packet round-trips byte for byte.

The fixtures in tests/fixtures/packets/ are UDP payloads captured between
real clients (dhclient, udhcpc, dhcpcd, perfdhcp as a relay) and Kea 2.2;
their README says how. A server that cannot re-emit what it parsed would
corrupt relayed options and echoed client data, so equality is exact.
Beyond the bytes, decoded fields are checked against what the capture
is known to contain: the message type in the file name, the transaction id
and client identity shared by a request and its reply, and what Kea's
configuration for the capture put into its answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packets"
NAME = re.compile(r"(?P<client>.+)-(?P<seq>\d\d)-(?P<type>[a-z-]+)\.hex")

# What the capture must contain, so that a lost or renamed fixture fails here
# instead of silently shrinking the round-trip test.
REQUIRED = {
    4: ({"dhclient", "dhclient-nak", "udhcpc", "dhcpcd", "perfdhcp-relay"},
        {"discover", "offer", "request", "ack", "nak", "release"}),
    6: ({"dhclient", "dhclient-pd", "dhcpcd", "perfdhcp-relay"},
        {"solicit", "advertise", "request", "reply", "renew", "release", "relay-forw",
         "relay-repl"}),
}
V4_REPLIES = frozenset({"offer", "ack", "nak"})
V6_REPLIES = frozenset({"advertise", "reply", "relay-repl"})


@dataclass(frozen=True)
class Fixture:
    family: int
    client: str
    seq: int
    type_name: str
    path: Path

    @property
    def data(self) -> bytes:
        return bytes.fromhex(self.path.read_text())

    @property
    def is_reply(self) -> bool:
        return self.type_name in (V4_REPLIES if self.family == 4 else V6_REPLIES)

    def __str__(self) -> str:
        return f"v{self.family}/{self.path.stem}"


def _load(family: int) -> list[Fixture]:
    found = []
    for path in sorted((FIXTURES / f"v{family}").glob("*.hex")):
        match = NAME.fullmatch(path.name)
        assert match, f"fixture name {path.name} does not follow <client>-<nn>-<msgtype>.hex"
        found.append(Fixture(family, match["client"], int(match["seq"]), match["type"], path))
    return found


V4 = _load(4)
V6 = _load(6)


def _request_of(reply: Fixture) -> Fixture:
    """The client message a reply answers: the nearest earlier one from the same client."""
    pool = V4 if reply.family == 4 else V6
    earlier = [f for f in pool if f.client == reply.client and f.seq < reply.seq
               and not f.is_reply]
    assert earlier, f"{reply} has no request before it"
    return earlier[-1]


def _replies(pool: list[Fixture]) -> list[Fixture]:
    return [f for f in pool if f.is_reply]


def assert_same_bytes(got: bytes, want: bytes, what: str) -> None:
    if got == want:
        return
    at = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
              min(len(got), len(want)))
    pytest.fail(f"{what}: re-serialised {len(got)} bytes, captured {len(want)}; first "
                f"difference at offset {at}: got {got[at:at + 16].hex()} "
                f"want {want[at:at + 16].hex()}")


@pytest.mark.parametrize("family", [4, 6])
def test_the_capture_covers_every_client_and_message_type(family: int) -> None:
    pool = V4 if family == 4 else V6
    clients, types = REQUIRED[family]
    assert clients <= {f.client for f in pool}
    assert types <= {f.type_name for f in pool}


# ---- DHCPv4 ---------------------------------------------------------------------------------

@cache
def _codec4() -> Callable[[bytes], Any]:
    try:
        from nestor.wire.packet4 import parse4
    except ImportError as exc:
        pytest.skip(f"DHCPv4 codec nestor.wire.packet4 not available yet: {exc}")
    return parse4


def parse4(fx: Fixture) -> Any:
    return _codec4()(fx.data)


def opt4(pkt: Any, code: int) -> bytes | None:
    value = pkt.options.get(code)
    return None if value is None else bytes(value)


def ip4(value: Any) -> IPv4Address:
    return value if isinstance(value, IPv4Address) else IPv4Address(value)


V4_TYPES = {"discover": 1, "offer": 2, "request": 3, "decline": 4, "ack": 5, "nak": 6,
            "release": 7, "inform": 8}
# Server address and pool of the subnet each client reached (see capture_lib.kea_configs).
V4_SERVER = {"perfdhcp-relay": IPv4Address("198.51.100.1")}
V4_POOL = {"perfdhcp-relay": (IPv4Address("198.51.100.100"), IPv4Address("198.51.100.199"))}
V4_DEFAULT_SERVER = IPv4Address("192.0.2.1")
V4_DEFAULT_POOL = (IPv4Address("192.0.2.100"), IPv4Address("192.0.2.199"))


@pytest.mark.parametrize("fx", V4, ids=str)
def test_v4_packet_round_trips(fx: Fixture) -> None:
    assert_same_bytes(parse4(fx).serialize(), fx.data, str(fx))


@pytest.mark.parametrize("fx", V4, ids=str)
def test_v4_encoder_rebuilds_the_bytes_from_the_fields(fx: Fixture) -> None:
    """Not the parser's remembered bytes: a packet built from the decoded fields."""
    from nestor.wire.packet4 import Packet4

    got = parse4(fx)
    assert got.quirks == 0, "real clients and Kea lay out options plainly"
    fresh = Packet4(got.op, got.xid, got.chaddr, htype=got.htype, hlen=got.hlen,
                    hops=got.hops, secs=got.secs, flags=got.flags, ciaddr=got.ciaddr,
                    yiaddr=got.yiaddr, siaddr=got.siaddr, giaddr=got.giaddr, sname=got.sname,
                    file=got.file, options=dict(got.options), pad_to=len(fx.data))
    assert_same_bytes(fresh.serialize(), fx.data, str(fx))


@pytest.mark.parametrize("fx", V4, ids=str)
def test_v4_message_type_and_op(fx: Fixture) -> None:
    pkt = parse4(fx)
    assert opt4(pkt, 53) == bytes([V4_TYPES[fx.type_name]])
    # RFC 2131 section 2: op is BOOTREQUEST (1) from clients, BOOTREPLY (2) from servers.
    assert pkt.op == (2 if fx.is_reply else 1)


@pytest.mark.parametrize("reply", _replies(V4), ids=str)
def test_v4_reply_answers_its_request(reply: Fixture) -> None:
    request = _request_of(reply)
    req, rep = parse4(request), parse4(reply)
    # RFC 2131 section 4.3.1, table 3: xid, chaddr and giaddr come from the client message.
    assert rep.xid == req.xid
    assert bytes(rep.chaddr) == bytes(req.chaddr)
    assert ip4(rep.giaddr) == ip4(req.giaddr)
    assert opt4(rep, 54) == V4_SERVER.get(reply.client, V4_DEFAULT_SERVER).packed


@pytest.mark.parametrize("fx", [f for f in V4 if f.type_name in ("offer", "ack")], ids=str)
def test_v4_offer_and_ack_carry_the_configured_lease(fx: Fixture) -> None:
    pkt = parse4(fx)
    low, high = V4_POOL.get(fx.client, V4_DEFAULT_POOL)
    assert low <= ip4(pkt.yiaddr) <= high
    server = V4_SERVER.get(fx.client, V4_DEFAULT_SERVER)
    assert opt4(pkt, 3) == server.packed                      # routers
    assert opt4(pkt, 6) == IPv4Address("192.0.2.53").packed + IPv4Address("192.0.2.54").packed
    assert opt4(pkt, 15) == b"example.org"
    assert opt4(pkt, 51) == (120).to_bytes(4, "big")          # valid-lifetime
    assert opt4(pkt, 58) == (5).to_bytes(4, "big")            # renew-timer
    assert opt4(pkt, 59) == (60).to_bytes(4, "big")           # rebind-timer


def test_v4_nak_offers_nothing() -> None:
    naks = [f for f in V4 if f.type_name == "nak"]
    assert naks
    for fx in naks:
        pkt = parse4(fx)
        assert ip4(pkt.yiaddr) == IPv4Address(0)
        assert opt4(pkt, 51) is None


def _first(pool: list[Fixture], client: str, type_name: str, after: int = 0) -> Fixture:
    """The first ``type_name`` packet of ``client`` after sequence number ``after``."""
    for fx in pool:
        if fx.client == client and fx.type_name == type_name and fx.seq > after:
            return fx
    pytest.fail(f"no {type_name} from {client} after packet {after}")


def test_v4_dhclient_renews_by_unicast_from_its_address() -> None:
    # RFC 2131 section 4.3.2: in RENEWING, ciaddr is set and there is neither a
    # requested address nor a server identifier.
    ack = _first(V4, "dhclient", "ack")
    renew = parse4(_first(V4, "dhclient", "request", after=ack.seq))
    assert ip4(renew.ciaddr) == ip4(parse4(ack).yiaddr)
    assert opt4(renew, 50) is None and opt4(renew, 54) is None
    assert opt4(parse4(_first(V4, "dhclient", "discover")), 12) == b"nestor-client"


def test_v4_init_reboot_request_names_the_remembered_address() -> None:
    # RFC 2131 section 4.3.2: INIT-REBOOT puts the address in option 50, ciaddr is zero.
    reboot = parse4(_request_of(_first(V4, "dhclient-nak", "nak")))
    assert opt4(reboot, 50) == IPv4Address("192.0.2.250").packed
    assert opt4(reboot, 54) is None
    assert ip4(reboot.ciaddr) == IPv4Address(0)


@pytest.mark.parametrize("fx", [f for f in V4 if f.type_name == "release"], ids=str)
def test_v4_release_names_the_leased_address(fx: Fixture) -> None:
    acks = [f for f in V4 if f.client == fx.client and f.seq < fx.seq and f.type_name == "ack"]
    pkt = parse4(fx)
    assert ip4(pkt.ciaddr) == ip4(parse4(acks[-1]).yiaddr)
    assert opt4(pkt, 54) == V4_DEFAULT_SERVER.packed


def test_v4_client_peculiarities() -> None:
    udhcpc = parse4(_first(V4, "udhcpc", "discover"))
    assert opt4(udhcpc, 60) == b"udhcp 1.35.0"
    # udhcpc identifies itself by hardware type 1 and its MAC (RFC 2132 section 9.14).
    assert opt4(udhcpc, 61) == b"\x01" + bytes(udhcpc.chaddr)[:6]
    # dhcpcd with an empty configuration: no client id, but its vendor class, a
    # 1472-octet maximum message size and RFC 6704 forcerenew-nonce capability.
    dhcpcd = parse4(_first(V4, "dhcpcd", "discover"))
    assert opt4(dhcpcd, 61) is None
    assert (opt4(dhcpcd, 60) or b"").startswith(b"dhcpcd-9.4.1:")
    assert opt4(dhcpcd, 57) == (1472).to_bytes(2, "big")
    assert opt4(dhcpcd, 145) == b"\x01"
    relayed = [parse4(f) for f in V4 if f.client == "perfdhcp-relay"]
    assert all(ip4(p.giaddr) == IPv4Address("198.51.100.2") for p in relayed)


# ---- DHCPv6 ---------------------------------------------------------------------------------

@cache
def _codec6() -> Any:
    try:
        from nestor.wire import packet6
    except ImportError as exc:
        pytest.skip(f"DHCPv6 codec nestor.wire.packet6 not available yet: {exc}")
    return packet6


def parse6(fx: Fixture) -> Any:
    return _codec6().parse6(fx.data)


def inner6(fx: Fixture) -> Any:
    return _codec6().innermost(parse6(fx))


V6_POOL = {"perfdhcp-relay": (IPv6Address("2001:db8:2::100"), IPv6Address("2001:db8:2::1ff"))}
V6_DEFAULT_POOL = (IPv6Address("2001:db8:1::100"), IPv6Address("2001:db8:1::1ff"))
V6_PD_POOL = IPv6Network("2001:db8:8000::/48")


@pytest.mark.parametrize("fx", V6, ids=str)
def test_v6_packet_round_trips(fx: Fixture) -> None:
    assert_same_bytes(parse6(fx).serialize(), fx.data, str(fx))


@pytest.mark.parametrize("fx", V6, ids=str)
def test_v6_message_type(fx: Fixture) -> None:
    assert parse6(fx).msg_type == _codec6().MessageType[fx.type_name.upper().replace("-", "_")]


@pytest.mark.parametrize("reply", _replies(V6), ids=str)
def test_v6_reply_answers_its_request(reply: Fixture) -> None:
    request = _request_of(reply)
    req, rep = inner6(request), inner6(reply)
    # RFC 8415 section 16: the reply copies transaction-id and Client Identifier.
    assert rep.transaction_id == req.transaction_id
    assert rep.client_id is not None and rep.client_id == req.client_id
    assert rep.server_id is not None
    if req.server_id is not None:
        assert rep.server_id == req.server_id
    if reply.type_name == "relay-repl":
        # Section 19.3: the Relay-reply echoes link-address and peer-address.
        fwd, repl = parse6(request), parse6(reply)
        assert (repl.link_address, repl.peer_address) == (fwd.link_address, fwd.peer_address)


def _leases(msg: Any) -> tuple[list[Any], list[Any]]:
    packet6 = _codec6()
    addrs = [a for ia in msg.find_all(packet6.IANA) for a in ia.find_all(packet6.IAAddress)]
    prefixes = [p for ia in msg.find_all(packet6.IAPD) for p in ia.find_all(packet6.IAPrefix)]
    return addrs, prefixes


@pytest.mark.parametrize("fx", [f for f in V6 if f.type_name in ("advertise", "relay-repl")
                                or (f.type_name == "reply"
                                    and _request_of(f).type_name != "release")], ids=str)
def test_v6_kea_grants_the_configured_leases(fx: Fixture) -> None:
    addrs, prefixes = _leases(inner6(fx))
    assert addrs or prefixes
    low, high = V6_POOL.get(fx.client, V6_DEFAULT_POOL)
    for addr in addrs:
        assert low <= IPv6Address(addr.address) <= high
        assert (addr.preferred, addr.valid) == (90, 120)
    for prefix in prefixes:
        assert prefix.prefix_len == 56
        assert IPv6Network((prefix.prefix, 56)).subnet_of(V6_PD_POOL)
        assert (prefix.preferred, prefix.valid) == (90, 120)


@pytest.mark.parametrize("fx", [f for f in V6 if f.type_name == "reply"
                                and _request_of(f).type_name == "release"], ids=str)
def test_v6_release_is_acknowledged_with_success(fx: Fixture) -> None:
    status = inner6(fx).find(_codec6().StatusCode)
    assert status is not None and status.status == 0


def test_v6_client_peculiarities() -> None:
    packet6 = _codec6()
    # What each client asked for decides what it got.
    dhclient, pd, dhcpcd = (inner6(_first(V6, client, "solicit"))
                            for client in ("dhclient", "dhclient-pd", "dhcpcd"))
    assert dhclient.find(packet6.IANA) and not dhclient.find(packet6.IAPD)
    assert pd.find(packet6.IAPD) and not pd.find(packet6.IANA)
    assert [ia.iaid for ia in dhcpcd.find_all(packet6.IANA)] == [1]
    assert [ia.iaid for ia in dhcpcd.find_all(packet6.IAPD)] == [2]
    assert dhcpcd.find(packet6.RapidCommit) is not None
    # dhclient asked for dns-servers (23), so Kea's answer carries the configured one.
    dns = inner6(_first(V6, "dhclient", "advertise")).get(23)
    assert dns is not None and dns.payload() == IPv6Address("2001:db8:1::53").packed
    # All three clients identify themselves with a DUID-LLT (RFC 8415 section 11.2).
    for msg in (dhclient, pd, dhcpcd):
        assert msg.client_id[:2] == b"\x00\x01"


def test_v6_relay_forward_names_the_relay_link() -> None:
    forwards = [parse6(f) for f in V6 if f.type_name == "relay-forw"]
    assert forwards
    for fwd in forwards:
        assert IPv6Address(fwd.link_address) == IPv6Address("2001:db8:2::2")
        assert fwd.hop_count == 0
