"""The command registry: names, handlers and access classes as data.

Every management command, built-in or from a hook library, is one
:class:`CommandSpec` in a :class:`Registry`. Channels (UNIX socket, HTTP)
decode a request into a dict and call :meth:`Registry.dispatch`; handlers are
plain functions of the running server (a :class:`CommandContext`) and the
command's ``arguments``, so they are testable without any socket.

A command that belongs to a hook library (``library`` set, e.g.
``libdhcp_lease_cmds.so``) exists only while the running configuration lists
that library in ``hooks-libraries``: otherwise it is answered exactly like an
unknown command, which is what Kea does since it never registered it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from nestor.logs.core import get_logger

if TYPE_CHECKING:
    from nestor.config.model import Config
    from nestor.control.netstate import NetworkState
    from nestor.engine.v4 import Engine4
    from nestor.leases.store import LeaseStore4
    from nestor.stats.manager import StatsManager

# Kea's control result codes (src/lib/cc/command_interpreter.h).
RESULT_SUCCESS = 0
RESULT_ERROR = 1
RESULT_UNSUPPORTED = 2
RESULT_EMPTY = 3
RESULT_CONFLICT = 4

log = get_logger("commands")

ACCESS_READ = "read"
ACCESS_WRITE = "write"

Answer = dict[str, Any]


class ServerControl(Protocol):
    """What the built-in commands ask of the server process itself."""

    @property
    def config_path(self) -> str: ...
    @property
    def network(self) -> NetworkState: ...
    @property
    def started_at(self) -> float: ...  # time.monotonic() of start-up
    @property
    def reloaded_at(self) -> float: ...  # time.monotonic() of the last applied configuration
    def reload(self) -> str | None: ...  # SIGHUP's path: None, or why the file was refused
    def apply_config(self, config: Config) -> None: ...  # atomic; NestorError leaves all as is
    def reclaim(self, remove: bool) -> None: ...
    def shutdown(self, exit_value: int) -> None: ...  # after the answer is written
    def sockets_status(self) -> str: ...  # "ready", "retrying" or "failed"


class CommandContext(Protocol):
    """The running server's pieces, as handlers see them.

    ``config``, ``leases`` and ``engine`` are None only before the first
    configuration was applied (never while commands are served).
    """

    @property
    def config(self) -> Config | None: ...
    @property
    def leases(self) -> LeaseStore4 | None: ...
    @property
    def stats(self) -> StatsManager: ...
    @property
    def engine(self) -> Engine4 | None: ...
    @property
    def server(self) -> ServerControl: ...
    def now(self) -> float: ...


Handler = Callable[[CommandContext, "dict[str, object] | None"], Answer]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command: its name, handler, access class and enabling library."""

    name: str
    handler: Handler
    access: str  # ACCESS_READ or ACCESS_WRITE (kea-commands.tsv)
    library: str = ""  # "" built-in; else the Kea hook library file name
    # The handler copes with any JSON value as ``arguments`` (Kea passes a
    # list or a number through to the handler, which answers in its own
    # words); otherwise a non-map is refused before the handler runs.
    any_arguments: bool = False


def answer(result: int, text: str | None = None, arguments: object = None) -> Answer:
    """Kea's ``createAnswer``: ``text`` left out when None, ``arguments`` when None.

    Keys are in the order Kea prints them (its maps are sorted by key).
    """
    out: Answer = {}
    if arguments is not None:
        out["arguments"] = arguments
    out["result"] = result
    if text is not None:
        out["text"] = text
    return out


# Parameters Kea's parseCommand accepts at the top level of a command.
COMMAND_KEYS = frozenset({"command", "arguments", "service", "remote-address"})


class CommandError(Exception):
    """A request that is not a well-formed command; ``str()`` is Kea's reason."""


def parse_command(request: object) -> tuple[str, object]:
    """Check a decoded request like Kea's ``parseCommand``; (name, arguments)."""
    if request is None:
        raise CommandError("No command specified")
    if not isinstance(request, Mapping):
        raise CommandError("Invalid command Element specified, expected map")
    if "command" not in request:
        raise CommandError("Invalid answer specified, does not contain mandatory 'command'")
    for key in request:
        if key not in COMMAND_KEYS:
            raise CommandError(f"Received command contains unsupported parameter '{key}'")
    name = request["command"]
    if not isinstance(name, str):
        raise CommandError("'command' element in command message is not a string")
    return name, request.get("arguments")


def library_names(config: Config | None) -> frozenset[str]:
    """File names of the hook libraries the configuration lists."""
    if config is None:
        return frozenset()
    libs = config.raw.get("hooks-libraries")
    if not isinstance(libs, list):
        return frozenset()
    names = (os.path.basename(str(lib.get("library", ""))) for lib in libs
             if isinstance(lib, Mapping))
    return frozenset(n for n in names if n)


NOT_A_MAP_TEXT = "Parameters missing or are not a map."


def unsupported(name: str) -> Answer:
    return answer(RESULT_UNSUPPORTED, f"'{name}' command not supported.")


class Registry:
    """Name → :class:`CommandSpec`; dispatch checks the enabling library."""

    def __init__(self) -> None:
        self._specs: dict[str, CommandSpec] = {}

    def register(self, spec: CommandSpec) -> None:
        if spec.access not in (ACCESS_READ, ACCESS_WRITE):
            raise ValueError(f"{spec.name}: access must be read or write, not {spec.access!r}")
        if spec.name in self._specs:
            raise ValueError(f"command {spec.name!r} registered twice")
        self._specs[spec.name] = spec

    def register_all(self, specs: Iterable[CommandSpec]) -> None:
        for spec in specs:
            self.register(spec)

    def get(self, name: str, loaded_libraries: frozenset[str]) -> CommandSpec | None:
        """The spec, or None when unknown or its library is not loaded."""
        spec = self._specs.get(name)
        if spec is None or (spec.library and spec.library not in loaded_libraries):
            return None
        return spec

    def names(self, loaded_libraries: Iterable[str]) -> list[str]:
        """Commands available now, sorted (``list-commands``)."""
        loaded = frozenset(loaded_libraries)
        return sorted(n for n, s in self._specs.items() if not s.library or s.library in loaded)

    def dispatch(self, ctx: CommandContext, command: object) -> Answer:
        """Run one decoded command; every failure becomes an answer, never an exception."""
        try:
            name, arguments = parse_command(command)
        except CommandError as exc:
            log.warn("COMMAND_PROCESS_ERROR2", exc)
            return answer(RESULT_ERROR, f"Error during command processing: {exc}")
        spec = self.get(name, library_names(ctx.config))
        if spec is None:
            return unsupported(name)
        if arguments is None or isinstance(arguments, dict) or spec.any_arguments:
            return spec.handler(ctx, cast(Any, arguments))
        return answer(RESULT_ERROR, NOT_A_MAP_TEXT)
