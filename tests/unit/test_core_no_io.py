"""House rule 1: the protocol core does no I/O.

Walks every module of the sans-I/O packages and fails if any of them imports
a socket, an event loop or a database driver, directly or through another
nestor module. The check reads the import statements (ast), so a module that
is not imported anywhere yet is still held to the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "nestor"
CORE_PACKAGES = ("wire", "expr", "engine")
FORBIDDEN = {"socket", "asyncio", "selectors", "select", "ssl", "psycopg", "psycopg2",
             "asyncpg", "aiomysql", "pymysql", "MySQLdb", "aiohttp", "http", "urllib"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "nestor":
        return None
    base = SRC.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _core_files() -> list[Path]:
    files: list[Path] = []
    for pkg in CORE_PACKAGES:
        files.extend(sorted((SRC / pkg).rglob("*.py")))
    return files


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_core_module_imports_no_io(path: Path) -> None:
    seen: set[Path] = set()
    stack = [path]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in _imports(current):
            top = name.split(".")[0]
            assert top not in FORBIDDEN, (
                f"{current.relative_to(SRC)} imports {name}: the core must stay sans-I/O")
            dep = _module_file(name)
            if dep is not None:
                stack.append(dep)


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import socket\nfrom asyncio import sleep\n")
    assert {"socket", "asyncio"} <= _imports(bad)
