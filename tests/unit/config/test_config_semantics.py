"""The checks Kea makes after parsing, each refusal naming its line.

Every case marks the line the error must point at with ``// <-``; the messages
are Kea 2.2's (learnt with ``kea-dhcpX -t``) unless a comment says otherwise.
"""

from __future__ import annotations

import pytest

from nestor.config import SystemChecks, load_text
from nestor.config.model import Config, Triplet
from nestor.errors import ConfigError


def marked_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if "// <-" in line)


def refuse(text: str, reason: str, universe: int = 4,
           system: SystemChecks | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_text(text, universe, name="kea.conf", system=system)
    err = info.value
    assert reason in err.message
    assert (err.file, err.line) == ("kea.conf", marked_line(text)), str(err)
    return err


def v4(body: str) -> str:
    return '{\n"Dhcp4": {\n' + body + '\n}\n}\n'


def v6(body: str) -> str:
    return '{\n"Dhcp6": {\n' + body + '\n}\n}\n'


def load4(body: str) -> Config:
    return load_text(v4(body), 4).config


def load6(body: str) -> Config:
    return load_text(v6(body), 6).config


# --- subnets ---------------------------------------------------------------------------

@pytest.mark.parametrize(("prefix", "reason"), [
    ("192.0.2.0", "Invalid subnet syntax (prefix/len expected):192.0.2.0"),
    ("192.0.2.0/33", "Invalid prefix length specified for subnet: 33"),
    ("300.0.2.0/24", "Failed to convert string to address '300.0.2.0'"),
    ("2001:db8::/64", "Non IPv4 prefix 2001:db8:: specified in subnet4"),
])
def test_malformed_subnet_prefix(prefix: str, reason: str) -> None:
    refuse(v4(f'"subnet4": [ {{ "id": 1,\n "subnet": "{prefix}" }} ] // <-'), reason)


def test_duplicate_subnet_id_and_prefix_also_across_shared_networks() -> None:
    refuse(v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" },\n'
              '{ "id": 1, "subnet": "192.0.3.0/24" } ] // <-'),
           "ID of the new IPv4 subnet '1' is already in use")
    refuse(v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" },\n'
              '{ "id": 2, "subnet": "192.0.2.0/24" } ] // <-'),
           "subnet with the prefix of '192.0.2.0/24' already exists")
    # Kea adds shared networks' subnets first, so the top-level one is the duplicate.
    refuse(v4('"shared-networks": [ { "name": "a", "subnet4": [\n'
              '{ "id": 1, "subnet": "192.0.3.0/24" } ] } ],\n'
              '"subnet4": [ { "id": 1, // <-\n "subnet": "192.0.2.0/24" } ]'),
           "ID of the new IPv4 subnet '1' is already in use")


def test_overlapping_subnets_are_allowed_like_kea() -> None:
    config = load4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" },\n'
                   '{ "id": 2, "subnet": "192.0.2.0/25" } ]')
    assert [s.id for s in config.subnets] == [1, 2]


@pytest.mark.parametrize("sid", [-1, 4294967295])
def test_subnet_id_range(sid: int) -> None:
    refuse(v4(f'"subnet4": [ {{ "subnet": "192.0.2.0/24",\n "id": {sid} }} ] // <-'),
           f"The 'id' value ({sid}) is not within expected range: (0 - 4294967294)")


def test_missing_subnet_ids_are_numbered_like_kea_and_may_clash() -> None:
    config = load4('"subnet4": [ { "id": 4294967294, "subnet": "192.0.2.0/24" },\n'
                   '{ "subnet": "198.51.100.0/24" }, { "id": 0, "subnet": "198.51.101.0/24" } ]')
    assert [s.id for s in config.subnets] == [4294967294, 1, 2]
    refuse(v4('"subnet4": [ { "subnet": "192.0.2.0/24" },\n'
              '{ "id": 1, "subnet": "192.0.3.0/24" } ] // <-'),
           "ID of the new IPv4 subnet '1' is already in use")


def test_subnet_interface_must_exist_when_the_system_is_asked() -> None:
    system = SystemChecks(interface_exists=lambda name: name == "eth0")
    text = v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",\n"interface": "eth9" } ] // <-')
    refuse(text, "Specified network interface name eth9 for subnet 192.0.2.0/24 is not present",
           system=system)
    load_text(text, 4)  # nobody asked the system: accepted


# --- pools -------------------------------------------------------------------------------

