"""Console and file outputs with Kea's (log4cplus's) behaviour.

File output appends; with ``maxsize`` > 0 it rotates like log4cplus's
RollingFileAppender, which Kea uses:

* the size that triggers rotation is at least 204800 bytes (smaller non-zero
  values are raised to it; 0 turns rotation off), and ``maxver`` is at least 1;
* a line is always written whole, and the file is rotated as soon as it has
  grown past ``maxsize``: ``NAME.(maxver-1)`` → ``NAME.maxver`` (the oldest is
  dropped), …, ``NAME.1`` → ``NAME.2``, ``NAME`` → ``NAME.1``, new ``NAME``;
* several processes may share one file: every write and rotation happens
  under an exclusive lock on ``NAME.lock`` (Kea 2.2 creates the same file),
  and a process that finds the file rotated by another reopens it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO, TextIO

from nestor.logs.pattern import DEFAULT_PATTERN, Layout, Record

MIN_ROTATE_SIZE = 204800   # log4cplus MINIMUM_ROLLING_LOG_SIZE
DEFAULT_MAXSIZE = 10240000
DEFAULT_MAXVER = 1


# One lock per console stream: several loggers may write to stdout at once.
_STREAM_LOCKS = {"stdout": threading.Lock(), "stderr": threading.Lock()}


class StreamOutput:
    """stdout or stderr, looked up at each write so a replaced ``sys.stdout`` is honoured."""

    def __init__(self, stream: Callable[[], TextIO | None], layout: Layout | None = None,
                 flush: bool = True, name: str = "stream") -> None:
        self._stream = stream
        self.layout = layout or Layout(DEFAULT_PATTERN)
        self.flush = flush
        self.name = name
        self._lock = _STREAM_LOCKS.get(name) or threading.Lock()

    def emit(self, record: Record) -> None:
        text = self.layout.format(record)
        stream = self._stream()
        if stream is None:
            return
        with self._lock:
            stream.write(text)
            if self.flush:
                stream.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream = self._stream()
            if stream is not None:
                stream.flush()


def stdout_output(layout: Layout | None = None, flush: bool = True) -> StreamOutput:
    return StreamOutput(lambda: sys.stdout, layout, flush, "stdout")


def stderr_output(layout: Layout | None = None, flush: bool = True) -> StreamOutput:
    return StreamOutput(lambda: sys.stderr, layout, flush, "stderr")


class FileSink:
    """An open log file shared by every output naming it (see the module notes).

    Sharing matters: POSIX record locks belong to the process, so two
    independent handles on one file in one process would not exclude each
    other, and closing either would drop the other's lock.

    Kea's ``flush: true`` (the default) means every line reaches the file when
    it is logged: the line goes out in one ``write(2)`` on an ``O_APPEND``
    descriptor, with no Python buffer to copy it into and flush again. Only
    ``flush: false`` without rotation keeps a buffer (written when full or at
    close, as log4cplus does without immediate flush).
    """

    def __init__(self, path: str, flush: bool = True, maxsize: int = DEFAULT_MAXSIZE,
                 maxver: int = DEFAULT_MAXVER) -> None:
        self.path = path
        self.flush = flush
        self.maxsize = max(maxsize, MIN_ROTATE_SIZE) if maxsize > 0 else 0
        self.maxver = max(maxver, 1)
        self._lock = threading.Lock()
        self._fd = -1
        self._buffer: BinaryIO | None = None
        self._lockfd = -1
        self.writer: Callable[[str], None] = (
            self._write_rotating if self.maxsize else
            self._write_direct if flush else self._write_buffered)
        try:
            self._fd = self._open()
            if self.maxsize:
                self._lockfd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
            elif not flush:
                self._buffer = open(self._fd, "wb", closefd=False)  # noqa: SIM115
        except OSError as exc:
            # Kea carries on without this output (the configuration is not
            # refused); say why once, as log4cplus does when not silenced.
            sys.stderr.write(f"log4cplus:ERROR Unable to open file: {path} ({exc.strerror})\n")
            self.close()

    @property
    def closed(self) -> bool:
        """True once closed (or when the file could not be opened)."""
        return self._fd < 0

    def _open(self) -> int:
        # What open(path, "ab") does (mode 0666 less the umask, not inherited).
        return os.open(self.path, _APPEND_FLAGS, 0o666)

    def write(self, text: str) -> None:
        self.writer(text)

    # The three ways to write, one chosen when the file is opened (``writer``).
    # acquire/try/release rather than ``with``: half the cost, on every line.

    def _write_direct(self, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        self._lock.acquire()
        try:
            fd = self._fd
            if fd >= 0:
                written = os.write(fd, data)
                if written < len(data):
                    _write_rest(fd, data, written)
        finally:
            self._lock.release()

    def _write_buffered(self, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        with self._lock:
            if self._buffer is not None:
                self._buffer.write(data)

    def _write_rotating(self, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        with self._lock:
            if self._fd < 0:
                return
            fcntl.lockf(self._lockfd, fcntl.LOCK_EX)
            try:
                self._append_rotating(data)
            finally:
                fcntl.lockf(self._lockfd, fcntl.LOCK_UN)

    def _append_rotating(self, data: bytes) -> None:
        """log4cplus's order: check, write, check again (others read the size).

        Under the lock nobody else appends, so the size after the write is the
        size before plus the line: one ``lseek(2)`` per line instead of two.
        """
        size = os.lseek(self._fd, 0, os.SEEK_END)
        if size > self.maxsize:
            self._rollover()
            size = os.lseek(self._fd, 0, os.SEEK_END)  # another process may have begun it
        _write_all(self._fd, data)
        if size + len(data) > self.maxsize:
            self._rollover()

    def _rollover(self) -> None:
        os.close(self._fd)
        self._fd = -1  # until reopened: a failure here leaves the output silent
        try:
            on_disk = os.stat(self.path).st_size
        except FileNotFoundError:
            on_disk = 0
        if on_disk > self.maxsize:
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{self.path}.{self.maxver}")
            for index in range(self.maxver - 1, 0, -1):
                with contextlib.suppress(FileNotFoundError):
                    os.rename(f"{self.path}.{index}", f"{self.path}.{index + 1}")
            os.rename(self.path, f"{self.path}.1")
        # else another process rotated already: only follow it to the new file.
        self._fd = self._open()

    def close(self) -> None:
        with self._lock:
            if self._buffer is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._buffer.close()  # flushes; the descriptor is closed below
                self._buffer = None
            for fd in (self._fd, self._lockfd):
                if fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._fd = self._lockfd = -1


_APPEND_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written < len(data):
        _write_rest(fd, data, written)


def _write_rest(fd: int, data: bytes, written: int) -> None:
    """After a short ``write(2)`` (a nearly full disk): the rest, or an OSError."""
    view = memoryview(data)
    while written < len(view):
        step = os.write(fd, view[written:])
        if step <= 0:
            raise OSError(f"log file write made no progress at byte {written}")
        written += step


class FileOutput:
    """One logger's view of a log file: its own pattern, a shared :class:`FileSink`."""

    def __init__(self, sink: FileSink, layout: Layout | None = None) -> None:
        self.sink = sink
        self.layout = layout or Layout(DEFAULT_PATTERN)
        # Bound once: emit() is on the per-packet path at INFO.
        self._format = self.layout.format
        self._write = sink.writer

    @property
    def path(self) -> str:
        return self.sink.path

    def emit(self, record: Record) -> None:
        self._write(self._format(record))

    def close(self) -> None:
        self.sink.close()
