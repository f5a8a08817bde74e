"""Schema tables shared by the Dhcp4 and Dhcp6 grammars.

Key lists were taken from Kea 2.2's parser (probing ``kea-dhcpX -t`` with every
keyword in every map) and from the Kea 3.x example ``all-keys.json`` files and
``simple_parser4/6.cc`` parameter tables; keys only 3.x knows are marked
``Gen.KEA3``, keys 3.x removed ``Gen.KEA2``. Where 3.x renamed a key, both
names are accepted (``alias_of``) but never both in one map.
"""

from __future__ import annotations

from nestor.config.spec import (
    BOOL,
    FLOAT,
    INT,
    OPEN_MAP,
    STR,
    STRINGS,
    UINT16,
    UINT32,
    Field,
    Gen,
    Kind,
    ListSpec,
    MapSpec,
    Scalar,
    enum,
    f,
)

K3 = Gen.KEA3
K2 = Gen.KEA2

USER_CONTEXT = f(OPEN_MAP)
COMMENT = f(STR)
# The pair Kea allows in most maps for operators' notes.
NOTES: dict[str, Field] = {"user-context": USER_CONTEXT, "comment": COMMENT}

DB_TYPES = enum("memfile", "mysql", "postgresql")
ON_FAIL = enum("stop-retry-exit", "serve-retry-exit", "serve-retry-continue")


def database_map(name: str, *, lease: bool = False, hosts: bool = False) -> MapSpec:
    """lease-database, hosts-database(s) and config-databases entries."""
    fields: dict[str, Field] = {
        "type": f(DB_TYPES), "name": f(STR), "user": f(STR), "password": f(STR),
        "host": f(STR), "port": f(UINT16), "persist": f(BOOL), "lfc-interval": f(UINT32),
        "connect-timeout": f(UINT32), "max-reconnect-tries": f(UINT32),
        "reconnect-wait-time": f(UINT32), "on-fail": f(ON_FAIL), "trust-anchor": f(STR),
        "cert-file": f(STR), "key-file": f(STR), "cipher-list": f(STR),
        "retry-on-startup": f(BOOL, K3), "read-timeout": f(UINT32, K3),
        "write-timeout": f(UINT32, K3), "tcp-user-timeout": f(UINT32, K3),
        "ssl-mode": f(enum("disable", "prefer", "require", "verify-ca", "verify-full"), K3),
    }
    if lease:
        fields["max-row-errors"] = f(UINT32)
    if hosts:
        fields["readonly"] = f(BOOL)
    return MapSpec(name, fields, required=("type",), non_empty=True)


LEASE_DATABASE = database_map("lease-database", lease=True)
HOSTS_DATABASE = database_map("hosts-database", hosts=True)
CONFIG_DATABASE = database_map("config-database")

CONFIG_CONTROL = MapSpec("config-control", {
    "config-databases": f(ListSpec(CONFIG_DATABASE)),
    "config-fetch-wait-time": f(UINT32),
}, non_empty=True)

# Kea 2.2 only checks that a string is given; 3.x knows these transports.
SOCKET_TYPE = Scalar(Kind.STR)
AUTH_CLIENT = MapSpec("clients", {
    "user": f(STR), "password": f(STR), "user-file": f(STR), "password-file": f(STR),
    **NOTES,
})
AUTHENTICATION = MapSpec("authentication", {
    "type": f(enum("basic")), "realm": f(STR), "directory": f(STR),
    "clients": f(ListSpec(AUTH_CLIENT)), **NOTES,
})
HTTP_HEADER = MapSpec("http-headers", {"name": f(STR), "value": f(STR), **NOTES},
                      required=("name", "value"))
CONTROL_SOCKET = MapSpec("control-socket", {
    "socket-type": f(SOCKET_TYPE), "socket-name": f(STR),
    "socket-address": f(STR, K3), "socket-port": f(UINT16, K3),
    "trust-anchor": f(STR, K3), "cert-file": f(STR, K3), "key-file": f(STR, K3),
    "cert-required": f(BOOL, K3), "authentication": f(AUTHENTICATION, K3),
    "http-headers": f(ListSpec(HTTP_HEADER), K3),
    **NOTES,
}, non_empty=True)

DHCP_QUEUE_CONTROL = MapSpec("dhcp-queue-control", {
    "enable-queue": f(BOOL), "queue-type": f(STR), "capacity": f(UINT32), **NOTES,
}, required=("enable-queue",), open=True, non_empty=True)

