"""``config-get`` of Nestor and of Kea 2.2 for the same configurations, whole maps compared.

Kea rebuilds what it shows from its parsed objects: subnets, pools, hosts, options,
option definitions, classes, shared networks and loggers come back with Kea's
per-entry defaults and inherited values, normalised and re-ordered. Each of Kea's
shipped example configurations (and five of ours that set most scoped parameters)
is loaded by both servers and the two answers must be equal byte for byte (Kea's
layout included). Kea 2.2 has no ``hash`` in its answer (2.4+) and Nestor adds none.

The examples are adapted only where this machine needs it: no DHCP interfaces (a
subnet's ``interface`` becomes ``lo``), a private lease file and control socket, log
files in the test folder, hook libraries from where Debian installs them, no host or
configuration databases; two get a missing value Kea 2.2 insists on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import NESTOR, have, start_server, unix_raw

from nestor.config.jsonpos import parse_file
from nestor.config.loader import load_text
from nestor.control.config_cmds import running_config

pytestmark = pytest.mark.skipif(not have("kea-dhcp4"), reason="Kea 2.2 (kea-dhcp4) missing")

EXAMPLES = Path("/usr/share/doc/kea/examples/kea4")
# Examples Kea 2.2 loads here once adapted (the others need databases or hook
# libraries that do not exist).
NAMES = ("advanced", "all-keys", "all-options", "classify", "classify2", "comments",
         "dhcpv4-over-dhcpv6", "global-reservations", "ha-load-balancing-primary",
         "leases-expiration", "multiple-options", "reservations", "several-subnets",
         "shared-network", "single-subnet", "vendor-specific", "vivso", "with-ddns")
# Where Nestor answers as Kea 2.4+ on purpose: Kea 2.2 drops the compatibility flags
# from config-get, so a config-write loses them (fixed in Kea 2.4).
DELIBERATE = {"all-keys": ["/arguments/Dhcp4/compatibility: only in Nestor "
                           "({'lenient-option-parsing': True})"]}
STREAMS = ("stdout", "stderr", "syslog")
LIBS = Path("/usr/lib/x86_64-linux-gnu/kea/hooks")

# Most scoped parameters at once: inheritance through a shared network, lifetimes
# bounds, relay forms, prefix and single-address pools, comments, class-local options,
# binary option data, hosts with every identifier form, file and stream log outputs.
RICH: dict[str, Any] = {"Dhcp4": {
    "valid-lifetime": 600, "min-valid-lifetime": 300, "renew-timer": 100,
    "option-def": [{"name": "foo", "code": 222, "type": "uint32"},
                   {"name": "bar", "code": 1, "space": "sp", "type": "string"}],
    "option-data": [{"code": 222, "data": "7"},
                    {"name": "domain-name", "data": "example.org", "always-send": True},
                    {"code": 1, "space": "sp", "data": "x"},
                    {"name": "routers", "data": "10.0.0.1", "comment": "gw"}],
    "client-classes": [
        {"name": "c1", "test": "option[93].hex == 0x0007", "comment": "pxe",
         "option-data": [{"name": "boot-file-name", "data": "x.efi"}],
         "only-if-required": True},
        {"name": "c2", "valid-lifetime": 900, "user-context": {"a": 1}}],
    "reservations": [{"hw-address": "AA:bb:cc:dd:ee:ff", "ip-address": "10.9.9.9",
                      "hostname": "h", "client-classes": ["c2"],
                      "option-data": [{"code": 6, "data": "10.0.0.2"}]}],
    "shared-networks": [{
        "name": "net", "comment": "n", "relay": {"ip-addresses": ["10.1.1.1"]},
        "option-data": [{"name": "domain-name-servers", "data": "10.0.0.3"}],
        "client-class": "c2", "require-client-classes": ["c1"], "valid-lifetime": 1200,
        "subnet4": [{
            "subnet": "10.0.0.0/24", "id": 7,
            "pools": [{"pool": "10.0.0.0/28", "client-class": "c2",
                       "require-client-classes": ["c1"], "comment": "p",
                       "option-data": [{"code": 3, "data": "10.0.0.1", "csv-format": True}]},
                      {"pool": "10.0.0.100 - 10.0.0.100"},
                      {"pool": "10.0.0.128-10.0.0.255"}],
            "reservations": [{"client-id": "01:02:03", "ip-address": "10.0.0.50"},
                             {"flex-id": "'abc'", "hostname": "f", "next-server": "10.0.0.9",
                              "server-hostname": "s", "boot-file-name": "b"}],
            "calculate-tee-times": True, "t1-percent": 0.4, "match-client-id": False,
            "store-extended-info": True, "cache-threshold": 0.25, "cache-max-age": 10,
            "ddns-send-updates": False, "hostname-char-set": "[^A-Za-z]",
            "next-server": "10.0.0.1", "boot-file-name": "pxe", "server-hostname": "srv",
            "user-context": {"x": [1, 2]}}]}],
    "subnet4": [
        {"subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10-192.0.2.20"}],
         "max-valid-lifetime": 5000,
         "option-data": [{"name": "domain-name-servers", "data": "192.0.2.1, 192.0.2.2"},
                         {"code": 43, "csv-format": False, "data": "0x0a0B"}],
         "4o6-subnet": "2001:db8::/64", "4o6-interface": "eth9"},
        {"subnet": "192.0.3.0/24", "relay": {"ip-address": "192.0.3.1"}, "interface": "lo",
         "rebind-timer": 500}],
    "hooks-libraries": [{"library": str(LIBS / "libdhcp_lease_cmds.so")},
                        {"library": str(LIBS / "libdhcp_stat_cmds.so"), "parameters": {}}],
    "loggers": [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 10,
                 "output_options": [{"output": "server.log", "maxver": 3},
                                    {"output": "stderr", "flush": False}]},
                {"name": "kea-dhcp4.leases", "severity": "WARN"}],
}}

# Options by name and code in several spaces (records, arrays, an empty option that
# encapsulates, vendor options, binary data), hosts by every identifier form, shared
# networks out of name order, subnets out of id order, a class redefining option 43.
RICH2: dict[str, Any] = {"Dhcp4": {
    "reservations-global": True, "reservations-in-subnet": False, "ddns-send-updates": True,
    "option-def": [
        {"name": "rec", "code": 240, "type": "record", "record-types": "uint8,ipv4-address"},
        {"name": "arr", "code": 241, "type": "uint16", "array": True},
        {"name": "enc", "code": 242, "type": "empty", "encapsulate": "encsp"},
        {"name": "sub", "code": 1, "space": "encsp", "type": "uint8"}],
    "option-data": [
        {"name": "rec", "data": "1, 10.0.0.1"}, {"name": "arr", "data": "1,2, 3"},
        {"name": "enc", "csv-format": False}, {"name": "sub", "space": "encsp", "data": "5"},
        {"name": "ip-forwarding", "data": "true"},
        {"code": 12, "name": "host-name", "data": "My Host"},
        {"name": "vivso-suboptions", "data": "4491"},
        {"code": 2, "space": "vendor-4491", "data": "10.0.0.1"},
        {"code": 252, "csv-format": False, "data": "01 02 0a"}],
    "reservations": [{"hw-address": "aabbccddeeff", "hostname": "Foo.Example.COM"},
                     {"duid": "0a0b0c", "ip-address": "10.1.0.5"},
                     {"circuit-id": "'relay1'", "ip-address": "10.1.0.6"}],
    "shared-networks": [
        {"name": "plain", "subnet4": [{"subnet": "10.1.1.0/24", "id": 77},
                                      {"subnet": "10.1.0.0/24"}]},
        {"name": "other", "interface": "lo", "authoritative": True, "renew-timer": 50,
         "subnet4": [{"subnet": "10.2.0.0/24", "authoritative": True, "pools": [
             {"pool": "10.2.0.5-10.2.0.9", "user-context": {"k": "v"},
              "option-data": [{"name": "routers", "data": "10.2.0.1",
                               "always-send": True}]}]}]}],
    "subnet4": [
        {"subnet": "192.0.2.0/24", "client-class": "x", "require-client-classes": ["y"],
         "ddns-qualifying-suffix": "example.org.", "ddns-generated-prefix": "h",
         "ddns-replace-client-name": "always", "ddns-override-no-update": True,
         "ddns-update-on-renew": True, "hostname-char-replacement": "x",
         "server-hostname": "", "boot-file-name": "", "next-server": "0.0.0.0",
         "interface": ""},
        {"subnet": "192.0.9.0/24", "id": 5, "valid-lifetime": 50, "min-valid-lifetime": 40},
        {"subnet": "192.0.10.0/24", "id": 50}],
    "client-classes": [
        {"name": "x", "test": "option[43].exists",
         "option-def": [{"name": "vendor-encapsulated-options", "code": 43, "type": "string"}],
         "option-data": [{"code": 43, "data": "hi"},
                         {"name": "domain-name", "data": "782e6f7267", "csv-format": False}]},
        {"name": "y", "next-server": "10.0.0.1", "server-hostname": "a",
         "boot-file-name": "b"}],
    "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output_options": [
        {"output": "syslog:local0"},
        {"output": "a.log", "flush": False, "maxsize": 2048000, "maxver": 2,
         "pattern": "%m\n"}]}],
}}

# Global values every subnet inherits (timers, tee times, cache, extended info), flags
# Kea shows only when set, pools out of address order, hosts out of identifier order.
RICH3: dict[str, Any] = {"Dhcp4": {
    "cache-threshold": 0.3, "cache-max-age": 20, "t1-percent": 0.45,
    "store-extended-info": True, "calculate-tee-times": True, "max-valid-lifetime": 9000,
    "rebind-timer": 4000, "match-client-id": False, "authoritative": True,
    "next-server": "10.0.0.9", "boot-file-name": "g.efi", "server-hostname": "gs",
    "client-classes": [
        {"name": "a", "only-if-required": False, "test": "'a' == 'a'"},
        {"name": "b", "option-data": [{"name": "routers", "data": "10.0.0.1",
                                       "user-context": {"u": 1}, "always-send": False}]}],
    "shared-networks": [{"name": "n", "subnet4": [{
        "subnet": "10.5.0.0/16", "reservations-out-of-pool": True,
        "pools": [{"pool": "10.5.0.0 - 10.5.255.255"}],
        "reservations": [
            {"hw-address": "01:02:03:04:05:06", "ip-address": "10.5.0.1",
             "user-context": {"r": True}},
            {"hw-address": "01:02:03:04:05:05",
             "option-data": [{"code": 43, "csv-format": False, "data": "0102"}]}]}]}],
    "subnet4": [
        {"subnet": "192.0.2.0/25", "id": 9, "relay": {"ip-addresses": []}, "option-data": []},
        {"subnet": "192.0.2.128/25", "id": 3,
         "pools": [{"pool": "192.0.2.130-192.0.2.140", "client-class": "a"},
                   {"pool": "192.0.2.129 - 192.0.2.129"}]}],
    "loggers": [{"name": "kea-dhcp4", "severity": "ERROR", "output_options": [
        {"output": "stdout", "maxsize": 100, "maxver": 3, "flush": False}]}],
}}

# Empty values Kea treats as "not set" (class guards, interface) next to empty ones it
# shows (user contexts, host class lists, option lists).
RICH4: dict[str, Any] = {"Dhcp4": {
    "client-classes": [{"name": "a", "option-data": [], "user-context": {}},
                       {"name": "b", "only-if-required": True, "option-def": []}],
    "shared-networks": [{"name": "n", "client-class": "", "require-client-classes": [],
                         "relay": {"ip-addresses": []}, "option-data": [], "interface": "",
                         "user-context": {}, "subnet4": []}],
    "subnet4": [{"subnet": "192.0.2.0/24", "client-class": "", "require-client-classes": [],
                 "user-context": {},
                 "pools": [{"pool": "192.0.2.1-192.0.2.9", "client-class": "",
                            "require-client-classes": [], "user-context": {}}],
                 "reservations": [{"hw-address": "01:02:03:04:05:06", "hostname": "",
                                   "ip-address": "192.0.2.50", "client-classes": [],
                                   "option-data": []}]}],
    "option-def": [{"name": "e", "code": 200, "type": "string", "array": False,
                    "record-types": "", "encapsulate": ""}],
    "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "debuglevel": 0}],
}}

# The HA library's defaults written back into its parameters (hot standby), and the
# dhcp-ddns parameters Kea 2.x moves to the global scope.
HOOKS_DDNS: dict[str, Any] = {"Dhcp4": {
    "hooks-libraries": [
        {"library": str(LIBS / "libdhcp_lease_cmds.so")},
        {"library": str(LIBS / "libdhcp_ha.so"), "parameters": {"high-availability": [{
            "this-server-name": "a", "mode": "hot-standby",
            "peers": [{"name": "a", "url": "http://127.0.0.1:18123/", "role": "primary"},
                      {"name": "b", "url": "http://127.0.0.1:18124/", "role": "standby"}],
            "state-machine": {"states": [{"state": "waiting", "pause": "once"}]}}]}},
        {"library": str(LIBS / "libdhcp_stat_cmds.so"), "parameters": {"foo": 1}}],
    "dhcp-ddns": {"enable-updates": False, "qualifying-suffix": "foo.",
                  "generated-prefix": "gp", "override-no-update": True,
                  "replace-client-name": "always", "hostname-char-set": "[^a]",
                  "hostname-char-replacement": "y", "override-client-update": True},
    "ddns-generated-prefix": "mine",
    "subnet4": [{"subnet": "10.0.0.0/24", "id": 1}],
}}


def _relocate(node: Any, work: Path) -> None:
    """Interfaces to ``lo``, log files into ``work``: what this machine can offer."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "interface":
                node[key] = "lo"
            elif key == "output" and not str(value).startswith(STREAMS):
                node[key] = str(work / Path(str(value)).name)
            else:
                _relocate(value, work)
    elif isinstance(node, list):
        for item in node:
            _relocate(item, work)


