"""Assembling DHCPv4 replies: header fields, lease options, configured options, echoes.

Header (RFC 2131 section 4.3.1, table 3, as Kea's ``copyDefaultFields``): op
BOOTREPLY; xid, htype, hlen, chaddr, hops, flags and giaddr copied; ciaddr
copied for an ACK (a renewing client's address) and an INFORM reply, zero
otherwise; siaddr/sname/file from ``next-server``/``server-hostname``/
``boot-file-name`` (subnet, then the first class setting each, then the reservation).

Options are laid out as Kea writes them: message type first, the others by
code, relay agent information (82) last (the codec puts it there). Echoed
unchanged: client identifier (61, RFC 6842, unless ``echo-client-id`` is
false), relay agent information (82, RFC 3046 section 2.2), subnet selection
(118, RFC 3011 section 3). Kea does not pad replies to the BOOTP minimum, and
neither does this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nestor.config.model import Config, NetworkParams, Reservation, Subnet
from nestor.engine.replyopts import VIVSO, OptionBlock, add_vendor_options
from nestor.errors import OptionDataError
from nestor.leases.lease import INFINITY_LFT
from nestor.wire.packet4 import BOOTREPLY, Packet4

_U32 = 0xFFFFFFFF


def u32(value: int) -> bytes:
    return (value & _U32).to_bytes(4, "big")


# One payload per message type, made once.
_MESSAGE_TYPE = {n: bytes((n,)) for n in range(256)}
_EMPTY_SNAME, _EMPTY_FILE = bytes(64), bytes(128)
_new = object.__new__


def new_reply(query: Packet4, mtype: int, ciaddr: int = 0) -> Packet4:
    """The reply's header (RFC 2131 table 3) and its message type option.

    Built slot by slot rather than through ``Packet4.__init__``: a reply is made per
    query, and the constructor's keyword handling and padding of fields the reply
    leaves empty cost more than the rest of this function. The result is the packet
    ``Packet4(BOOTREPLY, xid, chaddr, htype=..., ..., pad_to=0)`` would be (a unit
    test compares the two, slot by slot)."""
    chaddr = query.chaddr
    if len(chaddr) != 16:
        if len(chaddr) > 16:
            raise OptionDataError("chaddr longer than its field (16)")
        chaddr = chaddr.ljust(16, b"\0")
    r = _new(Packet4)
    r.op, r.htype, r.hlen, r.hops, r.xid, r.secs = \
        BOOTREPLY, query.htype, query.hlen, query.hops, query.xid, 0
    r.flags, r.ciaddr, r.yiaddr, r.siaddr, r.giaddr = query.flags, ciaddr, 0, 0, query.giaddr
    r.chaddr, r.sname, r.file = chaddr, _EMPTY_SNAME, _EMPTY_FILE
    r.options = {53: _MESSAGE_TYPE[mtype]}
    r.pad_to, r.quirks, r._raw = 0, 0, None
    return r


def finish(reply: Packet4, query: Packet4, extra: dict[int, bytes], echo_client_id: bool) -> None:
    """Add ``extra`` options by code, then the echoed ones."""
    q = query.options
    if echo_client_id and 61 in q:
        extra[61] = q[61]
    if 118 in q:
        extra[118] = q[118]
    opts = reply.options
    for code in sorted(extra):
        opts[code] = extra[code]
    rai = q.get(82)
    if rai:
        opts[82] = rai


def finish_sorted(reply: Packet4, query: Packet4, base: dict[int, bytes],
                  more: dict[int, bytes] | None, echo_client_id: bool) -> None:
    """:func:`finish` for options already sorted by code (``base``, not changed) plus a
    few per-client ones (``more``, which may be changed)."""
    q = query.options
    if echo_client_id and 61 in q:
        if more is None:
            more = {}
        more[61] = q[61]
    if 118 in q:
        if more is None:
            more = {}
        more[118] = q[118]
    opts = reply.options
    if more is None:
        opts.update(base)  # the common case: nothing to interleave
    else:
        merged = {**base, **more}
        for code in sorted(merged):
            opts[code] = merged[code]
    rai = q.get(82)
    if rai:
        opts[82] = rai


def netmask(subnet: Subnet) -> bytes:
    return int(subnet.prefix.netmask).to_bytes(4, "big")


def tee_times(params: NetworkParams, lifetime: int) -> list[tuple[int, int]]:
    """Kea's ``setTeeTimes``: T2 (59) then T1 (58), each only when below its ceiling.

    Explicit ``rebind-timer``/``renew-timer`` win; with ``calculate-tee-times`` the
    percentages of the lifetime are used (truncated, as Kea casts them). Infinite
    leases get neither (RFC 2131 section 4.4.5: the timers only apply to finite ones).
    """
    if lifetime == INFINITY_LFT:
        return []
    out: list[tuple[int, int]] = []
    calc = bool(params.calculate_tee_times)
    t2 = params.rebind_timer if params.rebind_timer is not None else (
        int((params.t2_percent or 0.0) * lifetime) if calc else 0)
    ceiling = lifetime
    if 0 < t2 < ceiling:
        out.append((59, t2))
        ceiling = t2
    t1 = params.renew_timer if params.renew_timer is not None else (
        int((params.t1_percent or 0.0) * lifetime) if calc else 0)
    if 0 < t1 < ceiling:
        out.append((58, t1))
    return out


# Distinct (request list, lifetime, server identifier) combinations kept per option
# block; a cached lease's remaining lifetime makes the lifetime vary, hence a bound.
_MEMO_LIMIT = 256


def lease_options(block: OptionBlock, subnet: Subnet, prl: bytes | None, lifetime: int,
                  server_id: int, query_options: Mapping[int, bytes]) -> dict[int, bytes]:
    """The options of an OFFER or ACK that do not depend on the client, sorted by code:
    the configured ones the request list ``prl`` selects (plus always-send and basic
    ones), subnet mask (1), lease time (51), T2/T1 (59/58) and server identifier (54,
    configured, else ``server_id``). The caller must not change the result.

    They only depend on the arguments, so they are computed once per option block
    (the block fixes subnet, pool, reservation and option-bearing classes) and reused;
    the block owns the memo, so a new configuration starts afresh. A query with a
    vendor option (125) is the exception: the reply's 125 depends on its content."""
    if VIVSO in query_options:
        return _lease_options(block, subnet, prl, lifetime, server_id, query_options)
    key = (prl, lifetime, subnet.id, server_id)
    memo = block.memo
    found = memo.get(key)
    if found is None:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        found = memo[key] = _lease_options(block, subnet, prl, lifetime, server_id, {})
    return found


