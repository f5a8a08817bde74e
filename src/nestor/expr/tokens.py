"""Tokens of Kea's classification expression language, as data.

The kinds are numbered in the order of Kea's grammar (``src/lib/eval/parser.yy``),
because a syntax error lists the expected tokens in that order, the way Kea's
generated parser does. Kea 3.x added six keywords (``sand``, ``sor``, ``sifelse``,
``lcase``, ``ucase``, ``match``); they are accepted here but left out of "expecting"
lists, so messages read exactly as Kea 2.2 prints them.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class T(IntEnum):
    """Token kinds, in Kea's order."""

    END = 0
    LPAREN = 3
    RPAREN = 4
    NOT = 5
    AND = 6
    SAND = 7
    OR = 8
    SOR = 9
    EQUAL = 10
    OPTION = 11
    RELAY4 = 12
    RELAY6 = 13
    MEMBER = 14
    PEERADDR = 15
    LINKADDR = 16
    LBRACKET = 17
    RBRACKET = 18
    DOT = 19
    TEXT = 20
    HEX = 21
    EXISTS = 22
    PKT = 23
    IFACE = 24
    SRC = 25
    DST = 26
    LEN = 27
    PKT4 = 28
    CHADDR = 29
    HLEN = 30
    HTYPE = 31
    CIADDR = 32
    GIADDR = 33
    YIADDR = 34
    SIADDR = 35
    SUBSTRING = 36
    SPLIT = 37
    ALL = 38
    COMMA = 39
    CONCAT = 40
    PLUS = 41
    IFELSE = 42
    SIFELSE = 43
    TOHEXSTRING = 44
    ADDRTOTEXT = 45
    INT8TOTEXT = 46
    INT16TOTEXT = 47
    INT32TOTEXT = 48
    UINT8TOTEXT = 49
    UINT16TOTEXT = 50
    UINT32TOTEXT = 51
    LCASE = 52
    UCASE = 53
    PKT6 = 54
    MSGTYPE = 55
    TRANSID = 56
    VENDOR_CLASS = 57
    VENDOR = 58
    ANY = 59
    DATA = 60
    ENTERPRISE = 61
    MATCH = 62
    STRING = 65
    INTEGER = 66
    HEXSTRING = 67
    OPTION_NAME = 68
    IP_ADDRESS = 69


# Keywords and punctuation, spelled as in expressions.
KEYWORDS: dict[str, T] = {
    "not": T.NOT, "and": T.AND, "sand": T.SAND, "or": T.OR, "sor": T.SOR,
    "option": T.OPTION, "relay4": T.RELAY4, "relay6": T.RELAY6, "member": T.MEMBER,
    "peeraddr": T.PEERADDR, "linkaddr": T.LINKADDR, "text": T.TEXT, "hex": T.HEX,
    "exists": T.EXISTS, "pkt": T.PKT, "iface": T.IFACE, "src": T.SRC, "dst": T.DST,
    "len": T.LEN, "pkt4": T.PKT4, "mac": T.CHADDR, "hlen": T.HLEN, "htype": T.HTYPE,
    "ciaddr": T.CIADDR, "giaddr": T.GIADDR, "yiaddr": T.YIADDR, "siaddr": T.SIADDR,
    "substring": T.SUBSTRING, "split": T.SPLIT, "all": T.ALL, "concat": T.CONCAT,
    "ifelse": T.IFELSE, "sifelse": T.SIFELSE, "hexstring": T.TOHEXSTRING,
    "addrtotext": T.ADDRTOTEXT, "int8totext": T.INT8TOTEXT, "int16totext": T.INT16TOTEXT,
    "int32totext": T.INT32TOTEXT, "uint8totext": T.UINT8TOTEXT,
    "uint16totext": T.UINT16TOTEXT, "uint32totext": T.UINT32TOTEXT, "lcase": T.LCASE,
    "ucase": T.UCASE, "pkt6": T.PKT6, "msgtype": T.MSGTYPE, "transid": T.TRANSID,
    "vendor-class": T.VENDOR_CLASS, "vendor": T.VENDOR, "data": T.DATA,
    "enterprise": T.ENTERPRISE, "match": T.MATCH,
}
PUNCTUATION: dict[str, T] = {
    "==": T.EQUAL, ".": T.DOT, "(": T.LPAREN, ")": T.RPAREN, "[": T.LBRACKET,
    "]": T.RBRACKET, ",": T.COMMA, "*": T.ANY, "+": T.PLUS,
}

# How Kea's parser names each kind in "unexpected X, expecting Y" (bison strips the
# quotes of a token alias unless it holds a comma, hence the quoted ",").
NAMES: dict[T, str] = {
    T.END: "end of file", T.STRING: "constant string", T.INTEGER: "integer",
    T.HEXSTRING: "constant hexstring", T.OPTION_NAME: "option name",
    T.IP_ADDRESS: "ip address", T.COMMA: '","',
    **{kind: text for text, kind in {**KEYWORDS, **PUNCTUATION}.items() if kind != T.COMMA},
}

# Kea 3.x additions: never listed as expected, so messages stay those of Kea 2.2.
KEA3_ONLY = frozenset({T.SAND, T.SOR, T.SIFELSE, T.LCASE, T.UCASE, T.MATCH})


class Location(NamedTuple):
    """A span of the expression: 1-based line and column, end column exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        # bison's location printer: "L.C", "L.C-C2" or "L.C-L2.C2", end inclusive.
        last = self.end_col - 1 if self.end_col > 0 else 0
        if self.line < self.end_line:
            return f"{self.line}.{self.col}-{self.end_line}.{last}"
        if self.col < last:
            return f"{self.line}.{self.col}-{last}"
        return f"{self.line}.{self.col}"


class Token(NamedTuple):
    """One token; ``text`` is the literal's value (a string without its quotes)."""

    kind: T
    text: str
    loc: Location

    @property
    def shown(self) -> str:
        return NAMES[self.kind]
