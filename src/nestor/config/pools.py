"""Subnet prefixes, address pools and prefix-delegation pools, with Kea's messages.

Kea accepts a prefix or pool written with host bits set (``192.0.2.1/24``) and
surrounding blanks; pools are ``first - last`` ranges or ``prefix/len``. Pools
of one subnet must lie inside it and must not overlap each other; PD pools
are only checked against each other (RFC 8415 section 6.3 lets delegated
prefixes come from anywhere).
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left

from nestor.config.model import IPNetwork, PdPool, Pool
from nestor.config.source import Place, PMap, error_at, mark_at
from nestor.wire.opttypes import dotted_quad

_POOL_TYPES = {4: "V4", 6: "IA_NA"}


def ip_of(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``ipaddress.ip_address`` with a fast path for dotted quads: configurations with
    thousands of subnets spend most of their load time parsing IPv4 addresses."""
    quad = dotted_quad(text)
    if quad is not None:
        a, b, c, d = quad
        return ipaddress.IPv4Address((a << 24) | (b << 16) | (c << 8) | d)
    return ipaddress.ip_address(text)


def network_of(addr: ipaddress.IPv4Address | ipaddress.IPv6Address, length: int) -> IPNetwork:
    """The network ``addr/length`` with host bits cleared, built without reparsing text."""
    if addr.version == 4:
        return ipaddress.IPv4Network((int(addr), length), strict=False)
    return ipaddress.IPv6Network((int(addr), length), strict=False)


def _address(text: str) -> tuple[int, int, str]:
    """IP version, integer value and canonical text of an address (ValueError if none)."""
    quad = dotted_quad(text)
    if quad is not None:  # a dotted quad is already in canonical form
        a, b, c, d = quad
        return 4, (a << 24) | (b << 16) | (c << 8) | d, text
    addr = ipaddress.ip_address(text)
    return addr.version, int(addr), str(addr)


def parse_prefix(text: str, family: int, where: Place) -> tuple[IPNetwork, str]:
    """A subnet prefix (written at ``where``); returns the network and Kea's text form
    (address as written)."""
    s = text.strip()
    addr_text, slash, len_text = s.partition("/")
    if not slash:
        raise error_at(f"Invalid subnet syntax (prefix/len expected):{s}", mark_at(where))
    try:
        version, value, canonical = _address(addr_text.strip())
    except ValueError:
        raise error_at(f"Failed to convert string to address '{addr_text.strip()}': "
                       "Invalid argument", mark_at(where)) from None
    if version != family:
        raise error_at(f"Non IPv{family} prefix {canonical} specified in subnet{family}",
                       mark_at(where))
    length = len_text.strip()
    if not length.isdigit() or int(length) > (32 if version == 4 else 128):
        raise error_at(f"Invalid prefix length specified for subnet: {length}", mark_at(where))
    net: IPNetwork = ipaddress.IPv4Network((value, int(length)), strict=False) if version == 4 \
        else ipaddress.IPv6Network((value, int(length)), strict=False)
    return net, f"{canonical}/{int(length)}"


def _pool_bounds(text: str, family: int, where: Place) -> tuple[int, int]:
    s = text.strip()
    try:
        if "/" in s:
            addr, _, length = s.partition("/")
            net = network_of(ip_of(addr.strip()), int(length.strip()))
            if net.version != family:
                raise ValueError
            return int(net.network_address), int(net.broadcast_address)
        if "-" in s:
            first_t, _, last_t = s.partition("-")
            first_v, first, _ = _address(first_t.strip())
            last_v, last, _ = _address(last_t.strip())
            if first_v != family or last_v != family or last < first:
                raise ValueError
            return first, last
    except ValueError:
        raise error_at(f"Failed to create pool defined by: {s.replace(' ', '')}",
                       mark_at(where)) from None
    raise error_at(f"invalid pool definition: {s}. There are two acceptable formats "
                   "<min address-max address> or <prefix/len>", mark_at(where))


def _text(family: int, first: int, last: int) -> str:
    return f"{ipaddress.ip_address(first) if family == 4 else ipaddress.IPv6Address(first)}" \
        f"-{ipaddress.ip_address(last) if family == 4 else ipaddress.IPv6Address(last)}"