MULTI_THREADING = MapSpec("multi-threading", {
    "enable-multi-threading": f(BOOL), "thread-pool-size": f(UINT16),
    "packet-queue-size": f(UINT32), **NOTES,
}, required=("enable-multi-threading",), non_empty=True)

REPLACE_CLIENT_NAME = enum("never", "always", "when-present", "when-not-present")
DHCP_DDNS = MapSpec("dhcp-ddns", {
    "enable-updates": f(BOOL), "server-ip": f(STR), "server-port": f(UINT16),
    "sender-ip": f(STR), "sender-port": f(UINT16), "max-queue-size": f(UINT32),
    "ncr-protocol": f(enum("UDP", "TCP", "udp", "tcp")), "ncr-format": f(enum("JSON")),
    # Deprecated in 2.x (moved to the global/network scopes) and gone in 3.x.
    "override-no-update": f(BOOL, K2), "override-client-update": f(BOOL, K2),
    "replace-client-name": f(REPLACE_CLIENT_NAME, K2), "generated-prefix": f(STR, K2),
    "qualifying-suffix": f(STR, K2), "hostname-char-set": f(STR, K2),
    "hostname-char-replacement": f(STR, K2),
    **NOTES,
}, required=("enable-updates",), non_empty=True)

EXPIRED_LEASES = MapSpec("expired-leases-processing", {
    "reclaim-timer-wait-time": f(UINT32), "flush-reclaimed-timer-wait-time": f(UINT32),
    "hold-reclaimed-time": f(UINT32), "max-reclaim-leases": f(UINT32),
    "max-reclaim-time": f(UINT32), "unwarned-reclaim-cycles": f(UINT32),
}, non_empty=True)

HOOKS_LIBRARY = MapSpec("hooks-libraries", {
    "library": f(STR), "parameters": f(OPEN_MAP),
}, required=("library",))

LOGGER_OUTPUT = MapSpec("output-options", {
    "output": f(STR), "flush": f(BOOL), "maxsize": f(INT), "maxver": f(INT), "pattern": f(STR),
})
LOGGER = MapSpec("loggers", {
    "name": f(STR), "severity": f(STR), "debuglevel": f(INT),
    "output_options": f(ListSpec(LOGGER_OUTPUT, non_empty=True)),
    "output-options": f(ListSpec(LOGGER_OUTPUT, non_empty=True), K3, alias_of="output_options"),
    **NOTES,
})
LOGGERS = ListSpec(LOGGER, non_empty=True)

SANITY_CHECKS = MapSpec("sanity-checks", {
    "lease-checks": f(STR),  # values checked with Kea's own message, see validate
    "extended-info-checks": f(enum("none", "fix", "strict", "pedantic"), K3),
}, non_empty=True)

OPTION_DEF = MapSpec("option-def", {
    "name": f(STR), "code": f(INT), "type": f(STR), "record-types": f(STR), "space": f(STR),
    "encapsulate": f(STR), "array": f(BOOL), **NOTES,
}, required=("name", "code", "type"))

OPTION_DATA = MapSpec("option-data", {
    "name": f(STR), "code": f(INT), "space": f(STR), "data": f(STR), "csv-format": f(BOOL),
    "always-send": f(BOOL), "never-send": f(BOOL, K3), "client-classes": f(STRINGS, K3),
    **NOTES,
})
OPTION_DATA_LIST = f(ListSpec(OPTION_DATA))
OPTION_DEF_LIST = f(ListSpec(OPTION_DEF))

RELAY = MapSpec("relay", {"ip-address": f(STR), "ip-addresses": f(STRINGS)}, non_empty=True)

HOOK_LIST = f(ListSpec(HOOKS_LIBRARY))

