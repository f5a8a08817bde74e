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

from collections.abc import Sequence

from nestor.config.model import Config, NetworkParams, Reservation, Subnet
from nestor.leases.lease import INFINITY_LFT
from nestor.wire.packet4 import BOOTREPLY, Packet4

_U32 = 0xFFFFFFFF


def u32(value: int) -> bytes:
    return (value & _U32).to_bytes(4, "big")


def new_reply(query: Packet4, mtype: int, ciaddr: int = 0) -> Packet4:
    r = Packet4(BOOTREPLY, query.xid, query.chaddr, htype=query.htype, hlen=query.hlen,
                hops=query.hops, flags=query.flags, ciaddr=ciaddr, giaddr=query.giaddr,
                pad_to=0)
    r.options = {53: bytes((mtype,))}
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
