"""The expression scanner: every token, Kea's longest-match rules, positions, errors."""

from __future__ import annotations

import pytest

from nestor.expr.errors import ExpressionError
from nestor.expr.lexer import Lexer
from nestor.expr.tokens import KEYWORDS, NAMES, PUNCTUATION, T, Token


def tokens(text: str) -> list[Token]:
    lexer = Lexer(text)
    out = []
    while (tok := lexer.next()).kind is not T.END:
        out.append(tok)
    return out


def kinds(text: str) -> list[T]:
    return [t.kind for t in tokens(text)]


@pytest.mark.parametrize("spelling", sorted(KEYWORDS) + sorted(PUNCTUATION))
def test_every_keyword_and_punctuation(spelling: str) -> None:
    (tok,) = tokens(spelling)
    assert tok.kind is {**KEYWORDS, **PUNCTUATION}[spelling]
    assert NAMES[tok.kind] in (spelling, '","')


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("'foo bar'", T.STRING, "foo bar"),
    ("''", T.STRING, ""),
    ("'a\\'", T.STRING, "a\\"),  # no escapes: a backslash is just a character
    ("0x1aF", T.HEXSTRING, "0x1aF"),
    ("0X00", T.HEXSTRING, "0X00"),
    ("123", T.INTEGER, "123"),
    ("-7", T.INTEGER, "-7"),
    ("007", T.INTEGER, "007"),
    ("192.0.2.1", T.IP_ADDRESS, "192.0.2.1"),
    ("2001:db8::1", T.IP_ADDRESS, "2001:db8::1"),
    ("::", T.IP_ADDRESS, "::"),
    ("::ffff:192.0.2.1", T.IP_ADDRESS, "::ffff:192.0.2.1"),
    ("fe80::1", T.IP_ADDRESS, "fe80::1"),
])
def test_literals(text: str, kind: T, value: str) -> None:
    (tok,) = tokens(text)
    assert (tok.kind, tok.text) == (kind, value)


def test_option_name_needs_a_closing_bracket() -> None:
    assert kinds("option[host-name]") == [T.OPTION, T.LBRACKET, T.OPTION_NAME, T.RBRACKET]
    # Blanks before "]" belong to the name's token but not to the name.
    name = tokens("[ host-name  ]")[1]
    assert (name.kind, name.text, str(name.loc)) == (T.OPTION_NAME, "host-name", "1.3-13")
    # Without "]" the same letters are no token at all.
    with pytest.raises(ExpressionError, match="Invalid character: h"):
        tokens("host-name")


def test_longest_match_decides() -> None:
    # The "]" context counts, so a keyword followed by "]" is an option name.
    assert kinds("all]") == [T.OPTION_NAME, T.RBRACKET]
    assert kinds("all)") == [T.ALL, T.RPAREN]
    assert kinds("vendor-class") == [T.VENDOR_CLASS]
    assert Lexer("vendor-x").next().kind is T.VENDOR  # then "-" fails
    assert kinds("hexstring") == [T.TOHEXSTRING]
    assert kinds("option") == [T.OPTION]
    assert kinds("1.2.3") == [T.INTEGER, T.DOT, T.INTEGER, T.DOT, T.INTEGER]
    assert kinds("10.0.0.1") == [T.IP_ADDRESS]
    assert kinds("0x1f") == [T.HEXSTRING]


def test_blanks_and_newlines_set_positions() -> None:
    toks = tokens("option [ 12 ]\n .hex")
    assert [str(t.loc) for t in toks] == ["1.1-6", "1.8", "1.10-11", "1.13", "2.2", "2.3-5"]


def test_end_position_is_after_the_last_character() -> None:
    lexer = Lexer("'a'  ")
    lexer.next()
    assert str(lexer.next().loc) == "1.6"


@pytest.mark.parametrize(("text", "message", "where"), [
    ("known", "Invalid character: k", "1.1"),
    ("'a", "Invalid character: '", "1.1"),
    ("'a\n'", "Invalid character: '", "1.1"),
    ("0x", "Invalid character: x", "1.2"),
    ("=", "Invalid character: =", "1.1"),
    ("!", "Invalid character: !", "1.1"),
    ("Option", "Invalid character: O", "1.1"),
    ("99999999999999999999", "Failed to convert 99999999999999999999 to an integer.",
     "1.1-20"),
    ("256.1.1.1", "Failed to convert 256.1.1.1 to an IP address.", "1.1-9"),
    ("01.2.3.4", "Failed to convert 01.2.3.4 to an IP address.", "1.1-8"),
    ("1:2:3:4:5:6:7:8:9", "Failed to convert 1:2:3:4:5:6:7:8:9 to an IP address.", "1.1-17"),
])
def test_scanner_errors(text: str, message: str, where: str) -> None:
    with pytest.raises(ExpressionError) as info:
        tokens(text)
    assert info.value.kea_text == f"<string>:{where}: {message}"


def test_int64_limits() -> None:
    assert tokens("9223372036854775807")[0].kind is T.INTEGER
    assert tokens("-9223372036854775808")[0].kind is T.INTEGER
    with pytest.raises(ExpressionError, match="to an integer"):
        tokens("9223372036854775808")
