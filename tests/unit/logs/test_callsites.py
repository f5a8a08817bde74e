"""Every log call in Nestor names a Kea message and uses Kea's severity for it.

Operators' monitoring matches identifiers and severities, so a typo in an
identifier, or a message logged at another severity than Kea's, is a
compatibility bug. This walks the source for calls of the form
``<logger>.info("ID", …)`` / ``.debug(LEVEL, "ID", …)`` and checks them
against the catalogue. Identifiers Nestor adds itself must start with
``NESTOR_`` and be registered at run time, so they are not checked here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nestor.logs import CATALOGUE, Severity

SRC = Path(__file__).resolve().parents[3] / "src" / "nestor"
METHODS = {"fatal": Severity.FATAL, "error": Severity.ERROR, "warn": Severity.WARN,
           "info": Severity.INFO, "debug": Severity.DEBUG}
IDENT_PREFIXES = tuple(sorted({i.split("_", 1)[0] + "_" for i in CATALOGUE.identifiers()}))


def log_calls(tree: ast.AST) -> list[tuple[int, str, str]]:
    """(line, method, identifier) for calls whose identifier argument is a literal."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in METHODS):
            continue
        position = 1 if node.func.attr == "debug" else 0
        if len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                and arg.value.startswith(IDENT_PREFIXES) and arg.value.isupper():
            found.append((node.lineno, node.func.attr, arg.value))
    return found


def problems(tree: ast.AST) -> list[str]:
    out = []
    for line, method, ident in log_calls(tree):
        message = CATALOGUE.get(ident)
        if message is None:
            out.append(f"line {line}: {ident} is not a Kea message")
        elif message.severity != METHODS[method]:
            out.append(f"line {line}: {ident} logged with .{method}(), Kea logs it at "
                       f"{message.severity.name}")
    return out


def source_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "logs" not in p.parts)


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_log_calls_match_the_catalogue(path: Path) -> None:
    assert problems(ast.parse(path.read_text(), str(path))) == []


def test_the_check_catches_mistakes() -> None:
    tree = ast.parse(
        'log.info("DHCP4_STARTED", v)\n'
        'log.debug(45, "DHCP4_PACKET_RECEIVED", a)\n'
        'log.info("DHCP4_STARTD", v)\n'
        'log.error("DHCP4_LEASE_ALLOC", a, b, c)\n'
        'log.debug(40, "DHCP4_STARTED", v)\n'
        'parser.error("not a message")\n')
    assert problems(tree) == [
        "line 3: DHCP4_STARTD is not a Kea message",
        "line 4: DHCP4_LEASE_ALLOC logged with .error(), Kea logs it at INFO",
        "line 5: DHCP4_STARTED logged with .debug(), Kea logs it at INFO"]