@pytest.mark.parametrize(("pools", "reason"), [
    ('{ "pool": "192.0.2.10" }', "invalid pool definition: 192.0.2.10. There are two"),
    ('{ "pool": "192.0.2.20 - 192.0.2.10" }',
     "Failed to create pool defined by: 192.0.2.20-192.0.2.10"),
    ('{ "pool": "192.0.2.0/33" }', "Failed to create pool defined by: 192.0.2.0/33"),
    ('{ "pool": "192.0.3.10 - 192.0.3.20" }',
     "192.0.3.10-192.0.3.20 does not match the prefix of a subnet: 192.0.2.0/24"),
    ('{ "pool": "192.0.2.0/23" }', "192.0.2.0-192.0.3.255 does not match the prefix"),
    ('{ "pool": "192.0.2.10 - 192.0.2.20" },\n{ "pool": "192.0.2.16/28" }',
     "192.0.2.16-192.0.2.31 overlaps with an existing pool in the subnet"),
])
def test_bad_pools(pools: str, reason: str) -> None:
    refuse(v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "pools": [\n'
              + pools + ' // <-\n] } ]'), reason)


def test_pool_forms_kea_accepts() -> None:
    config = load4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "pools": [\n'
                   '{ "pool": "192.0.2.10-192.0.2.20" }, { "pool": " 192.0.2.128/25 " },\n'
                   '{ "pool": "192.0.2.30 -192.0.2.30" } ] } ]')
    assert [p.size for p in config.subnets[0].pools] == [11, 128, 1]


def test_v6_pools_and_pd_pools() -> None:
    config = load6('"subnet6": [ { "id": 1, "subnet": "2001:db8::/64",\n'
                   '"pools": [ { "pool": "2001:db8::/120" } ],\n'
                   '"pd-pools": [ { "prefix": "2001:db8:1::", "prefix-len": 48,\n'
                   '"delegated-len": 64, "excluded-prefix": "2001:db8:1::",\n'
                   '"excluded-prefix-len": 72 } ] } ]')
    subnet = config.subnets[0]
    assert subnet.pools[0].size == 256
    pd = subnet.pd_pools[0]
    assert (str(pd.prefix), pd.delegated_len, str(pd.excluded)) == \
        ("2001:db8:1::/48", 64, "2001:db8:1::/72")


@pytest.mark.parametrize(("pd", "reason"), [
    ('"prefix": "2001:db8:1::", "prefix-len": 48, "delegated-len": 40',
     "Delegated length (40) must be longer than or equal to prefix length (48)"),
    ('"prefix": "10.0.0.0", "prefix-len": 8, "delegated-len": 16',
     "Invalid Pool6 address boundaries: not IPv6"),
    ('"prefix": "2001:db8:1::", "prefix-len": 48, "delegated-len": 64,\n'
     '"excluded-prefix": "2001:db8:2::", "excluded-prefix-len": 72',
     "must have the same common prefix part of 64"),
])
def test_bad_pd_pools(pd: str, reason: str) -> None:
    lines = pd.split("\n")
    lines[-1] += " // <-"
    refuse(v6('"subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "pd-pools": [ {\n'
              + "\n".join(lines) + '\n} ] } ]'), reason, universe=6)


def test_overlapping_pd_pools() -> None:
    refuse(v6('"subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "pd-pools": [\n'
              '{ "prefix": "2001:db8:1::", "prefix-len": 48, "delegated-len": 64 },\n'
              '{ "prefix": "2001:db8:1:8000::", "prefix-len": 49, "delegated-len": 64 } // <-\n'
              '] } ]'), "a pool of type IA_PD", universe=6)


# --- reservations ------------------------------------------------------------------------

def res4(*entries: str) -> str:
    return v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "reservations": [\n'
              + ",\n".join(entries) + "\n] } ]")


