"""Parsing: the shape Kea's grammar gives, its typing rules and its error messages.

The messages were taken from Kea 2.2 itself (``kea-dhcp4 -t`` / ``kea-dhcp6 -t``);
the interop test checks many more against the live program.
"""

from __future__ import annotations

import pytest

from nestor.expr import (
    ExpressionError,
    class_checker,
    compile_expression,
    is_builtin_class,
    parse,
)
from nestor.expr import ast as A
from nestor.wire.optdefs import DataType, OptionDefinition
from nestor.wire.stddefs import std_definitions

S = A.Literal


def lit(text: str) -> A.Literal:
    return A.Literal(text.encode())


def eq(left: A.Node, right: A.Node) -> A.Equal:
    return A.Equal(left, right)


T1 = eq(lit("a"), lit("a"))
T2 = eq(lit("b"), lit("b"))
T3 = eq(lit("c"), lit("c"))


@pytest.mark.parametrize(("text", "tree"), [
    ("'a' == 'a'", T1),
    ("not 'a' == 'a'", A.Not(T1)),
    ("not 'a' == 'a' and 'b' == 'b'", A.And(A.Not(T1), T2)),
    ("'a' == 'a' or 'b' == 'b' and 'c' == 'c'", A.Or(T1, A.And(T2, T3))),
    ("'a' == 'a' and 'b' == 'b' or 'c' == 'c'", A.Or(A.And(T1, T2), T3)),
    ("'a' == 'a' and ('b' == 'b' or 'c' == 'c')", A.And(T1, A.Or(T2, T3))),
    ("('a' == 'a')", T1),
    ("(('a') == 'a')", T1),
    ("('a' + 'b') == 'c'", eq(A.Call("concat", (lit("a"), lit("b"))), lit("c"))),
    ("'a' + 'b' + 'c' == 'd'",
     eq(A.Call("concat", (A.Call("concat", (lit("a"), lit("b"))), lit("c"))), lit("d"))),
    ("'a' == 'b' + 'c'", eq(lit("a"), A.Call("concat", (lit("b"), lit("c"))))),
    ("0x5a7d == 1", eq(S(b"Z}"), S(b"\0\0\0\x01"))),
    ("0xabc == 10.0.0.1", eq(S(b"\x0a\xbc"), S(b"\x0a\0\0\x01"))),
    ("::1 == 'a'", eq(S(bytes(15) + b"\x01"), lit("a"))),
    ("option[61].hex == 'a'", eq(A.OptionRef((61,), A.Repr.HEX), lit("a"))),
    ("option[host-name].text == 'a'", eq(A.OptionRef((12,), A.Repr.TEXT), lit("a"))),
    ("option[82].option[1].exists", A.OptionRef((82, 1), A.Repr.EXISTS)),
    ("relay4[1].hex == 'a'", eq(A.Relay4Ref((1,), A.Repr.HEX), lit("a"))),
    ("vendor[*].exists", A.VendorRef(0, (), A.Repr.EXISTS)),
    ("vendor[4491].option[1].exists", A.VendorRef(4491, (1,), A.Repr.EXISTS)),
    ("vendor.enterprise == 4491", eq(A.Enterprise(False), S((4491).to_bytes(4, "big")))),
    ("vendor-class[4491].data == 'a'", eq(A.VendorClassRef(4491, "data", 0), lit("a"))),
    ("vendor-class[0].data[3] == 'a'", eq(A.VendorClassRef(0, "data", 3), lit("a"))),
    ("vendor-class[*].exists", A.VendorClassRef(0, "exists")),
    ("pkt.len == pkt4.hlen", eq(A.PktField("pkt", "len"), A.PktField("pkt4", "hlen"))),
    ("substring('abc', -1, all) == 'c'", eq(A.Substring(lit("abc"), "-1", "all"), lit("c"))),
    ("split('a.b', '.', 2) == 'b'", eq(A.Split(lit("a.b"), lit("."), "2"), lit("b"))),
    ("ifelse(member('A'), 'x', 'y') == 'x'",
     eq(A.IfElse(A.Member("A"), lit("x"), lit("y")), lit("x"))),
    ("member('A') sand member('B')", A.And(A.Member("A"), A.Member("B"), strict=True)),
    ("match('a.*', 'abc')", A.Match("a.*", lit("abc"))),
])
def test_tree(text: str, tree: A.Node) -> None:
    assert parse(text) == tree


def test_string_expressions() -> None:
    assert parse("option[12].text + '.lan'", string=True) == A.Call(
        "concat", (A.OptionRef((12,), A.Repr.TEXT), lit(".lan")))
    with pytest.raises(ExpressionError, match="unexpected ==, expecting end of file"):
        parse("'a' == 'a'", string=True)


