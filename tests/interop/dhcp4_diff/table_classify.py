"""Scenarios for Kea's shipped examples ``kea4/classify.json`` and ``classify2.json``.

Each example is served as shipped except for interface names (``eth0`` is the
server's link, ``eth1`` becomes ``lo``), the lease file path and the log output
(see ``tests/integration/test_classify_examples.py``). The clients are chosen to
match each class the examples define:

* ``VoIP``: option 60 beginning with ``Aastra``; grants the 192.0.2.0/24 subnet on
  the server's link, the VoIP pool of 192.0.4.0/23, and next-server 192.0.2.254,
  server-hostname ``hal9000``, boot file ``/dev/null``;
* ``special_snowflake``: chaddr 01:02:03:04:05:06; option 6 = 127.0.0.1;
* the reservation of 1a:1b:1c:1d:1e:1f in 192.0.3.0/24 puts the client in ``VoIP``;
* (classify2) ``VoIP_host``: VoIP and KNOWN, server-hostname ``hal9001``;
  ``second_subnet``: required by 192.0.3.0/24, option 6 = 127.0.0.1; the
  KNOWN/UNKNOWN pools of 192.0.8.0/23.

Relayed clients reach 192.0.4.0/23 through giaddr 192.0.5.254 and 192.0.8.0/23
through 192.0.9.254 (addresses outside every pool). These groups are not part of
``scenarios.SCENARIOS``: their configurations are Kea's files, not ``configs.py``'s.
"""

from __future__ import annotations

from tests.interop.dhcp4_diff.steps import Scenario
from tests.interop.dhcp4_diff.table_base import disc, dora, silent, steps

VOIP = (60, "txt:Aastra6731i")
BOOT = (55, "u8s:1,3,6,15,43,66,67")
VOIP_RELAY = "192.0.5.254"  # in 192.0.4.0/23, outside its pools
KNOWN_RELAY = "192.0.9.254"  # in 192.0.8.0/23, outside its pools
EXTRA_GIADDRS = (VOIP_RELAY, KNOWN_RELAY)

CLASSIFY: tuple[Scenario, ...] = (
    Scenario("cl1-voip-direct", "classify",
             steps(dora("02:00:00:0c:00:01", VOIP, BOOT, via="direct")),
             kea="OFFER 192.0.2.1, ACK 192.0.2.1",
             covers="VoIP on the server's link: the VoIP-only subnet, class boot fields"),
    Scenario("cl1-other-direct", "classify",
             steps(dora("02:00:00:0c:00:02", BOOT, via="direct")),
             kea="OFFER 192.0.3.1, ACK 192.0.3.1",
             covers="not VoIP: the guarded subnet is skipped, the next one on eth0 serves"),
    Scenario("cl1-reserved-voip", "classify",
             steps(dora("1a:1b:1c:1d:1e:1f", BOOT, via="direct")),
             kea="OFFER 192.0.3.2, ACK 192.0.3.2",
             covers="VoIP from a reservation: boot fields after subnet selection"),
    Scenario("cl1-voip-relayed", "classify",
             steps(dora("02:00:00:0c:00:03", VOIP, BOOT, giaddr=VOIP_RELAY)),
             kea="OFFER 192.0.4.1, ACK 192.0.4.1",
             covers="VoIP relayed to 192.0.4.0/23: the VoIP pool"),
    Scenario("cl1-other-relayed", "classify",
             steps(dora("02:00:00:0c:00:04", BOOT, giaddr=VOIP_RELAY)),
             kea="OFFER 192.0.5.1, ACK 192.0.5.1",
             covers="others relayed to 192.0.4.0/23: the open pool"),
    Scenario("cl1-snowflake", "classify",
             steps(dora("01:02:03:04:05:06", BOOT, giaddr=VOIP_RELAY)),
             kea="OFFER 192.0.5.2, ACK 192.0.5.2",
             covers="special_snowflake by chaddr: its domain-name-servers"),
)

