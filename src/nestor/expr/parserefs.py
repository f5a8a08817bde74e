"""The packet-reading phrases of the grammar: options, relays, vendor options, fields.

``option``, ``relay4``, ``relay6``, ``vendor`` and ``vendor-class`` end either in a
string representation (``.hex``, ``.text``, ``.data``...) or in ``.exists``, a boolean;
``allow_bool`` says whether the position may take the boolean form, which also
decides what a syntax error lists as expected there.
"""

from __future__ import annotations

from collections.abc import Callable

from nestor.expr.ast import (
    Enterprise,
    Node,
    OptionRef,
    PktField,
    Relay4Ref,
    Relay6Field,
    Relay6Ref,
    Repr,
    VendorClassRef,
    VendorRef,
)
from nestor.expr.parsebase import ParserBase
from nestor.expr.tokens import T, Token

_REPR = {T.HEX: Repr.HEX, T.TEXT: Repr.TEXT, T.EXISTS: Repr.EXISTS}
PKT_FIELDS = {T.IFACE: "iface", T.SRC: "src", T.DST: "dst", T.LEN: "len"}
PKT4_FIELDS = {T.CHADDR: "mac", T.HLEN: "hlen", T.HTYPE: "htype", T.CIADDR: "ciaddr",
               T.GIADDR: "giaddr", T.YIADDR: "yiaddr", T.SIADDR: "siaddr",
               T.MSGTYPE: "msgtype", T.TRANSID: "transid"}
PKT6_FIELDS = {T.MSGTYPE: "msgtype", T.TRANSID: "transid"}
RELAY6_FIELDS = {T.PEERADDR: "peeraddr", T.LINKADDR: "linkaddr"}

# First tokens of the phrases below.
REFERENCE_START = frozenset({T.OPTION, T.RELAY4, T.RELAY6, T.VENDOR, T.VENDOR_CLASS,
                             T.PKT, T.PKT4, T.PKT6})


class RefParser(ParserBase):
    """Parses the phrase starting at the current token (one of REFERENCE_START)."""

    def reference(self, allow_bool: bool) -> Node:
        parse: dict[T, Callable[[bool], Node]] = {
            T.OPTION: self._option, T.RELAY4: self._relay4, T.RELAY6: self._relay6,
            T.VENDOR: self._vendor, T.VENDOR_CLASS: self._vendor_class, T.PKT: self._pkt,
            T.PKT4: self._pkt4, T.PKT6: self._pkt6,
        }
        return parse[self.peek().kind](allow_bool)

    def _code_in_brackets(self, by_name: bool) -> int:
        self.expect(T.LBRACKET)
        kinds = (T.INTEGER, T.OPTION_NAME) if by_name else (T.INTEGER,)
        code = self.option_code(self.expect(kinds))
        self.expect(T.RBRACKET)
        return code

    def _chain(self, codes: list[int], allow_bool: bool,
               names: bool) -> tuple[tuple[int, ...], Repr]:
        """``.option[n]`` any number of times (Kea 3.x; 2.2 takes one), then the
        representation. ``names`` allows option names inside, as Kea 3.x does for
        relay and vendor chains."""
        while True:
            self.expect(T.DOT)
            if self.accept(T.OPTION):
                codes.append(self._code_in_brackets(names))
                continue
            ends = {T.TEXT, T.HEX} | ({T.EXISTS} if allow_bool else set())
            return tuple(codes), _REPR[self.expect(ends, also=(T.OPTION,)).kind]

    def _option(self, allow_bool: bool) -> Node:
        self.take()
        codes, repr_ = self._chain([self._code_in_brackets(True)], allow_bool, names=False)
        return OptionRef(codes, repr_)

    def _relay4(self, allow_bool: bool) -> Node:
        keyword = self.take()
        codes, repr_ = self._chain([self._code_in_brackets(False)], allow_bool, names=True)
        self.universe_only(4, keyword)
        return Relay4Ref(codes, repr_)

    def _relay6(self, allow_bool: bool) -> Node:
        keyword = self.take()
        self.expect(T.LBRACKET)
        nest = self.nest_level(self.expect(T.INTEGER))
        self.expect(T.RBRACKET)
        self.expect(T.DOT)
        tok = self.expect({T.OPTION, *RELAY6_FIELDS})
        self.universe_only(6, keyword)
        if tok.kind is not T.OPTION:
            return Relay6Field(nest, RELAY6_FIELDS[tok.kind])
        codes, repr_ = self._chain([self._code_in_brackets(False)], allow_bool, names=True)
        return Relay6Ref(nest, codes, repr_)

    def _enterprise(self) -> int:
        """``[*]`` or ``[number]``; ``*`` and 0 both mean any enterprise."""
        self.expect(T.LBRACKET, also=(T.DOT,))
        tok = self.expect((T.ANY, T.INTEGER))
        value = 0 if tok.kind is T.ANY else self.uint(tok, 32)
        self.expect(T.RBRACKET)
        self.expect(T.DOT)
        return value

    def _vendor(self, allow_bool: bool) -> Node:
        self.take()
        if self.accept(T.DOT):
            self.expect(T.ENTERPRISE)
            return Enterprise(vendor_class=False)
        enterprise = self._enterprise()
        tok = self.expect({T.OPTION} | ({T.EXISTS} if allow_bool else set()))
        if tok.kind is T.EXISTS:
            return VendorRef(enterprise, (), Repr.EXISTS)
        codes, repr_ = self._chain([self._code_in_brackets(False)], allow_bool, names=True)
        return VendorRef(enterprise, codes, repr_)

    def _vendor_class(self, allow_bool: bool) -> Node:
        self.take()
        if self.accept(T.DOT):
            self.expect(T.ENTERPRISE)
            return Enterprise(vendor_class=True)
        enterprise = self._enterprise()
        tok = self.expect({T.DATA} | ({T.EXISTS} if allow_bool else set()))
        if tok.kind is T.EXISTS:
            return VendorClassRef(enterprise, "exists")
        if not self.accept(T.LBRACKET):
            return VendorClassRef(enterprise, "data", 0)
        index = self.expect(T.INTEGER)
        self.expect(T.RBRACKET)
        return VendorClassRef(enterprise, "data", self.uint(index, 8))

    def _field(self, fields: dict[T, str]) -> tuple[Token, str]:
        keyword = self.take()
        self.expect(T.DOT)
        return keyword, fields[self.expect(set(fields)).kind]

    def _pkt(self, allow_bool: bool) -> Node:
        return PktField("pkt", self._field(PKT_FIELDS)[1])

    def _pkt4(self, allow_bool: bool) -> Node:
        keyword, name = self._field(PKT4_FIELDS)
        self.universe_only(4, keyword)
        return PktField("pkt4", name)

    def _pkt6(self, allow_bool: bool) -> Node:
        keyword, name = self._field(PKT6_FIELDS)
        self.universe_only(6, keyword)
        return PktField("pkt6", name)