def adapted(conf: dict[str, Any], work: Path) -> dict[str, Any]:
    conf = json.loads(json.dumps(conf))
    d = conf["Dhcp4"]
    d["interfaces-config"] = {"interfaces": []}
    d["control-socket"] = {"socket-type": "unix", "socket-name": str(work / "ctl.sock")}
    d["lease-database"] = {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0}
    for key in ("hosts-database", "hosts-databases", "config-control"):
        d.pop(key, None)  # all-keys.json names MySQL/PostgreSQL servers
    for hook in d.get("hooks-libraries", []):
        hook["library"] = hook["library"].replace("/opt/lib/kea/hooks", str(LIBS))
    for logger in d.get("loggers", []):
        logger.setdefault("severity", "INFO")  # comments.json omits it; Kea 2.2 needs it
    ddns = d.get("dhcp-ddns")
    if isinstance(ddns, dict) and ddns.get("enable-updates"):
        # with-ddns.json names addresses this host lacks; the sender binds to loopback.
        ddns.pop("sender-ip", None)
        ddns["server-ip"] = "127.0.0.1"
    _relocate(d, work)
    return conf


def config_get(program: str, conf: dict[str, Any], work: Path) -> bytes:
    work.mkdir()
    sock = work / "ctl.sock"
    daemon = start_server(adapted(conf, work), work, "server", sock, program=program)
    try:
        answer = unix_raw(sock, b'{"command": "config-get"}')
    finally:
        daemon.stop()
    # The servers run in different folders: compare without them.
    return answer.replace(str(work).encode(), b"WORK")


