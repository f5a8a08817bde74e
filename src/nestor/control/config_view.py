"""The ``Dhcp4`` map of ``config-get`` (and ``config-write``) the way Kea 2.2 shows it.

Kea does not echo its input: it rebuilds every subnet, pool, reservation,
shared network, option, option definition, client class and logger from its
parsed objects, so each entry comes back with Kea's per-entry defaults and
inherited values filled in, addresses and identifiers normalised, and some
lists re-ordered (options and definitions by option space, reservations by
identifier). The rules below were learnt by sending ``config-get`` to
``kea-dhcp4`` 2.2 for Kea's own example configurations.

Keys that Kea 3.x renamed are kept in the spelling of the file given (the
logger's ``output_options``/``output-options`` for example) and get the same
treatment as their 2.2 spelling; Kea 3.x itself was not available to compare.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from nestor.config.hosts import decode_identifier
from nestor.control.config_view_globals import render_globals
from nestor.errors import NestorError
from nestor.wire.optclass import pack_suboptions
from nestor.wire.optdata import (
    ConfiguredOption,
    encapsulate,
    encode_option_data,
    parse_option_def,
)
from nestor.wire.optdefs import DataType, DefinitionSet
from nestor.wire.options4 import parse_suboptions

Entry = dict[str, Any]

# Parameters a subnet takes from its shared network, and both from the globals,
# when not set at their own level (Kea's INHERIT_TO_SUBNET4 in 2.2).
INHERITED = (
    "rebind-timer", "relay", "renew-timer", "valid-lifetime", "min-valid-lifetime",
    "max-valid-lifetime", "calculate-tee-times", "t1-percent", "t2-percent",
    "store-extended-info", "cache-threshold", "cache-max-age",
)
# Per-entry defaults Kea adds whatever the parents say.
SUBNET_DEFAULTS: Entry = {"4o6-interface": "", "4o6-interface-id": "", "4o6-subnet": ""}
CLASS_DEFAULTS: Entry = {"boot-file-name": "", "next-server": "0.0.0.0",
                         "server-hostname": ""}
RESERVATION_DEFAULTS: Entry = {"boot-file-name": "", "client-classes": [], "hostname": "",
                               "next-server": "0.0.0.0", "server-hostname": ""}
OPTION_DEF_DEFAULTS: Entry = {"array": False, "encapsulate": "", "record-types": "",
                              "space": "dhcp4"}
LOGGER_DEFAULTS: Entry = {"debuglevel": 0}
OUTPUT_DEFAULTS: Entry = {"flush": True, "pattern": ""}
FILE_OUTPUT_DEFAULTS: Entry = {"maxsize": 10240000, "maxver": 1}
# Rotation settings only mean something for a file; Kea hides them for the streams.
STREAM_OUTPUTS = ("stdout", "stderr", "syslog")
# Kea stores an empty server name, file name, interface or class guard as "not set"
# and so never shows it.
DROPPED_WHEN_EMPTY = ("boot-file-name", "server-hostname", "interface", "client-class",
                      "require-client-classes", "client-classes",
                      "evaluate-additional-classes")
# Class flags Kea shows only when set (2.2 and 3.x spellings).
SHOWN_WHEN_SET = ("only-if-required", "only-in-additional-list")
# Kea's host identifier types in the order of its IdentifierType enum.
IDENTIFIER_ORDER = ("hw-address", "duid", "circuit-id", "client-id", "flex-id")
# Identifiers Kea prints as colon-separated lower-case hex; the others as bare upper-case.
COLON_IDENTIFIERS = ("hw-address", "duid")


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _sorted(value: Any) -> Any:
    """Kea's maps are ordered by key at every depth; its answers list keys that way."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _entries(value: Any) -> list[Entry]:
    return [_commented(_copy(e)) for e in value] if isinstance(value, list) else []


def _commented(entry: Any) -> Any:
    """Kea keeps an entry's ``comment`` inside its user context, and shows it there."""
    if isinstance(entry, dict) and "comment" in entry:
        context = entry.get("user-context")
        context = dict(context) if isinstance(context, dict) else {}
        context["comment"] = entry.pop("comment")
        entry["user-context"] = context
    return entry


