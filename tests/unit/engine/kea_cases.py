"""Query sequences replayed to Kea 2.2 and to ``Engine4``: the recorded oracle.

Each scenario is a Kea configuration and a sequence of hand-built DHCPv4 queries
(how each travels: source and destination address). ``kea_replies4.json`` holds
what kea-dhcp4 2.2 answered to each query (the reply's bytes, or null for
silence); ``test_kea_recorded.py`` replays the same sequences through the engine
and compares, with no sockets. Re-record as root with Kea installed::

    .venv/bin/python -m tests.unit.engine.kea_cases --record

Recording runs kea-dhcp4 in a network namespace pair, injecting the queries as
Ethernet frames from the client side (``tests/interop/expr_lab.py``); the
addresses below (server 192.0.2.1 on ``nst-a0``, relay/client 192.0.2.200) are
that lab's.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nestor.wire.options4 import build_rai, build_vivso
from nestor.wire.packet4 import Packet4

RECORDED = Path(__file__).with_name("kea_replies4.json")
IFACE = "nst-a0"
SERVER = "192.0.2.1"
RELAY = "192.0.2.200"
BCAST = "255.255.255.255"


def a4(text: str) -> bytes:
    return ipaddress.IPv4Address(text).packed


def ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def mac(n: int) -> bytes:
    return bytes((2, 0, 0, 0, 0, n))


@dataclass
class Q:
    name: str
    packet: Packet4
    src: str = "0.0.0.0"
    dst: str = BCAST


@dataclass
class Scenario:
    name: str
    config: dict[str, Any]
    queries: list[Q] = field(default_factory=list)


def q(name: str, mtype: int, n: int, xid: int, *, src: str = "0.0.0.0", dst: str = BCAST,
      relayed: bool = False, options: dict[int, bytes] | None = None, **fields: Any) -> Q:
    opts = {53: bytes((mtype,))} if mtype else {}
    opts.update(options or {})
    if relayed:
        fields["giaddr"] = ip(RELAY)
        src, dst = RELAY, SERVER
    return Q(name, Packet4(1, xid, mac(n), options=opts, **fields), src, dst)


def renew(name: str, n: int, xid: int, addr: str, **kw: Any) -> Q:
    return q(name, 3, n, xid, src=addr, dst=SERVER, ciaddr=ip(addr), **kw)


SID = {54: a4(SERVER)}


def req(name: str, n: int, xid: int, addr: str, sid: bytes = a4(SERVER),
        **extra: bytes) -> Q:
    return q(name, 3, n, xid, options={50: a4(addr), 54: sid,
                                       **{int(k[1:]): v for k, v in extra.items()}})


def dhcp4(**body: Any) -> dict[str, Any]:
    """A Kea configuration for the lab's server interface."""
    base: dict[str, Any] = {
        "interfaces-config": {"interfaces": [IFACE], "dhcp-socket-type": "raw"},
        "lease-database": {"type": "memfile", "persist": False},
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": "stdout"}]}],
        "valid-lifetime": 600}
    base.update(body)
    return {"Dhcp4": base}


