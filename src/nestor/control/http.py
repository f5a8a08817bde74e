"""The HTTP/HTTPS control channel (Kea 3.x ``control-sockets`` with ``socket-type: http``).

It takes what Kea's Control Agent takes - a POST whose body is
``{"command": ..., "service": [...], "arguments": ...}`` - and answers with a
JSON list holding the answer, as the agent does for a forwarded command, so
``kea-shell`` and scripts written against the agent work unchanged. With
basic authentication configured a request without valid credentials gets
``401`` and a ``WWW-Authenticate`` challenge naming the realm. The listening
socket is bound synchronously when the configuration is prepared (so a port
that cannot be had refuses the configuration); aiohttp serves it once the
event loop runs.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import os
import socket
import ssl

from aiohttp import web

from nestor.control.channels import HttpSpec, TlsSpec
from nestor.control.framing import decode, encode
from nestor.control.service import CommandHandler
from nestor.errors import ConfigError
from nestor.logs.core import get_logger
from nestor.logs.levels import DBG_COMMAND

log = get_logger("commands")
JSON = "application/json"


def bind_tcp(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(64)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"unable to open control socket {address}:{port}: "
                          f"{exc.strerror or exc}") \
            from exc
    return sock


def tls_context(tls: TlsSpec) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_cert_chain(tls.cert_file, tls.key_file)
        if os.path.isdir(tls.trust_anchor):
            ctx.load_verify_locations(capath=tls.trust_anchor)
        elif tls.trust_anchor:
            ctx.load_verify_locations(cafile=tls.trust_anchor)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"bad TLS setup for the control socket: {exc}") from exc
    ctx.verify_mode = ssl.CERT_REQUIRED if tls.cert_required else (
        ssl.CERT_OPTIONAL if tls.trust_anchor else ssl.CERT_NONE)
    return ctx


def _user(header: str | None, credentials: frozenset[tuple[str, str]]) -> str | None:
    """The authenticated user name, or None (RFC 7617 basic scheme)."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip(), validate=True) \
            .decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    ok = any(hmac.compare_digest(user, u) & hmac.compare_digest(password, p)
             for u, p in credentials)
    return user if ok else None


class HttpChannel:
    """One bound HTTP(S) listener."""

    def __init__(self, spec: HttpSpec) -> None:
        self.spec = spec
        self._ssl = tls_context(spec.tls) if spec.tls is not None else None
        self._sock = bind_tcp(spec.address, spec.port)
        self._runner: web.AppRunner | None = None
        self._handler: CommandHandler | None = None

    def describe(self) -> str:
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://{self.spec.address}:{self.spec.port}/"

    async def start(self, handler: CommandHandler) -> None:
        self._handler = handler
        app = web.Application(client_max_size=16 << 20)
        app.router.add_route("POST", "/{tail:.*}", self._post)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock, ssl_context=self._ssl).start()
        log.debug(DBG_COMMAND, "COMMAND_HTTP_LISTENER_STARTED", 1, self.spec.address,
                  self.spec.port, self._ssl is not None)

    def _reply(self, status: int, body: object, extra: dict[str, str] | None = None
               ) -> web.Response:
        headers = dict(self.spec.headers)
        headers.update(extra or {})
        return web.Response(status=status, body=encode(body), content_type=JSON,
                            headers=headers)

    async def _post(self, request: web.Request) -> web.Response:
        assert self._handler is not None
        creds = self.spec.credentials
        if creds is not None and _user(request.headers.get("Authorization"), creds) is None:
            log.debug(DBG_COMMAND, "COMMAND_HTTP_LISTENER_COMMAND_REJECTED", "unauthorized",
                      request.remote)
            challenge = {"WWW-Authenticate": f'Basic realm="{self.spec.realm}"'}
            return self._reply(401, {"result": 401, "text": "Unauthorized"}, challenge)
        body, refused = decode(await request.read())
        if refused is not None:
            return self._reply(400, {"result": 400, "text": "Bad Request"})
        if isinstance(body, dict):
            body.pop("remote-address", None)
        response = self._reply(200, [self._handler.handle(body)])
        # Written out before ``answered`` runs: a shutdown must not cut its own answer.
        await response.prepare(request)
        await response.write_eof()
        self._handler.answered()
        return response

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._sock.close()

    def close(self) -> None:
        """Synchronous close: the socket now, aiohttp's clean-up on the loop if it runs."""
        if self._runner is None:
            self._sock.close()
            return
        try:
            asyncio.get_running_loop().create_task(self.stop())
        except RuntimeError:
            self._sock.close()
