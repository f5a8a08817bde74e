"""A recursive-descent parser for Kea's expression grammar (``src/lib/eval/parser.yy``).

The grammar is typed: a class ``test`` must be a boolean; ``==`` compares two strings;
``and``/``or``/``not`` take booleans; everything else takes and gives strings (Kea's
integers are 4-octet strings). Precedence as in Kea: ``not`` binds tightest, then
``and``, then ``or``; ``+`` concatenates strings, left to right, and binds tighter than
``==``. A ``(`` where a boolean is expected may open either a boolean or a string, so
that position is parsed by :meth:`Parser.operand`, which returns whichever it found.

Errors follow Kea's wording and positions (see :mod:`nestor.expr.parsebase`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from ipaddress import ip_address

from nestor.expr.ast import (
    And,
    Call,
    Equal,
    IfElse,
    Literal,
    Match,
    Member,
    Node,
    Not,
    Or,
    Split,
    Substring,
    is_bool,
)
from nestor.expr.parserefs import REFERENCE_START, RefParser
from nestor.expr.tokens import T, Token

# Functions whose operands are all strings: token -> (name, number of operands).
FUNCTIONS: dict[T, tuple[str, int]] = {
    T.CONCAT: ("concat", 2), T.TOHEXSTRING: ("hexstring", 2),
    T.ADDRTOTEXT: ("addrtotext", 1), T.INT8TOTEXT: ("int8totext", 1),
    T.INT16TOTEXT: ("int16totext", 1), T.INT32TOTEXT: ("int32totext", 1),
    T.UINT8TOTEXT: ("uint8totext", 1), T.UINT16TOTEXT: ("uint16totext", 1),
    T.UINT32TOTEXT: ("uint32totext", 1), T.LCASE: ("lcase", 1), T.UCASE: ("ucase", 1),
}
LITERALS = frozenset({T.STRING, T.HEXSTRING, T.IP_ADDRESS, T.INTEGER})
STRING_START = (LITERALS | REFERENCE_START | set(FUNCTIONS)
                | {T.LPAREN, T.SUBSTRING, T.SPLIT, T.IFELSE, T.SIFELSE})
_AND = {T.AND: False, T.SAND: True}  # operator -> strict (Kea 3.x "s" forms)
_OR = {T.OR: False, T.SOR: True}


def literal_bytes(tok: Token) -> bytes:
    """The value of a string, hex or address literal."""
    if tok.kind is T.STRING:
        return tok.text.encode("utf-8", "surrogateescape")
    if tok.kind is T.HEXSTRING:
        digits = tok.text[2:]
        # An odd number of digits gets a leading zero (Kea's TokenHexString).
        return bytes.fromhex("0" * (len(digits) % 2) + digits)
    return ip_address(tok.text).packed


class Parser(RefParser):
    """One parse of one expression text; see :func:`nestor.expr.parse`."""

    def parse_bool(self) -> Node:
        node = self.bool_expr()
        self.expect(T.END)
        return node

    def parse_string(self) -> Node:
        node = self.string_expr()
        self.expect(T.END)
        return node

    # --- booleans ----------------------------------------------------------------

    def _operator(self, table: dict[T, bool]) -> bool | None:
        """Take an operator of ``table`` and say whether it is strict; None if absent."""
        strict = table.get(self.peek().kind)
        if strict is not None:
            self.take()
        return strict

    def bool_expr(self, first: Node | None = None) -> Node:
        left = self.and_expr(first)
        while (strict := self._operator(_OR)) is not None:
            left = Or(left, self.and_expr(), strict)
        return left

    def and_expr(self, first: Node | None = None) -> Node:
        left = self.bool_operand() if first is None else first
        while (strict := self._operator(_AND)) is not None:
            left = And(left, self.bool_operand(), strict)
        return left

    def bool_operand(self) -> Node:
        node = self.operand()
        if not is_bool(node):
            raise self.syntax_error(self.peek(), (T.EQUAL, T.PLUS))
        return node

    def either(self) -> Node:
        """Inside ``(`` at a boolean position: a boolean expression or a string."""
        first = self.operand()
        return self.bool_expr(first) if is_bool(first) else first

    def operand(self) -> Node:
        """A boolean operand, or a string that was not followed by ``==``."""
        tok = self.peek()
        if tok.kind is T.NOT:
            self.take()
            return Not(self.bool_operand())
        if tok.kind is T.MEMBER:
            return self._member()
        if tok.kind is T.MATCH:
            return self._match()
        if tok.kind is T.LPAREN:
            self.take()
            value = self.either()
            if is_bool(value):
                self.expect(T.RPAREN, also=(T.AND, T.OR))
                return value
            self.expect(T.RPAREN, also=(T.EQUAL, T.PLUS))
        elif tok.kind in REFERENCE_START:
            value = self.reference(allow_bool=True)
            if is_bool(value):
                return value
        else:
            value = self.string_primary()
        value = self.plus_rest(value)
        if self.accept(T.EQUAL):
            return Equal(value, self.string_expr())
        return value

    def _member(self) -> Node:
        self.take()
        self.expect(T.LPAREN)
        name = self.expect(T.STRING)
        self.expect(T.RPAREN)
        # Kea refuses forward references: a class may only name classes defined
        # before it (or built in), which also rules out dependency loops.
        if not self.is_defined(name.text):
            raise self.fail(f"Not defined client class '{name.text}'", name)
        return Member(name.text)

    def _match(self) -> Node:
        self.take()
        self.expect(T.LPAREN)
        pattern = self.expect(T.STRING)
        self.expect(T.COMMA)
        value = self.string_expr()
        self.expect(T.RPAREN, also=(T.PLUS,))
        try:
            re.compile(pattern.text.encode("utf-8", "surrogateescape"))
        except re.error as exc:
            raise self.fail(f"invalid regular expression '{pattern.text}': {exc}",
                            pattern) from None
        return Match(pattern.text, value)

    # --- strings -----------------------------------------------------------------

    def string_expr(self) -> Node:
        return self.plus_rest(self.string_primary())

    def plus_rest(self, left: Node) -> Node:
        while self.accept(T.PLUS):
            left = Call("concat", (left, self.string_primary()))
        return left

    def string_primary(self) -> Node:
        tok = self.peek()
        if tok.kind is T.INTEGER:
            self.take()
            return Literal(self.uint(tok, 32).to_bytes(4, "big"))
        if tok.kind in LITERALS:
            self.take()
            return Literal(literal_bytes(tok))
        if tok.kind is T.LPAREN:
            self.take()
            inner = self.string_expr()
            self.expect(T.RPAREN, also=(T.PLUS,))
            return inner
        if tok.kind in REFERENCE_START:
            return self.reference(allow_bool=False)
        special: dict[T, Callable[[], Node]] = {
            T.SUBSTRING: self._substring, T.SPLIT: self._split,
            T.IFELSE: self._ifelse, T.SIFELSE: self._ifelse}
        if tok.kind in special:
            return special[tok.kind]()
        if tok.kind in FUNCTIONS:
            return self._function(*FUNCTIONS[tok.kind])
        raise self.syntax_error(tok, STRING_START)

    def _arguments(self, count: int) -> list[Node]:
        """``( s, s, ... )`` after a function keyword."""
        self.take()
        self.expect(T.LPAREN)
        args = []
        for i in range(count):
            args.append(self.string_expr())
            self.expect(T.COMMA if i < count - 1 else T.RPAREN, also=(T.PLUS,))
        return args

    def _function(self, name: str, count: int) -> Node:
        return Call(name, tuple(self._arguments(count)))

    def _substring(self) -> Node:
        value = self._open_with_string()
        start = self.expect(T.INTEGER)
        self.expect(T.COMMA)
        length = self.expect((T.INTEGER, T.ALL))
        self.expect(T.RPAREN)
        return Substring(value, start.text, "all" if length.kind is T.ALL else length.text)

    def _open_with_string(self) -> Node:
        """``keyword ( string ,`` - the start of substring and split."""
        self.take()
        self.expect(T.LPAREN)
        value = self.string_expr()
        self.expect(T.COMMA, also=(T.PLUS,))
        return value

    def _split(self) -> Node:
        value = self._open_with_string()
        delimiters = self.string_expr()
        self.expect(T.COMMA, also=(T.PLUS,))
        field = self.expect(T.INTEGER)
        self.expect(T.RPAREN)
        return Split(value, delimiters, field.text)

    def _ifelse(self) -> Node:
        strict = self.take().kind is T.SIFELSE
        self.expect(T.LPAREN)
        cond = self.bool_expr()
        self.expect(T.COMMA, also=(T.AND, T.OR))
        then = self.string_expr()
        self.expect(T.COMMA, also=(T.PLUS,))
        other = self.string_expr()
        self.expect(T.RPAREN, also=(T.PLUS,))
        return IfElse(cond, then, other, strict)
