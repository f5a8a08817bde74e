"""Scenarios on the ``hosts``, ``shared`` and ``match`` configurations.

Host reservations (hw-address, client-id, circuit-id, global, out of pool, reserved
options and boot fields), shared networks and relay addresses, client-id versus
hardware-address matching, echo-client-id and lease caching.
"""

from __future__ import annotations

from tests.interop.dhcp4_diff.steps import Scenario
from tests.interop.dhcp4_diff.table_base import (
    BROADCAST,
    disc,
    dora,
    renew,
    silent,
    steps,
)

CIRCUIT_7 = (82, "hex:0106706f72742d37")  # circuit-id "port-7"
WITH_HOSTNAME = (55, "u8s:1,3,6,8,12,15,51,54,58,59,66,67")
# Lease caching hands out the remaining lifetime, which depends on when each server
# received the renew (within a second of each other).
CACHE_SLACK = 1

HOSTS: tuple[Scenario, ...] = (
    Scenario("reservation-hw-in-pool", "hosts",
             steps(dora("02:00:00:01:00:01", WITH_HOSTNAME)),
             kea="OFFER 10.1.0.150, ACK 10.1.0.150",
             covers="hw-address reservation inside the pool, reserved hostname sent"),
    Scenario("reservation-out-of-pool-options", "hosts",
             steps(dora("02:00:00:01:00:02", WITH_HOSTNAME)),
             kea="OFFER 10.1.0.20, ACK 10.1.0.20",
             covers="reservation outside the pool with its own options, next-server, "
                    "server-hostname and boot-file-name"),
    Scenario("reservation-client-id", "hosts",
             steps(dora("02:00:00:01:aa:03", WITH_HOSTNAME, (61, "hex:01020000010003"))),
             kea="OFFER 10.1.0.30, ACK 10.1.0.30",
             covers="client-id reservation with a different chaddr"),
    Scenario("reservation-circuit-id", "hosts",
             steps(dora("02:00:00:01:aa:04", WITH_HOSTNAME, CIRCUIT_7)),
             kea="OFFER 10.1.0.40, ACK 10.1.0.40",
             covers="circuit-id (option 82) reservation; option 82 echoed"),
    Scenario("reservation-other-subnet-ignored", "hosts",
             steps(dora("02:00:00:01:00:01", WITH_HOSTNAME, giaddr="10.2.0.1")),
             kea="OFFER 10.2.0.100, ACK 10.2.0.100",
             covers="a subnet reservation does not follow the client to another subnet"),
    Scenario("reserved-address-not-offered-to-others", "hosts",
             steps(dora("02:00:00:01:aa:06", WITH_HOSTNAME, (50, "ip:10.1.0.150"))),
             kea="OFFER 10.1.0.100, NAK",
             covers="a DISCOVER for another host's reserved address is offered another; "
                    "a REQUEST insisting on it (option 50 given again) gets a NAK"),
    Scenario("reservation-identifier-order", "hosts",
             steps(dora("02:00:00:01:00:0d", WITH_HOSTNAME, (82, "hex:0106706f72742d38"))),
             kea="OFFER 10.1.0.41, ACK 10.1.0.41",
             covers="a client matching a circuit-id and a hw-address reservation gets the "
                    "one whose identifier comes first in host-reservation-identifiers"),
    Scenario("reservation-client-classes", "hosts",
             steps(dora("02:00:00:01:00:0e", (55, "u8s:1,3,12,42"))),
             kea="OFFER 10.1.0.101, ACK 10.1.0.101",
             covers="classes a reservation names: their options and boot file name"),
    Scenario("global-reservation-address", "hosts",
             steps(dora("02:00:00:03:00:01", WITH_HOSTNAME, giaddr="10.3.0.1")),
             kea="OFFER 10.3.0.250, ACK 10.3.0.250",
             covers="global reservation with an address (reservations-global)"),
    Scenario("global-reservation-name-and-options", "hosts",
             steps(dora("02:00:00:03:00:02", WITH_HOSTNAME, giaddr="10.4.0.1")),
             kea="OFFER 10.4.0.100, ACK 10.4.0.100",
             covers="global reservation with hostname and options, address from the pool"),
    Scenario("global-reservation-not-in-subnet-mode", "hosts",
             steps(dora("02:00:00:03:00:01", WITH_HOSTNAME, giaddr="10.2.0.1")),
             kea="OFFER 10.2.0.101, ACK 10.2.0.101",
             covers="a subnet without reservations-global ignores global reservations"),
)

