"""The standard DHCPv4 option table agrees with Kea and is self-consistent.

Kea 2.2's manual (package kea-doc) lists the standard DHCPv4 options in two tables
("configurable by an administrator" and "managed by Kea on its own"); every row must
match our definition by name, code, type and array flag, except the rows in
``MANUAL_ERRATA`` where the 2.2 manual does not describe what Kea 2.2 does. Kea 3.x
added definitions (``KEA3_ADDITIONS``) that have no Kea 2.2 row. When Kea is
installed, ``kea-dhcp4 -t`` confirms which codes and names Kea 2.2 treats as standard.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nestor.wire.optdata import parse_option_def, valid_name
from nestor.wire.optdefs import DataType, DefinitionSet, OptionDefinition
from nestor.wire.optdefs4 import (
    AGENT_SPACE,
    CABLELABS_SPACE,
    DOCSIS3_SPACE,
    DOCSIS3_VENDOR_SPACE,
    KEA3_ADDITIONS,
    OVERRIDABLE_V4,
    STANDARD_V4,
    STANDARD_V4_SPACES,
    VENDOR_ENCAP_SPACE,
)
from nestor.wire.stddefs import is_standard, overridable, std_definitions

MANUAL = Path("/usr/share/doc/kea/html/_sources/arm/dhcp4-srv.rst.txt")
CONFIGURABLE = "List of standard DHCPv4 options configurable by an administrator"
MANAGED = "List of standard DHCPv4 options managed by Kea on its own"
RAI = "List of RAI sub-options that Kea can understand"

# Rows of the Kea 2.2 manual that do not describe Kea 2.2: (name, code) -> our row.
MANUAL_ERRATA = {
    # Kea sends the text as configured ("example.org." keeps its dot, see the
    # all-options capture), so the type is string, as in Kea's source.
    ("domain-name", 15): ("domain-name", 15, "string", False),
    ("nds-server", 85): ("nds-servers", 85, "ipv4-address", True),
    ("dhcp-requested-address", 50): ("dhcp-requested-address", 50, "ipv4-address", False),
    ("dhcp-message-type", 53): ("dhcp-message-type", 53, "uint8", False),
}

# Kea 2.2 has no definitions for relay agent sub-options; its manual names two of
# them differently from the definitions Kea 3.x added (and its 3.x manual).
RAI_ERRATA = {("link selection", 5): ("link-selection", 5),
              ("relay-source-port", 19): ("relay-port", 19)}

DHCP4 = [d for d in STANDARD_V4 if d.space == "dhcp4"]


def _type_text(defn: OptionDefinition) -> str:
    if defn.type == DataType.RECORD:
        return "record (" + ", ".join(t.value for t in defn.record_types) + ")"
    return defn.type.value


def _manual_rows(title: str) -> list[list[str]]:
    """Rows of an RST grid table, cells of continuation lines joined."""
    lines = MANUAL.read_text().split(title, 1)[1].splitlines()[1:]
    rows: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if not line.startswith(("   +", "   |")):
            if rows:
                break
            continue
        if line.startswith("   +"):
            if current:
                rows.append(current)
            current = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        current = cells if current is None else [
            f"{a} {b}".strip() for a, b in zip(current, cells, strict=True)]
    return rows[1:]  # without the header row


def _manual_options() -> dict[tuple[str, int], tuple[str, int, str, bool]]:
    if not MANUAL.exists():
        pytest.skip("Kea's manual is not installed (package kea-doc)")
    found = {}
    for row in _manual_rows(CONFIGURABLE):
        name, code, type_text, array = row[:4]
        found[(name, int(code))] = (name, int(code), type_text, array == "true")
    for row in _manual_rows(MANAGED):
        name, code, type_text = row[:3]
        is_array = type_text.endswith(" array")
        found[(name, int(code))] = (name, int(code), type_text.removesuffix(" array"), is_array)
    return found


def test_manual_rows_match_our_definitions() -> None:
    manual = _manual_options()
    assert len(manual) == 114  # 99 configurable + 15 managed rows in the 2.2 manual
    ours = {(d.name, d.code, _type_text(d), d.array) for d in DHCP4
            if (d.space, d.code) not in KEA3_ADDITIONS}
    expected = {MANUAL_ERRATA.get(key, row) for key, row in manual.items()}
    assert ours == expected


def test_kea3_additions() -> None:
    added = {(d.name, d.code, _type_text(d), d.array) for d in DHCP4
             if (d.space, d.code) in KEA3_ADDITIONS}
    assert added == {
        ("classless-static-route", 121, "internal", False),
        ("cablelabs-client-conf", 122, "empty", False),
        ("v4-sztp-redirect", 143, "tuple", True),
        ("status-code", 151, "record (uint8, string)", False),
        ("base-time", 152, "uint32", False),
        ("start-time-of-state", 153, "uint32", False),
        ("query-start-time", 154, "uint32", False),
        ("query-end-time", 155, "uint32", False),
        ("dhcp-state", 156, "uint8", False),
        ("data-source", 157, "uint8", False),
        ("v4-dnr", 162, "record (uint16, uint16, uint8, fqdn, binary)", False),
    }


def test_relay_agent_suboptions_match_the_manual() -> None:
    if not MANUAL.exists():
        pytest.skip("Kea's manual is not installed (package kea-doc)")
    listed = {RAI_ERRATA.get((row[0], int(row[1])), (row[0], int(row[1])))
              for row in _manual_rows(RAI)}
    ours = {(d.name, d.code) for d in STANDARD_V4 if d.space == AGENT_SPACE}
    assert listed <= ours
    assert len(ours) == 20


def test_counts_and_samples() -> None:
    spaces = Counter(d.space for d in STANDARD_V4)
    assert spaces == {"dhcp4": 125, AGENT_SPACE: 20, CABLELABS_SPACE: 9,
                      DOCSIS3_SPACE: 2, DOCSIS3_VENDOR_SPACE: 2}
    std = std_definitions(4)
    samples = {
        ("dhcp4", 3): ("routers", DataType.IPV4_ADDRESS, True, (), ""),
        ("dhcp4", 43): ("vendor-encapsulated-options", DataType.EMPTY, False, (),
                        VENDOR_ENCAP_SPACE),
        ("dhcp4", 81): ("fqdn", DataType.RECORD, False,
                        (DataType.UINT8, DataType.UINT8, DataType.UINT8, DataType.FQDN), ""),
        ("dhcp4", 82): ("dhcp-agent-options", DataType.EMPTY, False, (), AGENT_SPACE),
        ("dhcp4", 124): ("vivco-suboptions", DataType.RECORD, False,
                         (DataType.UINT32, DataType.BINARY), ""),
        ("dhcp4", 159): ("v4-portparams", DataType.RECORD, False,
                         (DataType.UINT8, DataType.PSID), ""),
        ("dhcp4", 212): ("option-6rd", DataType.RECORD, True,
                         (DataType.UINT8, DataType.UINT8, DataType.IPV6_ADDRESS,
                          DataType.IPV4_ADDRESS), ""),
        (AGENT_SPACE, 5): ("link-selection", DataType.IPV4_ADDRESS, False, (), ""),
        (CABLELABS_SPACE, 4): ("tsp-as-parameters", DataType.RECORD, False,
                               (DataType.UINT32,) * 3, ""),
        (DOCSIS3_VENDOR_SPACE, 2): ("tftp-servers", DataType.IPV4_ADDRESS, True, (), ""),
    }
    for (space, code), (name, dtype, array, fields, encap) in samples.items():
        defn = std.by_code(space, code)
        assert defn is not None and std.by_name(space, name) is defn
        assert (defn.name, defn.type, defn.array, defn.record_types, defn.encapsulate) == (
            name, dtype, array, fields, encap)


@pytest.mark.parametrize("space", sorted({d.space for d in STANDARD_V4}))
def test_codes_and_names_are_unique_per_space(space: str) -> None:
    rows = [d for d in STANDARD_V4 if d.space == space]
    assert len({d.code for d in rows}) == len(rows)
    assert len({d.name for d in rows}) == len(rows)


@pytest.mark.parametrize("defn", [d for d in STANDARD_V4 if d.type != DataType.INTERNAL],
                         ids=lambda d: f"{d.space}.{d.name}")
def test_each_definition_obeys_the_option_def_rules(defn: OptionDefinition) -> None:
    """Fed back as an ``option-def`` entry (in a fresh space), each row is valid."""
    entry = {"name": defn.name, "code": defn.code, "type": defn.type.value,
             "array": defn.array, "space": "fresh-space", "encapsulate": defn.encapsulate,
             "record-types": ", ".join(t.value for t in defn.record_types)}
    parsed = parse_option_def(entry, 4, DefinitionSet())
    assert (parsed.type, parsed.array, parsed.record_types) == (
        defn.type, defn.array, defn.record_types)


def test_spaces_are_known_and_named_validly() -> None:
    assert all(valid_name(d.name) and valid_name(d.space) for d in STANDARD_V4)
    assert {d.encapsulate for d in STANDARD_V4 if d.encapsulate} <= STANDARD_V4_SPACES
    assert VENDOR_ENCAP_SPACE in STANDARD_V4_SPACES


def test_standard_set_is_built_once_and_shared() -> None:
    std = std_definitions(4)
    assert std is std_definitions(4)
    assert len(std) == len(STANDARD_V4)
    routers = std.by_name("dhcp4", "routers")
    assert routers is not None and is_standard(routers, 4)
    assert not is_standard(OptionDefinition("routers", 3, DataType.UINT8, "dhcp4"), 4)
    assert overridable(4) == OVERRIDABLE_V4 and ("dhcp4", 43) in OVERRIDABLE_V4
    assert std_definitions(6).by_name("dhcp6", "dns-servers") is not None
    with pytest.raises(ValueError):
        std_definitions(5)


# --- Kea 2.2 itself ------------------------------------------------------------------------

def _kea_refuses_def(entry: dict[str, object], workdir: str) -> bool:
    folder = tempfile.mkdtemp(dir=workdir)
    conf = Path(folder, "kea-dhcp4.json")
    conf.write_text(json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "persist": False},
        "option-def": [entry]}}))
    env = dict(os.environ, KEA_PIDFILE_DIR=folder, KEA_LOCKFILE_DIR=folder)
    done = subprocess.run(["kea-dhcp4", "-t", str(conf)], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    return done.returncode != 0 and "unable to override definition" in done.stdout + done.stderr


def test_kea_knows_the_same_standard_codes_and_names(tmp_path: Path) -> None:
    """Kea 2.2 refuses to redefine every (non-overridable) standard code and name of
    ours, and lets a configuration define the codes Kea 3.x added."""
    if shutil.which("kea-dhcp4") is None:
        pytest.skip("kea-dhcp4 (Kea 2.2) is not installed")
    spaces = ("dhcp4", DOCSIS3_SPACE)
    protected = [d for d in STANDARD_V4
                 if d.space in spaces and (d.space, d.code) not in OVERRIDABLE_V4]
    free_code = 250  # not standard in dhcp4; "foo" is not a standard name
    jobs = [({"name": "foo", "code": d.code, "type": "uint8", "space": d.space}, True)
            for d in protected]
    jobs += [({"name": d.name, "code": free_code, "type": "uint8", "space": d.space}, True)
             for d in protected]
    jobs += [({"name": "foo", "code": code, "type": "uint8", "space": space}, False)
             for space, code in sorted(OVERRIDABLE_V4)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        refused = list(pool.map(lambda job: _kea_refuses_def(job[0], str(tmp_path)), jobs))
    wrong = [entry for (entry, expected), got in zip(jobs, refused, strict=True)
             if got != expected]
    assert not wrong
