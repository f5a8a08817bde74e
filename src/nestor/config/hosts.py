"""Host reservations: identifiers, reserved resources and uniqueness, as Kea checks them.

Identifier text follows Kea's rules: ``'quoted text'`` is taken byte for byte,
otherwise hexadecimal, either separated by ``:`` or by single spaces with one
or two digits per group, or a plain (optionally ``0x``-prefixed) digit string
where an odd count gets a leading zero.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nestor.config.model import IPNetwork, Reservation
from nestor.config.options import ConfiguredOption
from nestor.config.pools import ip_of
from nestor.config.source import PList, PMap, error_at

# Kea's order when it lists the identifiers it knows (message text).
IDENTIFIERS4 = ("circuit-id", "client-id", "duid", "flex-id", "hw-address")
IDENTIFIERS6 = ("duid", "flex-id", "hw-address")
MAX_HWADDR_LEN = 20  # Kea's HWAddr::MAX_HWADDR_LEN
MAX_IDENTIFIER_LEN = 128

_HEX_GROUP = re.compile(r"[0-9A-Fa-f]{1,2}")
_HEX_RUN = re.compile(r"[0-9A-Fa-f]*")

OptionBuilder = Callable[[object], list[ConfiguredOption]]


def decode_identifier(text: str) -> bytes | None:
    """Kea's textual identifier forms to bytes; None when malformed."""
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        inner = text[1:-1]
        return inner.encode() if inner else None
    for sep in (":", " "):
        if sep in text:
            groups = text.split(sep)
            if not all(_HEX_GROUP.fullmatch(g) for g in groups):
                return None
            return bytes(int(g, 16) for g in groups)
    digits = text[2:] if text[:2] in ("0x", "0X") else text
    if not _HEX_RUN.fullmatch(digits):
        return None
    if len(digits) % 2:
        digits = "0" + digits
    return bytes.fromhex(digits)


@dataclass(slots=True)
class HostChecker:
    """Refuses duplicate identifiers and addresses within one subnet id, as Kea's
    host configuration store does when reservations are added one by one."""

    ip_unique: bool = True
    _ids: set[tuple[int, str, bytes]] = field(default_factory=set)
    _addrs: set[tuple[int, object]] = field(default_factory=set)

    def add(self, r: Reservation, m: PMap) -> None:
        key = (r.subnet_id, r.identifier_type, r.identifier)
        if key in self._ids:
            raise error_at(f"failed to add new host using the {_id_label(r)} to the IPv"
                           f"{4 if r.ipv4_address or not r.ipv6_addresses else 6} subnet id "
                           f"'{r.subnet_id}' as this host has already been added",
                           m.key_mark(r.identifier_type))
        self._ids.add(key)
        if not self.ip_unique:
            return
        addrs: list[tuple[object, str]] = []
        if r.ipv4_address is not None:
            addrs.append((r.ipv4_address, "ip-address"))
        addrs += [(a, "ip-addresses") for a in (*r.ipv6_addresses, *r.prefixes)]
        for addr, key_name in addrs:
            if (r.subnet_id, addr) in self._addrs:
                raise error_at(f"failed to add new host using the {_id_label(r)} to the subnet "
                               f"id '{r.subnet_id}' for the address {addr}: There's already "
                               f"a reservation for this address", m.value_mark(key_name))
            self._addrs.add((r.subnet_id, addr))


def _id_label(r: Reservation) -> str:
    shown = ":".join(f"{b:02x}" for b in r.identifier)
    label = {"hw-address": "HW address", "duid": "DUID"}.get(r.identifier_type,
                                                             r.identifier_type)
    return f"{label} '{shown}'"


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _identifier(m: PMap, universe: int) -> tuple[str, bytes]:
    known = IDENTIFIERS4 if universe == 4 else IDENTIFIERS6
    present = [k for k in m if k in known]
    if not present:
        raise error_at("one of the supported identifiers must be specified for host "
                       f"reservation: {', '.join(known)}", m.mark)
    if len(present) > 1:
        raise error_at(f"the '{present[0]}' and '{present[1]}' are mutually exclusive",
                       m.key_mark(present[1]))
    kind = present[0]
    text = str(m[kind])
    if not text:
        raise error_at("empty host identifier used", m.value_mark(kind))
    value = decode_identifier(text)
    if value is None:
        raise error_at(f"invalid host identifier value '{text}'", m.value_mark(kind))
    limit = MAX_HWADDR_LEN if kind == "hw-address" else MAX_IDENTIFIER_LEN
    if len(value) > limit:
        raise error_at(f"{kind} '{text}' is longer than {limit} bytes", m.value_mark(kind))
    return kind, value