@pytest.mark.parametrize(("entries", "reason"), [
    (['{ "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.3.5" } // <-'],
     "specified reservation '192.0.3.5' is not within the IPv4 subnet '192.0.2.0/24'"),
    (['{ "hw-address": "aa:bb:cc:dd:ee:ff", "client-id": "01:02", // <-\n"hostname": "x" }'],
     "the 'hw-address' and 'client-id' are mutually exclusive"),
    (['{ "ip-address": "192.0.2.5" } // <-'],
     "one of the supported identifiers must be specified for host reservation"),
    (['{ "hw-address": "zz:bb", "ip-address": "192.0.2.5" } // <-'],
     "invalid host identifier value 'zz:bb'"),
    (['{ "hw-address": "", "ip-address": "192.0.2.5" } // <-'], "empty host identifier used"),
    (['{ "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "0.0.0.0" } // <-'],
     "must not make reservation for the '0.0.0.0' address"),
    (['{ "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "1.2.3.4.5" } // <-'],
     "Failed to convert string to address '1.2.3.4.5'"),
    (['{ "hw-address": "aa:bb:cc:dd:ee:ff" } // <-'], "must include at least one resource"),
    (['{ "hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "a" }',
      '{ "hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "b" } // <-'],
     "as this host has already been added"),
    (['{ "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.5" }',
      '{ "hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "192.0.2.5" } // <-'],
     "There's already a reservation for this address"),
])
def test_bad_reservations(entries: list[str], reason: str) -> None:
    refuse(res4(*entries), reason)


def test_reservation_identifier_forms() -> None:
    config = load_text(res4(
        '{ "hw-address": "aabbccddeeff", "hostname": "a" }',
        '{ "hw-address": "aa bb cc dd ee 01", "hostname": "b" }',
        '{ "hw-address": "a:b:c", "hostname": "c" }',
        '{ "circuit-id": "\'abc\'", "hostname": "d" }',
        '{ "flex-id": "0x0102", "hostname": "e" }',
        '{ "duid": "abc", "client-classes": [ "x" ] }'), 4).config
    hosts = config.subnets[0].reservations
    assert [h.identifier.hex() for h in hosts] == \
        ["aabbccddeeff", "aabbccddee01", "0a0b0c", "616263", "0102", "0abc"]
    assert [h.identifier_type for h in hosts] == \
        ["hw-address", "hw-address", "hw-address", "circuit-id", "flex-id", "duid"]


def test_same_address_twice_allowed_when_reservations_need_not_be_unique() -> None:
    text = res4('{ "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.5" }',
                '{ "hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "192.0.2.5" }')
    text = text.replace('"Dhcp4": {', '"Dhcp4": { "ip-reservations-unique": false,')
    assert len(load_text(text, 4).config.subnets[0].reservations) == 2


def test_global_reservations_and_the_same_host_in_a_subnet() -> None:
    config = load4('"reservations": [ { "hw-address": "aa:bb:cc:dd:ee:ff",\n'
                   '"ip-address": "10.0.0.1" } ],\n'
                   '"subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "reservations": [\n'
                   '{ "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "10.0.0.1" } ] } ]')
    assert config.reservations[0].subnet_id == 0
    assert config.subnets[0].reservations[0].subnet_id == 1


def test_v6_reservations() -> None:
    base = '"subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "reservations": [\n{0}\n] }} ]'
    refuse(v6(base.replace("{0}", '{ "duid": "01:02", "ip-addresses": [ "2001:db8:1::5" ] }'
                           ' // <-').replace("}}", "}")),
           "specified reservation '2001:db8:1::5' is not within the IPv6 subnet", universe=6)
    refuse(v6(base.replace("{0}", '{ "duid": "01:02", "prefixes": [ "2001:db8:5::/129" ] }'
                           ' // <-').replace("}}", "}")),
           "invalid prefix length '129' for new IPv6 reservation", universe=6)
    refuse(v6(base.replace("{0}", '{ "duid": "01:02", "hw-address": "aa:bb:cc:dd:ee:ff", // <-\n'
                                  '"hostname": "a" }').replace("}}", "}")),
           "the 'duid' and 'hw-address' are mutually exclusive", universe=6)
    config = load6(base.replace("{0}", '{ "duid": "01:02", "ip-addresses": [ "2001:db8::5" ],'
                                       ' "prefixes": [ "2001:db8:5::/48" ] }').replace("}}", "}"))
    host = config.subnets[0].reservations[0]
    assert [str(a) for a in host.ipv6_addresses] == ["2001:db8::5"]
    assert [str(p) for p in host.prefixes] == ["2001:db8:5::/48"]


# --- lifetimes, timers, percentages ------------------------------------------------------

@pytest.mark.parametrize(("body", "reason"), [
    ('"valid-lifetime": 100,\n"min-valid-lifetime": 200 // <-',
     "the value of min-valid-lifetime (200) is not less than (default) valid-lifetime (100)"),
    ('"max-valid-lifetime": 100 // <-',
     "the value of (default) valid-lifetime (7200) is not less than max-valid-lifetime (100)"),
    ('"min-valid-lifetime": 300, // <-\n"max-valid-lifetime": 200',
     "the value of min-valid-lifetime (300) is not less than max-valid-lifetime (200)"),
])
def test_global_lifetime_triplets(body: str, reason: str) -> None:
    refuse(v4(body), reason)


