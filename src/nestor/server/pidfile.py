"""Kea's PID file: ``$KEA_PIDFILE_DIR/<config base name>.<program>.pid``.

Kea (``Daemon::makePIDFileName``, ARM "Starting the DHCPv4 server") names the
file after the configuration file without its folders and extension and the
program: ``-c /etc/kea/kea-dhcp4.conf`` gives ``kea-dhcp4.kea-dhcp4.pid`` in
the run-state directory (``/run/kea`` on Debian), or in ``KEA_PIDFILE_DIR``
when that is set. A file naming a live process means another server runs
with the same configuration: the new one refuses to start
(``DHCP4_ALREADY_RUNNING``). A stale file (dead PID, garbage) is replaced.
The file is removed at a clean exit.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping

from nestor.errors import NestorError

DEFAULT_PIDFILE_DIR = "/run/kea"  # Debian's Kea: runstatedir/kea
ENV_PIDFILE_DIR = "KEA_PIDFILE_DIR"


class PidFileExists(NestorError):
    """Another process with the same configuration file is running."""


class PidFileError(NestorError):
    """The PID file could not be written."""


def pid_file_path(config_path: str, program: str,
                  env: Mapping[str, str] = os.environ) -> str:
    base = os.path.splitext(os.path.basename(config_path))[0]
    folder = env.get(ENV_PIDFILE_DIR) or DEFAULT_PIDFILE_DIR
    return os.path.join(folder, f"{base}.{program}.pid")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _read_pid(path: str) -> int | None:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            text = f.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class PidFile:
    """Create once at start-up, :meth:`remove` at a clean exit."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._created = False

    def create(self) -> None:
        """Write our PID; PidFileExists (Kea's wording) if a live process holds it."""
        pid = _read_pid(self.path)
        if pid is not None and pid != os.getpid() and _alive(pid):
            raise PidFileExists(f"Daemon::createPIDFile: PID: {pid} exists, "
                                f"PID file: {self.path}")
        try:
            # Kea fails when the folder is missing; creating it spares init
            # scripts a step and changes nothing when it exists.
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            # Write a sibling then rename, so a reader never sees an empty file.
            tmp = f"{self.path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="ascii") as f:
                f.write(f"{os.getpid()}\n")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise PidFileError(f"Daemon::createPIDFile: Unable to create PID file: "
                               f"{self.path}: {exc.strerror or exc}") from exc
        self._created = True

    def remove(self) -> None:
        """Remove the file if it still names us (a successor may have replaced it)."""
        if not self._created:
            return
        self._created = False
        if _read_pid(self.path) == os.getpid():
            with contextlib.suppress(OSError):
                os.unlink(self.path)
