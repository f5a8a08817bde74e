"""Client-class expressions at load time: compiled once, refused as Kea 2.2 refuses them.

Messages and rules were learnt from ``kea-dhcp4 -t`` / ``kea-dhcp6 -t`` (Kea 2.2);
the corpus test at the end compares Nestor's full error text with the verdicts recorded
from Kea for ``tests/fixtures/configs``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nestor.config import load_text
from nestor.config.model import ClientClass
from nestor.errors import ConfigError
from nestor.expr import Context4, Context6
from nestor.wire.packet4 import Packet4, parse4
from nestor.wire.packet6 import Message6, RawOption6

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "configs"


def v4(classes: str, extra: str = "") -> str:
    return '{\n"Dhcp4": {\n' + extra + '"client-classes": [\n' + classes + "\n]\n}\n}\n"


def v6(classes: str, extra: str = "") -> str:
    return '{\n"Dhcp6": {\n' + extra + '"client-classes": [\n' + classes + "\n]\n}\n}\n"


def classes(text: str, universe: int = 4) -> list[ClientClass]:
    return load_text(text, universe, name="kea.conf").config.client_classes


def refuse(text: str, universe: int = 4) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_text(text, universe, name="kea.conf")
    return info.value


def query4(**options: bytes) -> Context4:
    opts = {53: b"\x01"}
    opts.update({int(code[1:]): value for code, value in options.items()})
    packet = parse4(Packet4(xid=1, chaddr=bytes(6), options=opts).serialize())
    return Context4(packet, iface="eth0", src="192.0.2.7")


# --- what the engine gets -----------------------------------------------------------------

def test_tests_are_compiled_at_load_and_evaluate_on_packets() -> None:
    loaded = classes(v4('{ "name": "phones", "test": "substring(option[60].hex, 0, 5) '
                        '== \'phone\'" },\n{ "name": "other" }'))
    phones, other = loaded
    assert phones.compiled is not None and other.compiled is None
    assert phones.compiled.text == phones.test
    assert phones.compiled.matches(query4(o60=b"phone-x1"))
    assert not phones.compiled.matches(query4(o60=b"laptop"))


def test_option_names_resolve_against_the_configurations_option_defs() -> None:
    """``option[foo]`` works for a global option-def (Kea parses option-def first)."""
    (cls,) = classes(v4('{ "name": "a", "test": "option[foo].exists" }',
                        '"option-def": [ { "name": "foo", "code": 222, "type": "uint8" } ],\n'))
    assert cls.compiled is not None
    assert cls.compiled.matches(query4(o222=b"\x01"))
    assert not cls.compiled.matches(query4(o60=b"x"))


def test_dhcpv6_tests_compile_for_dhcpv6() -> None:
    (cls,) = classes(v6('{ "name": "a", "test": "option[dns-servers].exists" }'), 6)
    assert cls.compiled is not None
    ctx = Context6(Message6(1, 7, [RawOption6(23, bytes(16))]))
    assert cls.compiled.matches(ctx)
    assert not cls.compiled.matches(Context6(Message6(1, 7, [])))


def test_depend_on_known_follows_earlier_classes() -> None:
    """A class naming KNOWN/UNKNOWN, or a class that does, waits for the host lookup."""
    loaded = classes(v4(
        '{ "name": "known", "test": "member(\'KNOWN\')" },\n'
        '{ "name": "via", "test": "option[60].exists or member(\'known\')" },\n'
        '{ "name": "via-via", "test": "not member(\'via\')" },\n'
        '{ "name": "plain", "test": "member(\'ALL\') and member(\'VENDOR_CLASS_x\')" },\n'
        '{ "name": "no-test" },\n'
        '{ "name": "after-plain", "test": "member(\'plain\') or member(\'no-test\')" }'))
    assert {c.name: c.depend_on_known for c in loaded} == {
        "known": True, "via": True, "via-via": True, "plain": False, "no-test": False,
        "after-plain": False}


def test_two_loads_compare_equal_though_closures_differ() -> None:
    text = v4('{ "name": "a", "test": "option[60].exists" }')
    first, second = classes(text), classes(text)
    assert first[0].compiled is not second[0].compiled
    assert first == second
    assert "compiled" not in repr(first[0])


# --- refusals, in Kea's words and at the test's position ----------------------------------

@pytest.mark.parametrize(("test", "kea_text"), [
    ("option[60].hex ==", "<string>:1.18: syntax error, unexpected end of file"),
    ("", "<string>:1.1: syntax error, unexpected end of file"),
    ("member('later')", "<string>:1.8-14: Not defined client class 'later'"),
    ("member('self')", "<string>:1.8-13: Not defined client class 'self'"),
    ("member('VENDOR_CLASS_')", "<string>:1.8-22: Not defined client class 'VENDOR_CLASS_'"),
    ("member('DROP')", "<string>:1.8-13: Not defined client class 'DROP'"),
    ("member('SPAWN_x')", "<string>:1.8-16: Not defined client class 'SPAWN_x'"),
    ("pkt6.msgtype == 1", "<string>:1.1-4: pkt6 can only be used in DHCPv6."),
    ("option[256].exists",
     "<string>:1.8-10: Option code has invalid value in 256. Allowed range: 0..255"),
    ("option[nosuch].exists", "<string>:1.8-13: option 'nosuch' is not defined"),
])
def test_refused_test_names_kea_reason_and_the_value_position(test: str,
                                                              kea_text: str) -> None:
    text = v4('{ "name": "first" },\n{ "name": "self",\n  "test": "' + test + '" },\n'
              '{ "name": "later" }')
    err = refuse(text)
    assert err.message == f"expression: [{test}] error: {kea_text} at"
    assert (err.file, err.line, err.column) == ("kea.conf", 6, 11)
    assert str(err) == f"expression: [{test}] error: {kea_text} at (kea.conf:6:11)"


def test_class_option_def_names_are_not_visible_to_the_test() -> None:
    """Kea parses the test before the class's own option-def entries."""
    err = refuse(v4('{ "name": "a", "option-def": [ { "name": "bar", "code": 43, '
                    '"type": "uint8" } ],\n"test": "option[bar].exists" }'))
    assert "option 'bar' is not defined" in err.message and err.line == 5