class ConfigView:
    """Renders the lists of one Dhcp4 map; ``defs`` resolves option names and codes."""

    def __init__(self, raw: Mapping[str, Any], globals_: Mapping[str, Any],
                 defs: DefinitionSet, subnet_ids: Mapping[str, int]) -> None:
        self.raw = raw
        self.globals = globals_
        self.defs = defs
        self.subnet_ids = subnet_ids

    def render(self) -> Entry:
        """``globals_`` (the whole Dhcp4 map, global defaults in) as Kea shows it."""
        out: Entry = _commented(_copy(self.globals))
        for key, value in out.items():
            if key != "user-context":
                out[key] = _commented(value)
        out.update(self.lists())
        # Kea lists global hosts only when there are some (subnets always show theirs).
        if out.get("reservations") == []:
            del out["reservations"]
        render_globals(out, self.raw)
        shown: Entry = _sorted(out)
        return shown

    def lists(self) -> Entry:
        """The lists Kea rebuilds from its objects, rendered from ``raw``."""
        raw, out = self.raw, {}
        if "option-data" in raw:
            out["option-data"] = self.options(raw["option-data"])
        if "option-def" in raw:
            out["option-def"] = option_defs(raw["option-def"])
        if "client-classes" in raw:
            out["client-classes"] = [self.client_class(c) for c in _entries(
                raw["client-classes"])]
        if "reservations" in raw:
            out["reservations"] = self.reservations(raw["reservations"])
        if "loggers" in raw:
            out["loggers"] = [logger(e) for e in _entries(raw["loggers"])]
        out["subnet4"] = _by_id([self.subnet(s, self.globals)
                                 for s in _entries(raw.get("subnet4"))])
        # Kea's shared network container is walked in name order.
        out["shared-networks"] = sorted((self.network(n) for n in _entries(
            raw.get("shared-networks"))), key=lambda n: str(n.get("name", "")))
        return out

    # --- networks ------------------------------------------------------------------

    @staticmethod
    def _inherit(entry: Entry, parent: Mapping[str, Any]) -> Entry:
        """Fills the inherited values in; returns what children inherit from ``entry``."""
        for key in INHERITED:
            if key not in entry and key in parent:
                entry[key] = _copy(parent[key])
        entry["relay"] = relay(entry.get("relay"))
        heritage = dict(entry)
        valid = entry.get("valid-lifetime")
        if valid is not None:
            # Kea's lifetime triplet: unset bounds are the default value itself. The
            # bounds so derived are not passed on: a subnet's own default makes its own.
            entry.setdefault("min-valid-lifetime", valid)
            entry.setdefault("max-valid-lifetime", valid)
        return heritage

    def network(self, entry: Entry) -> Entry:
        heritage = self._inherit(entry, self.globals)
        self._drop_empty(entry)
        entry["option-data"] = self.options(entry.get("option-data"))
        entry["subnet4"] = _by_id([self.subnet(s, heritage) for s in _entries(
            entry.get("subnet4"))])
        return entry

    def subnet(self, entry: Entry, parent: Mapping[str, Any]) -> Entry:
        # A subnet inside a shared network takes the network's already inherited values.
        self._inherit(entry, parent)
        for key, value in SUBNET_DEFAULTS.items():
            entry.setdefault(key, value)
        self._drop_empty(entry)
        text = str(entry.get("subnet", ""))
        if "id" not in entry and text in self.subnet_ids:  # Kea's automatic numbering
            entry["id"] = self.subnet_ids[text]
        entry["option-data"] = self.options(entry.get("option-data"))
        # Kea keeps pools ordered by their first address.
        pools = [self.pool(p) for p in _entries(entry.get("pools"))]
        entry["pools"] = sorted(pools, key=lambda p: _first_address(str(p["pool"])))
        entry["reservations"] = self.reservations(entry.get("reservations"))
        return entry

    @staticmethod
    def _drop_empty(entry: Entry) -> None:
        for key in DROPPED_WHEN_EMPTY:
            if key in entry and entry[key] in ("", []):
                del entry[key]

    def pool(self, entry: Entry) -> Entry:
        entry["pool"] = pool_text(str(entry.get("pool", "")))
        self._drop_empty(entry)
        entry["option-data"] = self.options(entry.get("option-data"))
        return entry

    # --- hosts and classes ---------------------------------------------------------

    def reservations(self, value: Any) -> list[Entry]:
        hosts = [self.reservation(e) for e in _entries(value)]
        # Kea lists hosts in the order of its host index: identifier bytes, then type.
        return sorted(hosts, key=_host_key)

    def reservation(self, entry: Entry) -> Entry:
        for key, default in RESERVATION_DEFAULTS.items():
            entry.setdefault(key, _copy(default))
        for kind in IDENTIFIER_ORDER:
            if kind in entry:
                entry[kind] = identifier_text(kind, str(entry[kind]))
        if "ip-address" in entry:
            entry["ip-address"] = str(ipaddress.ip_address(str(entry["ip-address"])))
        entry["option-data"] = self.options(entry.get("option-data"))
        return entry

    def client_class(self, entry: Entry) -> Entry:
        for key, default in CLASS_DEFAULTS.items():
            entry.setdefault(key, default)
        for flag in SHOWN_WHEN_SET:
            if entry.get(flag) is False:
                del entry[flag]
        entry["option-def"] = option_defs(entry.get("option-def"))
        # A class's own definitions resolve its options before the global ones.
        defs = self._class_defs(entry["option-def"])
        entry["option-data"] = self.options(entry.get("option-data"), defs)
        return entry

    # --- options -------------------------------------------------------------------

    def _class_defs(self, entries: list[Entry]) -> DefinitionSet:
        """The global definitions with a client class's own ones over them."""
        defs = self.defs.copy()
        for entry in entries:
            try:
                defs.add(parse_option_def(entry, 4, defs))
            except NestorError:
                continue  # the loader accepted the class; keep the global definition
        return defs

    def options(self, value: Any, defs: DefinitionSet | None = None) -> list[Entry]:
        defs = self.defs if defs is None else defs
        entries = _entries(value)
        rendered = [option(e, defs) for e in entries]
        for entry in rendered:
            if entry["csv-format"] is False:
                entry["data"] = _binary_text(entry, entries, defs)
        # Kea keeps options per option space and walks the spaces in name order.
        return sorted(rendered, key=lambda e: str(e.get("space", "")))