def differences(kea: Any, nestor: Any, path: str = "") -> list[str]:
    """Every place where the two answers differ, for a readable failure."""
    if isinstance(kea, dict) and isinstance(nestor, dict):
        out = []
        for key in sorted(set(kea) | set(nestor)):
            if key not in nestor:
                out.append(f"{path}/{key}: only in Kea ({kea[key]!r:.80})")
            elif key not in kea:
                out.append(f"{path}/{key}: only in Nestor ({nestor[key]!r:.80})")
            else:
                out += differences(kea[key], nestor[key], f"{path}/{key}")
        return out
    if isinstance(kea, list) and isinstance(nestor, list) and len(kea) == len(nestor):
        return [d for i, (k, n) in enumerate(zip(kea, nestor, strict=True))
                for d in differences(k, n, f"{path}[{i}]")]
    return [] if kea == nestor else [f"{path}: Kea {kea!r:.80} Nestor {nestor!r:.80}"]


def compare(conf: dict[str, Any], tmp_path: Path, expected: list[str] | None = None) -> None:
    kea_raw = config_get("kea-dhcp4", conf, tmp_path / "kea")
    nestor_raw = config_get(str(NESTOR), conf, tmp_path / "nestor")
    kea, nestor = json.loads(kea_raw), json.loads(nestor_raw)
    assert kea["result"] == 0, kea
    assert "hash" not in kea["arguments"]  # Kea 2.2 computes none, and so Nestor neither
    assert differences(kea, nestor) == (expected or [])
    if not expected:
        # Same values, and Kea's layout too: keys ordered at every depth, Kea's spacing.
        assert nestor_raw == kea_raw


