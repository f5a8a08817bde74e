"""The grammar tables: unknown keys, wrong types, enumerations, ranges, required and
non-empty maps, at every level of Dhcp4 and Dhcp6, each refusal naming its line."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from nestor.config import load_text
from nestor.config.schema4 import DHCP4
from nestor.config.schema6 import DHCP6
from nestor.config.spec import Gen, ListSpec, MapSpec
from nestor.errors import ConfigError

BASE4: dict[str, Any] = {"Dhcp4": {
    "interfaces-config": {"interfaces": []},
    "lease-database": {"type": "memfile", "persist": False},
    "option-def": [{"name": "foo", "code": 222, "type": "uint8"}],
    "option-data": [{"name": "domain-name", "data": "example.org"}],
    "client-classes": [{"name": "c1", "test": "member('ALL')"}],
    "hooks-libraries": [{"library": "/usr/lib/kea/hooks/libdhcp_lease_cmds.so"}],
    "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}]}],
    "control-socket": {"socket-type": "unix", "socket-name": "/tmp/s"},
    "dhcp-ddns": {"enable-updates": False},
    "expired-leases-processing": {"max-reclaim-leases": 50},
    "multi-threading": {"enable-multi-threading": False},
    "sanity-checks": {"lease-checks": "warn"},
    "reservations": [{"hw-address": "aa:bb:cc:dd:ee:01", "hostname": "h1"}],
    "shared-networks": [{"name": "net", "relay": {"ip-addresses": ["10.0.0.1"]},
                         "subnet4": [{"id": 2, "subnet": "192.0.3.0/24"}]}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                 "pools": [{"pool": "192.0.2.10 - 192.0.2.20",
                            "option-data": [{"name": "routers", "data": "192.0.2.1"}]}],
                 "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff",
                                   "ip-address": "192.0.2.5"}]}],
}}

BASE6: dict[str, Any] = {"Dhcp6": {
    "interfaces-config": {"interfaces": []},
    "server-id": {"type": "LLT", "persist": False},
    "subnet6": [{"id": 1, "subnet": "2001:db8::/64",
                 "pools": [{"pool": "2001:db8::10 - 2001:db8::20"}],
                 "pd-pools": [{"prefix": "2001:db8:1::", "prefix-len": 48,
                               "delegated-len": 64}],
                 "reservations": [{"duid": "01:02:03", "ip-addresses": ["2001:db8::5"]}]}],
}}


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)


def line_of(text: str, needle: str) -> int:
    """The last line holding ``needle`` (the cases below edit the last occurrence)."""
    return max(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def at(doc: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    node: Any = doc
    for step in path:
        node = node[step]
    return node


def refuse(doc: dict[str, Any], universe: int = 4) -> tuple[ConfigError, str]:
    text = render(doc)
    with pytest.raises(ConfigError) as info:
        load_text(text, universe, name="kea.conf")
    return info.value, text


def test_base_configurations_are_valid() -> None:
    assert len(load_text(render(BASE4), 4).config.subnets) == 2
    assert len(load_text(render(BASE6), 6).config.subnets) == 1


PATHS4: list[tuple[str | int, ...]] = [
    ("Dhcp4",), ("Dhcp4", "interfaces-config"), ("Dhcp4", "lease-database"),
    ("Dhcp4", "option-def", 0), ("Dhcp4", "option-data", 0), ("Dhcp4", "client-classes", 0),
    ("Dhcp4", "hooks-libraries", 0), ("Dhcp4", "loggers", 0),
    ("Dhcp4", "loggers", 0, "output_options", 0), ("Dhcp4", "control-socket"),
    ("Dhcp4", "dhcp-ddns"), ("Dhcp4", "expired-leases-processing"),
    ("Dhcp4", "multi-threading"), ("Dhcp4", "sanity-checks"), ("Dhcp4", "reservations", 0),
    ("Dhcp4", "shared-networks", 0), ("Dhcp4", "shared-networks", 0, "relay"),
    ("Dhcp4", "shared-networks", 0, "subnet4", 0), ("Dhcp4", "subnet4", 0),
    ("Dhcp4", "subnet4", 0, "pools", 0), ("Dhcp4", "subnet4", 0, "pools", 0, "option-data", 0),
    ("Dhcp4", "subnet4", 0, "reservations", 0),
]


@pytest.mark.parametrize("path", PATHS4, ids=lambda p: "/".join(map(str, p)))
def test_unknown_key_is_refused_at_every_level(path: tuple[str | int, ...]) -> None:
    doc = copy.deepcopy(BASE4)
    at(doc, path)["no-such-key"] = 1
    err, text = refuse(doc)
    assert err.message.startswith('got unexpected keyword "no-such-key" in ')
    assert (err.file, err.line) == ("kea.conf", line_of(text, "no-such-key"))


@pytest.mark.parametrize(("path", "key", "value", "expecting"), [
    (("Dhcp4",), "valid-lifetime", "4000", "integer"),
    (("Dhcp4",), "valid-lifetime", 4000.0, "integer"),
    (("Dhcp4",), "valid-lifetime", None, "integer"),
    (("Dhcp4",), "match-client-id", "yes", "boolean"),
    (("Dhcp4",), "t1-percent", 1, "floating point"),
    (("Dhcp4",), "interfaces-config", [], "map"),
    (("Dhcp4", "interfaces-config"), "interfaces", "eth0", "list"),
    (("Dhcp4", "interfaces-config"), "interfaces", {"eth0": 1}, "list"),
    (("Dhcp4", "interfaces-config"), "interfaces", [1], "constant string"),
    (("Dhcp4", "lease-database"), "persist", 0, "boolean"),
    (("Dhcp4", "subnet4", 0), "id", "1", "integer"),
    (("Dhcp4", "subnet4", 0), "subnet", 19202, "constant string"),
])
def test_wrong_value_type_names_parameter_and_line(path: tuple[str | int, ...], key: str,
                                                   value: object, expecting: str) -> None:
    doc = copy.deepcopy(BASE4)
    at(doc, path)[key] = value
    err, text = refuse(doc)
    assert f"'{key}'" in err.message and f"expecting {expecting}" in err.message
    scalar = not isinstance(value, list | dict)
    needle = f'"{key}": {json.dumps(value)}' if scalar else f'"{key}"'
    # A wrong list element is reported where the element is (the line after the key).
    assert err.line == line_of(text, needle) + (1 if isinstance(value, list) and value else 0)


@pytest.mark.parametrize(("path", "key", "value"), [
    (("Dhcp4", "interfaces-config"), "dhcp-socket-type", "tcp"),
    (("Dhcp4", "interfaces-config"), "outbound-interface", "whatever"),
    (("Dhcp4", "lease-database"), "type", "oracle"),
    (("Dhcp4",), "ddns-replace-client-name", "sometimes"),
    (("Dhcp4",), "reservation-mode", "bogus"),
    (("Dhcp4",), "host-reservation-identifiers", ["hw-address", "mac"]),
    (("Dhcp4", "dhcp-ddns"), "ncr-format", "XML"),
])
def test_values_outside_an_enumeration_are_refused(path: tuple[str | int, ...], key: str,
                                                   value: object) -> None:
    doc = copy.deepcopy(BASE4)
    at(doc, path)[key] = value
    err, _ = refuse(doc)
    assert "unsupported value" in err.message and "expecting one of" in err.message


@pytest.mark.parametrize(("path", "key", "value"), [
    (("Dhcp4",), "valid-lifetime", -1),
    (("Dhcp4",), "valid-lifetime", 4294967296),
    (("Dhcp4",), "dhcp4o6-port", 70000),
    (("Dhcp4",), "decline-probation-period", -5),
    (("Dhcp4", "lease-database"), "lfc-interval", -1),
    (("Dhcp4", "lease-database"), "port", 99999),
    (("Dhcp4", "multi-threading"), "thread-pool-size", 70000),
])
def test_out_of_range_values_are_refused(path: tuple[str | int, ...], key: str,
                                         value: int) -> None:
    doc = copy.deepcopy(BASE4)
    at(doc, path)[key] = value
    err, text = refuse(doc)
    assert err.message.startswith(f"out of range value ({value}) specified for parameter "
                                  f"'{key}'")
    assert err.line == line_of(text, f'"{key}"')


@pytest.mark.parametrize(("path", "missing"), [
    (("Dhcp4", "subnet4", 0), "subnet"), (("Dhcp4", "subnet4", 0, "pools", 0), "pool"),
    (("Dhcp4", "option-def", 0), "type"), (("Dhcp4", "option-def", 0), "code"),
    (("Dhcp4", "hooks-libraries", 0), "library"), (("Dhcp4", "lease-database"), "type"),
    (("Dhcp4", "multi-threading"), "enable-multi-threading"),
    (("Dhcp4", "dhcp-ddns"), "enable-updates"), (("Dhcp4", "client-classes", 0), "name"),
])
def test_missing_mandatory_parameter(path: tuple[str | int, ...], missing: str) -> None:
    doc = copy.deepcopy(BASE4)
    node = at(doc, path)
    node.pop(missing)
    if not node:  # keep the map non-empty with a key the map knows
        hooks = path[1] == "hooks-libraries"
        node["parameters" if hooks else "comment"] = {} if hooks else "x"
    err, _ = refuse(doc)
    assert f"missing parameter '{missing}'" in err.message


def test_empty_maps_and_lists_keas_grammar_refuses_point_at_the_closing_bracket() -> None:
    text = '{\n"Dhcp4": {\n "client-classes": [\n ],\n "valid-lifetime": 1\n}\n}'
    with pytest.raises(ConfigError, match="empty 'client-classes' list") as info:
        load_text(text, 4)
    assert info.value.line == 4
    with pytest.raises(ConfigError, match="empty Dhcp4 map") as info:
        load_text('{\n"Dhcp4": {\n}\n}', 4)
    assert info.value.line == 3
    # Lists Kea allows empty stay accepted.
    load_text('{"Dhcp4": {"subnet4": [], "option-data": [], "user-context": {}}}', 4)


@pytest.mark.parametrize(("extra", "reason"), [
    ('"Dhcp6": {}', 'belongs in the configuration file of kea-dhcp6'),
    ('"Logging": {}', '"Logging" is not supported'),
    ('"DhcpDdns": {}', 'kea-dhcp-ddns'),
    ('"Control-agent": {}', 'kea-ctrl-agent'),
    ('"Whatever": {}', 'got unexpected keyword "Whatever" in toplevel map'),
])
def test_other_sections_are_recognised_and_refused_as_kea_2_does(extra: str,
                                                                 reason: str) -> None:
    with pytest.raises(ConfigError, match=reason) as info:
        load_text('{\n  "Dhcp4": {"valid-lifetime": 1},\n  ' + extra + '\n}', 4)
    assert info.value.line == 3


def test_dhcp6_file_given_to_the_dhcp4_server() -> None:
    with pytest.raises(ConfigError, match="kea-dhcp6"):
        load_text(render(BASE6), 4)
    with pytest.raises(ConfigError, match="missing parameter 'Dhcp4'"):
        load_text("{}", 4)
    with pytest.raises(ConfigError, match="must be a map"):
        load_text("[1]", 4)


def test_v6_only_parameters_are_unknown_in_dhcp4_and_back() -> None:
    doc = copy.deepcopy(BASE4)
    doc["Dhcp4"]["preferred-lifetime"] = 3000
    err, _ = refuse(doc)
    assert 'unexpected keyword "preferred-lifetime" in Dhcp4 map' in err.message
    doc6 = copy.deepcopy(BASE6)
    doc6["Dhcp6"]["subnet6"][0]["next-server"] = "10.0.0.1"
    err, _ = refuse(doc6, 6)
    assert 'unexpected keyword "next-server" in subnet6 map' in err.message


# --- Kea 3.x spellings -------------------------------------------------------------------

def test_kea3_spellings_are_accepted() -> None:
    doc = copy.deepcopy(BASE4)
    d = doc["Dhcp4"]
    d["control-sockets"] = [d.pop("control-socket")]
    d["loggers"][0]["output-options"] = d["loggers"][0].pop("output_options")
    d["client-classes"][0]["only-in-additional-list"] = True
    d["subnet4"][0]["client-classes"] = ["c1"]
    d["subnet4"][0]["evaluate-additional-classes"] = ["c1"]
    d["subnet4"][0]["pools"][0]["client-classes"] = ["c1"]
    d["allocator"] = "random"
    config = load_text(render(doc), 4).config
    subnet = config.subnet_by_id(1)
    assert subnet is not None
    assert subnet.own.client_classes == ("c1",)
    assert subnet.own.require_client_classes == ("c1",)
    assert subnet.pools[0].client_classes == ("c1",)
    assert config.client_classes[0].only_if_required
    assert config.loggers[0].outputs[0].output == "stdout"
    assert config.params.allocator == "random"


def test_both_generations_names_in_one_map_are_refused() -> None:
    doc = copy.deepcopy(BASE4)
    doc["Dhcp4"]["subnet4"][0]["client-class"] = "c1"
    doc["Dhcp4"]["subnet4"][0]["client-classes"] = ["c1"]
    err, text = refuse(doc)
    assert "'client-classes' and 'client-class' are the same parameter" in err.message
    assert err.line == line_of(text, '"client-classes": [')


def _walk(spec: MapSpec, seen: set[int]) -> list[MapSpec]:
    if id(spec) in seen:
        return []
    seen.add(id(spec))
    out = [spec]
    for fld in spec.fields.values():
        inner = fld.spec.item if isinstance(fld.spec, ListSpec) else fld.spec
        if isinstance(inner, MapSpec):
            out += _walk(inner, seen)
    return out


@pytest.mark.parametrize("root", [DHCP4, DHCP6], ids=["Dhcp4", "Dhcp6"])
def test_every_renamed_key_points_at_a_key_of_the_same_map(root: MapSpec) -> None:
    for spec in _walk(root, set()):
        for key, fld in spec.fields.items():
            if fld.alias_of:
                assert fld.alias_of in spec.fields, (spec.name, key)
                assert fld.gen is Gen.KEA3, (spec.name, key)
