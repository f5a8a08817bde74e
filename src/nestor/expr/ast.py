"""The parsed form of an expression: small immutable nodes, compiled once to closures.

Every node is either boolean (:data:`BOOL_NODES`) or a byte string; Kea has no other
run-time type (its integers are 4-octet strings). Option references keep their codes as
a path: ``option[82].option[1]`` is ``OptionRef((82, 1), ...)``; Kea 2.2 allows one
sub-option level, Kea 3.x any number, and so does Nestor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Repr(Enum):
    """How an option is turned into a value (``.hex``, ``.text``, ``.exists``)."""

    HEX = "hex"
    TEXT = "text"
    EXISTS = "exists"


@dataclass(frozen=True, slots=True)
class Literal:
    value: bytes


@dataclass(frozen=True, slots=True)
class OptionRef:
    """``option[c].option[s]....hex|text|exists``."""

    codes: tuple[int, ...]
    repr: Repr


@dataclass(frozen=True, slots=True)
class Relay4Ref:
    """``relay4[s].option[t]....`` - sub-options of the relay agent information (82)."""

    codes: tuple[int, ...]
    repr: Repr


@dataclass(frozen=True, slots=True)
class Relay6Ref:
    """``relay6[nest].option[c]...``; nest 0 is the relay next to the server, -1 the one
    next to the client."""

    nest: int
    codes: tuple[int, ...]
    repr: Repr


@dataclass(frozen=True, slots=True)
class Relay6Field:
    nest: int
    field: str  # "peeraddr" or "linkaddr"


@dataclass(frozen=True, slots=True)
class VendorRef:
    """``vendor[e].exists`` (no codes) or ``vendor[e].option[c]...``; e 0 is any."""

    enterprise: int
    codes: tuple[int, ...]
    repr: Repr


@dataclass(frozen=True, slots=True)
class VendorClassRef:
    """``vendor-class[e].exists`` or ``vendor-class[e].data[index]``."""

    enterprise: int
    field: str  # "exists" or "data"
    index: int = 0


@dataclass(frozen=True, slots=True)
class Enterprise:
    """``vendor.enterprise`` / ``vendor-class.enterprise``."""

    vendor_class: bool


@dataclass(frozen=True, slots=True)
class PktField:
    """``pkt.X``, ``pkt4.X`` or ``pkt6.X``."""

    scope: str  # "pkt", "pkt4", "pkt6"
    field: str


@dataclass(frozen=True, slots=True)
class Substring:
    value: Node
    start: str  # Kea converts these integer literals when evaluating, not when parsing
    length: str  # an integer literal or "all"


@dataclass(frozen=True, slots=True)
class Split:
    value: Node
    delimiters: Node
    field: str


@dataclass(frozen=True, slots=True)
class Call:
    """A function of string operands: concat, hexstring, addrtotext, *totext, lcase..."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class IfElse:
    cond: Node
    then: Node
    other: Node
    strict: bool = False  # Kea 3.x "sifelse": both branches are evaluated


@dataclass(frozen=True, slots=True)
class Equal:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node
    strict: bool = False  # Kea 3.x "sand": no short cut


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node
    strict: bool = False  # Kea 3.x "sor"


@dataclass(frozen=True, slots=True)
class Member:
    name: str


@dataclass(frozen=True, slots=True)
class Match:
    pattern: str
    value: Node


Node = (Literal | OptionRef | Relay4Ref | Relay6Ref | Relay6Field | VendorRef | VendorClassRef
        | Enterprise | PktField | Substring | Split | Call | IfElse | Equal | Not | And | Or
        | Member | Match)


def is_bool(node: Node) -> bool:
    """True for nodes that evaluate to a boolean."""
    if isinstance(node, OptionRef | Relay4Ref | Relay6Ref | VendorRef):
        return node.repr is Repr.EXISTS
    if isinstance(node, VendorClassRef):
        return node.field == "exists"
    return isinstance(node, Equal | Not | And | Or | Member | Match)


def walk(node: Node) -> list[Node]:
    """``node`` and every node below it, parents first."""
    out: list[Node] = [node]
    for child in _children(node):
        out.extend(walk(child))
    return out


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Substring | Match):
        return (node.value,)
    if isinstance(node, Split):
        return (node.value, node.delimiters)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, IfElse):
        return (node.cond, node.then, node.other)
    if isinstance(node, Equal | And | Or):
        return (node.left, node.right)
    if isinstance(node, Not):
        return (node.operand,)
    return ()