@pytest.mark.parametrize("name", NAMES)
def test_example_config_get_as_kea(name: str, tmp_path: Path) -> None:
    path = EXAMPLES / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{path} missing (package kea-doc)")
    conf = json.loads(json.dumps(parse_file(str(path)).value))
    if "hooks-libraries" in conf["Dhcp4"] and not (LIBS / "libdhcp_ha.so").exists():
        pytest.skip(f"Kea's hook libraries missing in {LIBS}")
    compare(conf, tmp_path, DELIBERATE.get(name))


@pytest.mark.parametrize("conf", [RICH, RICH2, RICH3, RICH4, HOOKS_DDNS],
                         ids=["rich", "rich2", "rich3", "rich4", "hooks-ddns"])
def test_own_config_get_as_kea(conf: dict[str, Any], tmp_path: Path) -> None:
    if "hooks-libraries" in conf["Dhcp4"] and not (LIBS / "libdhcp_ha.so").exists():
        pytest.skip(f"Kea's hook libraries missing in {LIBS}")
    compare(conf, tmp_path)


@pytest.mark.parametrize("name", [*NAMES, "rich", "rich2", "rich3", "rich4", "hooks-ddns"])
def test_config_write_output_loads_back_unchanged(name: str, tmp_path: Path) -> None:
    """What config-get shows (and config-write saves) is a configuration that, loaded
    again, is shown the same: defaults made explicit, binary option data holding its
    sub-options (not doubled on the next load), hosts and pools re-ordered."""
    own = {"rich": RICH, "rich2": RICH2, "rich3": RICH3, "rich4": RICH4,
           "hooks-ddns": HOOKS_DDNS}
    if name in own:
        conf = own[name]
    elif (EXAMPLES / f"{name}.json").exists():
        conf = json.loads(json.dumps(parse_file(str(EXAMPLES / f"{name}.json")).value))
    else:
        pytest.skip(f"{EXAMPLES / name}.json missing (package kea-doc)")
    shown = running_config(load_text(json.dumps(adapted(conf, tmp_path)), 4).config)
    again = running_config(load_text(json.dumps({"Dhcp4": shown}), 4).config)
    assert differences(shown, again) == []