# Parameters of every scope that holds leases' parameters (global, shared network,
# subnet) in both families; family tables add their own.
LIFETIME_KEYS = ("valid-lifetime", "min-valid-lifetime", "max-valid-lifetime")
NETWORK_COMMON: dict[str, Field] = {
    "valid-lifetime": f(UINT32), "min-valid-lifetime": f(UINT32),
    "max-valid-lifetime": f(UINT32), "renew-timer": f(UINT32), "rebind-timer": f(UINT32),
    "calculate-tee-times": f(BOOL), "t1-percent": f(FLOAT), "t2-percent": f(FLOAT),
    "cache-threshold": f(FLOAT), "cache-max-age": f(UINT32),
    "ddns-send-updates": f(BOOL), "ddns-override-no-update": f(BOOL),
    "ddns-override-client-update": f(BOOL), "ddns-replace-client-name": f(REPLACE_CLIENT_NAME),
    "ddns-generated-prefix": f(STR), "ddns-qualifying-suffix": f(STR),
    "ddns-update-on-renew": f(BOOL), "ddns-use-conflict-resolution": f(BOOL),
    "ddns-conflict-resolution-mode": f(enum(
        "check-with-dhcid", "no-check-with-dhcid", "check-exists-with-dhcid",
        "no-check-without-dhcid"), K3),
    "ddns-ttl-percent": f(FLOAT, K3), "ddns-ttl": f(UINT32, K3),
    "ddns-ttl-min": f(UINT32, K3), "ddns-ttl-max": f(UINT32, K3),
    "hostname-char-set": f(STR), "hostname-char-replacement": f(STR),
    "store-extended-info": f(BOOL),
    "reservation-mode": f(enum("disabled", "out-of-pool", "global", "all"), K2),
    "reservations-global": f(BOOL), "reservations-in-subnet": f(BOOL),
    "reservations-out-of-pool": f(BOOL),
    "allocator": f(enum("iterative", "random", "flq"), K3),
    "option-data": OPTION_DATA_LIST,
    **NOTES,
}

# Keys of a shared network or a subnet (not global) in both families.
SCOPED_COMMON: dict[str, Field] = {
    "interface": f(STR),
    "relay": f(RELAY),
    "client-class": f(STR),
    "client-classes": f(STRINGS, K3, alias_of="client-class"),
    "require-client-classes": f(STRINGS),
    "evaluate-additional-classes": f(STRINGS, K3, alias_of="require-client-classes"),
}

POOL_COMMON: dict[str, Field] = {
    "option-data": OPTION_DATA_LIST,
    "client-class": f(STR),
    "client-classes": f(STRINGS, K3, alias_of="client-class"),
    "require-client-classes": f(STRINGS),
    "evaluate-additional-classes": f(STRINGS, K3, alias_of="require-client-classes"),
    "pool-id": f(UINT32, K3),
    **NOTES,
}

# interfaces-config keys of both families.
INTERFACES_COMMON: dict[str, Field] = {
    "interfaces": f(STRINGS),
    "re-detect": f(BOOL),
    "service-sockets-require-all": f(BOOL),
    "service-sockets-max-retries": f(UINT32),
    "service-sockets-retry-wait-time": f(UINT32),
    **NOTES,
}

# client-classes entry keys of both families.
CLIENT_CLASS_COMMON: dict[str, Field] = {
    "name": f(STR), "test": f(STR), "template-test": f(STR, K3),
    "only-if-required": f(BOOL),
    "only-in-additional-list": f(BOOL, K3, alias_of="only-if-required"),
    "option-data": OPTION_DATA_LIST,
    "valid-lifetime": f(UINT32), "min-valid-lifetime": f(UINT32),
    "max-valid-lifetime": f(UINT32),
    **NOTES,
}

# Global-only keys of both families.
GLOBAL_COMMON: dict[str, Field] = {
    "decline-probation-period": f(UINT32),
    "dhcp4o6-port": f(UINT16),
    "lease-database": f(LEASE_DATABASE),
    "hosts-database": f(HOSTS_DATABASE),
    "hosts-databases": f(ListSpec(HOSTS_DATABASE)),
    "config-control": f(CONFIG_CONTROL),
    "option-def": OPTION_DEF_LIST,
    "hooks-libraries": HOOK_LIST,
    "expired-leases-processing": f(EXPIRED_LEASES),
    "control-socket": f(CONTROL_SOCKET),
    "control-sockets": f(ListSpec(CONTROL_SOCKET), K3, alias_of="control-socket"),
    "dhcp-queue-control": f(DHCP_QUEUE_CONTROL),
    "dhcp-ddns": f(DHCP_DDNS),
    "multi-threading": f(MULTI_THREADING),
    "sanity-checks": f(SANITY_CHECKS),
    "server-tag": f(STR),
    "statistic-default-sample-count": f(UINT32),
    "statistic-default-sample-age": f(UINT32),
    "early-global-reservations-lookup": f(BOOL),
    "ip-reservations-unique": f(BOOL),
    "reservations-lookup-first": f(BOOL),
    "parked-packet-limit": f(UINT32),
    "loggers": f(LOGGERS),
}
