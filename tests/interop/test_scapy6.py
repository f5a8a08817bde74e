"""Interoperability with scapy's independent DHCPv6 implementation.

scapy-built messages must decode to the same field values in Nestor, and Nestor's
serialised messages must decode to the same field values in scapy. scapy is only
ever used here, never by the codec.
"""

from __future__ import annotations

from ipaddress import IPv6Address
from typing import Any

import scapy.layers.dhcp6 as scapy_dhcp6
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.dhcp6 import (
    DHCP6,
    DUID_EN,
    DUID_LL,
    DUID_LLT,
    USER_CLASS_DATA,
    VENDOR_CLASS_DATA,
    VENDOR_SPECIFIC_OPTION,
    DHCP6_Advertise,
    DHCP6_RelayForward,
    DHCP6_Reply,
    DHCP6_Solicit,
    DHCP6OptClientId,
    DHCP6OptClientLinkLayerAddr,
    DHCP6OptElapsedTime,
    DHCP6OptIA_NA,
    DHCP6OptIA_PD,
    DHCP6OptIAAddress,
    DHCP6OptIAPrefix,
    DHCP6OptIfaceId,
    DHCP6OptOptReq,
    DHCP6OptPref,
    DHCP6OptRapidCommit,
    DHCP6OptRelayMsg,
    DHCP6OptRemoteID,
    DHCP6OptServerId,
    DHCP6OptStatusCode,
    DHCP6OptUserClass,
    DHCP6OptVendorClass,
    DHCP6OptVendorSpecificInfo,
)

from nestor.wire.duid import DuidLL, DuidLLT, parse_duid
from nestor.wire.packet6 import (
    IANA,
    IAPD,
    ClientId,
    ClientLinkLayerAddr,
    ElapsedTime,
    IAAddress,
    IAPrefix,
    InterfaceId,
    Message6,
    MessageType,
    OptionRequest,
    Preference,
    RapidCommit,
    RawOption6,
    RelayMessage6,
    RelayMsg,
    RemoteId,
    ServerId,
    Status6,
    StatusCode,
    UserClass,
    VendorClass,
    VendorOpts,
    innermost,
    parse6,
    relay_chain,
)

MAC = "0a:1b:2c:3d:4e:5f"
MAC_BYTES = bytes.fromhex("0a1b2c3d4e5f")


def scapy_decode(wire: bytes) -> Any:
    """Let scapy pick the message class from the first octet, as its UDP binding does."""
    name = scapy_dhcp6.dhcp6_cls_by_type[wire[0]]
    return getattr(scapy_dhcp6, name)(wire)


def scapy_solicit() -> Any:
    return (DHCP6_Solicit(trid=0xC0FFEE)
            / DHCP6OptClientId(duid=DUID_LLT(hwtype=1, timeval=708529245, lladdr=MAC))
            / DHCP6OptElapsedTime(elapsedtime=250)
            / DHCP6OptIA_NA(iaid=0x11223344, T1=100, T2=200, ianaopts=[
                DHCP6OptIAAddress(addr="2001:db8::10", preflft=300, validlft=400)])
            / DHCP6OptIA_PD(iaid=7, T1=0, T2=0, iapdopt=[
                DHCP6OptIAPrefix(prefix="2001:db8:8000::", plen=56, preflft=0, validlft=0)])
            / DHCP6OptOptReq(reqopts=[23, 24, 39, 82])
            / DHCP6OptRapidCommit()
            / DHCP6OptVendorClass(enterprisenum=311, vcdata=[VENDOR_CLASS_DATA(data=b"MSFT 5.0")])
            / DHCP6OptUserClass(userclassdata=[USER_CLASS_DATA(data=b"office"),
                                               USER_CLASS_DATA(data=b"floor2")]))


