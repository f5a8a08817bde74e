"""What an expression reads: one received query and the facts around it.

The engine builds one context per query and evaluates every class test on it:

* the query (:class:`Context4` wraps a :class:`Packet4`, :class:`Context6` a DHCPv6
  message with its relay layers);
* how it arrived: interface name, source and destination address (``pkt.iface``,
  ``pkt.src``, ``pkt.dst``), as text, int, packed bytes or ``ipaddress`` objects;
* the classes assigned so far (``member('X')``): the engine passes its own live
  collection, so a class matched earlier is seen by the tests after it;
* ``known``: whether a host reservation was found (``member('KNOWN')``,
  ``member('UNKNOWN')``); None until the lookup ran, then the class names in
  ``classes`` decide, as in Kea.

Building a context is cheap (addresses are converted only if a test reads them);
what the tests decode repeatedly (sub-options, relay layers) is decoded once per
context and kept in ``cache``.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import ClassVar

from nestor.expr.errors import EvalError
from nestor.wire.packet4 import Packet4
from nestor.wire.packet6 import Message6, Option6, RelayMessage6, innermost, relay_chain

Address = str | int | bytes | IPv4Address | IPv6Address

_HEADER4 = 236  # RFC 2131 section 2: the fixed part, before the magic cookie


def packed(address: Address, size: int) -> bytes:
    """An address as the octets Kea pushes for ``pkt.src``/``pkt.dst``."""
    if isinstance(address, bytes):
        return address
    if isinstance(address, int):
        return address.to_bytes(size, "big")
    if isinstance(address, str):
        return ip_address(address).packed
    return address.packed


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


class Context:
    """Shared part of the DHCPv4 and DHCPv6 contexts.

    The ``pkt4_*``/``pkt6_*`` readers exist on both, so compiled code can call them
    without knowing the universe; the parser only lets each reach its own universe.
    """

    __slots__ = ("_dst", "_src", "cache", "classes", "iface", "known", "options")
    universe: ClassVar[int]
    address_size: ClassVar[int]
    # Top-level options of the client's message: code -> payload (first instance).
    options: Mapping[int, bytes]

    def __init__(self, *, iface: str, src: Address, dst: Address, classes: Container[str],
                 known: bool | None) -> None:
        self.iface = iface
        self._src = src
        self._dst = dst
        self.classes = classes
        self.known = known
        self.cache: dict[object, object] = {}

    @property
    def src(self) -> bytes:
        if not isinstance(self._src, bytes):
            self._src = packed(self._src, self.address_size)
        return self._src

    @property
    def dst(self) -> bytes:
        if not isinstance(self._dst, bytes):
            self._dst = packed(self._dst, self.address_size)
        return self._dst

    def length(self, size: Callable[[int, bytes], int]) -> int:
        """``pkt.len``: the size Kea computes for the message; ``size(code, data)``
        is the length Kea writes an option's data back with."""
        raise NotImplementedError

    def relay_options(self, nest: int) -> Mapping[int, bytes] | None:
        """Options of relay layer ``nest`` (DHCPv6); None when there is no such layer."""
        return None

    def relay_address(self, nest: int, which: str) -> bytes:
        return b""

    def in_class(self, name: str) -> bool:
        if self.known is not None and name in ("KNOWN", "UNKNOWN"):
            return self.known == (name == "KNOWN")
        return name in self.classes

    def _wrong(self, what: str) -> bytes:
        raise EvalError(f"{what} read from a DHCPv{self.universe} packet")

    # pkt4.<field>: DHCPv4 header fields as Kea pushes them (4-octet numbers).
    def pkt4_mac(self) -> bytes:
        return self._wrong("pkt4.mac")

    def pkt4_hlen(self) -> bytes:
        return self._wrong("pkt4.hlen")

    def pkt4_htype(self) -> bytes:
        return self._wrong("pkt4.htype")

    def pkt4_ciaddr(self) -> bytes:
        return self._wrong("pkt4.ciaddr")

    def pkt4_giaddr(self) -> bytes:
        return self._wrong("pkt4.giaddr")

    def pkt4_yiaddr(self) -> bytes:
        return self._wrong("pkt4.yiaddr")

    def pkt4_siaddr(self) -> bytes:
        return self._wrong("pkt4.siaddr")

    def pkt4_msgtype(self) -> bytes:
        return self._wrong("pkt4.msgtype")

    def pkt4_transid(self) -> bytes:
        return self._wrong("pkt4.transid")

    def pkt6_msgtype(self) -> bytes:
        return self._wrong("pkt6.msgtype")

    def pkt6_transid(self) -> bytes:
        return self._wrong("pkt6.transid")


