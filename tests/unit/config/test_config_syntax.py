"""Kea's extended JSON: comments, includes, extra commas, numbers, strings and the
positions every error names (file, line, column)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nestor.config import load_file, load_text
from nestor.config.jsonpos import MAX_INCLUDE_DEPTH, parse_text
from nestor.config.source import PList, PMap
from nestor.errors import ConfigError


def refuse(text: str, universe: int = 4, name: str = "kea.conf") -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_text(text, universe, name=name)
    return info.value


def test_three_comment_styles_are_ignored_and_lines_still_count() -> None:
    text = (
        "# shell comment\n"
        "// C++ comment\n"
        "/* multi\n"
        "   line */ {\n"
        '  "Dhcp4": { # after a brace\n'
        '    "valid-lifetime": 4000, // after a value\n'
        '    "comment": "a # b // c /* d */",\n'
        '    "renew-timer": /* inline */ "oops"\n'
        "  }\n"
        "}\n")
    err = refuse(text)
    assert (err.file, err.line, err.column) == ("kea.conf", 8, 33)
    assert "renew-timer" in err.message


def test_comment_markers_inside_strings_are_kept() -> None:
    config = load_text('{"Dhcp4": {"comment": "a # b // c /* d */", "valid-lifetime": 9}}',
                       4).config
    assert config.raw["comment"] == "a # b // c /* d */"
    assert config.valid.default == 9


def test_unterminated_block_comment_names_its_line() -> None:
    err = refuse('{\n "Dhcp4": {\n  /* never closed\n "valid-lifetime": 1 }\n}\n')
    assert err.line == 3
    assert "Comment not closed" in err.message


def test_extra_commas_are_accepted_with_warnings_like_kea() -> None:
    loaded = load_text('{"Dhcp4": {"interfaces-config": {"interfaces": ["eth0",,]},'
                       ' "valid-lifetime": 5,},}', 4, name="c.json")
    assert loaded.config.interfaces == ["eth0"]
    assert len(loaded.warnings) == 4
    assert all("Extraneous comma" in w and w.startswith("c.json:1:") for w in loaded.warnings)


def test_leading_comma_is_a_syntax_error() -> None:
    err = refuse('{"Dhcp4": { , "valid-lifetime": 5}}')
    assert err.column == 13
    assert "unexpected ," in err.message


@pytest.mark.parametrize(("text", "line", "column", "reason"), [
    ('{"Dhcp4": {"valid-lifetime": 1, "valid-lifetime": 2}}', 1, 33, "duplicate"),
    ('{"Dhcp4": {"user-context": {"a": 1, "a": 2}}}', 1, 37, "duplicate"),
    ('{"Dhcp4": {"valid-lifetime": 1}} }', 1, 34, "unexpected }"),
    ('{"Dhcp4": {"comment": "bad \\q escape"}}', 1, 23, "Bad escape"),
    ('{"Dhcp4": {"comment": "no end}}', 1, 23, "unterminated string"),
    ('{"Dhcp4": {"comment": "new\nline"}}', 1, 23, "newline in string"),
    ("{'Dhcp4': {}}", 1, 2, "Invalid character: '"),
    ('{"Dhcp4": {"valid-lifetime": 0x10}}', 1, 31, "Invalid character: x"),
    ('{"Dhcp4": {"valid-lifetime": True}}', 1, 30, "lower case only"),
    ('{"Dhcp4": {"valid-lifetime" 1}}', 1, 29, 'expecting ":"'),
    ('{"Dhcp4": {"valid-lifetime": 1 "renew-timer": 2}}', 1, 32, 'expecting "," or }'),
    ('{"Dhcp4": {"valid-lifetime": 99999999999999999999}}', 1, 30, "Failed to convert"),
    ('{"Dhcp4": {"t1-percent": .}}', 1, 26, "floating point"),
    ("", 1, 1, "end of file"),
])
def test_syntax_errors_name_line_and_column(text: str, line: int, column: int,
                                            reason: str) -> None:
    err = refuse(text)
    assert (err.file, err.line, err.column) == ("kea.conf", line, column)
    assert reason in err.message


def test_numbers_follow_keas_lexer() -> None:
    doc = parse_text('{"a": [007, -7, .5, 5., +0.5, 1e-1, -.5, 3]}').value
    assert isinstance(doc, PMap)
    assert doc["a"] == [7, -7, 0.5, 5.0, 0.5, 0.1, -0.5, 3]
    items = doc["a"]
    assert isinstance(items, PList)
    assert [type(v) for v in items] == [int, int, float, float, float, float, float, int]


def test_integer_where_kea_wants_a_float_is_refused() -> None:
    err = refuse('{"Dhcp4": {"t1-percent": 1}}')
    assert "expecting floating point" in err.message


def test_strings_decode_json_escapes() -> None:
    doc = parse_text('{"s": "a\\"b\\\\c\\u00e9\\/\\t"}').value
    assert isinstance(doc, PMap)
    assert doc["s"] == 'a"b\\c\u00e9/\t'


def test_marks_of_keys_values_and_closing_brackets() -> None:
    doc = parse_text('{\n  "k": [1,\n   2],\n  "m": {}\n}', name="f").value
    assert isinstance(doc, PMap)
    assert str(doc.key_marks["k"]) == "f:2:3"
    assert str(doc.value_marks["k"]) == "f:2:8"
    items = doc["k"]
    assert isinstance(items, PList)
    assert str(items.item_marks[1]) == "f:3:4"
    assert items.end is not None and str(items.end) == "f:3:5"


# --- includes ---------------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_include_splices_tokens_and_nests(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "parts" / "pool.json", '{ "pool": "192.0.2.10 - 192.0.2.20" }')
    write(tmp_path / "parts" / "subnets.json",
          '"subnet4": [ { "id": 7, "subnet": "192.0.2.0/24",\n'
          '  "pools": [ <?include "parts/pool.json"?> ] } ],\n')
    main = write(tmp_path / "kea.conf",
                 '{ "Dhcp4": {\n  <?include "parts/subnets.json"?>\n  "valid-lifetime": 99 } }')
    loaded = load_file(str(main), 4)
    subnet = loaded.config.subnets[0]
    assert (subnet.id, subnet.pools[0].size) == (7, 11)
    assert loaded.files == [str(main), "parts/subnets.json", "parts/pool.json"]


def test_relative_include_is_taken_from_the_working_folder_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kea 2.2 opens the path as written (working folder); so does Nestor when it exists."""
    write(tmp_path / "cwd" / "part.json", '"valid-lifetime": 1,')
    write(tmp_path / "conf" / "part.json", '"valid-lifetime": 2,')
    main = write(tmp_path / "conf" / "kea.conf",
                 '{"Dhcp4": { <?include "part.json"?> "renew-timer": 1 }}')
    monkeypatch.chdir(tmp_path / "cwd")
    assert load_file(str(main), 4).config.valid.default == 1
    os.remove(tmp_path / "cwd" / "part.json")
    # Not in the working folder: the including file's folder is the fallback.
    assert load_file(str(main), 4).config.valid.default == 2