def subnet(pool: str = "192.0.2.100-192.0.2.190", **extra: Any) -> dict[str, Any]:
    return {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": pool}], **extra}


# --- scenarios -------------------------------------------------------------------------

def names_and_states() -> list[Scenario]:
    config = dhcp4(**{
        "ddns-qualifying-suffix": "example.org",
        "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"},
                        {"name": "ntp-servers", "data": "192.0.2.123", "always-send": True},
                        {"name": "time-servers", "data": "192.0.2.124"}],
        "client-classes": [{"name": "pxe", "test": "option[60].text == 'PXE'",
                            "next-server": "192.0.2.9", "boot-file-name": "pxe.0",
                            "server-hostname": "bootsrv"}],
        "subnet4": [subnet(**{"calculate-tee-times": True, "option-data": [
            {"name": "routers", "data": "192.0.2.1"}], "reservations": [
            {"hw-address": "02:00:00:00:00:20", "ip-address": "192.0.2.20",
             "hostname": "Res-Host"}]})]})
    queries = [
        q("fqdn-partial", 1, 1, 1, options={81: bytes((5, 0, 0)) + b"\x06laptop",
                                             55: bytes((1, 3, 6, 4))}),
        q("fqdn-full-ascii", 1, 2, 2, options={81: bytes((0, 0, 0)) + b"host.other.net."}),
        q("fqdn-n", 1, 3, 3, options={81: bytes((0x0C, 0, 0)) + b"\x02pc"}),
        q("hostname", 1, 4, 4, options={12: b"My_Laptop"}),
        q("hostname-fq", 1, 5, 5, options={12: b"Box.Lan"}),
        q("res-prl", 1, 0x20, 6, options={55: bytes((12,))}),
        q("res-sent12", 1, 0x20, 7, options={12: b"whatever"}),
        q("res-fqdn", 1, 0x20, 8, options={81: bytes((5, 0, 0)) + b"\x02pc"}),
        q("pxe", 1, 6, 9, options={60: b"PXE"}),
        q("cid", 1, 7, 10, options={61: b"\x01\x02\x00\x00\x00\x00\x07", 118: a4("192.0.2.0")}),
        q("srvid-discover", 1, 8, 11, options=SID),
        q("init-reboot-unknown", 3, 9, 12, options={50: a4("192.0.2.150")}),
        req("req-out-of-pool", 10, 13, "192.0.2.10"),
        req("req-ok", 11, 14, "192.0.2.160", o51=(100).to_bytes(4, "big")),
        renew("renew", 11, 15, "192.0.2.160"),
        q("init-reboot-known-wrong", 3, 11, 16, options={50: a4("192.0.2.161")}),
        q("inform", 8, 12, 17, src="192.0.2.201", dst=SERVER, ciaddr=ip("192.0.2.201"),
          options={55: bytes((3, 6, 42, 4))}),
        q("inform-bcast", 8, 13, 18, src="192.0.2.202", ciaddr=ip("192.0.2.202")),
        q("bcast-flag", 1, 14, 19, flags=0x8000),
        req("req-other-server", 15, 20, "192.0.2.170", sid=a4("192.0.2.99")),
        q("decline", 4, 11, 21, options={50: a4("192.0.2.160"), **SID}),
        renew("after-decline-renew", 11, 22, "192.0.2.160"),
        q("lease-time-req", 1, 16, 23, options={51: (5000).to_bytes(4, "big")}),
    ]
    auth = json.loads(json.dumps(config))
    auth["Dhcp4"]["authoritative"] = True
    return [Scenario("names-and-states", config, queries),
            Scenario("authoritative", auth, [q("init-reboot-unknown", 3, 9, 30,
                                               options={50: a4("192.0.2.150")})])]


