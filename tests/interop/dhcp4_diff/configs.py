"""The configurations (groups) the scenarios run against, as Kea 2.2 reads them.

Every group shares the base below (interface, memfile lease file, logger, global
options) and adds its subnets and global parameters. Relayed subnets are chosen by
``giaddr`` (10.N.0.1 selects 10.N.0.0/24) unless a scenario says otherwise; direct
clients land in 192.0.2.0/24, the server's own link.

Kea 2.2 has no ``never-send`` (it came with 2.6), so that flag is not exercised here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.interop.dhcp4_diff.harness import SRV_IF

DIRECT_SUBNET: dict[str, Any] = {
    "id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}],
    "option-data": [{"name": "routers", "data": "192.0.2.1"}]}


def _relayed(n: int, extra: dict[str, Any] | None = None,
             pool: tuple[int, int] = (100, 199)) -> dict[str, Any]:
    """Subnet 10.n.0.0/24 (id 100+n) with a pool and a router, selected by giaddr 10.n.0.1;
    ``extra`` adds or replaces subnet parameters."""
    subnet: dict[str, Any] = {
        "id": 100 + n, "subnet": f"10.{n}.0.0/24",
        "pools": [{"pool": f"10.{n}.0.{pool[0]} - 10.{n}.0.{pool[1]}"}],
        "option-data": [{"name": "routers", "data": f"10.{n}.0.1"}]}
    subnet.update(extra or {})
    return subnet


def _reservation(mac: str, address: str | None, hostname: str,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"hw-address": mac, "hostname": hostname}
    if address:
        entry["ip-address"] = address
    entry.update(extra or {})
    return entry


# group -> (global parameters, subnets); the data each scenario group serves.
# A global set to None removes the base configuration's value.
GROUPS: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "basic": ({}, [
        DIRECT_SUBNET,
        _relayed(1),
        _relayed(2, {"next-server": "192.0.2.10", "server-hostname": "boot.example.org",
                     "boot-file-name": "/pxe/lpxelinux.0"}),
        _relayed(3, pool=(10, 11)),  # two addresses: the third client gets nothing
        _relayed(4, {"valid-lifetime": 3000, "min-valid-lifetime": 2000,
                     "max-valid-lifetime": 5000}),
        _relayed(5, {"calculate-tee-times": True, "t1-percent": 0.4, "t2-percent": 0.7,
                     "valid-lifetime": 1000}),
        _relayed(6, {"option-data": [
            {"name": "routers", "data": "10.6.0.1"},
            {"name": "time-offset", "data": "-3600"},
            {"name": "ntp-servers", "data": "10.6.0.5, 10.6.0.6"},
            {"name": "default-ip-ttl", "data": "48", "always-send": True},
            {"name": "boot-size", "data": "1024"}]}),
        # Option 43 data with sub-options 1 and 2, and configured sub-options 1 and 3
        # (table_options.py).
        _relayed(10, {"option-data": [
            {"name": "vendor-encapsulated-options", "csv-format": False,
             "data": "0104C00002010202ABCD"},
            {"code": 1, "space": "vendor-encapsulated-options-space", "csv-format": False,
             "data": "0A000001"},
            {"code": 3, "space": "vendor-encapsulated-options-space", "csv-format": False,
             "data": "11"}]}),
    ]),
    # No explicit timers here: T1/T2 come from calculate-tee-times (4000 * 0.4, * 0.7).
    "auth": ({"authoritative": True, "renew-timer": None, "rebind-timer": None,
              "calculate-tee-times": True, "t1-percent": 0.4, "t2-percent": 0.7},
             [DIRECT_SUBNET, _relayed(1)]),
    "hosts": ({"host-reservation-identifiers": ["circuit-id", "hw-address", "client-id"],
               "reservations": [
                   _reservation("02:00:00:03:00:01", "10.3.0.250", "global-one"),
                   _reservation("02:00:00:03:00:02", None, "global-name-only",
                                {"option-data": [{"name": "domain-name",
                                                   "data": "global.example.org"}]})]},
              [DIRECT_SUBNET,
               _relayed(1, {"reservations": [
                   _reservation("02:00:00:01:00:01", "10.1.0.150", "in-pool"),
                   _reservation("02:00:00:01:00:02", "10.1.0.20", "out-of-pool",
                                {"option-data": [
                                    {"name": "domain-name-servers", "data": "10.1.0.53"},
                                    {"name": "cookie-servers", "data": "10.1.0.54"}],
                                 "next-server": "10.1.0.9",
                                 "server-hostname": "tftp.example.org",
                                 "boot-file-name": "/boot/reserved.efi"}),
                   {"client-id": "01:02:00:00:01:00:03", "ip-address": "10.1.0.30",
                    "hostname": "by-client-id"},
                   {"circuit-id": "'port-7'", "ip-address": "10.1.0.40",
                    "hostname": "by-circuit"},
                   # One client matching both: circuit-id comes first in the
                   # host-reservation-identifiers list, so its reservation wins.
                   _reservation("02:00:00:01:00:0d", "10.1.0.160", "by-mac-second"),
                   {"circuit-id": "'port-8'", "ip-address": "10.1.0.41",
                    "hostname": "by-circuit-first"},
                   _reservation("02:00:00:01:00:0e", None, "classy",
                                {"client-classes": ["reserved-class"]})]}),
               _relayed(2),
               _relayed(3, {"reservations-global": True, "reservations-in-subnet": False}),
               _relayed(4, {"reservations-global": True, "reservations-in-subnet": True}),
               ]),
    "shared": ({}, [_relayed(9, {
        "relay": {"ip-addresses": ["10.9.0.1"]}, "subnet": "172.16.9.0/24",
        "pools": [{"pool": "172.16.9.10 - 172.16.9.20"}],
        "option-data": [{"name": "routers", "data": "172.16.9.1"}]})]),
    "classes": ({}, [
        DIRECT_SUBNET,
        _relayed(1),
        _relayed(2, {"require-client-classes": ["late-untested"]}),
        _relayed(7, {"pools": [{"pool": "10.7.0.10 - 10.7.0.19", "client-class": "KNOWN"},
                               {"pool": "10.7.0.100 - 10.7.0.199",
                                "client-class": "UNKNOWN"}],
                     "require-client-classes": ["late"],
                     "reservations": [{"hw-address": "02:00:00:06:00:05",
                                       "hostname": "known-one"}]}),
        _relayed(8, {"client-class": "phones"}),
    ]),
    "match": ({"echo-client-id": False}, [
        DIRECT_SUBNET,
        _relayed(1, {"match-client-id": True}),
        _relayed(2, {"match-client-id": False}),
        _relayed(3, {"cache-threshold": 0.25, "valid-lifetime": 600}),
        _relayed(4, {"cache-threshold": 0.25, "cache-max-age": 1, "valid-lifetime": 600}),
    ]),
}

# Client classes: boot fields and options by class, class-restricted subnet and pools,
# KNOWN/UNKNOWN pools, required (only-if-required) classes with and without a test, and
# one class whose options make the reply larger than 576 octets.
CLIENT_CLASSES: dict[str, list[dict[str, Any]]] = {
    "hosts": [{"name": "reserved-class",
               "option-data": [{"name": "ntp-servers", "data": "10.1.0.123"}],
               "boot-file-name": "/class/boot.efi"}],
    "classes": [
        {"name": "pxe", "test": "substring(option[60].hex,0,9) == 'PXEClient'",
         "next-server": "10.1.0.9", "server-hostname": "pxe.example.org",
         "boot-file-name": "pxelinux.0",
         "option-data": [{"name": "tftp-server-name", "data": "tftp.example.org"}]},
        {"name": "phones", "test": "option[60].text == 'phone'",
         "option-data": [{"name": "time-offset", "data": "7200"},
                         {"name": "domain-name", "data": "phones.example.org"}]},
        {"name": "big", "test": "option[60].text == 'big'",
         "option-data": [{"name": "merit-dump", "data": "m" * 200},
                         {"name": "root-path", "data": "r" * 100},
                         {"name": "extensions-path", "data": "e" * 200}]},
        {"name": "late", "only-if-required": True, "test": "option[53].exists",
         "option-data": [{"name": "cookie-servers", "data": "10.7.0.8"}]},
        {"name": "late-untested", "only-if-required": True,
         "option-data": [{"name": "cookie-servers", "data": "10.2.0.8"}]},
    ],
}

SHARED_NETWORKS: dict[str, list[dict[str, Any]]] = {
    "shared": [{
        "name": "net-a", "relay": {"ip-addresses": ["10.4.0.1"]},
        "option-data": [{"name": "domain-name", "data": "shared.example.org"}],
        "subnet4": [
            {"id": 41, "subnet": "10.41.0.0/24", "pools": [{"pool": "10.41.0.10 - 10.41.0.11"}],
             "option-data": [{"name": "routers", "data": "10.41.0.1"}]},
            {"id": 42, "subnet": "10.42.0.0/24", "pools": [{"pool": "10.42.0.10 - 10.42.0.20"}],
             "option-data": [{"name": "routers", "data": "10.42.0.1"}]}]},
        {"name": "net-direct", "interface": SRV_IF,
         "subnet4": [
             {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.101"}],
              "option-data": [{"name": "routers", "data": "192.0.2.1"}]},
             {"id": 2, "subnet": "198.51.100.0/24",
              "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}],
              "option-data": [{"name": "routers", "data": "198.51.100.1"}]}]}],
}


def config(group: str, work: Path) -> dict[str, Any]:
    """The whole configuration file for ``group``, its paths inside ``work``."""
    globals_, subnets = GROUPS[group]
    dhcp4: dict[str, Any] = {
        "interfaces-config": {"interfaces": [SRV_IF]},
        "lease-database": {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0},
        "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
        "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54"},
                        {"name": "domain-name", "data": "example.org"}],
        "subnet4": subnets,
        "loggers": [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 40,
                     "output_options": [{"output": str(work / "server.log")}]}],
    }
    if group in SHARED_NETWORKS:
        dhcp4["shared-networks"] = SHARED_NETWORKS[group]
    if group in CLIENT_CLASSES:
        dhcp4["client-classes"] = CLIENT_CLASSES[group]
    dhcp4.update(globals_)
    for key in [k for k, v in globals_.items() if v is None]:  # None: leave the base's out
        del dhcp4[key]
    return {"Dhcp4": dhcp4}
