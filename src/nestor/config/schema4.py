"""The Dhcp4 grammar as tables: which keys each DHCPv4 map accepts."""

from __future__ import annotations

from nestor.config.schema_common import (
    CLIENT_CLASS_COMMON,
    GLOBAL_COMMON,
    INTERFACES_COMMON,
    K3,
    NETWORK_COMMON,
    NOTES,
    OPTION_DATA_LIST,
    OPTION_DEF_LIST,
    POOL_COMMON,
    SCOPED_COMMON,
)
from nestor.config.spec import (
    BOOL,
    STR,
    STRINGS,
    UINT32,
    Field,
    ListSpec,
    MapSpec,
    Scalar,
    enum,
    f,
)

# Kea 2.2 takes "id" as any integer and range-checks it afterwards with its own message.
SUBNET_ID = Scalar(UINT32.kind)

INTERFACES_CONFIG4 = MapSpec("interfaces-config", {
    **INTERFACES_COMMON,
    "dhcp-socket-type": f(enum("raw", "udp")),
    "outbound-interface": f(enum("same-as-inbound", "use-routing")),
}, non_empty=True)

COMPATIBILITY4 = MapSpec("compatibility", {
    "lenient-option-parsing": f(BOOL),
    "ignore-dhcp-server-identifier": f(BOOL, K3),
    "ignore-rai-link-selection": f(BOOL, K3),
    "exclude-first-last-24": f(BOOL, K3),
}, non_empty=True)

# Server-side BOOTP header fields, settable at every scope.
BOOT_FIELDS: dict[str, Field] = {
    "next-server": f(STR), "server-hostname": f(STR), "boot-file-name": f(STR),
}

RESERVATION4 = MapSpec("reservations", {
    "hw-address": f(STR), "duid": f(STR), "client-id": f(STR), "circuit-id": f(STR),
    "flex-id": f(STR), "ip-address": f(STR), "hostname": f(STR),
    "client-classes": f(STRINGS), "option-data": OPTION_DATA_LIST,
    **BOOT_FIELDS, **NOTES,
})
RESERVATIONS4 = f(ListSpec(RESERVATION4))

POOL4 = MapSpec("pools", {"pool": f(STR), **POOL_COMMON}, required=("pool",))

# v4 network parameters allowed at global, shared-network and subnet scope.
NETWORK4: dict[str, Field] = {
    **NETWORK_COMMON,
    **BOOT_FIELDS,
    "match-client-id": f(BOOL),
    "authoritative": f(BOOL),
    "offer-lifetime": f(UINT32, K3),
}

SUBNET4 = MapSpec("subnet4", {
    **NETWORK4,
    **SCOPED_COMMON,
    "id": f(SUBNET_ID),
    "subnet": f(STR),
    "pools": f(ListSpec(POOL4)),
    "reservations": RESERVATIONS4,
    "4o6-interface": f(STR),
    "4o6-interface-id": f(STR),
    "4o6-subnet": f(STR),
}, required=("subnet",), non_empty=True)

SHARED_NETWORK4 = MapSpec("shared-networks", {
    **NETWORK4,
    **SCOPED_COMMON,
    "name": f(STR),
    "subnet4": f(ListSpec(SUBNET4)),
}, non_empty=True)

CLIENT_CLASS4 = MapSpec("client-classes", {
    **CLIENT_CLASS_COMMON,
    "option-def": OPTION_DEF_LIST,
    "offer-lifetime": f(UINT32, K3),
    **BOOT_FIELDS,
}, required=("name",))

HOST_IDENTIFIERS4 = enum("hw-address", "duid", "circuit-id", "client-id", "flex-id")

DHCP4 = MapSpec("Dhcp4", {
    **NETWORK4,
    **GLOBAL_COMMON,
    "interfaces-config": f(INTERFACES_CONFIG4),
    "compatibility": f(COMPATIBILITY4),
    "subnet4": f(ListSpec(SUBNET4)),
    "shared-networks": f(ListSpec(SHARED_NETWORK4)),
    "reservations": RESERVATIONS4,
    "client-classes": f(ListSpec(CLIENT_CLASS4, non_empty=True)),
    "host-reservation-identifiers": f(ListSpec(HOST_IDENTIFIERS4, non_empty=True,
                                               unique=True)),
    "echo-client-id": f(BOOL),
    "stash-agent-options": f(BOOL, K3),
}, non_empty=True)