def unknown_addresses() -> list[Scenario]:
    out = []
    for auth in (False, True):
        config = dhcp4(authoritative=auth, subnet4=[
            {"id": 1, "subnet": "192.0.2.0/24",
             "pools": [{"pool": "192.0.2.100-192.0.2.190"},
                       {"pool": "192.0.2.200-192.0.2.210", "client-class": "nobody"}]},
            {"id": 2, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.100-10.0.0.190"}]}])
        out.append(Scenario(f"unknown-addresses-auth-{auth}", config, [
            req("out-of-pool", 10, 13, "192.0.2.10"),
            req("other-subnet", 11, 14, "10.0.0.150"),
            req("class-pool", 12, 15, "192.0.2.205"),
            req("nowhere", 13, 16, "172.16.0.5"),
            renew("renew-out-of-pool", 14, 17, "192.0.2.10"),
            q("rebind-out-of-pool", 3, 15, 18, src="192.0.2.11", ciaddr=ip("192.0.2.11"))]))
    return out


def reservations_and_relays() -> list[Scenario]:
    config = dhcp4(**{
        "reservations-global": True, "reservations-in-subnet": True,
        "host-reservation-identifiers": ["circuit-id", "hw-address", "duid", "client-id"],
        "reservations": [
            {"hw-address": "02:00:00:00:00:30", "ip-address": "192.0.2.30", "hostname": "glob"},
            {"hw-address": "02:00:00:00:00:31", "hostname": "globname-only",
             "client-classes": ["vip"]}],
        "client-classes": [
            {"name": "vip", "option-data": [{"name": "domain-name", "data": "vip.example"}]},
            {"name": "knowns", "test": "member('KNOWN')",
             "option-data": [{"name": "cookie-servers", "data": "192.0.2.77"}]}],
        "option-def": [{"name": "tftp", "code": 1, "type": "ipv4-address",
                        "space": "vendor-encapsulated-options-space"}],
        "option-data": [{"name": "vendor-encapsulated-options"},
                        {"name": "tftp", "space": "vendor-encapsulated-options-space",
                         "data": "192.0.2.70"}],
        "subnet4": [
            subnet(reservations=[
                {"hw-address": "02:00:00:00:00:32", "ip-address": "192.0.2.150"},
                {"circuit-id": "'eth1/1'", "ip-address": "192.0.2.40"},
                {"client-id": "01:02:00:00:00:00:33", "ip-address": "192.0.2.41"},
                {"duid": "00:03:00:01:02:00:00:00:00:34", "ip-address": "192.0.2.42"}]),
            {"id": 2, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.100-10.0.0.190"}],
             "option-data": [{"name": "routers", "data": "10.0.0.1"}]}]})
    duid = bytes.fromhex("00030001020000000034")
    return [Scenario("reservations-and-relays", config, [
        q("twice-1", 1, 1, 1), q("twice-2", 1, 1, 2),
        q("glob-res", 1, 0x30, 3, options={55: bytes((12, 15))}),
        q("glob-name", 1, 0x31, 4, options={55: bytes((12, 15, 8))}),
        q("in-pool-res", 1, 0x32, 5), q("other-after", 1, 2, 6),
        q("circuit", 1, 0x35, 7, relayed=True, hops=1,
          options={82: build_rai([(1, b"eth1/1"), (2, b"rid")])}),
        q("cid-res", 1, 0x36, 8, options={61: bytes.fromhex("01020000000033")}),
        q("duid-res", 1, 0x37, 9, options={61: b"\xff\x00\x00\x00\x01" + duid}),
        q("vendor43", 1, 3, 10, options={55: bytes((43,))}),
        q("link-sel", 1, 4, 11, relayed=True,
          options={82: build_rai([(5, a4("10.0.0.1"))]), 55: bytes((3,))}),
        q("subnet-sel-118", 1, 5, 12, options={118: a4("10.0.0.0")}),
        q("relay-inform-nociaddr", 8, 6, 13, relayed=True),
        q("relay-inform-ciaddr", 8, 7, 14, relayed=True, ciaddr=ip("192.0.2.199"),
          options={82: build_rai([(1, b"x")])}),
        q("relay-nak", 3, 8, 15, relayed=True, options={50: a4("192.0.2.205"), **SID}),
        q("relay-port", 1, 9, 16, relayed=True, options={82: build_rai([(1, b"p"), (19, b"")])}),
        q("empty-rai", 1, 10, 17, relayed=True, options={82: b""}),
        q("hostname-empty", 1, 11, 18, options={12: b"\x00"}),
        q("req-nohint", 3, 12, 19),
        q("discover-ciaddr", 1, 13, 20, ciaddr=ip("192.0.2.180"))])]


def reservation_details() -> list[Scenario]:
    """Reserved fields, options and classes; pools for KNOWN and UNKNOWN clients."""
    return [Scenario(
        "reservation-details", dhcp4(**{
            "client-classes": [{"name": "gold", "next-server": "192.0.2.8",
                                "option-data": [{"name": "domain-name",
                                                 "data": "gold.example"}]}],
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "option-data": [{"name": "routers", "data": "192.0.2.1"}],
                         "pools": [{"pool": "192.0.2.100-192.0.2.109", "client-class": "KNOWN"},
                                   {"pool": "192.0.2.200-192.0.2.209",
                                    "client-class": "UNKNOWN"}],
                         "reservations": [
                             {"hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.10",
                              "next-server": "192.0.2.5", "boot-file-name": "special.efi",
                              "server-hostname": "res-srv", "client-classes": ["gold"],
                              "option-data": [{"name": "routers", "data": "192.0.2.254"}]},
                             {"hw-address": "02:00:00:00:00:02", "hostname": "known-host"},
                             {"hw-address": "02:00:00:00:00:03", "client-classes": ["gold"]}]}]}),
        [q("res-full", 1, 1, 1, options={55: bytes((3, 15))}),
         req("res-full-req", 1, 2, "192.0.2.10", o55=bytes((3, 15))),
         q("known-no-address", 1, 2, 3, options={55: bytes((12,))}),
         q("known-class-only", 1, 3, 4, options={55: bytes((15,))}),
         q("unknown", 1, 4, 5, options={55: bytes((15,))}),
         req("unknown-asks-known-pool", 4, 6, "192.0.2.105"),
         req("res-asks-other", 1, 7, "192.0.2.101")])]


def shared_network_sequence() -> list[Scenario]:
    config = dhcp4(**{"shared-networks": [{"name": "net", "interface": IFACE, "subnet4": [
        {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100-192.0.2.101"},
                                                      {"pool": "192.0.2.150-192.0.2.151"}]},
        {"id": 2, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.100-10.0.0.102"}],
         "option-data": [{"name": "routers", "data": "10.0.0.1"}]},
        {"id": 3, "subnet": "10.9.0.0/24", "client-class": "VENDOR_CLASS_x",
         "pools": [{"pool": "10.9.0.100-10.9.0.102"}]}]}]})
    return [Scenario("shared-network-sequence", config, [
        q("d1", 1, 1, 1), req("r1", 1, 2, "192.0.2.100"),
        q("d2", 1, 2, 3), req("r2", 2, 4, "192.0.2.101"),
        q("d3", 1, 3, 5), req("r3", 3, 6, "192.0.2.150"),
        q("d4", 1, 4, 7), req("r4", 4, 8, "192.0.2.151"),
        q("d5", 1, 5, 9), req("r5", 5, 10, "10.0.0.100"),
        q("d6", 1, 6, 11),
        q("rel", 7, 1, 12, src="192.0.2.100", dst=SERVER, ciaddr=ip("192.0.2.100"),
          options=SID),
        q("d7", 1, 7, 13), q("dx", 1, 8, 14, options={60: b"x"}),
        q("d1-again", 1, 1, 15),
        q("ir5", 3, 5, 16, options={50: a4("10.0.0.100")}),
        q("ir5-wrong", 3, 5, 17, options={50: a4("192.0.2.151")}),
        renew("renew5", 5, 18, "10.0.0.100"),
        q("decl4", 4, 4, 19, options={50: a4("192.0.2.151"), **SID}),
        q("d9", 1, 9, 20), q("d10", 1, 10, 21), q("d11", 1, 11, 22), q("d12", 1, 12, 23)])]


