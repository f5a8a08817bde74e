"""Kea's lease JSON and the argument checks of its lease commands, as plain functions.

Three pieces the lease and statistics commands share:

* :func:`lease4_json` - a lease as Kea's ``Lease4::toElement`` shows it
  (``lease4-get`` answers and the ``leases`` lists), keys sorted as Kea's
  maps print them;
* the parameter getters of Kea's ``SimpleParser`` (``getString``,
  ``getUint32``, ``getBoolean``...) and of its lease commands, raising
  :class:`Refused` with Kea's text. Kea appends the JSON position of the
  offending element (" (<wire>:0:40)"); Nestor does not know it and leaves it out;
* Kea's text forms of identifiers: hardware addresses (``HWAddr::fromText``)
  and client identifiers (``ClientId::fromText``), with their refusals.

The texts and their order were read off a live Kea 2.2 (see
``tests/interop/test_lease_cmds_kea.py``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from nestor.leases.csvformat import kea_json
from nestor.leases.lease import LEASE_TYPE_NAMES, Lease4, Lease6, LeaseType

# Kea's HWAddr::MAX_HWADDR_LEN; a client identifier is a DUID underneath (at most
# DUID::MAX_DUID_LEN bytes) and at least 2 bytes long (RFC 2132 section 9.14).
MAX_HWADDR_LEN = 20
MAX_DUID_LEN = 128
CLIENT_ID_MIN = 2
_HEX = frozenset("0123456789abcdefABCDEF")
_INT_RANGES = {"uint8": (0, 0xFF), "uint32": (0, 0xFFFF_FFFF),
               "int64": (-(1 << 63), (1 << 63) - 1)}


class Refused(Exception):
    """A command argument Kea refuses; ``text`` is Kea's answer text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


# -- lease JSON -------------------------------------------------------------------------

def hex_colons(data: bytes) -> str:
    """Kea's ``toText()`` of identifiers: lower-case hex bytes joined by colons."""
    return data.hex(":")


def lease4_json(lease: Lease4) -> dict[str, Any]:
    """``Lease4::toElement``: ``client-id`` and ``user-context`` only when set; Kea 3.x
    adds ``pool-id`` when it is not 0 (2.2 has no pool ids, so never shows it)."""
    out: dict[str, Any] = {}
    if lease.client_id is not None:
        out["client-id"] = hex_colons(lease.client_id)
    out["cltt"] = lease.cltt
    out["fqdn-fwd"] = lease.fqdn_fwd
    out["fqdn-rev"] = lease.fqdn_rev
    out["hostname"] = lease.hostname
    out["hw-address"] = hex_colons(lease.hwaddr)
    out["ip-address"] = str(lease.address)
    if lease.pool_id:
        out["pool-id"] = lease.pool_id
    out["state"] = int(lease.state)
    out["subnet-id"] = lease.subnet_id
    if lease.user_context is not None:
        out["user-context"] = lease.user_context
    out["valid-lft"] = lease.valid_lft
    return out


def lease6_json(lease: Lease6) -> dict[str, Any]:
    """``Lease6::toElement``: ``hw-address`` only when known, ``prefix-len`` only for a
    delegated prefix."""
    out: dict[str, Any] = {"cltt": lease.cltt, "duid": hex_colons(lease.duid),
                           "fqdn-fwd": lease.fqdn_fwd, "fqdn-rev": lease.fqdn_rev,
                           "hostname": lease.hostname}
    if lease.hwaddr is not None:
        out["hw-address"] = hex_colons(lease.hwaddr)
    out["iaid"] = lease.iaid
    out["ip-address"] = str(lease.address)
    if lease.pool_id:
        out["pool-id"] = lease.pool_id
    out["preferred-lft"] = lease.preferred_lft
    if lease.type == LeaseType.PD:
        out["prefix-len"] = lease.prefix_len
    out["state"] = int(lease.state)
    out["subnet-id"] = lease.subnet_id
    out["type"] = LEASE_TYPE_NAMES.get(lease.type, str(lease.type))
    if lease.user_context is not None:
        out["user-context"] = lease.user_context
    out["valid-lft"] = lease.valid_lft
    return out


# -- SimpleParser-style getters -----------------------------------------------------------

def as_map(value: object) -> Mapping[str, object]:
    """The element as a map, or Kea's refusal for ``get()`` on anything else."""
    if not isinstance(value, Mapping):
        raise Refused("get(string) called on a non-map Element")
    return value


