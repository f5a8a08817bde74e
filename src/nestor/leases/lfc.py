"""Lease File Cleanup (LFC): Kea's file protocol, both the server's side and kea-lfc's.

File names (Kea's ``Memfile_LeaseMgr::appendSuffix``), for a lease file NAME:

=================  =====================================================
``NAME``           the file the server appends to
``NAME.1``         input: the server renamed its file here to clean it
``NAME.2``         previous: the result of the last cleanup
``NAME.output``    the cleanup writes here first
``NAME.completed`` the finished output, renamed from ``.output``
``NAME.pid``       the PID of a running cleanup
=================  =====================================================

Server side (``LeaseFiles.start_lfc`` in :mod:`nestor.leases.memfile`, using
:func:`spawn`): unless ``.completed`` or ``.1`` exists (an earlier cleanup did
not finish), rename ``NAME`` to ``.1`` and reopen a fresh ``NAME``; then start
the cleanup process. The server keeps serving; only the rename and the spawn
happen on its thread, and the compaction runs in another process (no GIL).

Cleanup side (:func:`cleanup`, what ``nestor-lfc`` and ``kea-lfc`` run): refuse
to run twice (PID file); unless ``.completed`` exists, load ``.2`` then ``.1``
with the loading rules, write the live leases to ``.output``, fsync, rename it
to ``.completed``; then delete ``.2`` and ``.1`` and rename ``.completed`` to
``.2``. Interrupted at any step, the next server start still finds every
lease: it loads ``.completed`` if present, otherwise ``.2`` and ``.1``, and
always ``NAME`` last.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import TypeVar

from nestor.leases.lease import Lease4, Lease6
from nestor.leases.leasefile import load_file, write_lease_file
from nestor.leases.rows import SCHEMA4, SCHEMA6, Schema
from nestor.leases.store import LeaseFileError

log = logging.getLogger("nestor.leases.lfc")

L = TypeVar("L", Lease4, Lease6)

SUFFIXES = {"input": ".1", "previous": ".2", "output": ".output", "finish": ".completed",
            "pid": ".pid"}
# Bad rows a cleanup tolerates per file before giving up (and leaving the files alone).
LFC_MAX_ROW_ERRORS = 100
# Environment variable naming the cleanup program, as Kea's servers honour it.
LFC_EXECUTABLE_ENV = "KEA_LFC_EXECUTABLE"


def lfc_files(name: str) -> dict[str, str]:
    """The file names of the cleanup protocol for lease file ``name``."""
    return {role: name + suffix for role, suffix in SUFFIXES.items()}


def default_command() -> list[str]:
    """``$KEA_LFC_EXECUTABLE`` when set (so Kea's kea-lfc can be used), else nestor-lfc
    run by this very interpreter."""
    executable = os.environ.get(LFC_EXECUTABLE_ENV)
    if executable:
        return [executable]
    return [sys.executable, "-m", "nestor.daemons.lfc"]


def command_line(command: Sequence[str], family: int, name: str) -> list[str]:
    """Kea's kea-lfc arguments for lease file ``name`` (the configuration is unused)."""
    files = lfc_files(name)
    return [*command, f"-{family}", "-x", files["previous"], "-i", files["input"],
            "-o", files["output"], "-f", files["finish"], "-p", files["pid"],
            "-c", "ignored-path"]


def spawn(argv: Sequence[str]) -> subprocess.Popen[bytes] | None:
    """Start a cleanup process without waiting for it; None if it could not start."""
    log.info("DHCPSRV_MEMFILE_LFC_EXECUTE executing Lease File Cleanup using: %s",
             " ".join(argv))
    try:
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, close_fds=True)
    except OSError as exc:
        log.error("DHCPSRV_MEMFILE_LFC_SPAWN_FAIL lease file cleanup failed to run because "
                  "kea-lfc process couldn't be spawned: %s", exc)
        return None


def cleanup_pending(name: str) -> bool:
    """True if an earlier cleanup left its input or result behind (no rotation then)."""
    files = lfc_files(name)
    return os.path.exists(files["finish"]) or os.path.exists(files["input"])


# PID files -------------------------------------------------------------------------------
def pid_running(path: str) -> bool:
    """Kea's PIDFile::check: the file names a process that exists."""
    try:
        with open(path) as f:
            pid = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by somebody else
        return True
    return True


def write_pid(path: str) -> None:
    with open(path, "w") as f:
        f.write(f"{os.getpid()}\n")


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _sync_dir(path: str) -> None:
    # Make the renames themselves durable, not only the file contents.
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# The cleanup itself ------------------------------------------------------------------------
def compact(schema: Schema[L], previous: str, copy: str, output: str, finish: str) -> int:
    """Merge ``previous`` and ``copy`` into ``output`` and rename it to ``finish``;
    returns the number of leases written."""
    log.info("LFC_PROCESSING Previous file: %s, copy file: %s", previous, copy)
    leases: dict[int, L] = {}
    for path in (previous, copy):
        if os.path.exists(path):
            load_file(path, schema, leases, LFC_MAX_ROW_ERRORS)
    # Kea writes in address order (its storage's first index).
    write_lease_file(output, schema, (leases[a] for a in sorted(leases)))
    os.rename(output, finish)
    _sync_dir(finish)
    return len(leases)


def rotate(previous: str, copy: str, finish: str) -> None:
    """Replace the old previous and input files by the finished output."""
    log.info("LFC_ROTATING LFC rotating files")
    _remove(previous)
    _remove(copy)
    os.rename(finish, previous)
    _sync_dir(previous)


def cleanup(family: int, previous: str, copy: str, output: str, finish: str,
            pid_file: str) -> int:
    """What kea-lfc does; returns the process exit status."""
    log.info("LFC_START Starting lease file cleanup")
    if pid_running(pid_file):
        log.info("LFC_RUNNING LFC instance already running")
        return 0
    try:
        write_pid(pid_file)
    except OSError as exc:
        log.error("LFC_FAIL_PID_CREATE : %s", exc)
        return 1
    try:
        if not os.path.exists(finish):
            try:
                count = (compact(SCHEMA4, previous, copy, output, finish) if family == 4
                         else compact(SCHEMA6, previous, copy, output, finish))
            except (OSError, LeaseFileError) as exc:
                log.error("LFC_FAIL_PROCESS : %s", exc)
                return 1
            log.info("LFC_READ_STATS Leases: %d", count)
        try:
            rotate(previous, copy, finish)
        except OSError as exc:
            log.error("LFC_FAIL_ROTATE : %s", exc)
            return 1
    finally:
        _remove(pid_file)
    log.info("LFC_TERMINATE LFC finished processing")
    return 0