def test_scapy_solicit_decodes_to_the_same_fields() -> None:
    wire = bytes(scapy_solicit())
    m = parse6(wire)
    assert isinstance(m, Message6)
    assert (m.msg_type, m.transaction_id) == (MessageType.SOLICIT, 0xC0FFEE)
    client_id = m.find(ClientId)
    assert client_id is not None
    assert parse_duid(client_id.duid) == DuidLLT(1, 708529245, MAC_BYTES)
    assert m.find(ElapsedTime) == ElapsedTime(250)
    assert m.find(IANA) == IANA(0x11223344, 100, 200, [
        IAAddress(IPv6Address("2001:db8::10").packed, 300, 400)])
    pd = m.find(IAPD)
    assert pd is not None and pd.iaid == 7
    prefix = pd.find(IAPrefix)
    assert prefix is not None and str(prefix.network) == "2001:db8:8000::/56"
    assert m.find(OptionRequest) == OptionRequest([23, 24, 39, 82])
    assert m.find(RapidCommit) == RapidCommit()
    assert m.find(VendorClass) == VendorClass(311, [b"MSFT 5.0"])
    assert m.find(UserClass) == UserClass([b"office", b"floor2"])
    assert m.serialize() == wire


def test_scapy_nested_relay_forward_decodes_to_the_same_chain() -> None:
    inner_relay = (DHCP6_RelayForward(hopcount=0, linkaddr="::", peeraddr="fe80::a")
                   / DHCP6OptClientLinkLayerAddr(lltype=1, clladdr=MAC)
                   / DHCP6OptRelayMsg(message=scapy_solicit()))
    outer = (DHCP6_RelayForward(hopcount=1, linkaddr="2001:db8:1::1", peeraddr="fe80::b")
             / DHCP6OptIfaceId(ifaceid=b"ge-0/0/1")
             / DHCP6OptRemoteID(enterprisenum=9, remoteid=b"port-7")
             / DHCP6OptRelayMsg(message=inner_relay))
    wire = bytes(outer)
    top = parse6(wire)
    chain = relay_chain(top)
    assert [(r.msg_type, r.hop_count, str(r.link_ip), str(r.peer_ip)) for r in chain] == [
        (MessageType.RELAY_FORW, 1, "2001:db8:1::1", "fe80::b"),
        (MessageType.RELAY_FORW, 0, "::", "fe80::a"),
    ]
    assert chain[0].find(InterfaceId) == InterfaceId(b"ge-0/0/1")
    assert chain[0].find(RemoteId) == RemoteId(9, b"port-7")
    assert chain[1].find(ClientLinkLayerAddr) == ClientLinkLayerAddr(1, MAC_BYTES)
    client = innermost(top)
    assert client.transaction_id == 0xC0FFEE
    assert client.serialize() == bytes(scapy_solicit())
    assert top.serialize() == wire


def test_scapy_advertise_with_status_codes() -> None:
    adv = (DHCP6_Advertise(trid=3)
           / DHCP6OptServerId(duid=DUID_EN(enterprisenum=2495, id=b"kea"))
           / DHCP6OptPref(prefval=200)
           / DHCP6OptIA_NA(iaid=1, ianaopts=[
               DHCP6OptStatusCode(statuscode=2,
                                  statusmsg=b"Sorry, no address could be allocated.")])
           / DHCP6OptVendorSpecificInfo(enterprisenum=4491, vso=[
               VENDOR_SPECIFIC_OPTION(optcode=32, optdata=b"\x00\x01")]))
    wire = bytes(adv)
    m = parse6(wire)
    assert m.find(ServerId) == ServerId(bytes.fromhex("0002000009bf") + b"kea")
    assert m.find(Preference) == Preference(200)
    ia = m.find(IANA)
    assert ia is not None
    assert ia.find(StatusCode) == StatusCode(Status6.NO_ADDRS_AVAIL,
                                             "Sorry, no address could be allocated.")
    assert m.find(VendorOpts) == VendorOpts(4491, [RawOption6(32, b"\x00\x01")])
    assert m.serialize() == wire


def nestor_reply() -> Message6:
    return Message6(MessageType.REPLY, 0xABCDEF, [
        ServerId(DuidLL(1, MAC_BYTES).to_bytes()),
        ClientId(DuidLLT(1, 708529245, MAC_BYTES).to_bytes()),
        IANA(5, 1000, 1600, [IAAddress(IPv6Address("2001:db8::77").packed, 1800, 3600,
                                       [StatusCode(Status6.SUCCESS, "Assigned")])]),
        IAPD(6, 1000, 1600, [IAPrefix(1800, 3600, 60, IPv6Address("2001:db8:f0::").packed)]),
        Preference(255),
        StatusCode(Status6.SUCCESS, "All addresses were assigned."),
    ])