class RangeSet:
    """Non-overlapping inclusive integer ranges of one subnet, kept sorted."""

    __slots__ = ("_firsts", "_ranges")

    def __init__(self) -> None:
        self._firsts: list[int] = []
        self._ranges: list[tuple[int, int]] = []

    def overlaps(self, first: int, last: int) -> bool:
        i = bisect_left(self._firsts, first)
        if i < len(self._ranges) and self._ranges[i][0] <= last:
            return True
        return i > 0 and self._ranges[i - 1][1] >= first

    def add(self, first: int, last: int) -> None:
        i = bisect_left(self._firsts, first)
        self._firsts.insert(i, first)
        self._ranges.insert(i, (first, last))


def build_pool(m: PMap, family: int, subnet: IPNetwork, subnet_text: str,
               taken: RangeSet) -> Pool:
    """One ``pools`` entry (options are attached by the caller)."""
    text = str(m["pool"])
    first, last = _pool_bounds(text, family, (m, "pool"))
    kind = _POOL_TYPES[family]
    lowest = int(subnet.network_address)
    highest = lowest | ((1 << (subnet.max_prefixlen - subnet.prefixlen)) - 1)
    if first < lowest or last > highest:
        raise error_at(f"a pool of type {kind}, with the following address range: "
                       f"{_text(family, first, last)} does not match the prefix of a subnet: "
                       f"{subnet_text} to which it is being added", m.value_mark("pool"))
    if taken.overlaps(first, last):
        raise error_at(f"a pool of type {kind}, with the following address range: "
                       f"{_text(family, first, last)} overlaps with an existing pool in the "
                       f"subnet: {subnet_text} to which it is being added", m.value_mark("pool"))
    taken.add(first, last)
    return Pool(first, last, text.strip())


def build_pd_pool(m: PMap, subnet_text: str, taken: RangeSet) -> PdPool:
    """One ``pd-pools`` entry: prefix, prefix-len, delegated-len, optional exclusion
    (RFC 6603 prefix exclude option)."""
    prefix_text = str(m["prefix"]).strip()
    plen, dlen = m["prefix-len"], m["delegated-len"]
    assert isinstance(plen, int) and isinstance(dlen, int)
    try:
        addr = ipaddress.ip_address(prefix_text)
    except ValueError:
        raise error_at(f"Failed to convert string to address '{prefix_text}': "
                       "Invalid argument", m.value_mark("prefix")) from None
    if addr.version != 6:
        raise error_at("Invalid Pool6 address boundaries: not IPv6", m.value_mark("prefix"))
    for key, value in (("prefix-len", plen), ("delegated-len", dlen)):
        if not 0 <= value <= 128:
            raise error_at(f"invalid {key} value {value}: must be between 0 and 128",
                           m.value_mark(key))
    if dlen < plen:
        raise error_at(f"Delegated length ({dlen}) must be longer than or equal to prefix "
                       f"length ({plen})", m.value_mark("delegated-len"))
    net = ipaddress.IPv6Network(f"{addr}/{plen}", strict=False)
    first, last = int(net.network_address), int(net.broadcast_address)
    if taken.overlaps(first, last):
        raise error_at(f"a pool of type IA_PD, with the following address range: "
                       f"{_text(6, first, last)} overlaps with an existing pool in the "
                       f"subnet: {subnet_text} to which it is being added",
                       m.value_mark("prefix"))
    taken.add(first, last)
    return PdPool(net, dlen, _excluded(m, net, dlen))


def _excluded(m: PMap, net: ipaddress.IPv6Network, dlen: int) -> ipaddress.IPv6Network | None:
    if "excluded-prefix" not in m and "excluded-prefix-len" not in m:
        return None
    text = str(m.get("excluded-prefix", "::")).strip()
    elen = m.get("excluded-prefix-len", 0)
    assert isinstance(elen, int)
    mark = m.value_mark("excluded-prefix")
    try:
        ex = ipaddress.IPv6Address(text)
    except ValueError:
        raise error_at(f"Failed to convert string to address '{text}': Invalid argument",
                       mark) from None
    if elen <= dlen or elen > 128:
        raise error_at(f"invalid excluded prefix {text}/{elen}", mark)
    delegated = ipaddress.IPv6Network(f"{net.network_address}/{dlen}", strict=False)
    if ipaddress.IPv6Network(f"{ex}/{dlen}", strict=False) != delegated:
        raise error_at(f"excluded prefix {text}/{elen} must have the same common prefix part "
                       f"of {dlen} as the delegated prefix {net.network_address}/{dlen}", mark)
    return ipaddress.IPv6Network(f"{ex}/{elen}", strict=False)
