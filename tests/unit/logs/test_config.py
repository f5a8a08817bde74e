"""The ``loggers`` configuration and start-up logging, with Kea 2.2's semantics.

Each behaviour below was first observed on Kea 2.2 (kea-dhcp4 with the same
``loggers`` list); the comment on each test says what Kea did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nestor.errors import ConfigError
from nestor.logs import LogManager, Severity
from nestor.logs.config import OutputOptions, loggers_section, parse_entry, parse_loggers
from nestor.logs.setup import configure, shutdown, startup

ROOT = "kea-dhcp4"


def out(path: Path, **extra: Any) -> list[dict[str, Any]]:
    return [{"output": str(path), **extra}]


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def ids(path: Path) -> list[str]:
    return [line.split("] ", 1)[1].split(" ", 1)[0] for line in lines(path)]


@pytest.fixture
def manager() -> LogManager:
    return LogManager()


def emit_all(manager: LogManager) -> None:
    """One message per component and severity used below."""
    manager.logger("dhcp4").info("DHCP4_STARTED", "2.2.0")
    manager.logger("dhcp4").debug(0, "DHCP4_SHUTDOWN_REQUEST")
    manager.logger("dhcpsrv").warn("DHCPSRV_NO_SOCKETS_OPEN")
    manager.logger("dhcpsrv").info("DHCPSRV_MEMFILE_LEASE_FILE_LOAD", "/l.csv")
    manager.logger("dhcpsrv").debug(40, "DHCPSRV_CLOSE_DB", "memfile")


def test_unconfigured_children_follow_the_root(tmp_path: Path, manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "r.log")}],
              ROOT, manager=manager)
    emit_all(manager)
    assert ids(tmp_path / "r.log") == ["DHCP4_STARTED", "DHCPSRV_NO_SOCKETS_OPEN",
                                       "DHCPSRV_MEMFILE_LEASE_FILE_LOAD"]


def test_configured_child_keeps_its_messages_to_itself(tmp_path: Path,
                                                       manager: LogManager) -> None:
    # Kea 2.2: the dhcpsrv WARN lines went to srv.log only, not to the root's output.
    configure([{"name": ROOT, "severity": "WARN", "output_options": out(tmp_path / "r.log")},
               {"name": "kea-dhcp4.dhcpsrv", "severity": "INFO",
                "output_options": out(tmp_path / "srv.log")}], ROOT, manager=manager)
    emit_all(manager)
    assert ids(tmp_path / "r.log") == []
    assert ids(tmp_path / "srv.log") == ["DHCPSRV_NO_SOCKETS_OPEN",
                                         "DHCPSRV_MEMFILE_LEASE_FILE_LOAD"]
    assert all("[kea-dhcp4.dhcpsrv/" in line for line in lines(tmp_path / "srv.log"))


def test_short_names_work_like_full_ones(tmp_path: Path, manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "FATAL", "output_options": out(tmp_path / "r.log")},
               {"name": "dhcpsrv", "severity": "DEBUG", "debuglevel": 40,
                "output-options": out(tmp_path / "srv.log")}], ROOT, manager=manager)
    emit_all(manager)
    assert ids(tmp_path / "srv.log") == ["DHCPSRV_NO_SOCKETS_OPEN",
                                         "DHCPSRV_MEMFILE_LEASE_FILE_LOAD", "DHCPSRV_CLOSE_DB"]


def test_configured_child_without_outputs_is_silent(tmp_path: Path, manager: LogManager,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # Kea 2.2: a "kea-dhcp4.dhcpsrv" entry without output_options logged nowhere.
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "r.log")},
               {"name": "kea-dhcp4.dhcpsrv", "severity": "WARN"}], ROOT, manager=manager)
    emit_all(manager)
    assert ids(tmp_path / "r.log") == ["DHCP4_STARTED"]
    assert capsys.readouterr() == ("", "")


def test_root_without_outputs_logs_to_stderr(manager: LogManager,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # Kea 2.2: after a configuration is applied the default is INFO on stderr.
    configure([{"name": ROOT, "severity": "WARN"}], ROOT, manager=manager)
    emit_all(manager)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert [line.split()[4] for line in captured.err.splitlines()] == ["DHCPSRV_NO_SOCKETS_OPEN"]
    assert "WARN  [kea-dhcp4.dhcpsrv/" in captured.err


def test_only_a_child_configured_leaves_the_root_on_stderr(
        tmp_path: Path, manager: LogManager, capsys: pytest.CaptureFixture[str]) -> None:
    configure([{"name": "kea-dhcp4.dhcpsrv", "severity": "WARN",
                "output_options": [{"output": "stdout"}]}], ROOT, manager=manager)
    emit_all(manager)
    captured = capsys.readouterr()
    assert "DHCPSRV_NO_SOCKETS_OPEN" in captured.out and "DHCP4_STARTED" not in captured.out
    assert "DHCP4_STARTED" in captured.err and "DHCPSRV" not in captured.err


def test_missing_severity_inherits_the_parents(tmp_path: Path, manager: LogManager) -> None:
    # Kea 3.x semantics (2.2 refuses the entry; the loader decides which to accept).
    configure([{"name": ROOT, "severity": "DEBUG", "debuglevel": 40,
                "output_options": out(tmp_path / "r.log")},
               {"name": "dhcpsrv", "output_options": out(tmp_path / "srv.log")}],
              ROOT, manager=manager)
    emit_all(manager)
    assert "DHCPSRV_CLOSE_DB" in ids(tmp_path / "srv.log")


def test_verbose_forces_debug_99_on_configured_loggers(tmp_path: Path,
                                                       manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "ERROR", "output_options": out(tmp_path / "r.log")}],
              ROOT, verbose=True, manager=manager)
    manager.logger("dhcp4").debug(99, "DHCP4_SHUTDOWN_REQUEST")
    assert ids(tmp_path / "r.log") == ["DHCP4_SHUTDOWN_REQUEST"]


def test_repeated_entry_changes_level_and_keeps_outputs(tmp_path: Path,
                                                        manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "r.log")},
               {"name": ROOT, "severity": "ERROR"}], ROOT, manager=manager)
    emit_all(manager)
    manager.logger("dhcp4").error("DHCP4_INIT_FAIL", "x")
    assert ids(tmp_path / "r.log") == ["DHCP4_INIT_FAIL"]


def test_two_loggers_share_one_file(tmp_path: Path, manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "a.log")},
               {"name": "dhcpsrv", "severity": "INFO",
                "output_options": out(tmp_path / "a.log", pattern="SRV %m%n")}],
              ROOT, manager=manager)
    emit_all(manager)
    assert lines(tmp_path / "a.log")[0].endswith("DHCP4_STARTED Kea DHCPv4 server version "
                                                 "2.2.0 started")
    assert lines(tmp_path / "a.log")[1:] == [
        "SRV DHCPSRV_NO_SOCKETS_OPEN no interface configured to listen to DHCP traffic",
        "SRV DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from file /l.csv"]


def test_reconfiguring_closes_what_is_no_longer_used(tmp_path: Path,
                                                     manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "1.log")}],
              ROOT, manager=manager)
    first = manager.specs()[0].outputs[0]
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "2.log")}],
              ROOT, manager=manager)
    emit_all(manager)
    assert first.sink.closed  # type: ignore[attr-defined]
    assert ids(tmp_path / "1.log") == [] and len(ids(tmp_path / "2.log")) == 3


def test_unknown_severity_is_reported_and_means_info(tmp_path: Path,
                                                     manager: LogManager) -> None:
    # Kea 2.2: "ERROR [kea-dhcp4.log/…] LOG_BAD_SEVERITY unrecognized log severity: bogus"
    # through the logging in force, then INFO.
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "old.log")}],
              ROOT, manager=manager)
    configure([{"name": ROOT, "severity": "bogus", "output_options": out(tmp_path / "new.log")}],
              ROOT, manager=manager)
    emit_all(manager)
    (report,) = lines(tmp_path / "old.log")
    assert " ERROR [kea-dhcp4.log/" in report
    assert report.endswith("LOG_BAD_SEVERITY unrecognized log severity: bogus")
    assert ids(tmp_path / "new.log") == ["DHCP4_STARTED", "DHCPSRV_NO_SOCKETS_OPEN",
                                         "DHCPSRV_MEMFILE_LEASE_FILE_LOAD"]


def test_severity_names_are_case_insensitive() -> None:
    assert parse_entry({"name": "x", "severity": "warn"}).severity == Severity.WARN


@pytest.mark.parametrize(("entry", "message"), [
    ({"severity": "INFO"}, "does not have a mandatory 'name'"),
    ({"name": "x", "severity": "INFO", "debuglevel": 100}, "Unsupported debuglevel value 100"),
    ({"name": "x", "severity": "INFO", "debuglevel": -1}, "expected 0-99"),
    ({"name": "x", "severity": "INFO", "output_options": [{"output": "stdout"}],
      "output-options": [{"output": "stdout"}]}, "Only one of 'output-options'"),
    ({"name": "x", "severity": "INFO", "output_options": [{"flush": True}]},
     "does not have a mandatory 'output'"),
    ({"name": "x", "severity": "INFO", "output_options": [{"output": "a", "maxsize": "1"}]},
     "'maxsize' must be of type int"),
    ({"name": "x", "severity": "INFO", "output_options": [{"output": "a", "flush": 1}]},
     "'flush' must be of type bool"),
])
def test_malformed_entries_are_refused(entry: dict[str, Any], message: str,
                                       tmp_path: Path, manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "INFO", "output_options": out(tmp_path / "r.log")}],
              ROOT, manager=manager)
    with pytest.raises(ConfigError, match=message):
        configure([entry], ROOT, manager=manager)
    emit_all(manager)  # the logging in force stays in force
    assert len(ids(tmp_path / "r.log")) == 3


def test_output_options_defaults_and_kinds() -> None:
    (entry,) = parse_loggers([{"name": ROOT, "severity": "INFO",
                               "output_options": [{"output": "/var/log/kea.log"}]}])
    assert entry.outputs == (OutputOptions("/var/log/kea.log", True, 10240000, 1, ""),)
    assert [OutputOptions(o).kind for o in ("stdout", "stderr", "syslog", "syslog:local3",
                                            "/tmp/x", "syslogfile")] == \
        ["stdout", "stderr", "syslog", "syslog", "file", "file"]
    assert OutputOptions("syslog").facility == "local0"
    assert OutputOptions("syslog:local3").facility == "local3"


def test_loggers_section_finds_the_list() -> None:
    entry = {"name": ROOT, "severity": "INFO"}
    assert loggers_section({"Dhcp4": {"loggers": [entry]}}) == [entry]
    assert loggers_section({"Dhcp6": {"subnet6": []}, "Logging": {"loggers": [entry]}}) == [entry]
    assert loggers_section({"Dhcp4": {}}) == []


# -- start-up logging (before the configuration is read) --------------------------

def test_startup_goes_to_stdout_by_default(manager: LogManager,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    startup(ROOT, env={}, manager=manager)
    manager.logger("dhcp4").info("DHCP4_STARTING", "2.2.0", "stable")
    manager.logger("dhcp4").debug(0, "DHCP4_START_INFO", 1, 67, 0, "no")
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.endswith("INFO  [kea-dhcp4.dhcp4/" + captured.out.split("/")[1].split(
        "]")[0] + "] DHCP4_STARTING Kea DHCPv4 server version 2.2.0 (stable) starting\n")


def test_startup_environment(tmp_path: Path, manager: LogManager) -> None:
    # Kea 2.2: KEA_LOGGER_DESTINATION=file and KEA_LOGGER_SEVERITY=DEBUG show
    # DHCP4_START_INFO in that file before the configuration is read.
    log = tmp_path / "start.log"
    startup(ROOT, env={"KEA_LOGGER_DESTINATION": str(log), "KEA_LOGGER_SEVERITY": "DEBUG",
                       "KEA_LOGGER_DBGLEVEL": "10"}, manager=manager)
    manager.logger("dhcp4").debug(0, "DHCP4_START_INFO", 1, 67, 0, "no")
    manager.logger("dhcp4").debug(11, "DHCP4_SHUTDOWN_REQUEST")
    assert ids(log) == ["DHCP4_START_INFO"]


def test_startup_verbose_and_stderr(manager: LogManager,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    startup(ROOT, verbose=True, env={"KEA_LOGGER_DESTINATION": "stderr"}, manager=manager)
    manager.logger("dhcp4").debug(99, "DHCP4_SHUTDOWN_REQUEST")
    assert "DEBUG [kea-dhcp4.dhcp4/" in capsys.readouterr().err


def test_startup_bad_environment_values(manager: LogManager,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    startup(ROOT, env={"KEA_LOGGER_DBGLEVEL": "lots", "KEA_LOGGER_SEVERITY": "LOUD"},
            manager=manager)
    err = capsys.readouterr().err
    assert "**ERROR** Unable to translate KEA_LOGGER_DBGLEVEL - a value of 0 will be used" in err
    assert "KEA_LOGGER_SEVERITY of LOUD is invalid" in err
    startup(ROOT, env={"KEA_LOGGER_DBGLEVEL": "120", "KEA_LOGGER_SEVERITY": "DEBUG"},
            manager=manager)
    assert "**ERROR** debug level of 120 is invalid - a value of 99 will be used" in \
        capsys.readouterr().err
    assert manager.logger("x").debug_on(99)


def test_loggers_created_before_setup_get_their_full_names(tmp_path: Path,
                                                          manager: LogManager) -> None:
    early = manager.logger("leases")
    assert early.full_name == "kea.leases"   # Kea's root name before a program sets one
    configure([{"name": "kea-dhcp6", "severity": "INFO",
                "output_options": out(tmp_path / "r.log")}], "kea-dhcp6", manager=manager)
    early.info("DHCP6_LEASE_ALLOC", "duid=[00:01]", "2001:db8::1", 1, 4000)
    assert "[kea-dhcp6.leases/" in lines(tmp_path / "r.log")[0]


def test_shutdown_closes_and_silences(tmp_path: Path, manager: LogManager) -> None:
    configure([{"name": ROOT, "severity": "INFO",
                "output_options": out(tmp_path / "r.log", flush=False)}], ROOT, manager=manager)
    emit_all(manager)
    shutdown(manager)
    emit_all(manager)
    assert len(ids(tmp_path / "r.log")) == 3  # buffered lines written out on close