def test_dhcpv6_phrases() -> None:
    assert parse("relay6[-1].option[18].hex == 'x'", 6) == eq(
        A.Relay6Ref(-1, (18,), A.Repr.HEX), lit("x"))
    assert parse("relay6[0].peeraddr == ::", 6) == eq(A.Relay6Field(0, "peeraddr"),
                                                      S(bytes(16)))
    assert parse("pkt6.msgtype == 1", 6) == eq(A.PktField("pkt6", "msgtype"), S(b"\0\0\0\x01"))
    assert parse("option[dns-servers].exists", 6) == A.OptionRef((23,), A.Repr.EXISTS)


def test_custom_option_definitions_resolve_names() -> None:
    defs = std_definitions(4).copy()
    defs.add(OptionDefinition("my-opt", 234, DataType.STRING, "dhcp4"))
    assert parse("option[my-opt].exists", defs=defs) == A.OptionRef((234,), A.Repr.EXISTS)
    with pytest.raises(ExpressionError, match="option 'my-opt' is not defined"):
        parse("option[my-opt].exists")


# (expression, universe, Kea 2.2's message after "error: ")
ERRORS = [
    ("'a'", 4, "<string>:1.4: syntax error, unexpected end of file, expecting == or +"),
    ("'a' and 'b' == 'b'", 4,
     "<string>:1.5-7: syntax error, unexpected and, expecting == or +"),
    ("option[61].exists == 'true'", 4,
     "<string>:1.19-20: syntax error, unexpected ==, expecting end of file"),
    ("('a'", 4, "<string>:1.5: syntax error, unexpected end of file, expecting ) or == or +"),
    ("('a' == 'a'", 4,
     "<string>:1.12: syntax error, unexpected end of file, expecting ) or and or or"),
    ("concat('a' 'b') == 'a'", 4,
     "<string>:1.12-14: syntax error, unexpected constant string, expecting \",\" or +"),
    ("concat('a', 'b' 'c') == 'a'", 4,
     "<string>:1.17-19: syntax error, unexpected constant string, expecting ) or +"),
    ("ifelse('a' == 'a' 'b', 'c') == 'a'", 4,
     "<string>:1.19-21: syntax error, unexpected constant string, "
     "expecting and or or or \",\""),
    ("substring('a', x", 4, "<string>:1.16: Invalid character: x"),
    ("substring('a', 'b', 1) == 'a'", 4,
     "<string>:1.16-18: syntax error, unexpected constant string, expecting integer"),
    ("substring('a', 0, 'b') == 'a'", 4,
     "<string>:1.19-21: syntax error, unexpected constant string, expecting all or integer"),
    ("option[1]. == 'a'", 4,
     "<string>:1.12-13: syntax error, unexpected ==, expecting option or text or hex or exists"),
    ("'a' == option[1].exists", 4,
     "<string>:1.18-23: syntax error, unexpected exists, expecting option or text or hex"),
    ("option[1] == 'a'", 4, "<string>:1.11-12: syntax error, unexpected ==, expecting ."),
    ("option[] == 'a'", 4,
     "<string>:1.8: syntax error, unexpected ], expecting integer or option name"),
    ("vendor == 'a'", 4, "<string>:1.8-9: syntax error, unexpected ==, expecting [ or ."),
    ("vendor[x].exists", 4,  # "x]" scans as an option name
     "<string>:1.8: syntax error, unexpected option name, expecting * or integer"),
    ("vendor[].exists", 4, "<string>:1.8: syntax error, unexpected ], expecting * or integer"),
    ("pkt.mac == 'a'", 4,
     "<string>:1.5-7: syntax error, unexpected mac, expecting iface or src or dst or len"),
    ("pkt4.foo == 'a'", 4, "<string>:1.6: Invalid character: f"),
    ("pkt4.len == 'a'", 4, "<string>:1.6-8: syntax error, unexpected len"),
    ("member(A)", 4, "<string>:1.8: Invalid character: A"),
    ("member('nope')", 4, "<string>:1.8-13: Not defined client class 'nope'"),
    ("member('DROP')", 4, "<string>:1.8-13: Not defined client class 'DROP'"),
    ("'a' == 'a' and", 4, "<string>:1.15: syntax error, unexpected end of file"),
    ("", 4, "<string>:1.1: syntax error, unexpected end of file"),
    ("-1 == 'a'", 4, "<string>:1.1-2: Invalid value in -1. Allowed range: 0..4294967295"),
    ("4294967296 == 'a'", 4,
     "<string>:1.1-10: Invalid value in 4294967296. Allowed range: 0..4294967295"),
    ("option[256].exists", 4,
     "<string>:1.8-10: Option code has invalid value in 256. Allowed range: 0..255"),
    ("option[65536].exists", 6,
     "<string>:1.8-12: Option code has invalid value in 65536. Allowed range: 0..65535"),
    ("option[2147483648].exists", 4,
     "<string>:1.8-17: Option code has invalid value in 2147483648"),
    ("option[no-such].exists", 4, "<string>:1.8-14: option 'no-such' is not defined"),
    ("option[host-name].exists", 6, "<string>:1.8-16: option 'host-name' is not defined"),
    ("vendor[4294967296].exists", 4,
     "<string>:1.8-17: Invalid value in 4294967296. Allowed range: 0..4294967295"),
    ("vendor-class[0].data[256] == 'a'", 4,
     "<string>:1.22-24: Invalid value in 256. Allowed range: 0..255"),
    ("relay4[1].exists", 6, "<string>:1.1-6: relay4 can only be used in DHCPv4."),
    ("pkt4.mac == 'a'", 6, "<string>:1.1-4: pkt4 can only be used in DHCPv4."),
    ("pkt6.msgtype == 1", 4, "<string>:1.1-4: pkt6 can only be used in DHCPv6."),
    ("relay6[0].peeraddr == ::", 4, "<string>:1.8: Nest level invalid for DHCPv4 packets"),
    ("relay6[32].peeraddr == ::", 6,
     "<string>:1.8-9: Nest level has invalid value in 32. Allowed range: -32..31"),
    ("relay6[-33].peeraddr == ::", 6,
     "<string>:1.8-10: Nest level has invalid value in -33. Allowed range: -32..31"),
    ("relay6[128].peeraddr == ::", 6,
     "<string>:1.8-10: Invalid value in 128. Allowed range: -128..127"),
    ("relay6[0].exists", 6,
     "<string>:1.11-16: syntax error, unexpected exists, "
     "expecting option or peeraddr or linkaddr"),
    ("'a' ==\n'b' 'c'", 4,
     "<string>:2.5-7: syntax error, unexpected constant string, expecting end of file"),
    ("match('(', 'a')", 4, None),
]


