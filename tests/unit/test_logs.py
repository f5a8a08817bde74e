"""Kea-compatible logging: catalogue, message text, filtering, the hot path.

Facts asserted here were taken from Kea 2.2 itself (its log output and
binaries); see tests/interop/test_logs_kea.py for the live comparison.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from nestor.logs import DBG_TRACE_BASIC_DATA, DBG_TRACE_DETAIL, LogManager, Severity, Spec
from nestor.logs.messages import CATALOGUE, Catalogue, Compiled, Message
from nestor.logs.pattern import Record

REPO = Path(__file__).resolve().parents[2]
RST = Path("/usr/share/doc/kea/html/_sources/kea-messages.rst.txt")


class Collect:
    """An output keeping records (the real outputs are tested in tests/unit/logs/)."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.closed = False

    def emit(self, record: Record) -> None:
        self.records.append(record)

    def close(self) -> None:
        self.closed = True

    @property
    def messages(self) -> list[str]:
        return [r.message for r in self.records]


class Spy:
    """An argument that notes when it is turned into text."""

    def __init__(self) -> None:
        self.calls = 0

    def __str__(self) -> str:
        self.calls += 1
        return "spy"


class CountingCatalogue(Catalogue):
    def __init__(self) -> None:
        super().__init__()
        self.renders = 0

    def render(self, ident: str, args: Sequence[object]) -> str:
        self.renders += 1
        return super().render(ident, args)


def manager_with(severity: Severity, debuglevel: int = 0,
                 catalogue: Catalogue = CATALOGUE) -> tuple[LogManager, Collect]:
    out = Collect()
    manager = LogManager(catalogue)
    manager.install("kea-dhcp4", [Spec("kea-dhcp4", severity, debuglevel, (out,))])
    return manager, out


# -- catalogue ----------------------------------------------------------------

def test_catalogue_has_kea_wording_severity_and_logger() -> None:
    started = CATALOGUE.get("DHCP4_STARTED")
    assert started == Message("DHCP4_STARTED", Severity.INFO,
                              "Kea DHCPv4 server version %1 started", None, "dhcp4")
    received = CATALOGUE.get("DHCP4_PACKET_RECEIVED")
    assert received is not None
    assert (received.severity, received.debuglevel, received.logger) == \
        (Severity.DEBUG, 45, "packets")
    assert received.placeholders == 6
    load = CATALOGUE.get("DHCPSRV_MEMFILE_LEASE_FILE_LOAD")
    assert load is not None and load.template == "loading leases from file %1"
    # Kea 2.2's manual omits the last message of each file; the catalogue has them.
    assert CATALOGUE.get("EVAL_RESULT") is not None
    assert CATALOGUE.get("DHCP6_USING_SERVERID") is not None


@pytest.mark.parametrize("prefix", ["DHCP4_", "DHCP6_", "DHCPSRV_", "ALLOC_ENGINE_", "HOSTS_",
                                    "EVAL_", "COMMAND_", "CTRL_AGENT_", "HOOKS_", "LFC_",
                                    "STAT_CMDS_", "DHCP_DDNS_", "DCTL_", "LEASE_CMDS_"])
def test_catalogue_covers_prefix(prefix: str) -> None:
    assert sum(1 for i in CATALOGUE.identifiers() if i.startswith(prefix)) >= 5


def test_catalogue_severities_follow_kea_where_the_prose_misleads() -> None:
    # Seen in Kea 2.2's output: logged at WARN though it reads like information.
    assert CATALOGUE.get("DHCP4_MULTI_THREADING_INFO").severity == Severity.WARN  # type: ignore[union-attr]
    # The LFC's failures are FATAL in Kea's sources.
    assert CATALOGUE.get("LFC_FAIL_PROCESS").severity == Severity.FATAL  # type: ignore[union-attr]
    assert CATALOGUE.get("DHCP4_CONFIG_LOAD_FAIL").severity == Severity.ERROR  # type: ignore[union-attr]