SHARED: tuple[Scenario, ...] = (
    Scenario("shared-network-overflow", "shared",
             steps(dora("02:00:00:04:00:01", giaddr="10.4.0.1"),
                   dora("02:00:00:04:00:02", giaddr="10.4.0.1"),
                   dora("02:00:00:04:00:03", giaddr="10.4.0.1")),
             kea="OFFER 10.41.0.10, ACK 10.41.0.10, OFFER 10.41.0.11, "
                 "ACK 10.41.0.11, OFFER 10.42.0.10, ACK 10.42.0.10",
             covers="relay address selects a shared network; first subnet full -> second"),
    Scenario("shared-network-renew", "shared",
             steps(dora("02:00:00:04:00:04", giaddr="10.4.0.1"),
                   renew("02:00:00:04:00:04", 1, giaddr="10.4.0.1")),
             kea="OFFER 10.42.0.11, ACK 10.42.0.11, ACK 10.42.0.11",
             covers="renew of a lease in a shared network's second subnet"),
    Scenario("subnet-relay-ip-addresses", "shared",
             steps(dora("02:00:00:04:00:05", giaddr="10.9.0.1")),
             kea="OFFER 172.16.9.10, ACK 172.16.9.10",
             covers="subnet chosen by relay.ip-addresses, not by the giaddr's own subnet"),
    Scenario("shared-network-direct-overflow", "shared",
             steps(dora("02:00:00:04:00:07", via="direct", flags=BROADCAST),
                   dora("02:00:00:04:00:08", via="direct", flags=BROADCAST),
                   dora("02:00:00:04:00:09", via="direct", flags=BROADCAST)),
             kea="OFFER 192.0.2.100, ACK 192.0.2.100, OFFER 192.0.2.101, "
                 "ACK 192.0.2.101, OFFER 198.51.100.10, ACK 198.51.100.10",
             covers="a shared network on the server's own link: its interface address's "
                    "subnet full -> a subnet the server has no address in"),
    Scenario("shared-unknown-relay", "shared",
             steps(silent(disc("02:00:00:04:00:06", giaddr="10.6.0.1"))),
             kea="-",
             covers="a giaddr no subnet or relay list matches: dropped"),
)

PXE = (60, "hex:505845436c69656e743a417263683a30303030303a554e44493a303032303031")
PHONE = (60, "txt:phone")

CLASSES: tuple[Scenario, ...] = (
    Scenario("class-pxe-boot-fields", "classes",
             steps(dora("02:00:00:06:00:01", PXE, (55, "u8s:1,3,6,66,67"))),
             kea="OFFER 10.1.0.100, ACK 10.1.0.100",
             covers="class-level next-server, server-hostname, boot-file-name, option 66"),
    Scenario("class-phone-options", "classes",
             steps(dora("02:00:00:06:00:02", PHONE, (55, "u8s:1,2,3,6,15"))),
             kea="OFFER 10.1.0.101, ACK 10.1.0.101",
             covers="class options add time-offset and override the global domain-name"),
    Scenario("class-restricted-subnet-member", "classes",
             steps(dora("02:00:00:06:00:03", PHONE, giaddr="10.8.0.1")),
             kea="OFFER 10.8.0.100, ACK 10.8.0.100",
             covers="a subnet limited to a class serves a member"),
    Scenario("class-restricted-subnet-other", "classes",
             steps(silent(disc("02:00:00:06:00:04", giaddr="10.8.0.1"))),
             kea="-",
             covers="a subnet limited to a class ignores everyone else"),
    Scenario("known-client-pool", "classes",
             steps(dora("02:00:00:06:00:05", WITH_HOSTNAME, giaddr="10.7.0.1")),
             kea="OFFER 10.7.0.10, ACK 10.7.0.10",
             covers="a reserved (KNOWN) client without a reserved address: KNOWN pool, "
                    "reserved hostname, required class options"),
    Scenario("unknown-client-pool", "classes",
             steps(dora("02:00:00:06:00:06", WITH_HOSTNAME, giaddr="10.7.0.1")),
             kea="OFFER 10.7.0.100, ACK 10.7.0.100",
             covers="an unknown client: UNKNOWN pool; required class options"),
    Scenario("required-class-without-test", "classes",
             steps(dora("02:00:00:06:00:0b", WITH_HOSTNAME, giaddr="10.2.0.1")),
             kea="OFFER 10.2.0.100, ACK 10.2.0.100",
             covers="a required class without a test expression and its options",
             exempt=frozenset({"opt:8"}),
             note="Kea 2.2 never assigns a required class that has no test (it logs "
                  "DHCP4_CLASS_UNTESTABLE), so its option 8 is not sent; Nestor's "
                  "classifier sets such a class (its documented choice, meant to follow "
                  "newer Kea). Option 8 is exempt until the lead settles which is right."),
    Scenario("large-reply-max-size", "classes",
             steps(dora("02:00:00:06:00:07", (60, "txt:big"), (57, "hex:0240"),
                        (55, "u8s:1,3,14,17,18"))),
             kea="OFFER 10.1.0.102, ACK 10.1.0.102",
             covers="options beyond 576 octets with a client maximum size of 576: "
                    "even overloaded they do not fit, so the whole reply is sent (Kea 2.2 "
                    "sends 809 octets)"),
    Scenario("large-reply-overloaded", "classes",
             steps(dora("02:00:00:06:00:0a", (60, "txt:big"), (57, "hex:0240"),
                        (55, "u8s:1,3,14,17"))),
             kea="OFFER 10.1.0.103, ACK 10.1.0.103",
             covers="options that fit 576 octets only with file/sname overloading "
                    "(RFC 2131 section 4.1); compared as values, not layout"),
    Scenario("subnet-selection-option", "classes",
             steps(dora("02:00:00:06:00:08", (118, "ip:10.2.0.1"))),
             kea="OFFER 10.2.0.101, ACK 10.2.0.101",
             covers="option 118 (RFC 3011) selects 10.2.0.0/24 over the giaddr's subnet"),
    Scenario("rai-link-selection", "classes",
             steps(dora("02:00:00:06:00:09", (82, "hex:0106706f72742d39" "05040a020001"))),
             kea="OFFER 10.2.0.102, ACK 10.2.0.102",
             covers="RAI link-selection sub-option (RFC 3527) selects 10.2.0.0/24"),
)

