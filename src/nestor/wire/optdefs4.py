"""Standard DHCPv4 option definitions, as Kea knows them.

Every row uses Kea's option name, code, data type, array flag, record layout and
encapsulated space, so that an ``option-data`` entry written for Kea resolves to
the same wire format here. Codes are IANA's "BOOTP Vendor Extensions and DHCP
Options" registry; layouts follow the RFC named on each row, as Kea models them.

Kea 2.2 is the oracle the tests run; Kea 3.x is the target. Definitions that Kea
2.2 lacks are listed in :data:`KEA3_ADDITIONS`; a configuration may still define
those codes itself (as Kea 2.2 configurations do, e.g. for option 121), and its
definition then replaces ours - Kea 3.x would refuse such a configuration, Kea 2.2
accepts it, and Nestor accepts everything either accepts.

Spaces:

* ``dhcp4`` - top-level options (RFC 2132 and later);
* ``dhcp-agent-options-space`` - sub-options of the relay agent information option
  82 (RFC 3046 and later; Kea 3.x);
* ``vendor-encapsulated-options-space`` - sub-options of option 43 when no
  configuration defines 43 itself; empty, for the configuration to fill;
* ``cablelabs-client-conf`` - sub-options of option 122 (RFC 3495, 3594, 3634; Kea 3.x);
* ``docsis3-v4`` and its alias ``vendor-4491`` - CableLabs DOCSIS 3 sub-options of
  option 125 (enterprise number 4491).

Option 43 is Kea's "last resort" definition: it applies when the configuration does
not define option 43 in ``dhcp4`` (which Kea allows, unlike other standard codes).
"""

from __future__ import annotations

from nestor.wire.optdefs import (
    DataType,
    DefinitionRow,
    OptionDefinition,
    build_space,
    record,
    row,
)

_B = DataType.BINARY
_BOOL = DataType.BOOLEAN
_E = DataType.EMPTY
_F = DataType.FQDN
_I32 = DataType.INT32
_U8 = DataType.UINT8
_U16 = DataType.UINT16
_U32 = DataType.UINT32
_A4 = DataType.IPV4_ADDRESS
_A6 = DataType.IPV6_ADDRESS
_PSID = DataType.PSID
_S = DataType.STRING
_TUP = DataType.TUPLE
_INT = DataType.INTERNAL

DHCP4_SPACE = "dhcp4"
AGENT_SPACE = "dhcp-agent-options-space"
VENDOR_ENCAP_SPACE = "vendor-encapsulated-options-space"
CABLELABS_SPACE = "cablelabs-client-conf"
DOCSIS3_SPACE = "docsis3-v4"
DOCSIS3_VENDOR_SPACE = "vendor-4491"
VENDOR_ENCAPSULATED_OPTIONS = 43

# Kea accepts "vendor-<enterprise number>" for vendor option spaces; 4491 has
# standard definitions under Kea's internal name "docsis3-v4".
VENDOR_SPACE_ALIASES: dict[str, str] = {DOCSIS3_VENDOR_SPACE: DOCSIS3_SPACE}


def _addresses(name: str, code: int) -> DefinitionRow:
    return row(name, code, _A4, array=True)


