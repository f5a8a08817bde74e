"""Built-in commands of ``nestor-dhcp4`` other than ``config-*``: texts and shapes are Kea's.

Texts, result codes and argument checks were taken from a running Kea 2.2
(``tests/integration/test_control_kea.py`` compares the two servers).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import nestor
from nestor.control.netstate import ORIGINS
from nestor.control.registry import (
    ACCESS_READ,
    ACCESS_WRITE,
    RESULT_ERROR,
    RESULT_SUCCESS,
    Answer,
    CommandContext,
    CommandSpec,
    answer,
    library_names,
)
from nestor.daemons.common import config_report, extended_version
from nestor.stats import commands as stat_commands

NON_MAP_GET = "Error during command processing: get(string) called on a non-map Element"


def build_report(ctx: CommandContext, arguments: object) -> Answer:
    return answer(RESULT_SUCCESS, config_report(4))


def version_get(ctx: CommandContext, arguments: object) -> Answer:
    return answer(RESULT_SUCCESS, nestor.__version__, {"extended": extended_version()})


def server_tag_get(ctx: CommandContext, arguments: object) -> Answer:
    tag = ctx.config.globals.get("server-tag", "") if ctx.config is not None else ""
    return answer(RESULT_SUCCESS, arguments={"server-tag": tag})


def status_get(ctx: CommandContext, arguments: object) -> Answer:
    """Kea 2.2's keys plus 3.x's ``dhcp-state``; Nestor never runs DHCP threads."""
    server = ctx.server
    now = time.monotonic()
    return answer(RESULT_SUCCESS, arguments={
        "dhcp-state": server.network.describe(),
        "multi-threading-enabled": False,
        "pid": os.getpid(),
        "reload": int(now - server.reloaded_at),
        "sockets": {"status": server.sockets_status()},
        "uptime": int(now - server.started_at),
    })


def _origin(args: dict[str, Any]) -> tuple[str | None, str | None]:
    """(origin, None) or (None, Kea's refusal text)."""
    origin = args.get("origin", "user")
    if not isinstance(origin, str):
        return None, "'origin' argument must be a string"
    if origin not in ORIGINS:
        return None, f"invalid value used for 'origin' parameter: {origin}"
    return origin, None


def dhcp_disable(ctx: CommandContext, arguments: object) -> Answer:
    if arguments is not None and not isinstance(arguments, dict):
        return answer(RESULT_ERROR, "arguments for the 'dhcp-disable' command must be a map")
    args = arguments or {}
    period = args.get("max-period")
    if period is not None:
        if type(period) is not int:
            return answer(RESULT_ERROR, "'max-period' argument must be a number")
        if period <= 0:
            return answer(RESULT_ERROR, "'max-period' must be positive integer")
    origin, refused = _origin(args)
    if origin is None:
        return answer(RESULT_ERROR, refused)
    ctx.server.network.disable(origin, period)
    suffix = f" for {period} seconds" if period is not None else ""
    return answer(RESULT_SUCCESS, "DHCPv4 service disabled" + suffix)


def dhcp_enable(ctx: CommandContext, arguments: object) -> Answer:
    if arguments is not None and not isinstance(arguments, dict):
        return answer(RESULT_ERROR, "arguments for the 'dhcp-enable' command must be a map")
    origin, refused = _origin(arguments or {})
    if origin is None:
        return answer(RESULT_ERROR, refused)
    ctx.server.network.enable(origin)
    return answer(RESULT_SUCCESS, "DHCP service successfully enabled")


def leases_reclaim(ctx: CommandContext, arguments: object) -> Answer:
    if arguments is not None and not isinstance(arguments, dict):
        return answer(RESULT_ERROR, NON_MAP_GET)
    if not arguments or "remove" not in arguments:
        return answer(RESULT_ERROR, "Missing mandatory 'remove' parameter.")
    remove = arguments["remove"]
    if not isinstance(remove, bool):
        return answer(RESULT_ERROR, "'remove' parameter expected to be a boolean.")
    ctx.server.reclaim(remove)
    return answer(RESULT_SUCCESS, "Reclamation of expired leases is complete.")


def shutdown(ctx: CommandContext, arguments: object) -> Answer:
    if arguments is not None and not isinstance(arguments, dict):
        return answer(RESULT_ERROR, "Argument must be a map")
    value = (arguments or {}).get("exit-value", 0)
    if type(value) is not int:
        return answer(RESULT_ERROR, "parameter 'exit-value' is not an integer")
    ctx.server.shutdown(value)
    return answer(RESULT_SUCCESS, "Shutting down.")


def make_list_commands(names: Callable[[frozenset[str]], list[str]]) -> Callable[
        [CommandContext, object], Answer]:
    """``list-commands`` needs the registry it lives in: ``names`` is its :meth:`names`."""
    def list_commands(ctx: CommandContext, arguments: object) -> Answer:
        return answer(RESULT_SUCCESS, arguments=names(library_names(ctx.config)))
    return list_commands


# -- statistic-* -----------------------------------------------------------------

# After these, Kea's running configuration reports the new defaults too.
_DEFAULT_KEYS = {
    "statistic-sample-count-set-all": ("max-samples", "statistic-default-sample-count"),
    "statistic-sample-age-set-all": ("duration", "statistic-default-sample-age"),
}


def _statistic(name: str) -> Callable[[CommandContext, object], Answer]:
    handler = stat_commands.HANDLERS[name]

    def run(ctx: CommandContext, arguments: object) -> Answer:
        result = handler(ctx.stats, arguments)
        recorded = _DEFAULT_KEYS.get(name)
        if recorded and result["result"] == RESULT_SUCCESS and ctx.config is not None:
            arg, key = recorded
            assert isinstance(arguments, dict)
            ctx.config.globals[key] = arguments[arg]
            if name == "statistic-sample-age-set-all":  # Kea resets the count limit
                ctx.config.globals["statistic-default-sample-count"] = 0
        return result
    return run


STATISTIC_ACCESS = {
    "statistic-get": ACCESS_READ, "statistic-get-all": ACCESS_READ,
    "statistic-reset": ACCESS_WRITE, "statistic-reset-all": ACCESS_WRITE,
    "statistic-remove": ACCESS_WRITE, "statistic-remove-all": ACCESS_WRITE,
    "statistic-sample-age-set": ACCESS_WRITE, "statistic-sample-age-set-all": ACCESS_WRITE,
    "statistic-sample-count-set": ACCESS_WRITE, "statistic-sample-count-set-all": ACCESS_WRITE,
}

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("build-report", build_report, ACCESS_READ, any_arguments=True),
    CommandSpec("version-get", version_get, ACCESS_READ, any_arguments=True),
    CommandSpec("server-tag-get", server_tag_get, ACCESS_READ, any_arguments=True),
    CommandSpec("status-get", status_get, ACCESS_READ, any_arguments=True),
    CommandSpec("dhcp-disable", dhcp_disable, ACCESS_WRITE, any_arguments=True),
    CommandSpec("dhcp-enable", dhcp_enable, ACCESS_WRITE, any_arguments=True),
    CommandSpec("leases-reclaim", leases_reclaim, ACCESS_WRITE, any_arguments=True),
    CommandSpec("shutdown", shutdown, ACCESS_WRITE, any_arguments=True),
    *(CommandSpec(name, _statistic(name), access, any_arguments=True)
      for name, access in STATISTIC_ACCESS.items()),
)
