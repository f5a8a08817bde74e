"""Lease file rows <-> Lease4/Lease6, column by column as Kea reads and writes them.

The column tables are Kea's (``CSVLeaseFile4::initColumns`` /
``CSVLeaseFile6::initColumns``); the version strings are the schema versions
Kea prints in ``DHCPSRV_MEMFILE_NEEDS_UPGRADING``. Kea 2.2 writes schema 2.1
(v4) and 4.0 (v6); Kea 2.4 and later add ``pool_id``.

Row rules that Kea 2.2 enforces and Nestor keeps (each one raises RowError):
a v4 lease needs a hardware address or a client identifier unless it is
declined; a client identifier has at least 2 bytes; the one-byte DUID ``00``
belongs to declined v6 leases only; a user context must be a JSON map.
Nestor is stricter than Kea 2.2 in one respect, on rows Kea's own writer never
produces: a v6 file row must hold an IPv6 address, a lease type 0-2 and a
prefix length up to 128 (Kea 2.2 loads an IPv4 address or type 3 and serves
nonsense). A v6 hardware address that does not parse is dropped with a
warning and the lease kept, as Kea does (``DHCPSRV_MEMFILE_READ_HWADDR_FAIL``).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from nestor.leases.csvformat import (
    Column,
    RowError,
    escape,
    parse_bool,
    parse_hex_id,
    parse_uint,
    parse_user_context,
    render_user_context,
    unescape,
)
from nestor.leases.lease import Lease4, Lease6, LeaseState

log = logging.getLogger("nestor.leases")

L = TypeVar("L", Lease4, Lease6)

U16 = 0xFFFF
U32 = 0xFFFFFFFF
U64 = 0xFFFFFFFFFFFFFFFF
HWADDR_MAX = 20  # Kea's HWAddr::MAX_HWADDR_LEN
CLIENT_ID_MIN, CLIENT_ID_MAX = 2, 255  # Kea's ClientId limits (RFC 2132 section 9.14)
DUID_MAX = 130  # RFC 8415 section 11.1: 2-octet type plus at most 128 octets
EMPTY_DUID = b"\x00"  # Kea's DUID::EMPTY(), given to declined v6 leases
ETHERNET = 1  # hardware type Kea assumes when a row does not say (RFC 826)

COLUMNS4 = (
    Column("address", "1.0"), Column("hwaddr", "1.0"), Column("client_id", "1.0"),
    Column("valid_lifetime", "1.0"), Column("expire", "1.0"), Column("subnet_id", "1.0"),
    Column("fqdn_fwd", "1.0"), Column("fqdn_rev", "1.0"), Column("hostname", "1.0"),
    Column("state", "2.0", "0"), Column("user_context", "2.1", ""),
    Column("pool_id", "3.0", "0"),
)
COLUMNS6 = (
    Column("address", "1.0"), Column("duid", "1.0"), Column("valid_lifetime", "1.0"),
    Column("expire", "1.0"), Column("subnet_id", "1.0"), Column("pref_lifetime", "1.0"),
    Column("lease_type", "1.0"), Column("iaid", "1.0"), Column("prefix_len", "1.0"),
    Column("fqdn_fwd", "1.0"), Column("fqdn_rev", "1.0"), Column("hostname", "1.0"),
    Column("hwaddr", "2.0", ""), Column("state", "3.0", "0"),
    Column("user_context", "3.1", ""), Column("hwtype", "4.0", ""),
    Column("hwaddr_source", "4.0", ""), Column("pool_id", "5.0", "0"),
)


def _addr(family: socket.AddressFamily, text: str) -> int:
    try:
        return int.from_bytes(socket.inet_pton(family, text), "big")
    except (OSError, ValueError):
        kind = "IPv4" if family == socket.AF_INET else "IPv6"
        raise RowError(f"invalid {kind} address '{text}'") from None


def _big(text: str, limit: int, what: str) -> int:
    # Values that rarely repeat (expiry times, IAIDs) bypass the shared number cache.
    if not (text.isascii() and text.isdigit()) or int(text) > limit:
        raise RowError(f"{what} '{text}' is not an unsigned number up to {limit}")
    return int(text)


def parse_row4(f: list[str]) -> Lease4:
    addr = _addr(socket.AF_INET, f[0])
    hwaddr = parse_hex_id(f[1], "hardware address")
    if len(hwaddr) > HWADDR_MAX:
        raise RowError(f"hardware address is too long ({len(hwaddr)} bytes)")
    client_id = parse_hex_id(f[2], "client identifier") or None
    if client_id is not None and not CLIENT_ID_MIN <= len(client_id) <= CLIENT_ID_MAX:
        raise RowError(f"client-id length {len(client_id)} is outside "
                       f"{CLIENT_ID_MIN}..{CLIENT_ID_MAX}")
    valid = parse_uint(f[3], U32, "valid_lifetime")
    expire = _big(f[4], U64, "expire")
    state = parse_uint(f[9], U32, "state")
    if not hwaddr and client_id is None and state != LeaseState.DECLINED:
        raise RowError("lease has neither hardware address nor client id "
                       "(only a declined lease may)")
    return Lease4(addr, hwaddr, client_id, valid, expire - valid,
                  parse_uint(f[5], U32, "subnet_id"), parse_bool(f[6], "fqdn_fwd"),
                  parse_bool(f[7], "fqdn_rev"), unescape(f[8]), state,
                  parse_user_context(unescape(f[10])), parse_uint(f[11], U32, "pool_id"))


def render_row4(lease: Lease4, deleted: bool) -> str:
    # A deleted lease is written with a valid lifetime of 0 (Kea's memfile convention).
    # One row per acknowledged lease, so this is on the packet path: the state goes
    # through int() (formatting an IntEnum runs Python code) and the empty hostname
    # and user context, the common case, skip their helpers.
    valid = 0 if deleted else lease.valid_lft
    cid = lease.client_id.hex(":") if lease.client_id is not None else ""
    hostname, context = lease.hostname, lease.user_context
    return (f"{_inet_ntoa(lease.addr.to_bytes(4, 'big'))},"
            f"{lease.hwaddr.hex(':')},{cid},{valid},{lease.cltt + valid},{lease.subnet_id},"
            f"{1 if lease.fqdn_fwd else 0},{1 if lease.fqdn_rev else 0},"
            f"{escape(hostname) if hostname else ''},{int(lease.state)},"
            f"{render_user_context(context) if context is not None else ''},{lease.pool_id}")


_inet_ntoa = socket.inet_ntoa


def _hwaddr6(text: str) -> bytes | None:
    if not text:
        return None
    try:
        hwaddr = parse_hex_id(text, "hardware address")
        if len(hwaddr) > HWADDR_MAX:
            raise RowError(f"hardware address is too long ({len(hwaddr)} bytes)")
    except RowError as exc:
        log.warning("DHCPSRV_MEMFILE_READ_HWADDR_FAIL failed to read hardware address "
                    "from lease file: %s", exc)
        return None
    return hwaddr


def parse_row6(f: list[str]) -> Lease6:
    addr = _addr(socket.AF_INET6, f[0])
    duid = parse_hex_id(f[1], "DUID")
    if not duid or len(duid) > DUID_MAX:
        raise RowError(f"DUID length {len(duid)} is outside 1..{DUID_MAX}")
    valid = parse_uint(f[2], U32, "valid_lifetime")
    expire = _big(f[3], U64, "expire")
    state = parse_uint(f[13], U32, "state")
    if duid == EMPTY_DUID and state != LeaseState.DECLINED:
        raise RowError("the empty DUID is only valid for declined leases")
    return Lease6(addr, duid, _big(f[7], U32, "iaid"), parse_uint(f[6], 2, "lease_type"),
                  parse_uint(f[8], 128, "prefix_len"), parse_uint(f[5], U32, "pref_lifetime"),
                  valid, expire - valid, parse_uint(f[4], U32, "subnet_id"),
                  parse_bool(f[9], "fqdn_fwd"), parse_bool(f[10], "fqdn_rev"), unescape(f[11]),
                  _hwaddr6(f[12]), parse_uint(f[15], U16, "hwtype") if f[15] else ETHERNET,
                  parse_uint(f[16], U32, "hwaddr_source") if f[16] else 0, state,
                  parse_user_context(unescape(f[14])), parse_uint(f[17], U32, "pool_id"))


def render_row6(lease: Lease6, deleted: bool) -> str:
    # A deleted lease is written with both lifetimes 0 (Kea's memfile convention).
    valid, preferred = (0, 0) if deleted else (lease.valid_lft, lease.preferred_lft)
    hw = lease.hwaddr
    hwaddr, hwtype, source = (hw.hex(":"), str(lease.hwtype), str(lease.hwaddr_source)) \
        if hw is not None else ("", "", "")
    return (f"{socket.inet_ntop(socket.AF_INET6, lease.addr.to_bytes(16, 'big'))},"
            f"{lease.duid.hex(':')},{valid},{lease.cltt + valid},{lease.subnet_id},"
            f"{preferred},{lease.type},{lease.iaid},{lease.prefix_len},"
            f"{1 if lease.fqdn_fwd else 0},{1 if lease.fqdn_rev else 0},"
            f"{escape(lease.hostname)},{hwaddr},{lease.state},"
            f"{render_user_context(lease.user_context)},{hwtype},{source},{lease.pool_id}")


@dataclass(frozen=True)
class Schema(Generic[L]):
    """Everything the file layer needs to know about one family's lease files."""

    family: int
    columns: tuple[Column, ...]
    minimum: int  # a header must name at least these first columns (through hostname)
    parse: Callable[[list[str]], L]
    render: Callable[[L, bool], str]

    @property
    def version(self) -> str:
        return self.columns[-1].version


SCHEMA4: Schema[Lease4] = Schema(4, COLUMNS4, 9, parse_row4, render_row4)
SCHEMA6: Schema[Lease6] = Schema(6, COLUMNS6, 12, parse_row6, render_row6)