def _lease_options(block: OptionBlock, subnet: Subnet, prl: bytes | None, lifetime: int,
                   server_id: int, query_options: Mapping[int, bytes]) -> dict[int, bytes]:
    extra = dict(block.select(prl))
    add_vendor_options(query_options, extra, block)
    extra[1] = netmask(subnet)
    extra[51] = u32(lifetime)
    extra.pop(58, None)
    extra.pop(59, None)
    for code, value in tee_times(subnet.params, lifetime):
        extra[code] = u32(value)
    extra[54] = block.payloads.get(54) or u32(server_id)
    return {code: extra[code] for code in sorted(extra)}


Fields = tuple[int, bytes, bytes]  # siaddr (0: unset), sname, file (b"": unset)


def _fields(next_server: str, sname: str, fname: str) -> Fields | None:
    siaddr = _ip(next_server) if next_server and next_server != "0.0.0.0" else 0
    sn = sname.encode("utf-8", "replace")[:64].ljust(64, b"\0") if sname else b""
    fn = fname.encode("utf-8", "replace")[:128].ljust(128, b"\0") if fname else b""
    return (siaddr, sn, fn) if siaddr or sn or fn else None


def _ip(text: str) -> int:
    a, b, c, d = (int(x) for x in text.split("."))
    return a << 24 | b << 16 | c << 8 | d


class FixedFields:
    """siaddr/sname/file: subnet values, overridden by classes, then by the reservation
    (Kea's ``setFixedFields``); encoded once per configuration."""

    def __init__(self, config: Config) -> None:
        self.subnets: dict[int, Fields] = {}
        for sub in config.subnets:
            p = sub.params
            found = _fields(p.next_server or "", p.server_hostname or "",
                            p.boot_file_name or "")
            if found is not None:
                self.subnets[sub.id] = found
        self.classes: dict[str, Fields] = {}
        for c in config.client_classes:
            found = _fields(c.next_server, c.server_hostname, c.boot_file_name)
            if found is not None:
                self.classes[c.name] = found

    def apply(self, reply: Packet4, subnet: Subnet | None, classes: Sequence[str],
              host: Reservation | None) -> None:
        if host is None and not self.subnets and not self.classes:
            return  # nothing configured sets these fields: the reply keeps them empty
        layers: list[Fields] = []
        if subnet is not None and subnet.id in self.subnets:
            layers.append(self.subnets[subnet.id])
        if self.classes:
            # Kea's setFixedFields takes each field from the *first* class (in the order
            # the query got them) that sets it (checked against Kea 2.2: classify2.json's
            # VoIP_host does not override VoIP's server-hostname).
            layers += _first_per_field([self.classes[n] for n in classes if n in self.classes])
        if host is not None:
            found = _fields(host.next_server, host.server_hostname, host.boot_file_name)
            if found is not None:
                layers.append(found)
        for siaddr, sname, fname in layers:
            if siaddr:
                reply.siaddr = siaddr
            if sname:
                reply.sname = sname
            if fname:
                reply.file = fname


def _first_per_field(found: list[Fields]) -> list[Fields]:
    """One layer holding, field by field, the first value the classes give."""
    if len(found) < 2:
        return found
    siaddr = next((f[0] for f in found if f[0]), 0)
    sname = next((f[1] for f in found if f[1]), b"")
    fname = next((f[2] for f in found if f[2]), b"")
    return [(siaddr, sname, fname)]