def _binary_text(entry: Entry, scope: list[Entry], defs: DefinitionSet) -> str:
    """What Kea 2.2 prints for a binary option: its body as it would be sent, sub-options
    from the same scope included. Kea 2.2 adds sub-options at configuration time to the
    options of the top-level ``dhcp4`` space only (CfgOption::encapsulate)."""
    try:
        own = encode_option_data(entry, 4, defs)
        defn = defs.by_code(own.space, own.code)
        if defn is None or not defn.encapsulate or own.space != "dhcp4":
            return own.payload.hex().upper()
        children = [encode_option_data(e, 4, defs) for e in scope
                    if e.get("space", "dhcp4") == defn.encapsulate]
        if defn.type == DataType.EMPTY:
            return _merged_suboptions(own.payload, children).hex().upper()
        return encapsulate(defn, own.payload, children, 4, defs).hex().upper()
    except (NestorError, ValueError):
        return hex_text(str(entry["data"]))


def _merged_suboptions(payload: bytes, children: list[ConfiguredOption]) -> bytes:
    """An option made only of sub-options: those its data already holds, then the
    scope's for codes not among them, packed in code order (Kea keeps sub-options in
    a map by code), so data written back by config-write comes back unchanged."""
    own = parse_suboptions(payload)
    present = {code for code, _ in own}
    added = [(c.code, c.payload) for c in children if c.code not in present]
    return pack_suboptions(sorted(own + added, key=lambda item: item[0]), 4)


def _by_id(subnets: list[Entry]) -> list[Entry]:
    """Kea's subnet containers are walked in subnet identifier order."""
    return sorted(subnets, key=lambda s: int(s.get("id", 0)))


