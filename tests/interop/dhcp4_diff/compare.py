"""The reply comparator: what a client would notice, field by field.

For each step the outcome is compared first (a reply of some type, no reply, or not
sent because a referenced reply was missing). When both servers replied, the header
fields, where the reply was sent (IP destination and UDP port), the set of option
codes and every option's value are compared. A scenario may exempt fields by name
(``"opt:54"``, ``"siaddr"``, ``"ip_dst"``) and allow lease times (51, 58, 59) a slack
in seconds; everything else must be identical.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.interop.dhcp4_diff.steps import Scenario

from nestor.errors import MalformedPacket
from nestor.wire.packet4 import Packet4, parse4

MESSAGE_NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
                 7: "RELEASE", 8: "INFORM"}
TIME_OPTIONS = frozenset({51, 58, 59})
# Options whose payload is a list of IPv4 addresses, shown dotted in reports.
ADDRESS_OPTIONS = frozenset({1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 28, 32, 41, 42, 44, 45, 48,
                             49, 50, 54, 65, 68, 69, 70, 71, 72, 73, 74, 75, 76})


def _ip(value: int) -> str:
    return socket.inet_ntoa(struct.pack("!I", value))


def _text(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("latin-1")


# Header fields compared, with how each is shown.
HEADER_FIELDS: dict[str, Callable[[Packet4], str]] = {
    "op": lambda p: str(p.op),
    "htype": lambda p: str(p.htype),
    "hlen": lambda p: str(p.hlen),
    "hops": lambda p: str(p.hops),
    "secs": lambda p: str(p.secs),
    "flags": lambda p: f"0x{p.flags:04x}",
    "ciaddr": lambda p: _ip(p.ciaddr),
    "yiaddr": lambda p: _ip(p.yiaddr),
    "siaddr": lambda p: _ip(p.siaddr),
    "giaddr": lambda p: _ip(p.giaddr),
    "chaddr": lambda p: p.chaddr[: p.hlen].hex(":"),
    "sname": lambda p: repr(_text(p.sname)),
    "file": lambda p: repr(_text(p.file)),
}
WHERE_FIELDS = ("ip_dst", "dport")


@dataclass(frozen=True)
class Difference:
    scenario: str
    step: int
    field: str
    kea: str
    nestor: str

    def __str__(self) -> str:
        return (f"{self.scenario} step {self.step} {self.field}: "
                f"kea={self.kea} nestor={self.nestor}")


def show_option(code: int, raw: bytes) -> str:
    if code in ADDRESS_OPTIONS and raw and len(raw) % 4 == 0:
        return ",".join(socket.inet_ntoa(raw[i:i + 4]) for i in range(0, len(raw), 4))
    if code in TIME_OPTIONS and len(raw) == 4:
        return str(struct.unpack("!I", raw)[0])
    if raw and all(32 <= b < 127 for b in raw):
        return repr(raw.decode("ascii"))
    return raw.hex() or "(empty)"


def outcome(result: dict[str, Any]) -> tuple[str, Packet4 | None]:
    """A one-word summary of a step's result and the parsed reply, if any."""
    if result.get("skipped"):
        return "not-sent", None
    if result.get("reply") is None:
        return "no-reply", None
    try:
        reply = parse4(bytes.fromhex(result["reply"]))
    except MalformedPacket as exc:
        return f"malformed ({exc})", None
    kind = reply.options.get(53, b"\0")
    return MESSAGE_NAMES.get(kind[0] if kind else 0, f"type-{kind.hex()}"), reply


def _times_close(kea: bytes, nestor: bytes, slack: int) -> bool:
    if len(kea) != 4 or len(nestor) != 4:
        return kea == nestor
    (a,), (b,) = struct.unpack("!I", kea), struct.unpack("!I", nestor)
    return abs(int(a) - int(b)) <= slack


def compare_replies(kea: Packet4, nestor: Packet4, where_k: dict[str, Any],
                    where_n: dict[str, Any], scenario: Scenario) -> list[tuple[str, str, str]]:
    """(field, kea value, nestor value) for every compared field that differs."""
    out: list[tuple[str, str, str]] = []
    for name, show in HEADER_FIELDS.items():
        if name not in scenario.exempt and show(kea) != show(nestor):
            out.append((name, show(kea), show(nestor)))
    for name in WHERE_FIELDS:
        if name not in scenario.exempt and where_k.get(name) != where_n.get(name):
            out.append((name, str(where_k.get(name)), str(where_n.get(name))))
    codes_k = {c for c in kea.options if f"opt:{c}" not in scenario.exempt}
    codes_n = {c for c in nestor.options if f"opt:{c}" not in scenario.exempt}
    if codes_k != codes_n:
        out.append(("option codes", str(sorted(codes_k)), str(sorted(codes_n))))
    for code in sorted(codes_k & codes_n):
        a, b = kea.options[code], nestor.options[code]
        same = (_times_close(a, b, scenario.time_slack) if code in TIME_OPTIONS else a == b)
        if not same:
            out.append((f"opt:{code}", show_option(code, a), show_option(code, b)))
    return out


def compare_scenario(scenario: Scenario, kea: list[dict[str, Any]],
                     nestor: list[dict[str, Any]]) -> list[Difference]:
    """Every difference between the two servers' results for ``scenario``."""
    diffs: list[Difference] = []
    if len(kea) != len(nestor):
        return [Difference(scenario.name, -1, "steps run", str(len(kea)), str(len(nestor)))]
    for index, (rk, rn) in enumerate(zip(kea, nestor, strict=True)):
        (ok, pk), (on, pn) = outcome(rk), outcome(rn)
        if ok != on:
            diffs.append(Difference(scenario.name, index, "outcome", ok, on))
            continue
        if pk is None or pn is None:
            continue
        for name, a, b in compare_replies(pk, pn, rk["where"], rn["where"], scenario):
            diffs.append(Difference(scenario.name, index, name, a, b))
    return diffs


def describe(results: list[dict[str, Any]]) -> str:
    """One line per step: outcome, yiaddr and options; for failure messages."""
    lines = []
    for index, result in enumerate(results):
        kind, reply = outcome(result)
        if reply is None:
            lines.append(f"  {index}: {kind} {result.get('skipped') or ''}".rstrip())
            continue
        opts = " ".join(f"{c}={show_option(c, v)}" for c, v in reply.options.items())
        lines.append(f"  {index}: {kind} yiaddr={_ip(reply.yiaddr)} to "
                     f"{result['where']['ip_dst']}:{result['where']['dport']} {opts}")
    return "\n".join(lines)


def summary(results: list[dict[str, Any]]) -> str:
    """The scenario table's ``kea`` notation for a run: type and yiaddr per step."""
    words = []
    for result in results:
        kind, reply = outcome(result)
        if reply is None:
            words.append("-" if kind == "no-reply" else kind)
        else:
            words.append(f"{kind} {_ip(reply.yiaddr)}" if reply.yiaddr else kind)
    return ", ".join(words)
