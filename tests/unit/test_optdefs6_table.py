"""The standard DHCPv6 table agrees with Kea's manual and is self-consistent.

The Kea 2.2 manual (package kea-doc) has a table "List of standard DHCPv6
options configurable by an administrator"; every row of it must match our
definition by name, code, type, record layout and array flag. Known
disagreements are listed in ``MANUAL_ERRATA`` with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nestor.wire.optdefs import DataType, DefinitionSet, OptionDefinition
from nestor.wire.optdefs6 import (
    DOCSIS3_VENDOR_SPACE,
    ISC_VENDOR_SPACE,
    STANDARD_V6,
    STANDARD_V6_SPACES,
    VENDOR_SPACE_ALIASES,
)

MANUAL = Path("/usr/share/doc/kea/html/_sources/arm/dhcp6-srv.rst.txt")
CONFIGURABLE_TABLE = "List of standard DHCPv6 options configurable by an administrator"
ENGINE_TABLE = "List of standard DHCPv6 options managed by Kea on its own"

# Rows of the Kea 2.2 manual that do not describe what Kea 2.2 does.
MANUAL_ERRATA = {
    # The manual says "binary"; Kea's definition is ipv6-prefix (kea-dhcp6
    # 2.2 accepts "2001:db8:1:1::/64" as CSV data for it, which a binary
    # option would refuse), and the Kea 3.x manual repeats the stale row.
    "pd-exclude": ("binary", "ipv6-prefix"),
}

# Options Kea 3.x added after 2.2 (Kea 3.1 manual, same table). These have
# no Kea 2.2 oracle; they follow the 3.x definitions.
KEA3_ADDITIONS = {
    "ntp-server": (56, "empty", False),
    "v6-sztp-redirect": (136, "tuple", True),
    # 3.x builds v6-dnr with a dedicated codec ("internal"); its manual
    # table still shows the older record (uint16, uint16, fqdn, binary).
    "v6-dnr": (144, "internal", False),
    "addr-reg-enable": (148, "empty", False),
}


def _grid_rows(lines: list[str]) -> list[list[str]]:
    """Cells of an RST grid table, joining the lines of multi-line rows."""
    rows: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        text = line.strip()
        if text.startswith("+"):
            if current is not None:
                rows.append([" ".join(cell.split()) for cell in current])
            current = None
        elif text.startswith("|"):
            cells = [c.strip() for c in text.strip("|").split("|")]
            current = cells if current is None else [
                f"{a} {b}" for a, b in zip(current, cells, strict=True)]
    return rows


def _manual_table(title: str) -> list[list[str]]:
    if not MANUAL.exists():
        pytest.skip(f"Kea manual not installed ({MANUAL}); apt-get install kea-doc")
    lines = MANUAL.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if title in line)
    body: list[str] = []
    for line in lines[start + 1:]:
        if body and not line.strip():
            break
        if line.strip():
            body.append(line)
    header, *rows = _grid_rows(body)
    assert header[:2] == ["Name", "Code"], header
    return rows


def _type_text(d: OptionDefinition) -> str:
    """How Kea's manual writes a type: ``record (uint8, fqdn)`` or ``uint16``."""
    if d.type is DataType.RECORD:
        return "record (" + ", ".join(t.value for t in d.record_types) + ")"
    return d.type.value


def _normalise(manual_type: str) -> str:
    text = re.sub(r"\s+", " ", manual_type.replace("record(", "record ("))
    return text.replace("( ", "(").replace(" )", ")")


def _by_name_code() -> dict[tuple[str, int], OptionDefinition]:
    """Definitions by (name, code), ignoring space: the manual's table mixes
    the dhcp6 space with the Softwire46 sub-spaces."""
    found: dict[tuple[str, int], OptionDefinition] = {}
    for d in STANDARD_V6:
        found.setdefault((d.name, d.code), d)
    return found


def test_every_configurable_row_of_the_manual_matches() -> None:
    rows = _manual_table(CONFIGURABLE_TABLE)
    assert len(rows) >= 56, "the table parser lost rows"  # 56 in Kea 2.2
    defs = _by_name_code()
    for name, code, type_text, array_text in rows:
        name = name.removesuffix(" (1)")  # "(1)": defined, logic not implemented
        d = defs.get((name, int(code)))
        assert d is not None, f"manual row {name} ({code}) has no definition"
        expected = _normalise(type_text)
        if name in MANUAL_ERRATA:
            stale, actual = MANUAL_ERRATA[name]
            assert expected == stale, f"erratum for {name} is outdated"
            expected = actual
        assert _type_text(d) == expected, name
        assert d.array is (array_text == "true"), name


def test_engine_managed_options_are_defined() -> None:
    """Kea's second table names options the server fills itself; they must
    still be decodable. The manual calls 1 and 2 "client-id"/"server-id",
    Kea's definitions (and configuration) say "clientid"/"serverid"."""
    codes = {d.code for d in STANDARD_V6 if d.space == "dhcp6"}
    for _name, code, _description in _manual_table(ENGINE_TABLE):
        assert int(code) in codes, code


@pytest.mark.parametrize("name", sorted(KEA3_ADDITIONS))
def test_kea3_additions(name: str) -> None:
    code, type_name, array = KEA3_ADDITIONS[name]
    d = DefinitionSet(STANDARD_V6).by_name("dhcp6", name)
    assert d is not None
    assert (d.code, d.type.value, d.array) == (code, type_name, array)


