"""Records carry the kernel thread id (``%T``) of the thread that logs, though it is
remembered per thread instead of asked for at every line (issue 6)."""

from __future__ import annotations

import os
import threading

from tests.log_capture import RecordingOutput

from nestor.logs import LogManager, Severity, Spec


def _manager(out: RecordingOutput) -> LogManager:
    manager = LogManager()
    manager.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.INFO, 0, (out,))])
    return manager


def _log(manager: LogManager) -> None:
    manager.logger("leases").info("DHCP4_LEASE_ALLOC", "x", "10.0.0.1", "4000")


def test_each_thread_logs_its_own_ids() -> None:
    out = RecordingOutput()
    manager = _manager(out)
    _log(manager)
    seen: list[tuple[int, int]] = []

    def work() -> None:
        _log(manager)
        _log(manager)
        seen.append((threading.get_ident(), threading.get_native_id()))

    # One after the other: a finished thread's get_ident() value is often reused.
    for _ in range(5):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(timeout=10)
    _log(manager)
    ids = [(r.thread, r.native_thread) for r in out.records]
    main = (threading.get_ident(), threading.get_native_id())
    assert ids[0] == ids[-1] == main
    assert ids[1:-1] == [pair for pair in seen for _ in range(2)]
    assert len({native for _, native in seen}) == 5


def test_a_forked_child_logs_its_own_thread_id() -> None:
    out = RecordingOutput()
    manager = _manager(out)
    _log(manager)  # the parent's id is remembered before the fork
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            _log(manager)
            record = out.records[-1]
            os.write(write, f"{record.native_thread} {threading.get_native_id()}".encode())
        finally:
            os._exit(0)
    os.close(write)
    try:
        got = os.read(read, 100).decode().split()
    finally:
        os.close(read)
        os.waitpid(child, 0)
    assert got[0] == got[1] == str(child)  # a child's only thread has the child's pid
    assert out.records[0].native_thread == threading.get_native_id()
