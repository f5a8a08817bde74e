"""The memfile lease backend (``"lease-database": {"type": "memfile", ...}``).

Leases live in memory (:mod:`nestor.leases.memstore`); with ``persist`` every
change is also appended to Kea's CSV lease file, one row per change.

Durability: rows are queued as changes happen and written by :meth:`commit`
(``MemfileStore4.commit``) in one ``write()``; ``fsync`` adds ``fsync()``. A
server calls ``commit()`` once per batch of packets, after deciding them and
before sending their replies, so an acknowledged lease is always in the file
(the kernel's page cache survives a killed process; ``fsync`` is for power
loss). Kea flushes each row before replying too, without fsync.

Start-up loads ``NAME.completed`` if present, else ``NAME.2`` and ``NAME.1``,
and finally ``NAME`` (Kea's order, see :mod:`nestor.leases.lfc`), refusing
while a cleanup's PID file names a live process. If a file was written with
another schema generation, a cleanup runs at once to rewrite it with ours, as
Kea does (``DHCPSRV_MEMFILE_CONVERTING_LEASE_FILES``). Then a cleanup runs
every ``lfc-interval`` seconds, driven by :meth:`tick`.

Kea parameters: ``persist`` (default true), ``name`` (default
``<data directory>/kea-leases4.csv`` or ``kea-leases6.csv``), ``lfc-interval``
(seconds, default 3600, 0 disables), ``max-row-errors`` (default 0, no limit).
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nestor.leases import lfc
from nestor.leases.csvformat import Header, SchemaState
from nestor.leases.lease import Lease4, Lease6
from nestor.leases.leasefile import LeaseFileWriter, load_file, read_file_header
from nestor.leases.memstore import MemoryStore4, MemoryStore6, _MemoryBase
from nestor.leases.rows import SCHEMA4, SCHEMA6, Schema
from nestor.leases.store import LeaseFileError

log = logging.getLogger("nestor.leases")

L = TypeVar("L", Lease4, Lease6)

# Kea's default data directory on Debian (localstatedir/lib/kea).
DEFAULT_DATA_DIR = "/var/lib/kea"
U32 = 0xFFFFFFFF


@dataclass(frozen=True)
class MemfileConfig:
    """Memfile settings. ``fsync`` and ``lfc_command`` are Nestor's own knobs (not
    accepted in a Kea configuration): fsync each commit; the cleanup program to run
    (default: ``$KEA_LFC_EXECUTABLE`` or nestor-lfc)."""

    persist: bool = True
    name: str | None = None
    lfc_interval: int = 3600
    max_row_errors: int = 0
    fsync: bool = False
    lfc_command: tuple[str, ...] | None = None

    @classmethod
    def from_kea(cls, params: Mapping[str, Any], **extra: Any) -> MemfileConfig:
        """From a Kea ``lease-database`` map (already checked by the config loader)."""
        return cls(persist=bool(params.get("persist", True)), name=params.get("name"),
                   lfc_interval=_u32(params.get("lfc-interval", 3600), "lfc-interval"),
                   max_row_errors=_u32(params.get("max-row-errors", 0), "max-row-errors"),
                   **extra)

    def lease_file(self, family: int, data_dir: str = DEFAULT_DATA_DIR) -> str:
        return self.name or os.path.join(data_dir, f"kea-leases{family}.csv")


def _u32(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U32:
        raise ValueError(f"invalid value of the {what} {value!r} specified")
    return value


class LeaseFiles(Generic[L]):
    """The files behind one persistent memfile store: loading, appending, cleanup."""

    def __init__(self, schema: Schema[L], config: MemfileConfig, name: str) -> None:
        self.schema: Schema[L] = schema
        self.config = config
        self.name = name
        self._writer: LeaseFileWriter | None = None
        self._needs_conversion = False
        self._lfc_proc: subprocess.Popen[bytes] | None = None
        self._next_lfc: float | None = None
        self.last_lfc_status: int | None = None

    def load(self) -> list[L]:
        """Every live lease from the files, in Kea's order; opens the file for appending."""
        files = lfc.lfc_files(self.name)
        if lfc.pid_running(files["pid"]):
            raise LeaseFileError("unable to load leases from files while the lease file "
                                 "cleanup is in progress", files["pid"], 1)
        leases: dict[int, L] = {}
        sources = [files["finish"]] if os.path.exists(files["finish"]) \
            else [files["previous"], files["input"]]
        for path in sources:
            if os.path.exists(path):
                self._note(load_file(path, self.schema, leases, self.config.max_row_errors))
        header = None
        if os.path.exists(self.name):
            header = load_file(self.name, self.schema, leases, self.config.max_row_errors)
            self._note(header)
        self._writer = LeaseFileWriter(self.name, self.schema, header, self.config.fsync)
        return list(leases.values())

    def _note(self, header: Header | None) -> None:
        if header is not None and header.state is not SchemaState.CURRENT:
            self._needs_conversion = True

    def start(self) -> None:
        """After loading: convert old or newer files right away, as Kea does."""
        if self._needs_conversion:
            log.warning("DHCPSRV_MEMFILE_CONVERTING_LEASE_FILES running LFC now to convert "
                        "lease files to the current schema: %s", self.schema.version)
            self.start_lfc()
        if self.config.lfc_interval:
            log.info("DHCPSRV_MEMFILE_LFC_SETUP setting up the Lease File Cleanup interval "
                     "to %d sec", self.config.lfc_interval)

    def record(self, lease: L, deleted: bool) -> None:
        row = self.schema.render(lease, deleted)
        if self._writer is not None:
            self._writer.append(row)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.flush()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.poll_lfc()

    # Cleanup ------------------------------------------------------------------------------
    def tick(self, now: float) -> None:
        """Call periodically (every second or so): runs the cleanup every lfc-interval."""
        self.poll_lfc()
        interval = self.config.lfc_interval
        if not interval:
            return
        if self._next_lfc is None:
            self._next_lfc = now + interval
        elif now >= self._next_lfc:
            self._next_lfc = now + interval
            self.start_lfc()

    def lfc_running(self) -> bool:
        self.poll_lfc()
        return self._lfc_proc is not None

    def poll_lfc(self) -> int | None:
        """Reap a finished cleanup process; its exit status, or None while it runs."""
        if self._lfc_proc is None:
            return None
        status = self._lfc_proc.poll()
        if status is not None:
            self._lfc_proc = None
            self.last_lfc_status = status
        return status

    def wait_lfc(self, timeout: float) -> int | None:
        """Wait for the cleanup started last (tests, shutdown); its exit status, None if
        none was started."""
        if self._lfc_proc is not None:
            self.last_lfc_status = self._lfc_proc.wait(timeout)
            self._lfc_proc = None
        return self.last_lfc_status

    def start_lfc(self) -> bool:
        """Rotate the lease file and start the cleanup process (does not wait for it)."""
        log.info("DHCPSRV_MEMFILE_LFC_START starting Lease File Cleanup")
        if self.lfc_running():
            log.info("DHCPSRV_MEMFILE_LFC_START previous Lease File Cleanup still running; "
                     "skipped")
            return False
        if not lfc.cleanup_pending(self.name) and not self._rotate():
            return False
        command = self.config.lfc_command or lfc.default_command()
        self._lfc_proc = lfc.spawn(lfc.command_line(command, self.schema.family, self.name))
        return self._lfc_proc is not None

    def _rotate(self) -> bool:
        """Move NAME to NAME.1 and reopen a fresh NAME, flushing queued rows first."""
        copy = lfc.lfc_files(self.name)["input"]
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        rotated = True
        try:
            os.rename(self.name, copy)
        except OSError as exc:
            log.error("DHCPSRV_MEMFILE_LFC_LEASE_FILE_RENAME_FAIL failed to rename the current "
                      "lease file %s to %s, reason: %s", self.name, copy, exc)
            rotated = False
        try:
            header = None if rotated else _existing_header(self.name, self.schema)
            self._writer = LeaseFileWriter(self.name, self.schema, header, self.config.fsync)
        except (OSError, LeaseFileError) as exc:
            log.error("DHCPSRV_MEMFILE_LFC_LEASE_FILE_REOPEN_FAIL failed to reopen lease file "
                      "%s after preparing input file for lease file cleanup, reason: %s, new "
                      "leases will not persist!", self.name, exc)
            return False
        return rotated