@pytest.mark.parametrize(("text", "universe", "message"), ERRORS)
def test_errors(text: str, universe: int, message: str | None) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, universe, is_defined=class_checker(["A"]))
    if message is not None:
        assert info.value.kea_text == message


def test_error_names_class_position_and_token() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("option[61].hex == 'a' or", class_name="Client_foo")
    err = info.value
    assert err.class_name == "Client_foo"
    assert (err.loc.line, err.loc.col) == (1, 25)
    assert err.token == ""
    assert str(err) == ("expression: [option[61].hex == 'a' or] error: <string>:1.25: "
                        "syntax error, unexpected end of file (client class 'Client_foo')")
    with pytest.raises(ExpressionError) as info:
        parse("option[61].hex == 'a' 'b'")
    assert info.value.token == "'b'"


def test_semantic_error_comes_before_later_scanning_errors() -> None:
    # Kea acts on member('X') before it reads what follows, as bison does.
    with pytest.raises(ExpressionError, match="Not defined client class 'X'"):
        parse("member('X') $$$", is_defined=lambda name: False)


@pytest.mark.parametrize(("name", "builtin"), [
    ("ALL", True), ("KNOWN", True), ("UNKNOWN", True), ("BOOTP", True),
    ("VENDOR_CLASS_docsis3.0", True), ("HA_server1", True), ("AFTER_x", True),
    ("EXTERNAL_x", True), ("VENDOR_CLASS_", False), ("HA_", False), ("DROP", False),
    ("SKIP_DDNS", False), ("all", False), ("", False),
])
def test_builtin_classes(name: str, builtin: bool) -> None:
    assert is_builtin_class(name) is builtin


def test_kea3_additions_parse() -> None:
    assert parse("lcase('A') == 'a'") == eq(A.Call("lcase", (lit("A"),)), lit("a"))
    assert parse("option[82].option[1].option[2].hex == ''") == eq(
        A.OptionRef((82, 1, 2), A.Repr.HEX), S(b""))
    assert parse("sifelse('a' == 'a', 'x', 'y') == 'x'") == eq(
        A.IfElse(T1, lit("x"), lit("y"), strict=True), lit("x"))


def test_known_dependency_is_reported() -> None:
    assert compile_expression("member('KNOWN') or 'a' == 'b'").depends_on_known
    assert compile_expression("not member('UNKNOWN')").depends_on_known
    assert not compile_expression("member('ALL')").depends_on_known
