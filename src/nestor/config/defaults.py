"""Kea 2.2's defaults for global parameters and the global maps, as data.

Values come from Kea's ``simple_parser4.cc`` / ``simple_parser6.cc`` default
tables and were confirmed with ``config-get`` on a running Kea 2.2, which
reports every default it applied. The inheritable network parameters' defaults
live in :mod:`nestor.config.params` (DEFAULTS4 / DEFAULTS6).
"""

from __future__ import annotations

_COMMON: dict[str, object] = {
    "decline-probation-period": 86400,
    "dhcp4o6-port": 0,
    "server-tag": "",
    "parked-packet-limit": 256,
    "early-global-reservations-lookup": False,
    "ip-reservations-unique": True,
    "reservations-lookup-first": False,
    "statistic-default-sample-count": 20,
    "statistic-default-sample-age": 0,
    "hooks-libraries": [],
    "option-def": [],
    "option-data": [],
}

GLOBALS4: dict[str, object] = {
    **_COMMON,
    "echo-client-id": True,
    "host-reservation-identifiers": ["hw-address", "duid", "circuit-id", "client-id"],
}

GLOBALS6: dict[str, object] = {
    **_COMMON,
    "host-reservation-identifiers": ["hw-address", "duid"],
    "mac-sources": ["any"],
    "relay-supplied-options": ["65"],
}

# Defaults filled into global maps, whether or not the map was written.
MAPS_COMMON: dict[str, dict[str, object]] = {
    "expired-leases-processing": {
        "reclaim-timer-wait-time": 10, "flush-reclaimed-timer-wait-time": 25,
        "hold-reclaimed-time": 3600, "max-reclaim-leases": 100, "max-reclaim-time": 250,
        "unwarned-reclaim-cycles": 5,
    },
    "dhcp-ddns": {
        "enable-updates": False, "server-ip": "127.0.0.1", "server-port": 53001,
        "sender-ip": "0.0.0.0", "sender-port": 0, "max-queue-size": 1024,
        "ncr-protocol": "UDP", "ncr-format": "JSON",
    },
    # Kea 2.2 defaults multi-threading off; Kea 2.4 and later turn it on.
    "multi-threading": {
        "enable-multi-threading": False, "thread-pool-size": 0, "packet-queue-size": 64,
    },
    "sanity-checks": {"lease-checks": "warn"},
    "interfaces-config": {"interfaces": [], "re-detect": True},
    "lease-database": {"type": "memfile"},
}

MAPS4: dict[str, dict[str, object]] = {
    **MAPS_COMMON,
    "dhcp-queue-control": {"enable-queue": False, "queue-type": "kea-ring4", "capacity": 64},
}
MAPS6: dict[str, dict[str, object]] = {
    **MAPS_COMMON,
    "dhcp-queue-control": {"enable-queue": False, "queue-type": "kea-ring6", "capacity": 64},
}

# The lease file Kea's memfile backend uses when "name" is not given (Debian layout).
DEFAULT_LEASE_FILE = {4: "/var/lib/kea/kea-leases4.csv", 6: "/var/lib/kea/kea-leases6.csv"}

LEASE_CHECKS = ("none", "warn", "fix", "fix-del", "del")

# DHCPv6 MAC address sources (Kea's HWAddr source names); aliases share a canonical name.
MAC_SOURCES: dict[str, str] = {
    "any": "any", "raw": "raw", "duid": "duid", "ipv6-link-local": "ipv6-link-local",
    "client-link-addr-option": "client-link-addr-option",
    "rfc6939": "client-link-addr-option", "remote-id": "remote-id", "rfc4649": "remote-id",
    "subscriber-id": "subscriber-id", "rfc4580": "subscriber-id",
    "docsis-cmts": "docsis-cmts", "docsis-modem": "docsis-modem",
}