def test_subnet_checks_use_inherited_values_and_point_where_they_are_set() -> None:
    refuse(v4('"renew-timer": 3000, // <-\n"rebind-timer": 2000,\n'
              '"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" } ]'),
           "the value of renew-timer (3000) is greater than the value of rebind-timer (2000)")
    refuse(v4('"min-valid-lifetime": 5000, // <-\n'
              '"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 4000 } ]'),
           "the value of min-valid-lifetime (5000) is not less than (default) valid-lifetime")
    # Without subnets Kea does not compare the timers; neither does Nestor.
    load4('"renew-timer": 3000, "rebind-timer": 2000')


def test_tee_percentages_only_matter_when_calculated() -> None:
    load4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "t1-percent": 1.5 } ]')
    refuse(v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "calculate-tee-times": true,\n'
              '"t1-percent": 0.9, // <-\n"t2-percent": 0.5 } ]'),
           "t1-percent:  0.9 is invalid, it must be less than t2-percent: 0.5")


def test_cache_threshold_and_hostname_char_set() -> None:
    refuse(v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",\n'
              '"cache-threshold": 1.5 } ] // <-'), "cache-threshold: 1.5 is invalid")
    refuse(v4('"hostname-char-set": "[a-", // <-\n'
              '"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" } ]'),
           "hostname-char-set '[a-' is not a valid regular expression")


def test_v6_preferred_lifetime_triplet() -> None:
    refuse(v6('"preferred-lifetime": 100,\n"min-preferred-lifetime": 200 // <-'),
           "the value of min-preferred-lifetime (200) is not less than (default) "
           "preferred-lifetime (100)", universe=6)


def test_reservation_mode_conflicts_with_its_replacements() -> None:
    refuse(v4('"reservation-mode": "all",\n"reservations-global": true // <-'),
           "invalid use of both 'reservation-mode' and one of")


# --- shared networks, classes, options ---------------------------------------------------

def test_shared_network_names() -> None:
    refuse(v4('"shared-networks": [ { "name": "a" },\n{ "name": "a" } ] // <-'),
           "duplicate network 'a' found in the configuration")
    refuse(v4('"shared-networks": [ { "name": "" } ] // <-'),
           "is missing mandatory 'name' parameter")
    refuse(v4('"shared-networks": [ { "name": "a", "interface": "eth0", "subnet4": [\n'
              '{ "id": 1, "subnet": "192.0.2.0/24", "interface": "eth1" } ] } ] // <-'),
           "has specified interface eth1, but earlier subnet in the same shared-network")


def test_client_classes() -> None:
    refuse(v4('"client-classes": [ { "name": "a" },\n{ "name": "a" } ] // <-'),
           "Can't add class: Client Class: a has already been defined")
    refuse(v4('"client-classes": [ { "name": "a",\n"test": "option[60].hex ==" } ] // <-'),
           "expression: [option[60].hex ==] error:")
    refuse(v4('"client-classes": [ { "name": "b",\n"test": "member(\'a\')" } ] // <-'),
           "Not defined client class 'a'")
    config = load4('"client-classes": [ { "name": "a", "only-if-required": true },\n'
                   '{ "name": "b", "test": "member(\'a\') and member(\'KNOWN\')",\n'
                   '"valid-lifetime": 600, "max-valid-lifetime": 900 } ]')
    b = config.client_classes[1]
    assert (b.test, b.valid) == ("member('a') and member('KNOWN')", Triplet(600, 600, 900))


def test_option_errors_name_the_option_entry() -> None:
    refuse(v4('"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "option-data": [\n'
              '{ "name": "routers", "data": "192.0.2.300" } // <-\n] } ]'),
           "option data configuration error")
    refuse(v4('"option-def": [\n{ "name": "foo", "code": 222, "type": "bogus" } // <-\n]'),
           "option definition error")


def test_options_are_encoded_per_scope() -> None:
    config = load4('"option-def": [ { "name": "foo", "code": 222, "type": "uint16" } ],\n'
                   '"option-data": [ { "name": "foo", "data": "513" } ],\n'
                   '"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "option-data": [\n'
                   '{ "name": "routers", "data": "192.0.2.1" } ] } ]')
    assert [(o.code, o.payload) for o in config.options] == [(222, b"\x02\x01")]
    assert [(o.code, o.payload) for o in config.subnets[0].options] == [(3, bytes([192, 0, 2, 1]))]
    assert config.definitions.by_name("dhcp4", "foo") is not None