def test_dhcpv4_names_are_refused_in_dhcpv6() -> None:
    err = refuse(v6('{ "name": "a", "test": "option[host-name].exists" }'), 6)
    assert "option 'host-name' is not defined" in err.message
    err = refuse(v6('{ "name": "a", "test": "pkt4.mac == 0x01" }'), 6)
    assert "pkt4 can only be used in DHCPv4." in err.message


def test_expression_is_checked_before_the_duplicate_name() -> None:
    """Kea adds a class to its dictionary last, so a bad test wins over a duplicate."""
    err = refuse(v4('{ "name": "a" },\n{ "name": "a", "test": "member(\'zz\')" }'))
    assert "Not defined client class 'zz'" in err.message
    err = refuse(v4('{ "name": "a" },\n{ "name": "a", "test": "member(\'a\')" }'))
    assert err.message == "Can't add class: Client Class: a has already been defined"
    assert err.line == 5


# --- built-in class names --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ALL", "KNOWN", "UNKNOWN", "BOOTP"])
def test_builtin_class_may_not_have_a_test(name: str) -> None:
    err = refuse(v4('{ "name": "' + name + '",\n"test": "option[60].exists" }'))
    assert err.message == f"built-in class '{name}' test expression must be empty"
    assert err.line == 5  # Kea gives no position; Nestor points at the test


def test_builtin_and_drop_may_not_be_required_only() -> None:
    err = refuse(v4('{ "name": "KNOWN",\n"only-if-required": true }'))
    assert err.message == "built-in class 'KNOWN' only-if-required flag must be false"
    assert err.line == 5
    err = refuse(v6('{ "name": "DROP", "test": "option[1].exists",\n'
                    '"only-if-required": true }'), 6)
    assert err.message == "special class 'DROP' only-if-required flag must be false"


def test_accepted_like_kea() -> None:
    """Kea 2.2 accepts all of these: options on a built-in class, a class named after a
    built-in prefix with a test, DROP depending on KNOWN, a later class naming an earlier
    required-only one."""
    loaded = classes(v4(
        '{ "name": "KNOWN", "option-data": [ { "name": "domain-name", "data": "x.org" } ] },\n'
        '{ "name": "VENDOR_CLASS_x", "test": "member(\'ALL\')" },\n'
        '{ "name": "k", "test": "member(\'KNOWN\')" },\n'
        '{ "name": "DROP", "test": "member(\'k\')" },\n'
        '{ "name": "req", "test": "option[60].exists", "only-if-required": true },\n'
        '{ "name": "HA_server1", "test": "member(\'req\') and member(\'HA_other\')" }'))
    assert [c.name for c in loaded] == ["KNOWN", "VENDOR_CLASS_x", "k", "DROP", "req",
                                        "HA_server1"]
    assert loaded[3].depend_on_known


# --- Kea 3.x template-test --------------------------------------------------------------------

def test_template_test_is_a_string_expression() -> None:
    """Kea 3.x: the value names the spawned class; member() names are not checked."""
    (cls,) = classes(v4('{ "name": "vendor", "template-test": '
                        '"ifelse(member(\'undefined\'), \'x\', option[60].text)" }'))
    assert cls.compiled is not None and cls.template_test
    assert cls.compiled.evaluate(query4(o60=b"acme")) == b"acme"


@pytest.mark.parametrize(("body", "reason"), [
    ('"template-test": ""', "expression can not be empty"),
    ('"template-test": "option[60].exists"', "syntax error"),
    ('"test": "member(\'ALL\')",\n"template-test": "option[60].text"',
     "can not use both 'test' and 'template-test'"),
])
def test_template_test_refusals(body: str, reason: str) -> None:
    err = refuse(v4('{ "name": "t",\n' + body + " }"))
    assert reason in err.message
    assert err.line == (5 if "\n" not in body else 6)


# --- the corpus, against Kea's recorded text --------------------------------------------------

def _recorded_expression_refusals() -> list[tuple[str, str]]:
    data = json.loads((CORPUS / "expected_verdicts.json").read_text())["verdicts"]
    return sorted((key, v["message"]) for key, v in data.items()
                  if key.startswith("broken") and v["message"].startswith("expression: "))


@pytest.mark.parametrize(("key", "kea_message"), _recorded_expression_refusals())
def test_corpus_refusal_text_is_keas(key: str, kea_message: str) -> None:
    """Word for word what Kea 2.2 printed, position included (file, line and column)."""
    path = CORPUS / key
    with pytest.raises(ConfigError) as info:
        load_text(path.read_text(), 4 if key.startswith("broken4") else 6, name=path.name)
    assert " ".join(str(info.value).split()) == kea_message


def test_corpus_has_expression_refusals_for_both_families() -> None:
    keys = [key for key, _ in _recorded_expression_refusals()]
    assert sum(k.startswith("broken4/") for k in keys) >= 10
    assert sum(k.startswith("broken6/") for k in keys) >= 5
