"""Host reservation lookup for DHCPv4 (the configuration's ``reservations``).

Kea looks a client up by each identifier type of ``host-reservation-identifiers``
in turn and takes the first reservation found (ARM "Host Reservations in
DHCPv4"). Identifiers are read from the query as Kea's ``Dhcpv4Srv`` does:

* ``hw-address``: chaddr, ``hlen`` octets (the hardware type is not part of it);
* ``duid``: the DUID inside an RFC 4361 client identifier (type 255, IAID, DUID);
* ``circuit-id``: relay agent information (82) sub-option 1 (RFC 3046);
* ``client-id``: the whole client identifier (61), type octet included;
* ``flex-id``: the value of the ``identifier-expression`` that Kea's flex-id hook
  (``libdhcp_flex_id.so`` in ``hooks-libraries``) evaluates on the query, a
  string expression of the classification language; empty means none.

Reservations are indexed by (subnet id, identifier type, identifier) and by
(subnet id, address), so both lookups are one dict access per identifier.
Subnet id 0 holds the global reservations (Kea's ``SUBNET_ID_GLOBAL``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from nestor.config.model import Config, Reservation
from nestor.errors import MalformedPacket
from nestor.expr import Context4, EvalError, Expression, ExpressionError, compile_expression
from nestor.wire.options4 import rai_get
from nestor.wire.packet4 import Packet4

GLOBAL_ID = 0


def _hw(query: Packet4) -> bytes | None:
    return query.hwaddr or None


def _duid(query: Packet4) -> bytes | None:
    cid = query.options.get(61)
    # RFC 4361 section 6.1: type 255, a 4-octet IAID, then the DUID.
    if cid and cid[0] == 255 and len(cid) > 5:
        return cid[5:]
    return None


def _circuit(query: Packet4) -> bytes | None:
    rai = query.options.get(82)
    if not rai:
        return None
    try:
        return rai_get(query.relay_agent_info or [], 1)
    except MalformedPacket:  # a broken option 82 identifies nobody
        return None


def _client_id(query: Packet4) -> bytes | None:
    return query.options.get(61) or None


# Identifier type -> how to read it from a query (rules as data).
IDENTIFIER_READERS: dict[str, Callable[[Packet4], bytes | None]] = {
    "hw-address": _hw,
    "duid": _duid,
    "circuit-id": _circuit,
    "client-id": _client_id,
}


FLEX_ID_LIBRARY = "libdhcp_flex_id.so"


def flex_id_expression(config: Config) -> Expression | None:
    """The flex-id hook's identifier expression, compiled, when the hook is configured."""
    for hook in config.hooks:
        if os.path.basename(hook.library) != FLEX_ID_LIBRARY:
            continue
        text = hook.parameters.get("identifier-expression")
        if isinstance(text, str) and text:
            try:
                return compile_expression(text, 4, defs=config.definitions, string=True)
            except ExpressionError:
                return None  # Kea refuses to load the hook: no flex-id then
    return None


class HostIndex:
    """Every reservation of a configuration, indexed for the per-packet lookups."""

    def __init__(self, config: Config) -> None:
        raw = config.globals.get("host-reservation-identifiers")
        order = raw if isinstance(raw, list) else list(IDENTIFIER_READERS)
        self.flex = flex_id_expression(config)
        readable = set(IDENTIFIER_READERS) | ({"flex-id"} if self.flex is not None else set())
        self.order: tuple[str, ...] = tuple(t for t in order if t in readable)
        self._by_id: dict[tuple[int, str, bytes], Reservation] = {}
        self._by_addr: dict[tuple[int, int], list[Reservation]] = {}
        for r in config.reservations:
            self._add(r)
        for subnet in config.subnets:
            for r in subnet.reservations:
                self._add(r)
        self.empty = not self._by_id

    def _add(self, r: Reservation) -> None:
        self._by_id.setdefault((r.subnet_id, r.identifier_type, r.identifier), r)
        if r.ipv4_address is not None:
            key = (r.subnet_id, int(r.ipv4_address))
            self._by_addr.setdefault(key, []).append(r)

    def identifiers(self, query: Packet4, ctx: Context4 | None = None) -> list[tuple[str, bytes]]:
        """The (type, value) pairs the query offers, in lookup order; ``ctx`` is the
        expression context flex-id is evaluated in."""
        out: list[tuple[str, bytes]] = []
        for kind in self.order:
            value = self._flex(query, ctx) if kind == "flex-id" \
                else IDENTIFIER_READERS[kind](query)
            if value:
                out.append((kind, value))
        return out

    def _flex(self, query: Packet4, ctx: Context4 | None) -> bytes | None:
        if self.flex is None:
            return None
        try:
            value = self.flex.evaluate(ctx if ctx is not None else Context4(query))
        except EvalError:
            return None
        return value if isinstance(value, bytes) and value else None

    def find(self, subnet_id: int, idents: Sequence[tuple[str, bytes]]) -> Reservation | None:
        """The client's reservation in a subnet (or GLOBAL_ID), first identifier wins."""
        if self.empty:
            return None
        by_id = self._by_id
        for kind, value in idents:
            host = by_id.get((subnet_id, kind, value))
            if host is not None:
                return host
        return None

    def reserved(self, subnet_id: int, addr: int) -> list[Reservation]:
        """Reservations of ``addr`` in a subnet (several when ip-reservations-unique
        is false)."""
        return self._by_addr.get((subnet_id, addr), []) if not self.empty else []