def build_reservation(m: PMap, universe: int, subnet_id: int, subnet: IPNetwork | None,
                      options: OptionBuilder) -> Reservation:
    """One ``reservations`` entry; ``subnet`` is None for global reservations."""
    kind, ident = _identifier(m, universe)
    r = Reservation(kind, ident, subnet_id,
                    hostname=str(m.get("hostname", "")),
                    client_classes=tuple(str(c) for c in _list(m.get("client-classes"))),
                    next_server=str(m.get("next-server", "")),
                    server_hostname=str(m.get("server-hostname", "")),
                    boot_file_name=str(m.get("boot-file-name", "")))
    ctx = m.get("user-context")
    r.user_context = dict(ctx) if isinstance(ctx, dict) else None
    if universe == 4:
        _v4_resources(r, m, subnet)
    else:
        _v6_resources(r, m, subnet)
    r.options = options(m.get("option-data"))
    if not (r.hostname or r.ipv4_address or r.ipv6_addresses or r.prefixes or r.options
            or r.client_classes or r.next_server or r.server_hostname or r.boot_file_name):
        raise error_at(f"specified reservation for {kind} "
                       f"{':'.join(f'{b:02x}' for b in ident)} must include at least one "
                       "resource, i.e. hostname, IPv4 address, IPv6 address/prefix, options",
                       m.mark)
    return r


def _v4_resources(r: Reservation, m: PMap, subnet: IPNetwork | None) -> None:
    if "next-server" in m and r.next_server:
        try:
            ipaddress.IPv4Address(r.next_server)
        except ValueError:
            raise error_at(f"Failed to convert string to address '{r.next_server}': "
                           "Invalid argument", m.value_mark("next-server")) from None
    if "ip-address" not in m:
        return
    text = str(m["ip-address"])
    try:
        addr = ip_of(text)
        if addr.version != 4:
            raise ValueError
    except ValueError:
        raise error_at(f"Failed to convert string to address '{text}': Invalid argument",
                       m.value_mark("ip-address")) from None
    if int(addr) == 0:
        raise error_at("must not make reservation for the '0.0.0.0' address",
                       m.value_mark("ip-address"))
    if subnet is not None and addr not in subnet:
        raise error_at(f"specified reservation '{addr}' is not within the IPv4 subnet "
                       f"'{subnet}'", m.value_mark("ip-address"))
    assert isinstance(addr, ipaddress.IPv4Address)
    r.ipv4_address = addr


def _v6_resources(r: Reservation, m: PMap, subnet: IPNetwork | None) -> None:
    addrs = m.get("ip-addresses")
    if isinstance(addrs, PList):
        out: list[ipaddress.IPv6Address] = []
        for i, text in enumerate(addrs):
            mark = addrs.item_mark(i)
            try:
                addr = ipaddress.IPv6Address(str(text))
            except ValueError:
                raise error_at(f"invalid prefix '{text}' for new IPv6 reservation",
                               mark) from None
            if subnet is not None and addr not in subnet:
                raise error_at(f"specified reservation '{addr}' is not within the IPv6 "
                               f"subnet '{subnet}'", mark)
            if addr in out:
                raise error_at(f"failed on attempt to add a duplicated host reservation "
                               f"for {addr}", mark)
            out.append(addr)
        r.ipv6_addresses = tuple(out)
    prefixes = m.get("prefixes")
    if isinstance(prefixes, PList):
        r.prefixes = tuple(_prefix(str(p), prefixes, i) for i, p in enumerate(prefixes))
    if len(set(r.prefixes)) != len(r.prefixes):
        raise error_at("failed on attempt to add a duplicated host reservation",
                       m.value_mark("prefixes"))


def _prefix(text: str, items: PList, i: int) -> ipaddress.IPv6Network:
    mark = items.item_mark(i)
    if "/" not in text:
        raise error_at(f"prefix reservation requires prefix length be specified in '{text}'",
                       mark)
    addr, _, length = text.partition("/")
    if not length.isdigit() or not 0 < int(length) <= 128:
        raise error_at(f"invalid prefix length '{length}' for new IPv6 reservation", mark)
    try:
        return ipaddress.IPv6Network(f"{addr}/{length}", strict=False)
    except ValueError:
        raise error_at(f"invalid prefix '{addr}' for new IPv6 reservation", mark) from None