CLASSIFY2: tuple[Scenario, ...] = (
    Scenario("cl2-voip-direct", "classify2",
             steps(dora("02:00:00:0d:00:01", VOIP, BOOT, via="direct")),
             kea="OFFER 192.0.2.1, ACK 192.0.2.1",
             covers="VoIP on the server's link (not KNOWN: hal9000)"),
    Scenario("cl2-reserved-voip-host", "classify2",
             steps(dora("1a:1b:1c:1d:1e:1f", BOOT, via="direct")),
             kea="OFFER 192.0.3.1, ACK 192.0.3.1",
             covers="VoIP from the reservation and KNOWN: VoIP_host's hal9001 overrides "
                    "hal9000; the subnet's required class second_subnet adds option 6"),
    Scenario("cl2-other-direct", "classify2",
             steps(dora("02:00:00:0d:00:02", BOOT, via="direct")),
             kea="OFFER 192.0.3.2, ACK 192.0.3.2",
             covers="an unknown client on 192.0.3.0/24: required class options only"),
    Scenario("cl2-known-pool", "classify2",
             steps(dora("00:00:00:11:22:33", BOOT, giaddr=KNOWN_RELAY)),
             kea="OFFER 192.0.9.100, ACK 192.0.9.100",
             covers="a reserved client (no address): the KNOWN pool, its hostname"),
    Scenario("cl2-unknown-pool", "classify2",
             steps(dora("02:00:00:0d:00:03", BOOT, giaddr=KNOWN_RELAY)),
             kea="OFFER 192.0.8.100, ACK 192.0.8.100",
             covers="an unknown client: the UNKNOWN pool"),
    Scenario("cl2-voip-relayed", "classify2",
             steps(dora("02:00:00:0d:00:04", VOIP, BOOT, giaddr=VOIP_RELAY)),
             kea="OFFER 192.0.4.1, ACK 192.0.4.1",
             covers="VoIP relayed to 192.0.4.0/23: the VoIP pool"),
    Scenario("cl2-voip-known", "classify2",
             steps(dora("00:00:00:44:55:66", VOIP, BOOT, giaddr=KNOWN_RELAY)),
             kea="OFFER 192.0.9.101, ACK 192.0.9.101",
             covers="VoIP by option 60 and KNOWN by a reservation: VoIP_host"),
    Scenario("cl2-voip-wrong-relay", "classify2",
             steps(silent(disc("02:00:00:0d:00:05", VOIP, giaddr="192.0.77.1"))),
             kea="-",
             covers="a relay no subnet covers: no answer"),
)

EXAMPLES = {"classify": CLASSIFY, "classify2": CLASSIFY2}


# Class mechanics the examples do not reach, on a configuration of our own (relayed
# through the harness's usual giaddrs): option precedence by assignment order, classes
# from a reservation against a receive-time test naming them, DROP after the host
# lookup, and the order of required classes of a pool, subnet and shared network.
ORDER_PRL = (55, "u8s:1,3,8,9,15,42")
ORDER_CONFIG: dict[str, object] = {
    "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
    "client-classes": [
        {"name": "late-known", "test": "member('KNOWN')",
         "option-data": [{"name": "ntp-servers", "data": "10.0.0.1"}]},
        {"name": "early-vendor", "test": "option[60].exists",
         "option-data": [{"name": "ntp-servers", "data": "10.0.0.2"}]},
        {"name": "vip", "option-data": [{"name": "cookie-servers", "data": "10.0.0.3"}]},
        {"name": "not-vip", "test": "not member('vip')",
         "option-data": [{"name": "lpr-servers", "data": "10.0.0.4"}]},
        {"name": "DROP", "test": "member('KNOWN') and option[60].text == 'drop-me'"},
        {"name": "vip2", "option-data": [{"name": "cookie-servers", "data": "10.0.0.5"}]},
        {"name": "gold", "test": "substring(option[60].hex, 0, 4) == 'gold'"},
        {"name": "silver", "test": "option[60].text == 'silver' or "
                                   "option[60].text == 'goldsilver'"},
        {"name": "req-net", "only-if-required": True, "test": "member('ALL')",
         "option-data": [{"name": "domain-name", "data": "net.example"}]},
        {"name": "req-subnet", "only-if-required": True, "test": "member('ALL')",
         "option-data": [{"name": "domain-name", "data": "subnet.example"}]},
        {"name": "req-pool", "only-if-required": True, "test": "member('ALL')",
         "option-data": [{"name": "domain-name", "data": "pool.example"}]}],
    "subnet4": [{
        "id": 101, "subnet": "10.1.0.0/24", "pools": [{"pool": "10.1.0.100 - 10.1.0.199"}],
        "reservations": [{"hw-address": "02:00:00:0e:00:01", "client-classes": ["vip"]},
                         {"hw-address": "02:00:00:0e:00:02", "hostname": "two"}]}],
    "shared-networks": [{
        "name": "net", "require-client-classes": ["req-net"],
        "subnet4": [{"id": 102, "subnet": "10.2.0.0/24",
                     "require-client-classes": ["req-subnet"],
                     "pools": [{"pool": "10.2.0.100 - 10.2.0.199",
                                "require-client-classes": ["req-pool"]}]}]},
        {"name": "net2", "subnet4": [{
            "id": 103, "subnet": "10.3.0.0/24",
            "pools": [{"pool": "10.3.0.10 - 10.3.0.19", "client-class": "vip2"},
                      {"pool": "10.3.0.100 - 10.3.0.199"}],
            "reservations": [{"hw-address": "02:00:00:0e:00:05",
                              "client-classes": ["vip2"]}]}]},
        {"name": "net3", "client-class": "gold", "subnet4": [{
            "id": 104, "subnet": "10.4.0.0/24", "client-class": "silver",
            "pools": [{"pool": "10.4.0.100 - 10.4.0.199"}]}]}],
}

