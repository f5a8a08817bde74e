"""The logging hot path's shortcuts keep what a record says (issue 6)."""

from __future__ import annotations

import os

from tests.log_capture import RecordingOutput

from nestor.logs import LogManager, Severity, Spec


def _manager(output: RecordingOutput, severity: Severity = Severity.INFO) -> LogManager:
    manager = LogManager()
    manager.install("kea-dhcp4", [Spec("kea-dhcp4", severity, 0, (output,))])
    return manager


def test_records_carry_the_pid_of_the_process_that_logs_even_after_fork() -> None:
    out = RecordingOutput()
    log = _manager(out).logger("leases")
    log.info("DHCP4_LEASE_ALLOC", "[hwtype=1 02:00:00:00:00:01]", "10.0.0.1", "4000")
    assert out.records[-1].pid == os.getpid()
    assert out.records[-1].message.startswith("DHCP4_LEASE_ALLOC [hwtype=1")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child reports the pid its record carries, and leaves
        try:
            log.warn("DHCP4_DECLINE_LEASE_NOT_FOUND", "10.0.0.1", "[hwtype=1]")
            os.write(write, f"{out.records[-1].pid} {os.getpid()}".encode())
        finally:
            os._exit(0)
    os.close(write)
    try:
        got = os.read(read, 100).decode().split()
    finally:
        os.close(read)
        os.waitpid(child, 0)
    assert got[0] == got[1] == str(child)


def test_severity_filter_and_enabled_agree() -> None:
    out = RecordingOutput()
    manager = _manager(out, Severity.WARN)
    log = manager.logger("leases")
    log.info("DHCP4_LEASE_ALLOC", "x", "10.0.0.1", "4000")
    log.warn("DHCP4_DECLINE_LEASE_NOT_FOUND", "10.0.0.1", "x")
    assert [r.severity for r in out.records] == [Severity.WARN]
    assert [log.enabled(s) for s in Severity] == [False, False, True, True, True, False]
    manager.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.NONE, 0, (out,))])
    log.fatal("DHCP4_DECLINE_LEASE_NOT_FOUND", "10.0.0.1", "x")
    assert len(out.records) == 1 and not any(log.enabled(s) for s in Severity)


def test_a_logger_with_no_outputs_writes_nothing_and_others_still_write() -> None:
    out = RecordingOutput()
    manager = LogManager()
    manager.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.INFO, 0, (out,)),
                                  Spec("kea-dhcp4.leases", Severity.INFO, 0, ())])
    manager.logger("leases").info("DHCP4_LEASE_ALLOC", "x", "10.0.0.1", "4000")
    manager.logger("dhcp4").info("DHCP4_LEASE_ALLOC", "y", "10.0.0.2", "4000")
    assert [r.logger for r in out.records] == ["kea-dhcp4.dhcp4"]