def class_guards_and_bootp() -> list[Scenario]:
    guards = dhcp4(**{"client-classes": [{"name": "vc", "test": "option[60].text == 'y'"}],
                      "subnet4": [
                          subnet("192.0.2.100-192.0.2.102", **{"client-class": "VENDOR_CLASS_x"}),
                          {"id": 2, "subnet": "10.0.0.0/24", "client-class": "vc",
                           "pools": [{"pool": "10.0.0.100-10.0.0.102"}]}]})
    bootp = dhcp4(**{
        "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_bootp.so"}],
        "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"}],
        "client-classes": [{"name": "bootp-cls", "test": "member('BOOTP')",
                            "boot-file-name": "boot.img"}],
        "subnet4": [subnet("192.0.2.100-192.0.2.102", **{
            "option-data": [{"name": "routers", "data": "192.0.2.1"}],
            "reservations": [{"hw-address": "02:00:00:00:00:09", "ip-address": "192.0.2.9"}]})]})
    return [
        Scenario("class-guards", guards, [
            q("x", 1, 1, 1, options={60: b"x"}), q("none", 1, 2, 2),
            q("y-relay", 1, 3, 3, giaddr=ip("10.0.0.1"), src=RELAY, dst=SERVER,
              options={60: b"y"}),
            q("y-118", 1, 4, 4, options={60: b"y", 118: a4("10.0.0.0")})]),
        Scenario("bootp", bootp, [
            q("bootp", 0, 1, 1), q("bootp-res", 0, 9, 2), q("bootp-again", 0, 1, 3),
            q("bootp-prl", 0, 2, 4, options={55: bytes((6, 3, 42))}),
            q("bootp-bcast", 0, 3, 5, flags=0x8000), q("dhcp", 1, 4, 6)])]