@pytest.mark.skipif(not RST.exists(), reason="kea-doc not installed (no kea-messages.rst.txt)")
def test_catalogue_file_is_what_the_generator_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts/gen_kea_messages.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path / "messages.tsv"
    assert gen.main(["gen", str(RST), str(out)]) == 0
    assert out.read_text() == (REPO / "src/nestor/logs/kea_messages.tsv").read_text()


def test_registered_messages_join_and_do_not_replace() -> None:
    catalogue = Catalogue()
    catalogue.register([Message("NESTOR_HOOK_HELLO", Severity.INFO, "hello %1"),
                        Message("DHCP4_STARTED", Severity.ERROR, "hijacked")])
    assert catalogue.render("NESTOR_HOOK_HELLO", ["world"]) == "NESTOR_HOOK_HELLO hello world"
    assert catalogue.render("DHCP4_STARTED", ["1"]) == \
        "DHCP4_STARTED Kea DHCPv4 server version 1 started"


# -- message text ---------------------------------------------------------------

def test_render_substitutes_in_order_and_prefixes_the_identifier() -> None:
    assert CATALOGUE.render("DHCP4_LEASE_ALLOC", ["[hwtype=1 aa:bb], cid=[no info], tid=0x1",
                                                  "192.0.2.10", 4000]) == (
        "DHCP4_LEASE_ALLOC [hwtype=1 aa:bb], cid=[no info], tid=0x1: lease 192.0.2.10 "
        "has been allocated for 4000 seconds")


def test_render_reports_wrong_argument_counts_like_kea() -> None:
    assert CATALOGUE.render("DHCP4_STARTED", ["2.2.0", "extra"]) == (
        "DHCP4_STARTED Kea DHCPv4 server version 2.2.0 started"
        " @@Missing logger placeholder '%2' for value 'extra'@@")
    assert CATALOGUE.render("DHCP4_STARTING", ["2.2.0"]) == (
        "DHCP4_STARTING Kea DHCPv4 server version 2.2.0 (%2) starting"
        " @@Excess logger placeholder '%2' still exists@@")


def test_render_details() -> None:
    assert Compiled("%1 and %1 again, %2").format(["x", True]) == "x and x again, 1"
    assert Compiled("100%% sure %1").format([False]) == "100%% sure 0"
    # Kea's message compiler turns "\n" into a line break.
    assert CATALOGUE.render("HTTP_CLIENT_REQUEST_SEND_DETAILS", ["a", "b"]) == \
        "HTTP_CLIENT_REQUEST_SEND_DETAILS detailed information about request sent to a:\nb"
    assert CATALOGUE.render("NO_SUCH_MESSAGE", []) == "NO_SUCH_MESSAGE"


# -- filtering ------------------------------------------------------------------

@pytest.mark.parametrize("configured", list(Severity))
def test_severity_threshold(configured: Severity) -> None:
    manager, out = manager_with(configured, 99)
    log = manager.logger("dhcp4")
    log.fatal("DHCP4_SERVER_FAILED", "boom")
    log.error("DHCP4_INIT_FAIL", "x")
    log.warn("DHCP4_MULTI_THREADING_INFO", "no", 0, 0)
    log.info("DHCP4_STARTED", "2.2.0")
    log.debug(0, "DHCP4_SHUTDOWN_REQUEST")
    expected = [s for s in (Severity.FATAL, Severity.ERROR, Severity.WARN, Severity.INFO,
                            Severity.DEBUG) if s >= configured and configured != Severity.NONE]
    assert [r.severity for r in out.records] == expected


def test_debuglevel_is_an_upper_bound_and_only_with_debug() -> None:
    manager, out = manager_with(Severity.DEBUG, DBG_TRACE_BASIC_DATA)
    log = manager.logger("packets")
    log.debug(DBG_TRACE_BASIC_DATA, "DHCP4_BUFFER_WAIT_SIGNAL")
    log.debug(DBG_TRACE_BASIC_DATA + 1, "DHCP4_SHUTDOWN_REQUEST")
    assert out.messages == ["DHCP4_BUFFER_WAIT_SIGNAL signal received while waiting for next "
                            "packet"]
    assert log.debug_on(45) and not log.debug_on(46)
    info_manager, info_out = manager_with(Severity.INFO, 99)
    info_manager.logger("packets").debug(0, "DHCP4_BUFFER_WAIT_SIGNAL")
    assert info_out.records == []
    assert not info_manager.logger("packets").debug_on(0)