def test_nestor_reply_decodes_in_scapy() -> None:
    pkt = scapy_decode(nestor_reply().serialize())
    assert isinstance(pkt, DHCP6_Reply)
    assert pkt.trid == 0xABCDEF
    server = pkt[DHCP6OptServerId].duid
    assert isinstance(server, DUID_LL) and (server.hwtype, server.lladdr) == (1, MAC)
    client = pkt[DHCP6OptClientId].duid
    assert isinstance(client, DUID_LLT) and (client.timeval, client.lladdr) == (708529245, MAC)
    ia = pkt[DHCP6OptIA_NA]
    assert (ia.iaid, ia.T1, ia.T2) == (5, 1000, 1600)
    addr = ia.ianaopts[0]
    assert (addr.addr, addr.preflft, addr.validlft) == ("2001:db8::77", 1800, 3600)
    assert (addr.iaaddropts[0].statuscode, addr.iaaddropts[0].statusmsg) == (0, b"Assigned")
    pd = pkt[DHCP6OptIA_PD]
    prefix = pd.iapdopt[0]
    assert (pd.iaid, prefix.prefix, prefix.plen, prefix.validlft) == (6, "2001:db8:f0::", 60, 3600)
    assert pkt[DHCP6OptPref].prefval == 255
    # The message-level status code follows IA_PD and Preference.
    top_status = [o for o in _options(pkt) if isinstance(o, DHCP6OptStatusCode)]
    assert top_status[-1].statusmsg == b"All addresses were assigned."


def _options(pkt: Any) -> list[Any]:
    out = []
    layer = pkt.payload
    while layer and not isinstance(layer, DHCP6):
        out.append(layer)
        layer = layer.payload
    return out


def test_nestor_nested_relay_reply_decodes_in_scapy() -> None:
    inner = RelayMessage6(MessageType.RELAY_REPL, 0, bytes(16), IPv6Address("fe80::a").packed,
                          [RelayMsg(nestor_reply())])
    outer = RelayMessage6(MessageType.RELAY_REPL, 1, IPv6Address("2001:db8:1::1").packed,
                          IPv6Address("fe80::b").packed,
                          [InterfaceId(b"ge-0/0/1"), RelayMsg(inner)])
    pkt = scapy_decode(outer.serialize())
    assert (pkt.msgtype, pkt.hopcount, pkt.linkaddr, pkt.peeraddr) == (
        13, 1, "2001:db8:1::1", "fe80::b")
    assert pkt[DHCP6OptIfaceId].ifaceid == b"ge-0/0/1"
    inner_pkt = pkt[DHCP6OptRelayMsg].message
    assert (inner_pkt.msgtype, inner_pkt.hopcount, inner_pkt.peeraddr) == (13, 0, "fe80::a")
    reply = inner_pkt[DHCP6OptRelayMsg].message
    assert isinstance(reply, DHCP6_Reply) and reply.trid == 0xABCDEF
    assert bytes(reply) == nestor_reply().serialize()


@settings(max_examples=150, deadline=None)
@given(iaid=st.integers(0, 2**32 - 1), t1=st.integers(0, 2**32 - 1),
       addresses=st.lists(st.tuples(st.binary(min_size=16, max_size=16),
                                    st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)),
                          max_size=4),
       xid=st.integers(0, 0xFFFFFF))
def test_generated_ia_na_reads_the_same_in_scapy(iaid: int, t1: int,
                                                 addresses: list[tuple[bytes, int, int]],
                                                 xid: int) -> None:
    ours = Message6(MessageType.ADVERTISE, xid,
                    [IANA(iaid, t1, 0, [IAAddress(a, p, v) for a, p, v in addresses])])
    pkt = scapy_decode(ours.serialize())
    assert pkt.trid == xid
    ia = pkt[DHCP6OptIA_NA]
    assert (ia.iaid, ia.T1) == (iaid, t1)
    assert [(IPv6Address(o.addr).packed, o.preflft, o.validlft) for o in ia.ianaopts] == addresses