# --- global maps ------------------------------------------------------------------------

def test_interfaces_are_checked_against_the_system() -> None:
    system = SystemChecks(interface_exists=lambda name: name == "eth0",
                          interface_has_address=lambda name, addr: addr == "192.0.2.1")
    refuse(v4('"interfaces-config": { "interfaces": [ "eth0",\n"nosuch0" ] } // <-'),
           "interface 'nosuch0' doesn't exist in the system", system=system)
    refuse(v4('"interfaces-config": { "interfaces": [\n"eth0/192.0.2.9" ] } // <-'),
           "interface 'eth0' doesn't have address '192.0.2.9' assigned", system=system)
    refuse(v4('"interfaces-config": { "interfaces": [\n"eth0/300.1.1.1" ] } // <-'),
           "Failed to convert string to address '300.1.1.1'")
    refuse(v4('"interfaces-config": { "interfaces": [\n"" ] } // <-'),
           "empty interface name used in configuration")
    config = load_text(v4('"interfaces-config": { "interfaces": [ "*", "eth0/192.0.2.1" ] }'),
                       4, system=system).config
    assert config.interfaces == ["*", "eth0/192.0.2.1"]


@pytest.mark.parametrize(("body", "reason"), [
    ('"dhcp-ddns": { "enable-updates": true,\n"server-ip": "x" } // <-',
     "Failed to convert 'x' to address"),
    ('"dhcp-ddns": { "enable-updates": true, "server-ip": "127.0.0.1",\n'
     '"sender-ip": "::1" } // <-', "address family mismatch"),
    ('"dhcp-ddns": { "enable-updates": false,\n"ncr-protocol": "TCP" } // <-',
     "NCR Protocol: TCP is not supported"),
    ('"sanity-checks": {\n"lease-checks": "bogus" } // <-',
     "Unsupported 'lease-checks value: bogus"),
    ('"hooks-libraries": [ {\n"library": "" } ] // <-',
     "value of 'library' element must not be blank"),
    ('"host-reservation-identifiers": [ "duid",\n"duid" ] // <-', "duplicate entry 'duid'"),
    ('"expired-leases-processing": {\n"max-reclaim-time": 10001 } // <-',
     "out range value '10001' for configuration parameter 'max-reclaim-time', expected "
     "maximum value of '10000'"),
    ('"client-classes": [ { "name": "a", "option-def": [\n'
     '{ "name": "foo", "code": 222, "type": "uint8" } ] } ] // <-',
     "Not allowed option definition for code '222' in space 'dhcp4'"),
])
def test_global_map_checks(body: str, reason: str) -> None:
    refuse(v4(body), reason)


@pytest.mark.parametrize(("body", "reason"), [
    ('"mac-sources": [\n"bogus" ] // <-', "to any recognized MAC source"),
    ('"mac-sources": [ "client-link-addr-option",\n"rfc6939" ] // <-', "was specified twice"),
    ('"relay-supplied-options": [\n"bogus" ] // <-', "unable to find option code"),
    ('"server-id": { "type": "LLT",\n"identifier": "zz" } // <-',
     "is not a valid string of hexadecimal digits"),
    ('"subnet6": [ { "id": 1, "subnet": "2001:db8::/64", // <-\n'
     '"interface": "eth0", "interface-id": "x" } ]',
     "cannot be defined at the same time"),
    ('"shared-networks": [ { "name": "n", // <-\n'
     '"interface": "eth0", "interface-id": "x" } ]',
     "cannot be defined at the same time for shared network n"),
    ('"data-directory": "" // <-', "Bad directory ''"),
])
def test_v6_global_checks(body: str, reason: str) -> None:
    lines = body.split("\n")
    refuse(v6("\n".join(lines)), reason, universe=6)


def test_hook_libraries_are_recorded_not_opened() -> None:
    config = load4('"hooks-libraries": [ { "library": "/nowhere/libdhcp_lease_cmds.so",\n'
                   '"parameters": { "a": [ 1 ] } } ]')
    assert config.hooks[0].library == "/nowhere/libdhcp_lease_cmds.so"
    assert config.hooks[0].parameters == {"a": [1]}