def test_no_duplicate_codes_or_names_within_a_space() -> None:
    by_code = Counter((d.space, d.code) for d in STANDARD_V6)
    by_name = Counter((d.space, d.name) for d in STANDARD_V6)
    assert [k for k, n in by_code.items() if n > 1] == []
    assert [k for k, n in by_name.items() if n > 1] == []


def test_every_encapsulated_space_exists() -> None:
    for d in STANDARD_V6:
        if d.encapsulate:
            assert d.encapsulate in STANDARD_V6_SPACES, (d.name, d.encapsulate)
    assert {d.space for d in STANDARD_V6} <= STANDARD_V6_SPACES


def test_record_types_only_on_records_and_never_nested() -> None:
    for d in STANDARD_V6:
        if d.type is DataType.RECORD:
            assert len(d.record_types) >= 2, d.name
            assert DataType.RECORD not in d.record_types, d.name
        else:
            assert d.record_types == (), d.name


def test_codes_fit_the_dhcpv6_option_header() -> None:
    # RFC 8415 section 21.1: option-code is 16 bits, 0 is reserved.
    assert all(0 < d.code <= 0xFFFF for d in STANDARD_V6)


def test_vendor_aliases_carry_the_same_definitions() -> None:
    defs = DefinitionSet(STANDARD_V6)
    for alias, space in VENDOR_SPACE_ALIASES.items():
        canonical = [(d.name, d.code, d.type, d.array) for d in defs.in_space(space)]
        alias_rows = [(d.name, d.code, d.type, d.array) for d in defs.in_space(alias)]
        assert canonical and canonical == alias_rows, alias


def test_well_known_layouts() -> None:
    """Spot checks a user would notice first if they were wrong."""
    defs = DefinitionSet(STANDARD_V6)

    def get(space: str, name: str) -> OptionDefinition:
        d = defs.by_name(space, name)
        assert d is not None, (space, name)
        return d

    assert get("dhcp6", "dns-servers").code == 23
    assert get("dhcp6", "dns-servers").array
    assert get("dhcp6", "s46-cont-mape").encapsulate == "s46-cont-mape-options"
    rule = get("s46-cont-mapt-options", "s46-rule")
    assert rule.encapsulate == "s46-rule-options"
    assert get("s46-v4v6bind-options", "s46-portparams").record_types == (
        DataType.UINT8, DataType.PSID)
    assert get("vendor-4491", "tftp-servers").type is DataType.IPV6_ADDRESS
    assert get("vendor-2495", "4o6-source-port").code == 60002
    assert get("v6-ntp-server-suboptions", "ntp-server-fqdn").type is DataType.FQDN
    assert defs.by_code("dhcp6", 10) is None  # unassigned (RFC 8415 24)


# --- Kea 2.2 itself as the oracle -----------------------------------------

# Kea 2.2 refuses an option-def for a code it already defines in a standard
# space ("unable to override definition of option"); probing codes that way
# reads Kea's own table. Kea 2.2 names the vendor spaces by its internal
# names, which is what it protects.
KEA22_SPACE = {ISC_VENDOR_SPACE: "4o6", DOCSIS3_VENDOR_SPACE: "docsis3-v6"}


def _kea_defines(space: str, code: int, workdir: Path) -> bool:
    config = {"Dhcp6": {
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "persist": False},
        "option-def": [{"space": space, "name": "nestor-probe", "code": code,
                        "type": "binary"}],
    }}
    path = workdir / f"probe-{space}-{code}.json"
    path.write_text(json.dumps(config))
    env = {**os.environ, "KEA_LOCKFILE_DIR": str(workdir), "KEA_PIDFILE_DIR": str(workdir)}
    result = subprocess.run(["kea-dhcp6", "-t", str(path)], env=env, capture_output=True,
                            text=True, timeout=30, check=False)
    refused = "unable to override definition" in result.stdout + result.stderr
    assert refused or result.returncode == 0, result.stdout + result.stderr
    return refused


def _probe_plan() -> dict[str, set[int]]:
    """Codes to ask Kea about: all of 1..160 in dhcp6 (Kea 2.2 stops at 143),
    and in each sub-space our codes plus their siblings' codes."""
    ours: dict[str, set[int]] = {}
    for d in STANDARD_V6:
        if d.space not in VENDOR_SPACE_ALIASES:
            ours.setdefault(d.space, set()).add(d.code)
    s46 = set().union(*(codes for space, codes in ours.items() if space.startswith("s46-")))
    plan = {"dhcp6": set(range(1, 161))}
    for space, codes in ours.items():
        if space.startswith("s46-"):
            plan[space] = s46
        elif space in KEA22_SPACE:
            plan[space] = codes | {3, 35, 60003}
    return plan


@pytest.mark.kea
def test_codes_match_kea22_own_table(tmp_path: Path) -> None:
    if shutil.which("kea-dhcp6") is None:
        pytest.skip("kea-dhcp6 (Kea 2.2) is not installed")
    kea3_only = {code for code, _type, _array in KEA3_ADDITIONS.values()}
    defs = DefinitionSet(STANDARD_V6)
    jobs = [(space, code) for space, codes in _probe_plan().items() for code in sorted(codes)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = pool.map(lambda job: _kea_defines(KEA22_SPACE.get(job[0], job[0]), job[1],
                                                    tmp_path), jobs)
        kea = {job for job, defined in zip(jobs, answers, strict=True) if defined}
    for space, code in jobs:
        ours = defs.by_code(space, code) is not None
        if space == "dhcp6" and code in kea3_only:
            assert ours and (space, code) not in kea, code  # added by Kea 3.x
        else:
            assert ours == ((space, code) in kea), f"{space} code {code}"
