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
        text = self.layout(record)
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
    """

    def __init__(self, path: str, flush: bool = True, maxsize: int = DEFAULT_MAXSIZE,
                 maxver: int = DEFAULT_MAXVER) -> None:
        self.path = path
        self.flush = flush
        self.maxsize = max(maxsize, MIN_ROTATE_SIZE) if maxsize > 0 else 0
        self.maxver = max(maxver, 1)
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._lockfd = -1
        try:
            self._file = self._open()
            if self.maxsize:
                self._lockfd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            # Kea carries on without this output (the configuration is not
            # refused); say why once, as log4cplus does when not silenced.
            sys.stderr.write(f"log4cplus:ERROR Unable to open file: {path} ({exc.strerror})\n")
            self.close()

    def _open(self) -> BinaryIO:
        return open(self.path, "ab")

    def write(self, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        with self._lock:
            handle = self._file
            if handle is None:
                return
            if self._lockfd < 0:
                handle.write(data)
                if self.flush:
                    handle.flush()
                return
            fcntl.lockf(self._lockfd, fcntl.LOCK_EX)
            try:
                self._append_rotating(handle, data)
            finally:
                fcntl.lockf(self._lockfd, fcntl.LOCK_UN)

    def _append_rotating(self, handle: BinaryIO, data: bytes) -> None:
        """log4cplus's order: check, write, check again; always flushed (others read the size)."""
        if os.lseek(handle.fileno(), 0, os.SEEK_END) > self.maxsize:
            handle = self._rollover(handle)
        handle.write(data)
        handle.flush()
        if os.lseek(handle.fileno(), 0, os.SEEK_END) > self.maxsize:
            self._rollover(handle)

    def _rollover(self, handle: BinaryIO) -> BinaryIO:
        handle.close()
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
        self._file = self._open()
        return self._file

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._file.close()
                self._file = None
            if self._lockfd >= 0:
                with contextlib.suppress(OSError):
                    os.close(self._lockfd)
                self._lockfd = -1


class FileOutput:
    """One logger's view of a log file: its own pattern, a shared :class:`FileSink`."""

    def __init__(self, sink: FileSink, layout: Layout | None = None) -> None:
        self.sink = sink
        self.layout = layout or Layout(DEFAULT_PATTERN)

    @property
    def path(self) -> str:
        return self.sink.path

    def emit(self, record: Record) -> None:
        self.sink.write(self.layout(record))

    def close(self) -> None:
        self.sink.close()