def test_error_inside_included_file_names_that_file_and_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "part.json", '{\n  "id": 1,\n  "subnet": "192.0.2.0/24",\n'
                                  '  "gateway": "192.0.2.1"\n}\n')
    main = write(tmp_path / "kea.conf",
                 '{\n"Dhcp4": {\n "subnet4": [\n  <?include "part.json"?>\n ]\n}\n}\n')
    with pytest.raises(ConfigError) as info:
        load_file(str(main), 4)
    err = info.value
    assert (err.file, err.line, err.column) == ("part.json", 4, 3)
    assert 'unexpected keyword "gateway" in subnet4 map' in err.message
    # After the include, positions in the including file are still right.
    main.write_text('{\n"Dhcp4": {\n "subnet4": [\n  <?include "part.json"?>\n ],\n'
                    ' "bogus": 1\n}\n}\n')
    (tmp_path / "part.json").write_text('{ "id": 1, "subnet": "192.0.2.0/24" }')
    with pytest.raises(ConfigError) as info:
        load_file(str(main), 4)
    assert (info.value.file, info.value.line) == (str(main), 6)


def test_missing_include_names_the_directive(tmp_path: Path) -> None:
    main = write(tmp_path / "kea.conf", '{"Dhcp4": {\n  <?include "/nonexistent/x.json"?>\n}}')
    with pytest.raises(ConfigError) as info:
        load_file(str(main), 4)
    assert info.value.line == 2
    assert "Can't open include file /nonexistent/x.json" in info.value.message


def test_recursive_include_stops_at_keas_depth_limit(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "loop.json", '<?include "loop.json"?>')
    main = write(tmp_path / "kea.conf", '{"Dhcp4": { <?include "loop.json"?> }}')
    with pytest.raises(ConfigError) as info:
        load_file(str(main), 4)
    assert "Too many nested include" in info.value.message
    assert MAX_INCLUDE_DEPTH == 10


def test_unreadable_main_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Unable to open file"):
        load_file(str(tmp_path / "absent.conf"), 4)


def test_absurd_nesting_is_refused_not_a_crash() -> None:
    err = refuse('{"Dhcp4": {"user-context": ' + "[" * 500 + "]" * 500 + "}}")
    assert "nesting deeper than" in err.message