_DHCP4_ROWS: tuple[DefinitionRow, ...] = (
    # RFC 2132 sections 3-9: BOOTP vendor extensions and DHCP extensions.
    row("subnet-mask", 1, _A4),
    row("time-offset", 2, _I32),
    _addresses("routers", 3),
    _addresses("time-servers", 4),
    _addresses("name-servers", 5),
    _addresses("domain-name-servers", 6),
    _addresses("log-servers", 7),
    _addresses("cookie-servers", 8),
    _addresses("lpr-servers", 9),
    _addresses("impress-servers", 10),
    _addresses("resource-location-servers", 11),
    row("host-name", 12, _S),
    row("boot-size", 13, _U16),
    row("merit-dump", 14, _S),
    # Kea's manual lists "fqdn", but Kea sends the text as given (RFC 2132 3.17).
    row("domain-name", 15, _S),
    row("swap-server", 16, _A4),
    row("root-path", 17, _S),
    row("extensions-path", 18, _S),
    row("ip-forwarding", 19, _BOOL),
    row("non-local-source-routing", 20, _BOOL),
    # Address/mask pairs (4.3); Kea models them as a flat address list.
    _addresses("policy-filter", 21),
    row("max-dgram-reassembly", 22, _U16),
    row("default-ip-ttl", 23, _U8),
    row("path-mtu-aging-timeout", 24, _U32),
    row("path-mtu-plateau-table", 25, _U16, array=True),
    row("interface-mtu", 26, _U16),
    row("all-subnets-local", 27, _BOOL),
    row("broadcast-address", 28, _A4),
    row("perform-mask-discovery", 29, _BOOL),
    row("mask-supplier", 30, _BOOL),
    row("router-discovery", 31, _BOOL),
    row("router-solicitation-address", 32, _A4),
    # Destination/router pairs (5.8), again a flat list.
    _addresses("static-routes", 33),
    row("trailer-encapsulation", 34, _BOOL),
    row("arp-cache-timeout", 35, _U32),
    row("ieee802-3-encapsulation", 36, _BOOL),
    row("default-tcp-ttl", 37, _U8),
    row("tcp-keepalive-interval", 38, _U32),
    row("tcp-keepalive-garbage", 39, _BOOL),
    row("nis-domain", 40, _S),
    _addresses("nis-servers", 41),
    _addresses("ntp-servers", 42),
    # Kea's last-resort definition (see the module docstring).
    row("vendor-encapsulated-options", VENDOR_ENCAPSULATED_OPTIONS, _E,
        encapsulate=VENDOR_ENCAP_SPACE),
    _addresses("netbios-name-servers", 44),
    _addresses("netbios-dd-server", 45),
    row("netbios-node-type", 46, _U8),
    row("netbios-scope", 47, _S),
    _addresses("font-servers", 48),
    _addresses("x-display-manager", 49),
    row("dhcp-requested-address", 50, _A4),
    row("dhcp-lease-time", 51, _U32),
    row("dhcp-option-overload", 52, _U8),
    row("dhcp-message-type", 53, _U8),
    row("dhcp-server-identifier", 54, _A4),
    row("dhcp-parameter-request-list", 55, _U8, array=True),
    row("dhcp-message", 56, _S),
    row("dhcp-max-message-size", 57, _U16),
    row("dhcp-renewal-time", 58, _U32),
    row("dhcp-rebinding-time", 59, _U32),
    row("vendor-class-identifier", 60, _S),
    row("dhcp-client-identifier", 61, _B),
    # RFC 2242 NetWare/IP.
    row("nwip-domain-name", 62, _S),
    row("nwip-suboptions", 63, _B),
    row("nisplus-domain-name", 64, _S),
    _addresses("nisplus-servers", 65),
    row("tftp-server-name", 66, _S),
    row("boot-file-name", 67, _S),
    _addresses("mobile-ip-home-agent", 68),
    _addresses("smtp-server", 69),
    _addresses("pop-server", 70),
    _addresses("nntp-server", 71),
    _addresses("www-server", 72),
    _addresses("finger-server", 73),
    _addresses("irc-server", 74),
    _addresses("streettalk-server", 75),
    _addresses("streettalk-directory-assistance-server", 76),
    row("user-class", 77, _B),  # RFC 3004
    # RFC 2610 SLP: mandatory flag, then agent addresses / scope list.
    record("slp-directory-agent", 78, _BOOL, _A4, array=True),
    record("slp-service-scope", 79, _BOOL, _S),
    # RFC 4702 client FQDN: flags, RCODE1, RCODE2, domain name.
    record("fqdn", 81, _U8, _U8, _U8, _F),
    row("dhcp-agent-options", 82, _E, encapsulate=AGENT_SPACE),  # RFC 3046
    # RFC 2241 NDS. Kea's 2.2 manual says "nds-server"; the name is "nds-servers".
    _addresses("nds-servers", 85),
    row("nds-tree-name", 86, _S),
    row("nds-context", 87, _S),
    # RFC 4280 BCMCS ("bcms" is Kea's spelling).
    row("bcms-controller-names", 88, _F, array=True),
    _addresses("bcms-controller-address", 89),
    # RFC 3118: the 64-bit replay detection field fits no Kea type, so opaque.
    row("authenticate", 90, _B),
    # RFC 4388 leasequery.
    row("client-last-transaction-time", 91, _U32),
    _addresses("associated-ip", 92),
    # RFC 4578 PXE: architecture types, network interface id, machine id.
    row("client-system", 93, _U16, array=True),
    record("client-ndi", 94, _U8, _U8, _U8),
    record("uuid-guid", 97, _U8, _B),
    row("uap-servers", 98, _S),  # RFC 2485
    row("geoconf-civic", 99, _B),  # RFC 4776
    row("pcode", 100, _S),  # RFC 4833 time zones
    row("tcode", 101, _S),
    row("v6-only-preferred", 108, _U32),  # RFC 8925
    _addresses("netinfo-server-address", 112),  # RFC 3679
    row("netinfo-server-tag", 113, _S),
    row("v4-captive-portal", 114, _S),  # RFC 8910 (was "default-url")
    row("auto-config", 116, _U8),  # RFC 2563
    row("name-service-search", 117, _U16, array=True),  # RFC 2937
    row("subnet-selection", 118, _A4),  # RFC 3011
    row("domain-search", 119, _F, array=True),  # RFC 3397
    # Kea 3.x, RFC 3442: "prefix/len - router, ..." text, dedicated codec.
    row("classless-static-route", 121, _INT),
    # Kea 3.x, RFC 3495: a container of CableLabs client configuration sub-options.
    row("cablelabs-client-conf", 122, _E, encapsulate=CABLELABS_SPACE),
    # RFC 3925: enterprise number then vendor class data / vendor sub-options.
    record("vivco-suboptions", 124, _U32, _B),
    row("vivso-suboptions", 125, _U32),
    _addresses("pana-agent", 136),  # RFC 5192
    row("v4-lost", 137, _F),  # RFC 5223
    _addresses("capwap-ac-v4", 138),  # RFC 5417
    row("sip-ua-cs-domains", 141, _F, array=True),  # RFC 6011
    # Kea 3.x, RFC 8572: URIs with two-byte lengths (section 8.3).
    row("v4-sztp-redirect", 143, _TUP, array=True),
    # RFC 6731: flags, primary, secondary, domain list.
    record("rdnss-selection", 146, _U8, _A4, _A4, _F, array=True),
    # Kea 3.x, RFC 6926 bulk leasequery.
    record("status-code", 151, _U8, _S),
    row("base-time", 152, _U32),
    row("start-time-of-state", 153, _U32),
    row("query-start-time", 154, _U32),
    row("query-end-time", 155, _U32),
    row("dhcp-state", 156, _U8),
    row("data-source", 157, _U8),
    record("v4-portparams", 159, _U8, _PSID),  # RFC 7618: offset, PSID-len and PSID
    # Kea 3.x, RFC 9463 DNR: instance length, priority, ADN length, ADN, the rest.
    record("v4-dnr", 162, _U16, _U16, _U8, _F, _B),
    # RFC 5969 6rd: IPv4 mask len, 6rd prefix len, 6rd prefix, border relays.
    record("option-6rd", 212, _U8, _U8, _A6, _A4, array=True),
    row("v4-access-domain", 213, _F),  # RFC 5986
)

