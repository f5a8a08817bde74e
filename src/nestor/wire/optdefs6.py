"""Standard DHCPv6 option definitions, as Kea knows them.

Every row uses Kea's option name, code, data type, array flag, record
layout and encapsulated space, so that an ``option-data`` entry written for
Kea resolves to the same wire format here. The codes are IANA's DHCPv6
registry; the layouts are the RFCs' (cited per block), as Kea models them.

Kea 2.2 is the oracle the test-suite runs; Kea 3.x is the target. Where 3.x
added or changed a definition, the 3.x form is used and marked "Kea 3.x".

Spaces:

* ``dhcp6`` - top-level options (RFC 8415 and friends);
* ``s46-cont-mape-options`` / ``s46-cont-mapt-options`` /
  ``s46-cont-lw-options`` - inside the Softwire46 containers (RFC 7598);
* ``s46-rule-options`` / ``s46-v4v6bind-options`` - inside S46 rule and
  IPv4/IPv6 binding options (RFC 7598 sections 4.1 and 4.4);
* ``v6-ntp-server-suboptions`` - inside the NTP server option (RFC 5908);
* ``vendor-2495`` - ISC's vendor space, used by DHCPv4-over-DHCPv6
  (RFC 7341) between Kea's own daemons;
* ``vendor-4491`` - CableLabs DOCSIS 3 vendor space.

Kea also accepts its internal names ``4o6`` and ``docsis3-v6`` for the two
vendor spaces in configuration (Kea's own ``all-options.json`` example uses
``docsis3-v6``); the same definitions are therefore listed under those
names too.
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
_E = DataType.EMPTY
_F = DataType.FQDN
_I32 = DataType.INT32
_U8 = DataType.UINT8
_U16 = DataType.UINT16
_U32 = DataType.UINT32
_A4 = DataType.IPV4_ADDRESS
_A6 = DataType.IPV6_ADDRESS
_P6 = DataType.IPV6_PREFIX
_PSID = DataType.PSID
_S = DataType.STRING
_TUP = DataType.TUPLE
_INT = DataType.INTERNAL

DHCP6_SPACE = "dhcp6"
MAPE_SPACE = "s46-cont-mape-options"
MAPT_SPACE = "s46-cont-mapt-options"
LW_SPACE = "s46-cont-lw-options"
S46_RULE_SPACE = "s46-rule-options"
S46_BIND_SPACE = "s46-v4v6bind-options"
NTP_SERVER_SPACE = "v6-ntp-server-suboptions"
RSOO_SPACE = "rsoo-opts"
ISC_VENDOR_SPACE = "vendor-2495"
DOCSIS3_VENDOR_SPACE = "vendor-4491"

# Kea's internal names for the two vendor spaces, still accepted in
# configuration ("space": "docsis3-v6" in Kea's all-options.json example).
VENDOR_SPACE_ALIASES: dict[str, str] = {
    "4o6": ISC_VENDOR_SPACE,
    "docsis3-v6": DOCSIS3_VENDOR_SPACE,
}

_DHCP6_ROWS: tuple[DefinitionRow, ...] = (
    # RFC 8415 core protocol options (section 21).
    row("clientid", 1, _B),
    row("serverid", 2, _B),
    record("ia-na", 3, _U32, _U32, _U32),  # IAID, T1, T2 (21.4)
    row("ia-ta", 4, _U32),  # IAID only (21.5)
    record("iaaddr", 5, _A6, _U32, _U32),  # address, preferred, valid (21.6)
    row("oro", 6, _U16, array=True),
    row("preference", 7, _U8),
    row("elapsed-time", 8, _U16),
    row("relay-msg", 9, _B),
    # AUTH carries a 64-bit replay-detection field no Kea type can hold,
    # so Kea (and we) treat the whole body as opaque (21.11).
    row("auth", 11, _B),
    row("unicast", 12, _A6),
    record("status-code", 13, _U16, _S),  # code, UTF-8 message (21.13)
    row("rapid-commit", 14, _E),
    row("user-class", 15, _B),
    record("vendor-class", 16, _U32, _B),  # enterprise number, opaque data
    # vendor-opts: the enterprise number; the options that follow belong
    # to the space "vendor-<enterprise number>" (21.17).
    row("vendor-opts", 17, _U32),
    row("interface-id", 18, _B),
    row("reconf-msg", 19, _U8),
    row("reconf-accept", 20, _E),
    # RFC 3319 SIP, RFC 3646 DNS.
    row("sip-server-dns", 21, _F, array=True),
    row("sip-server-addr", 22, _A6, array=True),
    row("dns-servers", 23, _A6, array=True),
    row("domain-search", 24, _F, array=True),
    # RFC 8415 prefix delegation (21.21, 21.22).
    record("ia-pd", 25, _U32, _U32, _U32),
    record("iaprefix", 26, _U32, _U32, _U8, _A6),  # preferred, valid, len, prefix
    # RFC 3898 NIS/NIS+, RFC 4075 SNTP, RFC 8415 21.23 refresh time.
    row("nis-servers", 27, _A6, array=True),
    row("nisp-servers", 28, _A6, array=True),
    row("nis-domain-name", 29, _F, array=True),
    row("nisp-domain-name", 30, _F, array=True),
    row("sntp-servers", 31, _A6, array=True),
    row("information-refresh-time", 32, _U32),
    # RFC 4280 BCMCS.
    row("bcmcs-server-dns", 33, _F, array=True),
    row("bcmcs-server-addr", 34, _A6, array=True),
    # RFC 4776 civic location: what, country code, civic elements.
    record("geoconf-civic", 36, _U8, _U16, _B),
    # RFC 4649 remote-id: enterprise number, opaque id.
    record("remote-id", 37, _U32, _B),
    row("subscriber-id", 38, _B),  # RFC 4580
    # RFC 4704 client FQDN: flags, domain name.
    record("client-fqdn", 39, _U8, _F),
    row("pana-agent", 40, _A6, array=True),  # RFC 5192
    row("new-posix-timezone", 41, _S),  # RFC 4833
    row("new-tzdb-timezone", 42, _S),
    row("ero", 43, _U16, array=True),  # RFC 4994
    # RFC 5007 leasequery; lq-query and client-data carry dhcp6 options.
    record("lq-query", 44, _U8, _A6, encapsulate=DHCP6_SPACE),
    row("client-data", 45, _E, encapsulate=DHCP6_SPACE),
    row("clt-time", 46, _U32),
    record("lq-relay-data", 47, _A6, _B),  # peer address, relay message
    row("lq-client-link", 48, _A6, array=True),
    row("v6-lost", 51, _F),  # RFC 5223
    row("capwap-ac-v6", 52, _A6, array=True),  # RFC 5417
    row("relay-id", 53, _B),  # RFC 5460
    # Kea 3.x: RFC 5908 NTP server, a container of exactly one sub-option.
    row("ntp-server", 56, _E, encapsulate=NTP_SERVER_SPACE),
    row("v6-access-domain", 57, _F),  # RFC 5986
    row("sip-ua-cs-list", 58, _F, array=True),  # RFC 6011
    # RFC 5970 network boot.
    row("bootfile-url", 59, _S),
    row("bootfile-param", 60, _TUP, array=True),
    row("client-arch-type", 61, _U16, array=True),
    record("nii", 62, _U8, _U8, _U8),  # type, major, minor
    row("aftr-name", 64, _F),  # RFC 6334
    row("erp-local-domain-name", 65, _F),  # RFC 6440
    # RFC 6422 relay-supplied options: a container of relayed options.
    row("rsoo", 66, _E, encapsulate=RSOO_SPACE),
    # RFC 6603 prefix exclude. Kea's manual table says "binary" but Kea
    # 2.2 and 3.x define it as ipv6-prefix (kea-dhcp6 accepts
    # "2001:db8:1:1::/64" as its CSV data).
    row("pd-exclude", 67, _P6),
    # RFC 6731 RDNSS selection: server address, flags, domain list.
    record("rdnss-selection", 74, _A6, _U8, _F, array=True),
    row("client-linklayer-addr", 79, _B),  # RFC 6939
    row("link-address", 80, _A6),  # RFC 6977
    row("solmax-rt", 82, _U32),  # RFC 8415 21.24
    row("inf-max-rt", 83, _U32),  # RFC 8415 21.25
    # RFC 7341 DHCPv4-over-DHCPv6.
    row("dhcpv4-message", 87, _B),
    row("dhcp4o6-server-addr", 88, _A6, array=True),
    # RFC 7598 Softwire46 containers; their contents live in sub-spaces.
    row("s46-cont-mape", 94, _E, encapsulate=MAPE_SPACE),
    row("s46-cont-mapt", 95, _E, encapsulate=MAPT_SPACE),
    row("s46-cont-lw", 96, _E, encapsulate=LW_SPACE),
    row("v6-captive-portal", 103, _S),  # RFC 8910
    row("relay-source-port", 135, _U16),  # RFC 8357
    # Kea 2.4+: RFC 8572 SZTP redirect, a list of length-prefixed URIs.
    row("v6-sztp-redirect", 136, _TUP, array=True),
    row("ipv6-address-andsf", 143, _A6, array=True),  # RFC 6153
    # Kea 3.x: RFC 9463 DNR. Kea 2.4 described it as the record (uint16,
    # uint16, fqdn, binary); Kea 2.6/3.x build it with a dedicated codec
    # that also accepts the "priority, adn, addresses, svcparams" notation,
    # hence the "internal" type.
    row("v6-dnr", 144, _INT),
    # Kea 3.x: RFC 9686 address registration, a flag option.
    row("addr-reg-enable", 148, _E),
)

# RFC 7598 section 4.1: flags, ea-len, prefix4-len, ipv4-prefix, ipv6-prefix;
# the rule may carry s46-portparams.
_S46_RULE = record("s46-rule", 89, _U8, _U8, _U8, _A4, _P6, encapsulate=S46_RULE_SPACE)
_S46_BR = row("s46-br", 90, _A6)  # RFC 7598 4.2, RFC 8539
_S46_DMR = row("s46-dmr", 91, _P6)  # RFC 7598 4.3
# RFC 7598 4.4: ipv4-address, bind-ipv6-prefix, then s46-portparams.
_S46_V4V6BIND = record("s46-v4v6bind", 92, _A4, _P6, encapsulate=S46_BIND_SPACE)
# RFC 7598 4.5: offset, then PSID-len and PSID written as "psid/len".
_S46_PORTPARAMS = record("s46-portparams", 93, _U8, _PSID)

_SUBSPACE_ROWS: dict[str, tuple[DefinitionRow, ...]] = {
    MAPE_SPACE: (_S46_RULE, _S46_BR),
    MAPT_SPACE: (_S46_RULE, _S46_DMR),
    LW_SPACE: (_S46_BR, _S46_V4V6BIND),
    S46_RULE_SPACE: (_S46_PORTPARAMS,),
    S46_BIND_SPACE: (_S46_PORTPARAMS,),
    # Kea 3.x, RFC 5908 section 4: one of these per ntp-server option.
    NTP_SERVER_SPACE: (
        row("ntp-server-address", 1, _A6),
        row("ntp-server-multicast", 2, _A6),
        row("ntp-server-fqdn", 3, _F),
    ),
    # Kea's DHCPv4-over-DHCPv6 daemons tell each other where a DHCPv4
    # query came from with these ISC options (ISC design, not an RFC).
    ISC_VENDOR_SPACE: (
        row("4o6-interface", 60000, _S),
        row("4o6-source-address", 60001, _A6),
        row("4o6-source-port", 60002, _U16),
    ),
    # CableLabs CL-SP-CANN-DHCP-Reg: the DOCSIS 3 options Kea defines.
    DOCSIS3_VENDOR_SPACE: (
        row("oro", 1, _U16, array=True),
        row("device-type", 2, _S),
        row("vendor-type", 10, _S),
        row("tftp-servers", 32, _A6, array=True),
        row("config-file", 33, _S),
        row("syslog-servers", 34, _A6, array=True),
        row("device-id", 36, _B),
        row("time-servers", 37, _A6, array=True),
        row("time-offset", 38, _I32),
        # Inserted by the CMTS acting as relay agent.
        row("cmts-cm-mac", 1026, _B),
    ),
}


def _all_definitions() -> tuple[OptionDefinition, ...]:
    defs = list(build_space(DHCP6_SPACE, _DHCP6_ROWS))
    for space, rows in _SUBSPACE_ROWS.items():
        defs.extend(build_space(space, rows))
    for alias, space in VENDOR_SPACE_ALIASES.items():
        defs.extend(build_space(alias, _SUBSPACE_ROWS[space]))
    return tuple(defs)


STANDARD_V6: tuple[OptionDefinition, ...] = _all_definitions()

# Every space the standard DHCPv6 definitions live in or encapsulate.
# "rsoo-opts" has no standard definitions: relays fill it with options of
# their own choosing (RFC 6422 section 3), custom ones may be defined there.
STANDARD_V6_SPACES: frozenset[str] = frozenset(
    {d.space for d in STANDARD_V6} | {RSOO_SPACE}
)