def option(entry: Entry, defs: DefinitionSet) -> Entry:
    space = str(entry.setdefault("space", "dhcp4"))
    if "code" in entry:
        defn = defs.by_code(space, int(entry["code"]))
    else:
        defn = defs.by_name(space, str(entry.get("name", "")))
    if defn is not None:
        entry.setdefault("name", defn.name)
        entry.setdefault("code", defn.code)
    # Without data Kea has nothing to parse as text, so the option is binary and empty.
    entry.setdefault("csv-format", "data" in entry)
    entry.setdefault("data", "")
    entry.setdefault("always-send", False)
    return entry


def hex_text(text: str) -> str:
    """Binary option data as Kea prints it back: bare upper-case hex, whole octets."""
    digits = text.strip()
    if digits[:2] in ("0x", "0X"):
        digits = digits[2:]
    if any(sep in digits for sep in ": "):
        # Separated octets may drop their leading zero ("a:b" is 0a 0b).
        digits = "".join(g.zfill(2) for g in digits.replace(":", " ").split())
    if len(digits) % 2:
        digits = "0" + digits
    return digits.upper()


def option_defs(value: Any) -> list[Entry]:
    defs = []
    for entry in _entries(value):
        for key, default in OPTION_DEF_DEFAULTS.items():
            entry.setdefault(key, default)
        types = str(entry["record-types"])
        if types:
            entry["record-types"] = ", ".join(t.strip() for t in types.split(","))
        defs.append(entry)
    return sorted(defs, key=lambda e: str(e["space"]))


def relay(value: Any) -> Entry:
    """Kea 2.2 shows the relay in its list form whichever form was written."""
    if not isinstance(value, Mapping):
        return {"ip-addresses": []}
    out = {k: _copy(v) for k, v in value.items() if k != "ip-address"}
    if "ip-address" in value:
        out["ip-addresses"] = [str(value["ip-address"])]
    out.setdefault("ip-addresses", [])
    return out


def pool_text(text: str) -> str:
    """``first-last`` without blanks, or ``prefix/len`` when the range is exactly one."""
    try:
        first, last = _pool_bounds(text)
    except ValueError:
        return text.replace(" ", "")  # the loader checked it; never fail config-get
    span = int(last) - int(first) + 1
    if span & (span - 1) == 0 and int(first) % span == 0:
        return f"{first}/{first.max_prefixlen - span.bit_length() + 1}"
    return f"{first}-{last}"


def _pool_bounds(text: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address,
                                     ipaddress.IPv4Address | ipaddress.IPv6Address]:
    if "/" in text:
        net = ipaddress.ip_network(text.replace(" ", ""), strict=False)
        first, last = net.network_address, net.broadcast_address
    else:
        a, _, b = text.partition("-")
        first, last = ipaddress.ip_address(a.strip()), ipaddress.ip_address(b.strip())
    return first, last


def _first_address(text: str) -> int:
    try:
        return int(_pool_bounds(text)[0])
    except ValueError:
        return 0


def identifier_text(kind: str, text: str) -> str:
    value = decode_identifier(text)
    if value is None:
        return text
    if kind in COLON_IDENTIFIERS:
        return ":".join(f"{b:02x}" for b in value)
    return value.hex().upper()


def _host_key(entry: Entry) -> tuple[bytes, int]:
    for rank, kind in enumerate(IDENTIFIER_ORDER):
        if kind in entry:
            return decode_identifier(str(entry[kind])) or b"", rank
    return b"", len(IDENTIFIER_ORDER)


def logger(entry: Entry) -> Entry:
    for key, default in LOGGER_DEFAULTS.items():
        entry.setdefault(key, default)
    for key in ("output_options", "output-options"):
        if key in entry:
            entry[key] = [_output(o) for o in _entries(entry[key])]
    return entry


def _output(entry: Entry) -> Entry:
    for key, default in OUTPUT_DEFAULTS.items():
        entry.setdefault(key, default)
    if str(entry.get("output", "stdout")).startswith(STREAM_OUTPUTS):
        entry.pop("maxsize", None)
        entry.pop("maxver", None)
    else:
        for key, default in FILE_OUTPUT_DEFAULTS.items():
            entry.setdefault(key, default)
    return entry