# RFC 3046 and later: relay agent information sub-options (Kea 3.x).
_AGENT_ROWS: tuple[DefinitionRow, ...] = (
    row("circuit-id", 1, _B),
    row("remote-id", 2, _B),
    row("docsis-device-class", 4, _U32),  # RFC 3256
    row("link-selection", 5, _A4),  # RFC 3527
    row("subscriber-id", 6, _S),  # RFC 3993
    row("radius", 7, _B),  # RFC 4014
    row("auth", 8, _B),  # RFC 4030
    row("vendor-specific-info", 9, _B),  # RFC 4243
    row("relay-flags", 10, _U8),  # RFC 5010
    row("server-id-override", 11, _A4),  # RFC 5107
    row("relay-id", 12, _B),  # RFC 6925
    row("access-techno-type", 13, _U16),  # RFC 7839
    row("access-network-name", 14, _S),
    row("access-point-name", 15, _S),
    row("access-point-bssid", 16, _B),
    row("operator-id", 17, _U32),
    row("operator-realm", 18, _S),
    row("relay-port", 19, _U16),  # RFC 8357
    row("virtual-subnet-select", 151, _B),  # RFC 6607
    row("virtual-subnet-select-ctrl", 152, _E),
)

# RFC 3495 (with its errata for the realm), RFC 3594, RFC 3634 (Kea 3.x).
# Sub-option 3 is an address or a name, which no Kea type expresses: undefined.
_CABLELABS_ROWS: tuple[DefinitionRow, ...] = (
    row("tsp-primary-server", 1, _A4),
    row("tsp-secondary-server", 2, _A4),
    record("tsp-as-parameters", 4, _U32, _U32, _U32),
    record("tsp-ap-parameters", 5, _U32, _U32, _U32),
    row("tsp-realm", 6, _F),
    row("tsp-use-tgt", 7, _BOOL),
    row("tsp-provisioning-timer", 8, _U8),
    row("tsp-sct", 9, _U16),
    _addresses("kdc-server", 10),
)