class Context4(Context):
    """A DHCPv4 query as Kea's ``Pkt4`` presents it to expressions."""

    __slots__ = ("packet",)
    universe = 4
    address_size = 4

    def __init__(self, packet: Packet4, *, iface: str = "", src: Address = "0.0.0.0",
                 dst: Address = "255.255.255.255", classes: Container[str] = (),
                 known: bool | None = None) -> None:
        super().__init__(iface=iface, src=src, dst=dst, classes=classes, known=known)
        self.packet = packet
        self.options = packet.options

    def length(self, size: Callable[[int, bytes], int]) -> int:
        # Kea's Pkt4::len(): the fixed header plus each option as it would write it
        # back (code, length, data); no cookie, no end option, no padding.
        total = _HEADER4
        for code, data in self.options.items():
            n = size(code, data)
            total += n + 2 * max(1, -(-n // 255))
        return total

    def pkt4_mac(self) -> bytes:
        return self.packet.hwaddr

    def pkt4_hlen(self) -> bytes:
        return _u32(self.packet.hlen)

    def pkt4_htype(self) -> bytes:
        return _u32(self.packet.htype)

    def pkt4_ciaddr(self) -> bytes:
        return _u32(self.packet.ciaddr)

    def pkt4_giaddr(self) -> bytes:
        return _u32(self.packet.giaddr)

    def pkt4_yiaddr(self) -> bytes:
        return _u32(self.packet.yiaddr)

    def pkt4_siaddr(self) -> bytes:
        return _u32(self.packet.siaddr)

    def pkt4_msgtype(self) -> bytes:
        # Kea's Pkt4::getType(): 0 when there is no message type option.
        kind = self.options.get(53)
        return _u32(kind[0] if kind else 0)

    def pkt4_transid(self) -> bytes:
        return _u32(self.packet.xid)


class Context6(Context):
    """A DHCPv6 query: the client's message, and the relays it came through."""

    __slots__ = ("inner", "message", "relays")
    universe = 6
    address_size = 16

    def __init__(self, message: Message6 | RelayMessage6, *, iface: str = "",
                 src: Address = "::", dst: Address = "ff02::1:2", classes: Container[str] = (),
                 known: bool | None = None) -> None:
        super().__init__(iface=iface, src=src, dst=dst, classes=classes, known=known)
        self.message = message
        self.relays = relay_chain(message)  # index 0: the relay next to the server
        self.inner = innermost(message)
        self.options = first_payloads(self.inner.options)

    def length(self, size: Callable[[int, bytes], int]) -> int:
        # Kea's Pkt6::len() counts the relay encapsulations too.
        return len(self.message.serialize())

    def pkt6_msgtype(self) -> bytes:
        return _u32(self.inner.msg_type)

    def pkt6_transid(self) -> bytes:
        return _u32(self.inner.transaction_id)

    def _relay(self, nest: int) -> RelayMessage6 | None:
        level = nest if nest >= 0 else len(self.relays) + nest
        return self.relays[level] if 0 <= level < len(self.relays) else None

    def relay_options(self, nest: int) -> Mapping[int, bytes] | None:
        relay = self._relay(nest)
        if relay is None:
            return None
        key = ("relay", nest)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = first_payloads(relay.options)
        assert isinstance(found, dict)
        return found

    def relay_address(self, nest: int, which: str) -> bytes:
        relay = self._relay(nest)
        if relay is None:
            return b""
        return relay.peer_address if which == "peeraddr" else relay.link_address


def first_payloads(options: list[Option6]) -> dict[int, bytes]:
    """Code -> payload of the first option with that code."""
    out: dict[int, bytes] = {}
    for opt in options:
        if opt.code not in out:
            out[opt.code] = opt.payload()
    return out
