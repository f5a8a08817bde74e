"""Kea's PID file rules (nestor.server.pidfile), on real files and processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nestor.server.pidfile import PidFile, PidFileExists, pid_file_path


def test_name_follows_kea() -> None:
    # Kea ARM: [runstatedir]/kea/[conf name].kea-dhcp4.pid, conf name without folders
    # and extension; KEA_PIDFILE_DIR overrides the folder.
    assert pid_file_path("/etc/kea/kea-dhcp4.conf", "kea-dhcp4", {}) == \
        "/run/kea/kea-dhcp4.kea-dhcp4.pid"
    assert pid_file_path("/usr/local/etc/kea/myconf.txt", "kea-dhcp4",
                         {"KEA_PIDFILE_DIR": "/tmp/x"}) == "/tmp/x/myconf.kea-dhcp4.pid"
    assert pid_file_path("plain", "kea-dhcp6", {"KEA_PIDFILE_DIR": "d"}) == \
        "d/plain.kea-dhcp6.pid"


def test_create_write_remove(tmp_path: Path) -> None:
    path = tmp_path / "a.kea-dhcp4.pid"
    pid = PidFile(str(path))
    pid.create()
    assert path.read_text() == f"{os.getpid()}\n"
    pid.remove()
    assert not path.exists()


def test_live_process_refuses_stale_one_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "a.kea-dhcp4.pid"
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as other:
        try:
            path.write_text(f"{other.pid}\n")
            with pytest.raises(PidFileExists, match=f"PID: {other.pid} exists"):
                PidFile(str(path)).create()
            assert path.read_text() == f"{other.pid}\n"
        finally:
            other.kill()
            other.wait(10)
    # The process is gone: its file is stale and taken over.
    PidFile(str(path)).create()
    assert path.read_text() == f"{os.getpid()}\n"
    path.write_text("garbage\n")
    PidFile(str(path)).create()
    assert path.read_text() == f"{os.getpid()}\n"


def test_remove_leaves_a_successors_file(tmp_path: Path) -> None:
    path = tmp_path / "a.kea-dhcp4.pid"
    pid = PidFile(str(path))
    pid.create()
    path.write_text("1\n")  # another instance took over meanwhile
    pid.remove()
    assert path.read_text() == "1\n"