def test_disabled_messages_cost_no_formatting() -> None:
    catalogue = CountingCatalogue()
    manager, out = manager_with(Severity.WARN, 0, catalogue)
    log = manager.logger("leases")
    spy = Spy()
    for _ in range(1000):
        log.info("DHCP4_LEASE_ALLOC", spy, spy, spy)
        log.debug(DBG_TRACE_DETAIL, "DHCP4_LEASE_ALLOC", spy, spy, spy)
    assert spy.calls == 0 and catalogue.renders == 0 and out.records == []
    log.warn("DHCP4_LEASE_ALLOC", spy, "192.0.2.1", 60)
    assert spy.calls == 1 and catalogue.renders == 1


def test_log_uses_the_catalogue_severity_and_level() -> None:
    manager, out = manager_with(Severity.DEBUG, 44)
    log = manager.logger("packets")
    log.log("DHCP4_PACKET_RECEIVED", "a", "b", "c", "d", "e", "f")   # DEBUG 45: filtered
    log.log("DHCP4_PACKET_SEND", "a", "b", "c", "d", "e", "f", "g", "h")  # DEBUG 40
    log.log("DHCP4_MULTI_THREADING_INFO", "no", 0, 0)                  # WARN
    assert [(r.severity, r.message.split()[0]) for r in out.records] == [
        (Severity.DEBUG, "DHCP4_PACKET_SEND"), (Severity.WARN, "DHCP4_MULTI_THREADING_INFO")]


def test_record_carries_names_and_ids() -> None:
    manager, out = manager_with(Severity.INFO)
    manager.logger("dhcpsrv").info("DHCPSRV_MEMFILE_LEASE_FILE_LOAD", "/var/lib/kea/l.csv")
    (record,) = out.records
    assert record.logger == "kea-dhcp4.dhcpsrv"
    assert record.message == "DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from file " \
                             "/var/lib/kea/l.csv"
    assert (record.pid, record.thread) == (os.getpid(), threading.get_ident())


def test_an_output_failure_does_not_reach_the_caller() -> None:
    class Broken(Collect):
        def emit(self, record: Record) -> None:
            raise OSError(28, "No space left on device")

    after = Collect()
    manager = LogManager()
    manager.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.INFO, 0, (Broken(), after))])
    manager.logger("dhcp4").info("DHCP4_STARTED", "x")
    assert len(after.records) == 1


# -- house rule: the logging API imports no socket code --------------------------

FORBIDDEN = {"socket", "asyncio", "selectors", "select", "ssl"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_logging_api_reaches_no_socket_code() -> None:
    src = REPO / "src"
    stack, seen = [src / "nestor/logs/__init__.py"], set()
    reached: set[str] = set()
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imports(path):
            reached.add(name)
            base = src.joinpath(*name.split("."))
            for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                if name.startswith("nestor") and candidate.exists():
                    stack.append(candidate)
    assert not {n.split(".")[0] for n in reached} & FORBIDDEN
    assert "nestor.logs.syslog_output" not in reached
    # …and the check would notice: the setup module does reach it.
    assert "socket" in _imports(src / "nestor/logs/syslog_output.py")
    assert "nestor.logs.syslog_output" in _imports(src / "nestor/logs/setup.py")


def test_emit_text_for_bridges_respects_the_filter() -> None:
    manager, out = manager_with(Severity.WARN)
    log = manager.logger("dhcpsrv")
    log.emit_text(Severity.INFO, "DHCPSRV_MEMFILE_LFC_EXECUTE executing Lease File Cleanup")
    log.emit_text(Severity.DEBUG, "DHCPSRV_X y", 0)
    log.emit_text(Severity.ERROR, "DHCPSRV_MEMFILE_LFC_SPAWN_FAIL lease file cleanup failed")
    assert out.messages == ["DHCPSRV_MEMFILE_LFC_SPAWN_FAIL lease file cleanup failed"]
