"""Splits an expression into tokens the way Kea's flex scanner does.

Kea's scanner (``src/lib/eval/lexer.ll``) picks, at each position, the rule with the
longest match, and the earliest rule on a tie. Its rules, in order: blanks, newlines,
``'...'`` strings (no escapes, no newline), ``0x`` hex strings, signed integers, option
names (only when a ``]`` follows), IPv4/IPv6 addresses, keywords and punctuation, and
finally any other character, which is an error. An option name's trailing context
``]`` counts for the longest match (flex's rule), so ``all]`` is a name, not ``all``.

Tokens are produced on demand: Kea's parser reads a token only when it needs one, so
a semantic error found before the end (``member('nope')``) is reported even if a
later character could not be scanned, and the same order is kept here.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv6Address

from nestor.expr.errors import ExpressionError
from nestor.expr.tokens import KEYWORDS, PUNCTUATION, Location, T, Token

_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_INT = re.compile(r"-?[0-9]+")
_NAME = re.compile(r"[A-Za-z](?:[-_A-Za-z0-9]*[A-Za-z0-9])?[ \t\n]*(?=\])")
_ADDR4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_ADDR6 = re.compile(r"[0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*")
_WORD = re.compile(r"[a-z][a-z0-9-]*|==|[.()\[\],*+]")
_INT64 = range(-(1 << 63), 1 << 63)
_NUMERIC_START = frozenset("-0123456789")
_ADDRESS_START = frozenset("0123456789abcdefABCDEF:")

# Rules by priority: the earliest wins a tie in length.
_STRING, _HEXSTR, _INTEGER, _OPTNAME, _ADDRESS, _KEYWORD = range(6)


def valid_address(text: str) -> bool:
    """What ``inet_pton`` accepts (Kea builds an ``IOAddress``): dotted quads without
    leading zeros, IPv6 text with an optional trailing dotted quad."""
    try:
        if ":" in text:
            IPv6Address(text)
        else:
            IPv4Address(text)
    except ValueError:
        return False
    return True


class Lexer:
    """Yields the tokens of ``text`` one at a time through :meth:`next`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.col = 1

    def error(self, reason: str, start: int, end: int, line: int, col: int) -> ExpressionError:
        loc = Location(line, col, line, col + (end - start))
        return ExpressionError(reason, text=self.text, loc=loc, token=self.text[start:end])

    def next(self) -> Token:
        text = self.text
        self._skip_blanks()
        start, line, col = self.pos, self.line, self.col
        if start >= len(text):
            return Token(T.END, "", Location(line, col, line, col))
        rule, length = self._longest(start)
        end = start + length
        lexeme = text[start:end]
        self.pos = end
        self.col += length
        if rule == _STRING:
            return self._token(T.STRING, lexeme[1:-1], line, col)
        if rule == _HEXSTR:
            return self._token(T.HEXSTRING, lexeme, line, col)
        if rule == _INTEGER:
            if int(lexeme) not in _INT64:  # Kea reads it as int64_t
                raise self.error(f"Failed to convert {lexeme} to an integer.", start, end,
                                 line, col)
            return self._token(T.INTEGER, lexeme, line, col)
        if rule == _OPTNAME:
            return self._option_name(lexeme, line, col)
        if rule == _ADDRESS:
            if not valid_address(lexeme):
                raise self.error(f"Failed to convert {lexeme} to an IP address.", start, end,
                                 line, col)
            return self._token(T.IP_ADDRESS, lexeme, line, col)
        if rule == _KEYWORD:
            kind = KEYWORDS[lexeme] if lexeme in KEYWORDS else PUNCTUATION[lexeme]
            return self._token(kind, lexeme, line, col)
        # Kea's catch-all rule: one character it has no use for.
        self.pos, self.col = start + 1, col + 1
        raise self.error(f"Invalid character: {text[start]}", start, start + 1, line, col)

    def _token(self, kind: T, value: str, line: int, col: int) -> Token:
        return Token(kind, value, Location(line, col, self.line, self.col))

    def _skip_blanks(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in " \t\n":
            if text[pos] == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
            pos += 1
        self.pos = pos

    def _longest(self, pos: int) -> tuple[int, int]:
        """(rule, length) of the longest match at ``pos``; (-1, 1) when none."""
        best = (-1, 0)
        for rule, length in self._candidates(pos):
            if length > best[1]:
                best = (rule, length)
        return best if best[1] else (-1, 1)

    def _candidates(self, pos: int) -> list[tuple[int, int]]:
        text = self.text
        char = text[pos]
        found: list[tuple[int, int]] = []
        if char == "'":
            close = text.find("'", pos + 1)
            newline = text.find("\n", pos + 1)
            if close >= 0 and (newline < 0 or newline > close):
                found.append((_STRING, close + 1 - pos))
            return found
        if char in _NUMERIC_START:
            for rule, pattern in ((_HEXSTR, _HEX), (_INTEGER, _INT)):
                m = pattern.match(text, pos)
                if m:
                    found.append((rule, m.end() - pos))
        if char.isalpha():
            m = _NAME.match(text, pos)
            if m:
                found.append((_OPTNAME, m.end() + 1 - pos))  # the "]" context counts
        if char in _ADDRESS_START:
            addr = max((m.end() for p in (_ADDR4, _ADDR6) if (m := p.match(text, pos))),
                       default=0)
            if addr:
                found.append((_ADDRESS, addr - pos))
        m = _WORD.match(text, pos)
        if m:
            word = m.group()
            # The longest keyword that is a prefix of the word ("vendor-class", "vendor").
            while word and word not in KEYWORDS and word not in PUNCTUATION:
                word = word[:-1]
            if word:
                found.append((_KEYWORD, len(word)))
        return found

    def _option_name(self, lexeme: str, line: int, col: int) -> Token:
        # The match stops before "]"; undo the context and trim the trailing blanks,
        # which Kea keeps inside the token's location but not in the name.
        name = lexeme[:-1].rstrip(" \t\n")
        self.pos -= 1
        self.col -= 1
        newlines = lexeme[:-1].count("\n")
        if newlines:
            self.line += newlines
            self.col = len(lexeme[:-1]) - lexeme[:-1].rfind("\n")
        return self._token(T.OPTION_NAME, name, line, col)