def _existing_header(name: str, schema: Schema[L]) -> Header | None:
    return read_file_header(name, schema) if os.path.exists(name) else None


def _open_files(schema: Schema[L], config: MemfileConfig,
                data_dir: str) -> tuple[LeaseFiles[L] | None, list[L]]:
    if not config.persist:
        log.warning("DHCPSRV_MEMFILE_NO_STORAGE running in non-persistent mode, leases will "
                    "be lost after restart")
        return None, []
    files = LeaseFiles(schema, config, config.lease_file(schema.family, data_dir))
    return files, files.load()


class _MemfileBase(_MemoryBase[L]):
    """What both memfile stores add to their memory store: the lease files, loaded at
    start and fed every change. Listed first in the stores' bases, so these methods
    take the place of the memory-only ones."""

    def __init__(self, schema: Schema[L], config: MemfileConfig | None,
                 data_dir: str) -> None:
        super().__init__()
        self.config = config or MemfileConfig()
        self.files: LeaseFiles[L] | None
        self.files, leases = _open_files(schema, self.config, data_dir)
        self._load(leases)
        if self.files is not None:
            self.files.start()

    def _record(self, lease: L, deleted: bool) -> None:
        if self.files is not None:
            self.files.record(lease, deleted)

    def commit(self) -> None:
        if self.files is not None:
            self.files.commit()

    def close(self) -> None:
        if self.files is not None:
            self.files.close()

    def tick(self, now: float) -> None:
        if self.files is not None:
            self.files.tick(now)


class MemfileStore4(_MemfileBase[Lease4], MemoryStore4):
    """DHCPv4 memfile store: :class:`MemoryStore4` plus the lease file."""

    def __init__(self, config: MemfileConfig | None = None,
                 data_dir: str = DEFAULT_DATA_DIR) -> None:
        super().__init__(SCHEMA4, config, data_dir)


class MemfileStore6(_MemfileBase[Lease6], MemoryStore6):
    """DHCPv6 memfile store: :class:`MemoryStore6` plus the lease file."""

    def __init__(self, config: MemfileConfig | None = None,
                 data_dir: str = DEFAULT_DATA_DIR) -> None:
        super().__init__(SCHEMA6, config, data_dir)


def open_memfile(family: int, config: MemfileConfig,
                 data_dir: str = DEFAULT_DATA_DIR) -> MemfileStore4 | MemfileStore6:
    """The memfile store for an address family."""
    if family == 4:
        return MemfileStore4(config, data_dir)
    return MemfileStore6(config, data_dir)


__all__: Sequence[str] = ("DEFAULT_DATA_DIR", "LeaseFiles", "MemfileConfig", "MemfileStore4",
                          "MemfileStore6", "open_memfile")
