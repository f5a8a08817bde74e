"""Control channel settings from ``control-socket`` (Kea 2.2) / ``control-sockets`` (3.x).

Each entry becomes a frozen, hashable spec, so a reconfiguration can tell a
channel that stays the same (kept open, its clients undisturbed) from one
that changed (a new one opened first, then the old one closed). Defaults are
Kea 3.x's: HTTP on 127.0.0.1 port 8000, client certificates required when a
trust anchor is given, realm ``kea-dhcpv4-server``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from nestor.errors import ConfigError

DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_REALM = "kea-dhcpv4-server"


@dataclass(frozen=True, slots=True)
class UnixSpec:
    path: str


@dataclass(frozen=True, slots=True)
class TlsSpec:
    trust_anchor: str
    cert_file: str
    key_file: str
    cert_required: bool


@dataclass(frozen=True, slots=True)
class HttpSpec:
    address: str
    port: int
    tls: TlsSpec | None
    realm: str = DEFAULT_REALM
    credentials: frozenset[tuple[str, str]] | None = None  # None: no authentication
    headers: tuple[tuple[str, str], ...] = ()


ChannelSpec = UnixSpec | HttpSpec


def channel_specs(raw: Mapping[str, object]) -> list[ChannelSpec]:
    """Every channel the Dhcp4 map asks for, in order (ConfigError when incomplete)."""
    single = raw.get("control-socket")
    many = raw.get("control-sockets")
    entries: list[object] = []
    if isinstance(single, Mapping):
        entries.append(single)
    if isinstance(many, list):
        entries.extend(many)
    return [_spec(e) for e in entries if isinstance(e, Mapping)]


def _spec(entry: Mapping[str, object]) -> ChannelSpec:
    kind = entry.get("socket-type", "unix")
    if kind == "unix":
        name = entry.get("socket-name")
        if not isinstance(name, str) or not name:
            raise ConfigError("'socket-name' parameter is required for a unix control socket")
        return UnixSpec(os.path.abspath(name))
    if kind in ("http", "https"):
        return _http(entry, kind == "https")
    raise ConfigError(f"unsupported 'socket-type' '{kind}' not in 'unix', 'http' or 'https'")


def _str(entry: Mapping[str, object], key: str, default: str = "") -> str:
    value = entry.get(key, default)
    return value if isinstance(value, str) else default


def _http(entry: Mapping[str, object], https: bool) -> HttpSpec:
    port = entry.get("socket-port", DEFAULT_PORT)
    tls = _tls(entry)
    if https and tls is None:
        raise ConfigError("'cert-file' and 'key-file' are required for an https control socket")
    auth = entry.get("authentication")
    realm, creds = DEFAULT_REALM, None
    if isinstance(auth, Mapping):
        realm = _str(auth, "realm", DEFAULT_REALM)
        creds = _credentials(auth)
    headers = entry.get("http-headers")
    pairs = tuple((_str(h, "name"), _str(h, "value")) for h in headers
                  if isinstance(h, Mapping)) if isinstance(headers, list) else ()
    return HttpSpec(_str(entry, "socket-address", DEFAULT_ADDRESS),
                    port if isinstance(port, int) else DEFAULT_PORT, tls, realm, creds, pairs)


def _tls(entry: Mapping[str, object]) -> TlsSpec | None:
    cert, key = _str(entry, "cert-file"), _str(entry, "key-file")
    anchor = _str(entry, "trust-anchor")
    if not (cert or key or anchor):
        return None
    if not (cert and key):
        raise ConfigError("TLS needs both 'cert-file' and 'key-file' for a control socket")
    required = entry.get("cert-required", bool(anchor))
    return TlsSpec(anchor, cert, key, bool(required) and bool(anchor))


def _read_secret(directory: str, name: str) -> str:
    path = name if os.path.isabs(name) else os.path.join(directory, name)
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline().rstrip("\r\n")
    except OSError as exc:
        raise ConfigError(f"cannot read '{path}': {exc.strerror}") from exc


def _credentials(auth: Mapping[str, object]) -> frozenset[tuple[str, str]]:
    """(user, password) pairs; a lone ``password-file`` holds ``user:password`` (Kea 3.x)."""
    directory = _str(auth, "directory")
    clients = auth.get("clients")
    pairs: set[tuple[str, str]] = set()
    for client in clients if isinstance(clients, list) else []:
        if not isinstance(client, Mapping):
            continue
        user = _str(client, "user")
        if not user and client.get("user-file"):
            user = _read_secret(directory, _str(client, "user-file"))
        password = _str(client, "password")
        if client.get("password-file"):
            password = _read_secret(directory, _str(client, "password-file"))
            if not user and "user-file" not in client:
                user, sep, password = password.partition(":")
                if not sep:
                    raise ConfigError("a 'password-file' without a user must hold user:password")
        if not user or ":" in user:
            raise ConfigError("an authentication client needs a user without ':'")
        pairs.add((user, password))
    return frozenset(pairs)