MATCH: tuple[Scenario, ...] = (
    Scenario("match-client-id-true", "match",
             steps(dora("02:00:00:05:00:01", (61, "hex:0401020304")),
                   disc("02:00:00:05:00:02", (61, "hex:0401020304"))),
             kea="OFFER 10.1.0.100, ACK 10.1.0.100, OFFER 10.1.0.100",
             covers="match-client-id true: same client-id, new MAC -> the same lease"),
    Scenario("match-client-id-false", "match",
             steps(dora("02:00:00:05:00:03", (61, "hex:0405060708"), giaddr="10.2.0.1"),
                   disc("02:00:00:05:00:04", (61, "hex:0405060708"), giaddr="10.2.0.1")),
             kea="OFFER 10.2.0.100, ACK 10.2.0.100, OFFER 10.2.0.101",
             covers="match-client-id false: leases follow chaddr, new MAC -> new address"),
    Scenario("match-client-id-false-same-mac", "match",
             steps(dora("02:00:00:05:00:05", (61, "hex:04aabbccdd"), giaddr="10.2.0.1"),
                   disc("02:00:00:05:00:05", (61, "hex:04eeff0011"), giaddr="10.2.0.1")),
             kea="OFFER 10.2.0.102, ACK 10.2.0.102, OFFER 10.2.0.102",
             covers="match-client-id false: same MAC, new client-id -> the same lease"),
    Scenario("echo-client-id-false", "match",
             steps(dora("02:00:00:05:00:06", (61, "hex:0411223344"))),
             kea="OFFER 10.1.0.101, ACK 10.1.0.101",
             covers="echo-client-id false: option 61 not sent back"),
    Scenario("lease-cache-renew", "match",
             steps(dora("02:00:00:05:00:07", giaddr="10.3.0.1"),
                   renew("02:00:00:05:00:07", 1, giaddr="10.3.0.1", sleep=2.0)),
             kea="OFFER 10.3.0.100, ACK 10.3.0.100, ACK 10.3.0.100",
             covers="renew inside cache-threshold: the remaining lifetime, same lease",
             time_slack=CACHE_SLACK),
    Scenario("lease-cache-max-age", "match",
             steps(dora("02:00:00:05:00:08", giaddr="10.4.0.1"),
                   renew("02:00:00:05:00:08", 1, giaddr="10.4.0.1", sleep=2.0)),
             kea="OFFER 10.4.0.100, ACK 10.4.0.100, ACK 10.4.0.100",
             covers="lease older than cache-max-age: renewed for the full lifetime",
             time_slack=CACHE_SLACK),
)
