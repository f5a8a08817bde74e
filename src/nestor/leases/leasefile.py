"""Reading a lease file into memory and appending rows to one, with Kea's semantics.

Loading follows Kea's ``LeaseFileLoader::load``: rows apply in file order, a
later row for an address replaces the earlier one, and a row with a valid
lifetime of 0 deletes the lease. A row that cannot be read is logged
(``DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR``) and skipped; ``max-row-errors`` N
tolerates N such rows per file and refuses the file at the next one (0 means
no limit) - exactly where Kea 2.2 stops.

Appending is batched. :meth:`LeaseFileWriter.append` queues a rendered row;
:meth:`LeaseFileWriter.flush` hands all queued rows to the kernel in one
``write()`` (and ``fsync()`` when asked). A process killed at any moment after
``flush()`` returned keeps those rows (they are in the page cache); surviving
power loss as well needs ``fsync``. One ``write()`` per batch also means a kill
never leaves half a row behind; should a file still end without a newline
(power loss), the writer starts with one so that its first row stays whole.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import TextIO, TypeVar

from nestor.leases.csvformat import (
    SEPARATOR,
    Header,
    RowError,
    SchemaState,
    header_line,
    read_header,
)
from nestor.leases.lease import Lease4, Lease6
from nestor.leases.rows import Schema
from nestor.leases.store import LeaseFileError, LeaseStoreError

log = logging.getLogger("nestor.leases")

L = TypeVar("L", Lease4, Lease6)

# Rows queued before the writer flushes on its own, to bound memory between commits.
AUTO_FLUSH_ROWS = 4096


def _open_text(path: str) -> TextIO:
    # Kea splits rows on '\n' only and treats the content as bytes: keep stray '\r'
    # and non-UTF-8 bytes (as surrogate escapes) instead of failing on them.
    return open(path, encoding="utf-8", errors="surrogateescape", newline="\n")


def _first_line(f: TextIO) -> tuple[str | None, int]:
    """The first non-empty line (Kea skips blank lines) and its line number."""
    for number, line in enumerate(f, 1):
        line = line.rstrip("\n")
        if line:
            return line, number
    return None, 0


def read_file_header(path: str, schema: Schema[L]) -> Header | None:
    """The header of an existing file, or None when the file is empty."""
    with _open_text(path) as f:
        line, number = _first_line(f)
    return None if line is None else _check_header(line, number, path, schema)


def _check_header(line: str, number: int, path: str, schema: Schema[L]) -> Header:
    try:
        return read_header(line, schema.columns, schema.minimum)
    except RowError as exc:
        raise LeaseFileError(f"invalid header '{line}' in CSV file '{path}': - {exc}",
                             path, number) from None


def load_file(path: str, schema: Schema[L], into: dict[int, L],
              max_errors: int) -> Header | None:
    """Apply the rows of ``path`` to ``into`` (address -> lease); returns its header
    (None for an empty file). Raises LeaseFileError for a bad header or too many
    bad rows, naming the file and line."""
    log.info("DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from file %s", path)
    try:
        with _open_text(path) as f:
            line, number = _first_line(f)
            if line is None:
                return None
            header = _check_header(line, number, path, schema)
            _load_rows(f, number, path, header, schema, into, max_errors)
    except OSError as exc:
        raise LeaseFileError(f"unable to read lease file '{path}': {exc.strerror}") from exc
    if header.state is not SchemaState.CURRENT:
        upgrade = header.state is SchemaState.NEEDS_UPGRADE
        log.warning("%s version of lease file: %s schema is %s than version %s",
                    "DHCPSRV_MEMFILE_NEEDS_UPGRADING" if upgrade
                    else "DHCPSRV_MEMFILE_NEEDS_DOWNGRADING",
                    path, "earlier" if upgrade else "later", schema.version)
    return header


def _load_rows(f: TextIO, number: int, path: str, header: Header, schema: Schema[L],
               into: dict[int, L], max_errors: int) -> None:
    parse, width = schema.parse, len(schema.columns)
    errors = row = 0
    for number, line in enumerate(f, number + 1):  # noqa: B020
        if line[-1:] == "\n":
            line = line[:-1]
        if not line:
            continue
        row += 1
        try:
            fields = line.split(SEPARATOR)
            lease = parse(fields if len(fields) == width else header.adapt(fields))
        except ValueError as exc:  # RowError, or a codec's own ValueError
            errors += 1
            log.error("DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR discarding row %d, error: %s "
                      "(%s:%d)", row, exc, path, number)
            if max_errors and errors > max_errors:
                raise LeaseFileError(f"exceeded maximum number of failures {max_errors} to "
                                     f"read a lease from the lease file {path}; last error: "
                                     f"{exc}", path, number) from None
            continue
        if lease.valid_lft:
            into[lease.addr] = lease
        else:  # valid lifetime 0: the lease was deleted
            into.pop(lease.addr, None)


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written == len(data):  # the usual case for a regular file: all at once
        return
    view = memoryview(data)[written:]
    while view:
        written = os.write(fd, view)
        view = view[written:]


class LeaseFileWriter:
    """Appends rows to one lease file; see the module docstring for the flush policy.

    Rows are written with the columns of the file's own header: a file an older
    Kea created keeps receiving rows that Kea can read (the extra columns we know
    are left out until the next cleanup rewrites the file with our header).
    """

    def __init__(self, path: str, schema: Schema[L], header: Header | None,
                 fsync: bool = False) -> None:
        self.path = path
        self.fsync = fsync
        self._pending: list[str] = []
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise LeaseFileError(f"unable to open '{path}': {exc.strerror}") from exc
        try:
            self._width = self._prepare(schema, header)
        except BaseException:
            os.close(self._fd)
            raise
        self._ours = len(schema.columns)

    def _prepare(self, schema: Schema[L], header: Header | None) -> int:
        size = os.fstat(self._fd).st_size
        if header is None:  # new or empty file: it gets our header
            _write_all(self._fd, (header_line(schema.columns) + "\n").encode())
            return len(schema.columns)
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            _write_all(self._fd, b"\n")
        return len(header.names)

    @property
    def width(self) -> int:
        """How many columns the rows of this file have."""
        return self._width

    def append(self, row: str) -> None:
        if self._width != self._ours:
            row = self._fit(row)
        self._pending.append(row)
        if len(self._pending) >= AUTO_FLUSH_ROWS:
            self.flush()

    def append_many(self, rows: Iterable[str]) -> None:
        for row in rows:
            self.append(row)

    def _fit(self, row: str) -> str:
        # Escaped fields hold no separator, so splitting on it finds the columns.
        fields = row.split(SEPARATOR)
        if self._width < len(fields):
            return SEPARATOR.join(fields[:self._width])
        return row + SEPARATOR * (self._width - len(fields))

    def flush(self) -> None:
        """Hand every queued row to the kernel (one write), then fsync if configured.

        On failure (disk full, I/O error) the batch's rows are dropped and
        LeaseStoreError raised: the caller must not acknowledge that batch. Memory
        keeps the changes, so the server goes on serving those clients consistently;
        only a restart before they renew would forget them, and they were never
        acknowledged."""
        if not self._pending:
            return
        data = ("\n".join(self._pending) + "\n").encode("utf-8", "surrogateescape")
        self._pending.clear()
        try:
            _write_all(self._fd, data)
            if self.fsync:
                os.fsync(self._fd)
        except OSError as exc:
            raise LeaseStoreError(f"failed to write leases to {self.path}: {exc}") from exc

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            self.flush()
        finally:
            os.close(self._fd)
            self._fd = -1


def write_lease_file(path: str, schema: Schema[L], leases: Iterable[L]) -> None:
    """Write a complete lease file (our header, one row per lease) and fsync it;
    the LFC writes its output this way before renaming it into place."""
    with open(path, "wb") as f:
        f.write((header_line(schema.columns) + "\n").encode())
        render = schema.render
        batch: list[str] = []
        for lease in leases:
            batch.append(render(lease, False))
            if len(batch) >= AUTO_FLUSH_ROWS:
                f.write(("\n".join(batch) + "\n").encode("utf-8", "surrogateescape"))
                batch.clear()
        if batch:
            f.write(("\n".join(batch) + "\n").encode("utf-8", "surrogateescape"))
        f.flush()
        os.fsync(f.fileno())