ORDER: tuple[Scenario, ...] = (
    Scenario("ord-vendor-unknown", "class-order",
             steps(dora("02:00:00:0e:00:03", ORDER_PRL, (60, "txt:x"))),
             kea="OFFER 10.1.0.100, ACK 10.1.0.100",
             covers="receive-time classes' options; not-vip for a client without vip"),
    Scenario("ord-known-and-vendor", "class-order",
             steps(dora("02:00:00:0e:00:02", ORDER_PRL, (60, "txt:x"))),
             kea="OFFER 10.1.0.101, ACK 10.1.0.101",
             covers="two classes with option 42: the one assigned first wins although "
                    "the KNOWN-dependent one is defined first"),
    Scenario("ord-known-only", "class-order",
             steps(dora("02:00:00:0e:00:02", ORDER_PRL)),
             kea="OFFER 10.1.0.101, ACK 10.1.0.101",
             covers="a KNOWN-dependent class alone gives its option"),
    Scenario("ord-vip-reserved", "class-order",
             steps(dora("02:00:00:0e:00:01", ORDER_PRL)),
             kea="OFFER 10.1.0.102, ACK 10.1.0.102",
             covers="a class from the reservation against a receive-time test "
                    "'not member(vip)'"),
    Scenario("ord-shared-reserved-class", "class-order",
             steps(dora("02:00:00:0e:00:05", ORDER_PRL, giaddr="10.3.0.1")),
             kea="OFFER 10.3.0.100, ACK 10.3.0.100",
             covers="in a shared network a subnet reservation's class is set after the "
                    "address is chosen: its options apply, its guarded pool does not"),
    Scenario("ord-guards-both", "class-order",
             steps(dora("02:00:00:0e:00:06", ORDER_PRL, (60, "txt:goldsilver"),
                        giaddr="10.4.0.1")),
             kea="OFFER 10.4.0.100, ACK 10.4.0.100",
             covers="shared network guard gold and subnet guard silver: a client in both"),
    Scenario("ord-guards-network-only", "class-order",
             steps(silent(disc("02:00:00:0e:00:07", (60, "txt:gold"), giaddr="10.4.0.1"))),
             kea="-",
             covers="in the network's class but not the subnet's: refused"),
    Scenario("ord-guards-subnet-only", "class-order",
             steps(silent(disc("02:00:00:0e:00:08", (60, "txt:silver"), giaddr="10.4.0.1"))),
             kea="-",
             covers="in the subnet's class but not the network's: refused (Kea's "
                    "Subnet4::clientSupported asks the shared network first, then the "
                    "subnet's own guard)"),
    Scenario("ord-drop-after-hosts", "class-order",
             steps(silent(disc("02:00:00:0e:00:02", (60, "txt:drop-me")))),
             kea="-",
             covers="DROP depending on KNOWN: dropped after the host lookup"),
    Scenario("ord-required-order", "class-order",
             steps(dora("02:00:00:0e:00:04", ORDER_PRL, giaddr="10.2.0.1")),
             kea="OFFER 10.2.0.100, ACK 10.2.0.100",
             covers="required classes of the pool, subnet and shared network all "
                    "configuring option 15",
             xfail="Kea 2.2 evaluates required classes network, subnet, pool (the network's "
                   "option 15 wins); Nestor follows Kea 3.x's evaluate-additional-classes "
                   "order pool, subnet, network (ARM 3.x 'Classification Steps' 12), the "
                   "pool's option 15 wins"),
)

GROUPS = {**EXAMPLES, "class-order": ORDER}