def is_int(value: object) -> bool:
    """A JSON integer (JSON booleans are ``bool`` in Python, which is an ``int``)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _mandatory(params: Mapping[str, object], name: str) -> object:
    if name not in params:
        raise Refused(f"missing parameter '{name}'")
    return params[name]


def get_string(params: Mapping[str, object], name: str) -> str:
    value = _mandatory(params, name)
    if not isinstance(value, str):
        raise Refused(f"invalid type specified for parameter '{name}'")
    return value


def get_bool(params: Mapping[str, object], name: str) -> bool:
    value = _mandatory(params, name)
    if not isinstance(value, bool):
        raise Refused(f"invalid type specified for parameter '{name}'")
    return value


def get_int(params: Mapping[str, object], name: str, kind: str = "int64") -> int:
    """``getInteger``/``getUint8``/``getUint32``: an integer within the type's range."""
    value = _mandatory(params, name)
    if not is_int(value):
        raise Refused(f"invalid type specified for parameter '{name}'")
    assert isinstance(value, int)
    low, high = _INT_RANGES[kind]
    if not low <= value <= high:
        raise Refused(f"out of range value ({value}) specified for parameter '{name}'")
    return value


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``IOAddress(text)``: either family; Kea's text when neither parses."""
    try:
        if "%" not in text:  # inet_pton takes no IPv6 zone index
            return ipaddress.ip_address(text)
    except ValueError:
        pass
    raise Refused(f"Failed to convert string to address '{text}': Invalid argument")


def get_address(params: Mapping[str, object], name: str) -> ipaddress.IPv4Address | \
        ipaddress.IPv6Address:
    """``SimpleParser::getAddress``: wraps the conversion failure once more."""
    text = get_string(params, name)
    try:
        return parse_address(text)
    except Refused as exc:
        raise Refused(f"Failed to convert '{text}' to address: {exc.text}") from None


# -- identifiers ------------------------------------------------------------------------

def _separated_hex(text: str, sep: str) -> bytes:
    """Kea's ``decodeSeparatedHexString``: 1-2 hex digits between separators."""
    parts = text.split(sep)
    out = bytearray()
    for part in parts:
        if len(parts) > 1 and not part:
            raise Refused(f"two consecutive separators ('{sep}') specified in a decoded "
                          f"string '{text}'")
        if len(part) > 2:
            raise Refused(f"invalid format of the decoded string '{text}'")
        for char in part:
            if char not in _HEX:
                raise Refused(f"'{char}' is not a valid hexadecimal digit in decoded "
                              f"string '{text}'")
        if part:
            out.append(int(part, 16))
    return bytes(out)


def parse_hwaddr(text: str) -> bytes:
    """``HWAddr::fromText``: colon-separated bytes; empty text is an empty address."""
    data = _separated_hex(text, ":") if text else b""
    if len(data) > MAX_HWADDR_LEN:
        raise Refused("address vector size exceeds MAX_HWADDR_LEN")
    return data


def _formatted_hex(text: str) -> bytes:
    """Kea's ``decodeFormattedHexString``: colon- or space-separated bytes, or a run of
    hex digits (optionally after ``0x``; an odd count gets a leading zero)."""
    for sep in (":", " "):
        if sep in text:
            return _separated_hex(text, sep)
    digits = text[2:] if len(text) > 2 and text.startswith("0x") else text
    if len(text) % 2:
        digits = "0" + digits
    if not set(digits) <= _HEX:
        raise Refused(f"'{text}' is not a valid string of hexadecimal digits")
    return bytes.fromhex(digits)


def parse_duid(text: str) -> bytes:
    """``DUID::fromText``: any formatted hex string of 1 to 128 bytes."""
    data = _formatted_hex(text)
    if len(data) > MAX_DUID_LEN:
        raise Refused(f"DUID size is {len(data)} bytes, exceeds maximum of {MAX_DUID_LEN}")
    if not data:
        raise Refused("Empty DUIDs are not allowed")
    return data


def parse_client_id(text: str) -> bytes:
    """``ClientId::fromText`` with Kea 2.2's length refusals, in its order (the DUID
    checks first)."""
    data = parse_duid(text)
    if len(data) < CLIENT_ID_MIN:
        raise Refused(f"client-id is too short ({len(data)}), at least {CLIENT_ID_MIN} "
                      "is required")
    return data


def element_text(value: object) -> str:
    """Kea's ``Element::str()`` of a JSON value, as quoted in its refusals."""
    return kea_json(value)