def vendor_options() -> list[Scenario]:
    oro = build_vivso([(4491, [(1, bytes((2,)))])])
    queries = [q("plain", 1, 1, 1), q("prl125", 1, 2, 2, options={55: bytes((125,))}),
               q("oro", 1, 3, 3, options={125: oro}),
               q("oro+prl", 1, 4, 4, options={125: oro, 55: bytes((125,))}),
               q("other-vendor", 1, 5, 5,
                 options={125: build_vivso([(1234, [(1, bytes((2,)))])])})]
    out = []
    for name, vivso, sub in (("none", {}, {}), ("vivso-always", {"always-send": True}, {}),
                             ("sub-always", {}, {"always-send": True})):
        config = dhcp4(**{"option-data": [
            {"name": "vivso-suboptions", "data": "4491", **vivso},
            {"name": "tftp-servers", "space": "vendor-4491", "data": "10.1.1.202,10.1.1.203",
             **sub}], "subnet4": [subnet("192.0.2.100-192.0.2.150")]})
        out.append(Scenario(f"vendor-{name}", config, queries))
    return out


def generated_names() -> list[Scenario]:
    queries = [q("d-name", 1, 1, 1, options={12: b"foo"}), q("d-noname", 1, 2, 2),
               q("d-prl12", 1, 3, 3, options={55: bytes((12,))}),
               req("r-name", 4, 4, "192.0.2.140", o12=b"bar"),
               req("r-noname", 5, 5, "192.0.2.141"),
               q("d-fqdn", 1, 6, 6, options={81: bytes((5, 0, 0)) + b"\x03baz"}),
               q("d-fqdn-empty", 1, 7, 7, options={81: bytes((5, 0, 0))}),
               q("d-dot", 1, 8, 8, options={12: b"."})]
    return [Scenario(f"names-{mode}", dhcp4(**{
        "ddns-replace-client-name": mode, "ddns-generated-prefix": "gen",
        "ddns-qualifying-suffix": "example.org",
        "subnet4": [subnet("192.0.2.100-192.0.2.150")]}), queries)
        for mode in ("never", "always", "when-present", "when-not-present")]


def server_ids_and_early_lookup() -> list[Scenario]:
    sids = dhcp4(**{
        "authoritative": True,
        "client-classes": [{"name": "special", "test": "option[60].text == 's'",
                            "option-data": [{"name": "dhcp-server-identifier",
                                             "data": "10.7.7.7"}]}],
        "subnet4": [subnet("192.0.2.100-192.0.2.150", **{"option-data": [
            {"name": "dhcp-server-identifier", "data": "10.9.9.9"}]})]})
    out = [Scenario("server-ids", sids, [
        q("d", 1, 1, 1), req("r", 1, 2, "192.0.2.100", sid=a4("10.9.9.9")),
        q("nak-known", 3, 1, 3, options={50: a4("192.0.2.120")}),
        q("nak-unknown", 3, 2, 4, options={50: a4("192.0.2.120")}),
        q("class-sid", 1, 3, 5, options={60: b"s"}),
        req("class-sid-req", 3, 6, "192.0.2.101", sid=a4("10.7.7.7"), o60=b"s"),
        q("inform", 8, 4, 7, src="192.0.2.201", dst=SERVER, ciaddr=ip("192.0.2.201")),
        req("req-sid-ours-iface", 5, 8, "192.0.2.130")])]
    for early in (False, True):
        config = dhcp4(**{
            "early-global-reservations-lookup": early, "reservations-global": True,
            "reservations-in-subnet": True,
            "client-classes": [{"name": "vip"}, {"name": "k", "test": "member('KNOWN')",
                                                 "option-data": [{"name": "domain-name",
                                                                  "data": "known.example"}]}],
            "reservations": [{"hw-address": "02:00:00:00:00:01", "client-classes": ["vip"]},
                             {"hw-address": "02:00:00:00:00:02", "client-classes": ["DROP"]}],
            "subnet4": [subnet("192.0.2.100-192.0.2.150", **{"client-class": "vip"})]})
        out.append(Scenario(f"early-global-{early}", config, [
            q("vip", 1, 1, 1, options={55: bytes((15,))}), q("plain", 1, 3, 2),
            q("drop", 1, 2, 3), q("vip-rel", 1, 1, 4, relayed=True, options={55: bytes((15,))}),
            q("plain-rel", 1, 3, 5, relayed=True), q("drop-rel", 1, 2, 6, relayed=True)]))
    shared_res = dhcp4(**{"ip-reservations-unique": False, "subnet4": [subnet(
        "192.0.2.100-192.0.2.103", reservations=[
            {"hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.100"},
            {"hw-address": "02:00:00:00:00:02", "ip-address": "192.0.2.100"},
            {"hw-address": "02:00:00:00:00:05", "ip-address": "192.0.2.20"}])]})
    out.append(Scenario("non-unique-reservations", shared_res, [
        q("d1", 1, 1, 1), req("r1", 1, 2, "192.0.2.100"), q("d2", 1, 2, 3), q("d3", 1, 3, 4),
        req("r2-res", 2, 5, "192.0.2.100"), req("r5-other", 5, 6, "192.0.2.102"),
        req("r5-res", 5, 7, "192.0.2.20"), q("r6-nohint", 3, 6, 8), q("d5", 1, 5, 9),
        renew("r5-renew-other", 5, 10, "192.0.2.101")]))
    return out


