"""The UNIX domain control socket, framed as Kea frames it.

One connection carries one command: the client writes a JSON value (in as
many pieces as it likes), the server answers and closes. The answer is
written through asyncio's buffered transport, so a large answer to a slow
reader never blocks the DHCP traffic; a client that stays silent is given
Kea's time-out answer.

Safety of the socket file: a ``<path>.lock`` file is held with ``flock``
while the socket exists (as Kea does), so a second server configured with the
same path is refused instead of stealing the path; a socket file left behind
by a server that died is replaced; the socket is made ``0660`` - reachable by
the server's user and group (how Stork's agent and the Control Agent get in),
not by everybody.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import socket
import stat

from nestor.control.framing import FramingError, JsonFeed, decode, encode
from nestor.control.registry import RESULT_ERROR, answer
from nestor.control.service import CommandHandler
from nestor.errors import ConfigError
from nestor.logs.core import get_logger
from nestor.logs.levels import DBG_COMMAND

log = get_logger("commands")

SOCKET_MODE = 0o660
READ_TIMEOUT = 10.0  # seconds of silence before a partial command is given up
WRITE_TIMEOUT = 60.0  # a reader slower than this for a whole answer is dropped
TIMEOUT_TEXT = "Connection over control channel timed out"


def _lock(path: str) -> int:
    lock_path = path + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot create socket lockfile, {lock_path}, : {exc.strerror}") \
            from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise ConfigError(f"cannot lock socket lockfile, {lock_path}, : {exc.strerror}") \
            from exc
    return fd


def _clear_stale(path: str) -> None:
    """Remove a socket file nobody listens on; refuse a live one or a non-socket."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise ConfigError(f"'{path}' exists and is not a socket")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(path)
    except OSError:
        os.unlink(path)  # stale: its server is gone
        return
    finally:
        probe.close()
    raise ConfigError(f"control socket '{path}' is in use by another process")


def bind_unix(path: str) -> tuple[socket.socket, int]:
    """A listening socket at ``path`` and the held lock's descriptor (ConfigError)."""
    lock_fd = _lock(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        _clear_stale(path)
        # Created with the final mode: no window in which others may connect.
        old = os.umask(0o777 & ~SOCKET_MODE)
        try:
            sock.bind(path)
        finally:
            os.umask(old)
        sock.listen(64)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        os.close(lock_fd)
        raise ConfigError(f"failed to bind control socket '{path}': {exc.strerror or exc}") \
            from exc
    except ConfigError:
        sock.close()
        os.close(lock_fd)
        raise
    return sock, lock_fd


class UnixChannel:
    """One bound UNIX control socket; serving starts when the event loop runs."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._sock, self._lock_fd = bind_unix(path)
        self._server: asyncio.AbstractServer | None = None
        self._handler: CommandHandler | None = None

    def describe(self) -> str:
        return f"unix:{self.path}"

    async def start(self, handler: CommandHandler) -> None:
        self._handler = handler
        self._server = await asyncio.start_unix_server(self._client, sock=self._sock)
        log.info("COMMAND_ACCEPTOR_START", self.path)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        fd = writer.get_extra_info("socket").fileno()
        log.debug(DBG_COMMAND, "COMMAND_SOCKET_CONNECTION_OPENED", fd)
        try:
            payload = await self._serve_one(reader)
            if payload is not None:
                writer.write(payload)
                await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)
                log.debug(DBG_COMMAND, "COMMAND_SOCKET_WRITE", len(payload), 0, fd)
        except (TimeoutError, OSError) as exc:
            log.error("COMMAND_SOCKET_WRITE_FAIL", fd, exc)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            log.debug(DBG_COMMAND, "COMMAND_SOCKET_CONNECTION_CLOSED", fd)
            if self._handler is not None:
                self._handler.answered()

    async def _serve_one(self, reader: asyncio.StreamReader) -> bytes | None:
        """The answer's bytes, or None when the client left before finishing a command."""
        assert self._handler is not None
        feed = JsonFeed()
        try:
            while True:
                chunk = await asyncio.wait_for(reader.read(65536), READ_TIMEOUT)
                if not chunk:
                    return None
                if feed.feed(chunk):
                    break
        except TimeoutError:
            return encode(answer(RESULT_ERROR, TIMEOUT_TEXT))
        except FramingError as exc:
            log.warn("COMMAND_PROCESS_ERROR1", exc)
            return encode(answer(RESULT_ERROR, str(exc)))
        request, refused = decode(feed.value())
        if refused is not None:
            log.warn("COMMAND_PROCESS_ERROR1", refused["text"])
        return encode(refused if refused is not None else self._handler.handle(request))

    async def stop(self) -> None:
        self.close()

    def close(self) -> None:
        """Stop listening, remove the socket file, release the lock (idempotent)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock_fd < 0:
            return
        self._sock.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.unlink(self.path + ".lock")
        os.close(self._lock_fd)
        self._lock_fd = -1
