"""The Dhcp6 grammar as tables: which keys each DHCPv6 map accepts."""

from __future__ import annotations

from nestor.config.schema_common import (
    CLIENT_CLASS_COMMON,
    GLOBAL_COMMON,
    INTERFACES_COMMON,
    K3,
    NETWORK_COMMON,
    NOTES,
    OPTION_DATA_LIST,
    POOL_COMMON,
    SCOPED_COMMON,
)
from nestor.config.spec import (
    BOOL,
    INT,
    STR,
    STRINGS,
    UINT16,
    UINT32,
    Field,
    Kind,
    ListSpec,
    MapSpec,
    Scalar,
    enum,
    f,
)

SUBNET_ID = Scalar(Kind.INT)

INTERFACES_CONFIG6 = MapSpec("interfaces-config", INTERFACES_COMMON, non_empty=True)

COMPATIBILITY6 = MapSpec("compatibility", {"lenient-option-parsing": f(BOOL)}, non_empty=True)

SERVER_ID = MapSpec("server-id", {
    "type": f(enum("LLT", "EN", "LL")), "identifier": f(STR), "time": f(UINT32),
    "htype": f(UINT16), "enterprise-id": f(UINT32), "persist": f(BOOL), **NOTES,
}, required=("type",), non_empty=True)

RESERVATION6 = MapSpec("reservations", {
    "duid": f(STR), "hw-address": f(STR), "flex-id": f(STR),
    "ip-addresses": f(STRINGS), "prefixes": f(STRINGS),
    "excluded-prefixes": f(STRINGS, K3), "hostname": f(STR),
    "client-classes": f(STRINGS), "option-data": OPTION_DATA_LIST,
    **NOTES,
})
RESERVATIONS6 = f(ListSpec(RESERVATION6))

POOL6 = MapSpec("pools", {"pool": f(STR), **POOL_COMMON}, required=("pool",))

PD_POOL = MapSpec("pd-pools", {
    "prefix": f(STR), "prefix-len": f(INT), "delegated-len": f(INT),
    "excluded-prefix": f(STR), "excluded-prefix-len": f(INT),
    **POOL_COMMON,
}, required=("prefix", "prefix-len", "delegated-len"))

NETWORK6: dict[str, Field] = {
    **NETWORK_COMMON,
    "preferred-lifetime": f(UINT32),
    "min-preferred-lifetime": f(UINT32),
    "max-preferred-lifetime": f(UINT32),
    "pd-allocator": f(enum("iterative", "random", "flq"), K3),
}

SUBNET6 = MapSpec("subnet6", {
    **NETWORK6,
    **SCOPED_COMMON,
    "interface-id": f(STR),
    "rapid-commit": f(BOOL),
    "id": f(SUBNET_ID),
    "subnet": f(STR),
    "pools": f(ListSpec(POOL6)),
    "pd-pools": f(ListSpec(PD_POOL)),
    "reservations": RESERVATIONS6,
}, required=("subnet",), non_empty=True)

SHARED_NETWORK6 = MapSpec("shared-networks", {
    **NETWORK6,
    **SCOPED_COMMON,
    "interface-id": f(STR),
    "rapid-commit": f(BOOL),
    "name": f(STR),
    "subnet6": f(ListSpec(SUBNET6)),
}, non_empty=True)

CLIENT_CLASS6 = MapSpec("client-classes", {
    **CLIENT_CLASS_COMMON,
    "preferred-lifetime": f(UINT32),
    "min-preferred-lifetime": f(UINT32), "max-preferred-lifetime": f(UINT32),
}, required=("name",))

HOST_IDENTIFIERS6 = enum("hw-address", "duid", "flex-id")

DHCP6 = MapSpec("Dhcp6", {
    **NETWORK6,
    **GLOBAL_COMMON,
    "interfaces-config": f(INTERFACES_CONFIG6),
    "compatibility": f(COMPATIBILITY6),
    "subnet6": f(ListSpec(SUBNET6)),
    "shared-networks": f(ListSpec(SHARED_NETWORK6)),
    "reservations": RESERVATIONS6,
    "client-classes": f(ListSpec(CLIENT_CLASS6, non_empty=True)),
    "host-reservation-identifiers": f(ListSpec(HOST_IDENTIFIERS6, non_empty=True,
                                               unique=True)),
    "mac-sources": f(ListSpec(STR, non_empty=True)),
    "relay-supplied-options": f(STRINGS),
    "server-id": f(SERVER_ID),
    "data-directory": f(STR),
}, non_empty=True)