def lifecycle() -> list[Scenario]:
    """Release, decline, exhaustion, conflicts, NAKs and ignored message types."""
    config = dhcp4(subnet4=[subnet("192.0.2.100-192.0.2.102", reservations=[
        {"hw-address": "02:00:00:00:00:09", "ip-address": "192.0.2.101"}])])
    return [Scenario("lifecycle", config, [
        q("d1", 1, 1, 1), req("r1", 1, 2, "192.0.2.100"),
        q("d2", 1, 2, 3), req("r2", 2, 4, "192.0.2.102"),
        q("d3", 1, 3, 5), q("d9", 1, 9, 6), req("r9", 9, 7, "192.0.2.101"),
        q("release1", 7, 1, 8, src="192.0.2.100", dst=SERVER, ciaddr=ip("192.0.2.100"),
          options=SID),
        q("release-stranger", 7, 7, 9, src="192.0.2.102", dst=SERVER,
          ciaddr=ip("192.0.2.102"), options=SID),
        q("decline2", 4, 2, 10, options={50: a4("192.0.2.102"), **SID}),
        q("decline-no-50", 4, 9, 11, options=SID),
        q("d4", 1, 4, 12), req("r4", 4, 13, "192.0.2.100"), q("d5", 1, 5, 14),
        req("nak-taken", 6, 15, "192.0.2.101"),
        q("inform", 8, 7, 16, src="192.0.2.201", dst=SERVER, ciaddr=ip("192.0.2.201")),
        q("offer-type", 2, 8, 17), q("no-identity", 1, 0, 18, hlen=0),
        q("unknown-type", 200, 10, 19)])]


def client_ids() -> list[Scenario]:
    cid = {61: b"\x01\xaa\xbb\xcc\xdd\xee\xff"}
    queries = [q("d", 1, 1, 1, options=cid), req("r", 1, 2, "192.0.2.100", o61=cid[61]),
               q("other-hw-same-cid", 1, 2, 3, options=cid),
               q("same-hw-other-cid", 1, 1, 4, options={61: b"\x01\x99"}),
               q("same-hw-no-cid", 1, 1, 5)]
    return [Scenario(f"client-id-{name}", dhcp4(**glob, subnet4=[subnet(**sub)]), queries)
            for name, glob, sub in (("default", {}, {}),
                                    ("no-match", {}, {"match-client-id": False}),
                                    ("no-echo", {"echo-client-id": False}, {}))]