# CableLabs CL-SP-CANN-DHCP-Reg: the DOCSIS 3 vendor sub-options Kea defines.
_DOCSIS3_ROWS: tuple[DefinitionRow, ...] = (
    row("oro", 1, _U8, array=True),
    _addresses("tftp-servers", 2),
)

_SPACE_ROWS: dict[str, tuple[DefinitionRow, ...]] = {
    DHCP4_SPACE: _DHCP4_ROWS,
    AGENT_SPACE: _AGENT_ROWS,
    CABLELABS_SPACE: _CABLELABS_ROWS,
    DOCSIS3_SPACE: _DOCSIS3_ROWS,
    DOCSIS3_VENDOR_SPACE: _DOCSIS3_ROWS,
}

# (space, code) of the definitions Kea 2.2 does not have (added by Kea 2.4-3.x).
KEA3_ADDITIONS: frozenset[tuple[str, int]] = frozenset(
    {(DHCP4_SPACE, code) for code in (121, 122, 143, 151, 152, 153, 154, 155, 156, 157, 162)}
    | {(AGENT_SPACE, entry[1]) for entry in _AGENT_ROWS}
    | {(CABLELABS_SPACE, entry[1]) for entry in _CABLELABS_ROWS}
)

# Standard codes a configuration's option-def may take over (see module docstring).
OVERRIDABLE_V4: frozenset[tuple[str, int]] = KEA3_ADDITIONS | {
    (DHCP4_SPACE, VENDOR_ENCAPSULATED_OPTIONS)}

STANDARD_V4: tuple[OptionDefinition, ...] = tuple(
    d for space, rows in _SPACE_ROWS.items() for d in build_space(space, rows))

# Every space the standard DHCPv4 definitions live in or encapsulate.
STANDARD_V4_SPACES: frozenset[str] = frozenset(
    {d.space for d in STANDARD_V4} | {d.encapsulate for d in STANDARD_V4 if d.encapsulate})
