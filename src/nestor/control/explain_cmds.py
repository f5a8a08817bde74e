"""``packet4-explain``: Nestor's own read-only command answering what the running
DHCPv4 engine would do with a query (classes and why, subnet, reservation, pool,
address), without serving it. Kea has no equivalent; operators debugging class
tests otherwise have to send real traffic and read debug logs.

Arguments: ``packet`` (the DHCPv4 message as hex, BOOTP header onwards, colons
or spaces allowed), and optionally ``interface`` (the receiving interface's name;
default: the first one the server knows), ``remote-address`` (the source
address, default ``0.0.0.0``), ``local-address`` (the destination, default
``255.255.255.255``, i.e. a broadcast).
"""

from __future__ import annotations

import ipaddress

from nestor.control.registry import (
    ACCESS_READ,
    RESULT_ERROR,
    RESULT_SUCCESS,
    Answer,
    CommandContext,
    CommandSpec,
    answer,
)
from nestor.engine.explain4 import explain
from nestor.engine.v4 import Query4Meta
from nestor.errors import MalformedPacket
from nestor.wire.packet4 import parse4


def _address(arguments: dict[str, object], key: str, default: str) -> int:
    value = arguments.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    try:
        return int(ipaddress.IPv4Address(value))
    except ValueError:
        raise ValueError(f"'{key}' is not an IPv4 address: {value}") from None


def packet4_explain(ctx: CommandContext, arguments: object) -> Answer:
    engine = ctx.engine
    if engine is None:
        return answer(RESULT_ERROR, "no configuration in force")
    if not isinstance(arguments, dict) or not isinstance(arguments.get("packet"), str):
        return answer(RESULT_ERROR, "missing 'packet' argument (hex of a DHCPv4 message)")
    text = "".join(c for c in str(arguments["packet"]) if c not in ": \n\t")
    try:
        query = parse4(bytes.fromhex(text.removeprefix("0x")))
    except ValueError:
        return answer(RESULT_ERROR, "'packet' is not hexadecimal")
    except MalformedPacket as exc:
        return answer(RESULT_ERROR, f"malformed packet: {exc}")
    iface = arguments.get("interface")
    links = list(engine.links.values())
    link = next((k for k in links if k.name == iface), None) if iface is not None \
        else (links[0] if links else None)
    if iface is not None and link is None:
        return answer(RESULT_ERROR, f"unknown interface: {iface}")
    try:
        src = _address(arguments, "remote-address", "0.0.0.0")
        dst = _address(arguments, "local-address", "255.255.255.255")
    except ValueError as exc:
        return answer(RESULT_ERROR, str(exc))
    meta = Query4Meta(link.ifindex if link else 0, link.name if link else str(iface or ""),
                      src, 68 if not query.giaddr else 67, dst)
    result = explain(engine, query, meta)
    return answer(RESULT_SUCCESS, f"packet explained: {result['outcome']}", result)


SPECS = (CommandSpec("packet4-explain", packet4_explain, ACCESS_READ),)