def option_precedence() -> list[Scenario]:
    config = dhcp4(**{
        "option-data": [{"name": "domain-name", "data": "global.example"},
                        {"name": "ntp-servers", "data": "192.0.2.1"},
                        {"name": "time-servers", "data": "192.0.2.2", "always-send": True}],
        "client-classes": [{"name": "VENDOR_CLASS_acme", "option-data": [
            {"name": "ntp-servers", "data": "192.0.2.11"},
            {"name": "time-servers", "data": "192.0.2.12"},
            {"name": "log-servers", "data": "192.0.2.13"}]},
            {"name": "short", "test": "option[60].text == 'short'", "valid-lifetime": 77,
             "next-server": "192.0.2.6", "server-hostname": "short-srv"},
            {"name": "late", "only-if-required": True, "test": "option[60].exists",
             "option-data": [{"name": "domain-name", "data": "late.example"}]}],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "renew-timer": 100,
                     "rebind-timer": 200, "min-valid-lifetime": 300,
                     "max-valid-lifetime": 900, "next-server": "192.0.2.5",
                     "boot-file-name": "subnet.efi",
                     "require-client-classes": ["late"],
                     "option-data": [{"name": "domain-name", "data": "subnet.example"},
                                     {"name": "ntp-servers", "data": "192.0.2.21"}],
                     "pools": [{"pool": "192.0.2.100-192.0.2.150", "option-data": [
                         {"name": "domain-name", "data": "pool.example"}]}]}]})
    return [Scenario("option-precedence", config, [
        q("acme", 1, 1, 1, options={55: bytes((4, 7, 15, 42)), 60: b"acme"}),
        q("plain", 1, 2, 2, options={55: bytes((4, 7, 15, 42))}),
        q("nothing-asked", 1, 3, 3),
        q("short-lease", 1, 4, 4, options={51: (10).to_bytes(4, "big")}),
        q("long-lease", 1, 5, 5, options={51: (100000).to_bytes(4, "big")}),
        q("max-size", 1, 6, 6, options={57: (1500).to_bytes(2, "big"), 55: bytes((15,))}),
        q("class-lifetime", 1, 7, 7, options={60: b"short", 55: bytes((15,))}),
        q("class-lifetime-asked", 1, 8, 8, options={60: b"short", 51: (50).to_bytes(4, "big")}),
        q("inform-required", 8, 9, 9, src="192.0.2.9", dst=SERVER, ciaddr=ip("192.0.2.9"),
          options={60: b"x", 55: bytes((15,))})])]


def relay_details() -> list[Scenario]:
    """RFC 5107 server identifier override, relays no subnet covers, relayed NAKs."""
    override = build_rai([(1, b"c"), (11, a4("10.5.5.5"))])
    config = dhcp4(authoritative=True, subnet4=[subnet()], **{"option-data": [
        {"name": "domain-name-servers", "data": "192.0.2.53"}]})
    return [Scenario("relay-details", config, [
        q("d", 1, 1, 1, relayed=True, options={82: override}),
        q("r", 3, 1, 2, relayed=True, options={82: override, 50: a4("192.0.2.100"),
                                               54: a4("10.5.5.5")}),
        q("r-no-override", 3, 2, 3, relayed=True, options={
            82: build_rai([(1, b"c")]), 50: a4("192.0.2.101"), 54: a4("10.5.5.5")}),
        q("unknown-relay", 1, 3, 4, giaddr=ip("10.99.0.1"), src=RELAY, dst=SERVER),
        q("unknown-relay-req", 3, 3, 5, giaddr=ip("10.99.0.1"), src=RELAY, dst=SERVER,
          options={50: a4("10.99.0.5")}),
        q("relayed-reboot-wrong", 3, 1, 6, relayed=True, options={50: a4("192.0.2.150")}),
        q("relayed-reboot-right", 3, 1, 7, relayed=True, flags=0x8000,
          options={50: a4("192.0.2.100")}),
        q("inform-unknown-relay", 8, 4, 8, giaddr=ip("10.99.0.1"), src=RELAY, dst=SERVER,
          ciaddr=ip("10.99.0.7")),
        q("inform-unicast-unknown", 8, 5, 9, src="10.98.0.5", dst=SERVER,
          ciaddr=ip("10.98.0.5"))])]


def shared_network_reservations() -> list[Scenario]:
    """A reservation in another subnet of the network moves the client there."""
    config = dhcp4(**{"reservations-global": True, "reservations-in-subnet": True,
                      "reservations": [{"hw-address": "02:00:00:00:00:07",
                                        "ip-address": "10.0.0.70"}],
                      "shared-networks": [{"name": "net", "interface": IFACE, "subnet4": [
        {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100-192.0.2.101"}]},
        {"id": 2, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.100-10.0.0.101"}],
         "option-data": [{"name": "routers", "data": "10.0.0.1"}],
         "reservations": [{"hw-address": "02:00:00:00:00:05", "ip-address": "10.0.0.50"},
                          {"hw-address": "02:00:00:00:00:06", "ip-address": "10.0.0.101"}]}]}]})
    return [Scenario("shared-network-reservations", config, [
        q("res-other-subnet", 1, 5, 1), req("res-other-subnet-req", 5, 2, "10.0.0.50"),
        # A global reservation for 10.0.0.70 (mac 7) is left out: Kea 2.2 hands it out
        # in subnet 1 with subnet 1's options, a bug later Kea fixed (the lease
        # belongs to subnet 2); test_reservations.py checks the fixed behaviour.
        q("in-pool-res", 1, 6, 3),
        q("d1", 1, 1, 5), q("d2", 1, 2, 6), q("d3", 1, 3, 7),
        q("init-reboot", 3, 5, 8, options={50: a4("10.0.0.50")})])]


BUILDERS: tuple[Callable[[], list[Scenario]], ...] = (
    names_and_states, unknown_addresses, reservations_and_relays, shared_network_sequence,
    class_guards_and_bootp, vendor_options, generated_names, server_ids_and_early_lookup,
    lifecycle, client_ids, option_precedence, relay_details, reservation_details,
    shared_network_reservations)


def scenarios() -> list[Scenario]:
    return [s for build in BUILDERS for s in build()]


# --- recording ---------------------------------------------------------------------------

def _statistics(sock: str) -> dict[str, Any]:
    """Kea's ``statistic-get-all`` answer, latest values only."""
    import socket

    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sock)
        s.sendall(json.dumps({"command": "statistic-get-all"}).encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return {k: v[0][0] for k, v in json.loads(data)["arguments"].items()}


def record(path: Path = RECORDED) -> None:
    """Replay every scenario to kea-dhcp4 in a namespace lab; write the replies and
    the statistics Kea reports afterwards."""
    import copy
    import subprocess

    from tests.interop.expr_lab import ExprLab, Query

    version = subprocess.run(["kea-dhcp4", "-V"], capture_output=True, text=True,
                             check=True).stdout.split()[0]
    out: dict[str, Any] = {"kea-version": version, "scenarios": {}, "statistics": {}}
    with ExprLab() as lab:
        sock = str(lab.lab.workdir / "kea.sock")
        for sc in scenarios():
            config = copy.deepcopy(sc.config)
            config["Dhcp4"]["control-socket"] = {"socket-type": "unix", "socket-name": sock}
            conf = lab.lab.workdir / "kea-cases.json"
            conf.write_text(json.dumps(config, indent=1))
            env = {"KEA_PIDFILE_DIR": str(lab.lab.workdir),
                   "KEA_LOCKFILE_DIR": str(lab.lab.workdir)}
            kea = lab.lab.spawn(lab.srv, ["kea-dhcp4", "-c", str(conf)], "kea4", env=env)
            try:
                lab._wait_started(kea)
                replies = lab._exchange([Query(x.name, x.packet, x.src, x.dst)
                                         for x in sc.queries], 4.0)
                out["statistics"][sc.name] = _statistics(sock)
            finally:
                kea.stop()
            out["scenarios"][sc.name] = {
                x.name: None if replies[x.name] is None else replies[x.name].serialize().hex()
                for x in sc.queries}
            print(f"{sc.name}: {sum(r is not None for r in replies.values())} replies")
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        sys.exit("usage: python -m tests.unit.engine.kea_cases --record")
    record()
