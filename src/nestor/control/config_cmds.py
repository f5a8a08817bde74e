"""The ``config-*`` commands: read, check, replace, reload and write the configuration.

``config-set`` and ``config-reload`` are atomic: the new configuration is
fully checked and everything it needs (lease store, DHCP sockets, control
channels) is opened before the running one is touched; any failure answers
result 1 with the reason and leaves the server as it was. Kea 2.2 loses its
control socket when a ``config-set`` names one it cannot open; Nestor, like
3.x, keeps the old one.

``config-get`` returns the configuration as Kea 2.2 shows it: Kea's defaults for
the global parameters filled in, and subnets, pools, options, classes, hosts and
loggers rebuilt with their per-entry defaults (:mod:`nestor.control.config_view`).
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import orjson

from nestor.config.loader import load_text
from nestor.config.model import Config
from nestor.config.params import DEFAULTS4, PARAM_KEYS
from nestor.control.builtins import NON_MAP_GET
from nestor.control.config_view import ConfigView
from nestor.control.registry import (
    ACCESS_READ,
    ACCESS_WRITE,
    RESULT_ERROR,
    RESULT_SUCCESS,
    Answer,
    CommandContext,
    CommandSpec,
    answer,
)
from nestor.daemons.common import check_hook_libraries, live_system_checks
from nestor.errors import NestorError
from nestor.logs.core import get_logger

log = get_logger("dhcp4")

SECTION = "Dhcp4"
SUCCESS_TEXT = "Configuration successful."
TEST_OK_TEXT = ("Configuration seems sane. Control-socket, hook-libraries, and D2 "
                "configuration were sanity checked, but not applied.")


# Inheritable parameters whose default Kea 2.2's config-get shows at the global level.
SHOWN_NETWORK_DEFAULTS = (
    "authoritative", "boot-file-name", "calculate-tee-times", "ddns-generated-prefix",
    "ddns-override-client-update", "ddns-override-no-update", "ddns-qualifying-suffix",
    "ddns-replace-client-name", "ddns-send-updates", "ddns-update-on-renew",
    "ddns-use-conflict-resolution", "hostname-char-replacement", "hostname-char-set",
    "match-client-id", "next-server", "reservations-global", "reservations-in-subnet",
    "reservations-out-of-pool", "server-hostname", "store-extended-info", "t1-percent",
    "t2-percent", "valid-lifetime",
)
SHOWN_EMPTY_LISTS = ("shared-networks", "subnet4")


def _network_defaults() -> dict[str, Any]:
    return {key: getattr(DEFAULTS4, PARAM_KEYS[key][0]) for key in SHOWN_NETWORK_DEFAULTS}


def running_config(config: Config) -> dict[str, Any]:
    """The Dhcp4 map as Kea's ``config-get`` shows it (keys sorted at every depth)."""
    merged: dict[str, Any] = {key: [] for key in SHOWN_EMPTY_LISTS}
    merged.update(_network_defaults())
    merged.update(orjson.loads(orjson.dumps(config.raw)))
    merged.update(orjson.loads(orjson.dumps(config.globals)))
    ids = {s.text: s.id for s in config.subnets}
    return ConfigView(config.raw, merged, config.definitions, ids).render()


def config_hash(config: Config) -> str:
    """SHA-256 of the running configuration, upper-case hex as Kea 2.4+ prints it."""
    text = orjson.dumps({SECTION: running_config(config)}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(text).hexdigest().upper()


class _Refused(Exception):
    pass


def _checked(arguments: object) -> Config:
    """The ``Dhcp4`` map of config-set/config-test, loaded and checked; _Refused/NestorError."""
    if arguments is None:
        raise _Refused("Missing mandatory 'arguments' parameter.")
    if not isinstance(arguments, dict):
        raise _Refused(NON_MAP_GET)
    if SECTION not in arguments:
        raise _Refused(f"Missing mandatory '{SECTION}' parameter.")
    for key in arguments:
        if key != SECTION:
            log.error("DHCP4_CONFIG_UNSUPPORTED_OBJECT", key)
            raise _Refused(f"Unsupported '{key}' parameter.")
    if not isinstance(arguments[SECTION], dict):
        raise _Refused(f"'{SECTION}' parameter expected to be a map.")
    text = orjson.dumps({SECTION: arguments[SECTION]}).decode()
    config = load_text(text, 4, "<wire>", live_system_checks()).config
    check_hook_libraries(config.raw)
    return config


def config_get(ctx: CommandContext, arguments: object) -> Answer:
    if ctx.config is None:
        return answer(RESULT_ERROR, "no configuration")
    return answer(RESULT_SUCCESS, arguments={SECTION: running_config(ctx.config)})


def config_hash_get(ctx: CommandContext, arguments: object) -> Answer:
    if ctx.config is None:
        return answer(RESULT_ERROR, "no configuration")
    return answer(RESULT_SUCCESS, arguments={"hash": config_hash(ctx.config)})


def config_test(ctx: CommandContext, arguments: object) -> Answer:
    try:
        _checked(arguments)
    except _Refused as exc:
        return answer(RESULT_ERROR, str(exc))
    except (NestorError, OSError) as exc:
        return answer(RESULT_ERROR, str(exc))
    return answer(RESULT_SUCCESS, TEST_OK_TEXT)


def config_set(ctx: CommandContext, arguments: object) -> Answer:
    try:
        ctx.server.apply_config(_checked(arguments))
    except _Refused as exc:
        return answer(RESULT_ERROR, str(exc))
    except (NestorError, OSError) as exc:
        return answer(RESULT_ERROR, str(exc))
    return answer(RESULT_SUCCESS, SUCCESS_TEXT)


def config_reload(ctx: CommandContext, arguments: object) -> Answer:
    """The same path as SIGHUP."""
    failure = ctx.server.reload()
    if failure is not None:
        path = ctx.server.config_path
        return answer(RESULT_ERROR, "Config reload failed: configuration error using file "
                                    f"'{path}': {failure}")
    return answer(RESULT_SUCCESS, SUCCESS_TEXT)


def config_write(ctx: CommandContext, arguments: object) -> Answer:
    if arguments is not None and not isinstance(arguments, dict):
        return answer(RESULT_ERROR, "Argument must be a map")
    filename = (arguments or {}).get("filename", ctx.server.config_path)
    if not isinstance(filename, str):
        return answer(RESULT_ERROR, "passed parameter 'filename' is not a string")
    if ctx.config is None:
        return answer(RESULT_ERROR, "no configuration")
    text = json.dumps({SECTION: running_config(ctx.config)}, indent=2) + "\n"
    try:
        # Written beside and renamed over: a crash never leaves half a file.
        tmp = f"{filename}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, filename)
    except OSError:
        return answer(RESULT_ERROR, "Error during write-config:Unable to open file "
                                    f"{filename} for writing")
    return answer(RESULT_SUCCESS, f"Configuration written to {filename} successful",
                  {"filename": filename, "size": len(text.encode())})


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("config-get", config_get, ACCESS_READ, any_arguments=True),
    CommandSpec("config-hash-get", config_hash_get, ACCESS_READ, any_arguments=True),
    CommandSpec("config-reload", config_reload, ACCESS_WRITE, any_arguments=True),
    CommandSpec("config-set", config_set, ACCESS_WRITE, any_arguments=True),
    CommandSpec("config-test", config_test, ACCESS_WRITE, any_arguments=True),
    CommandSpec("config-write", config_write, ACCESS_WRITE, any_arguments=True),
)
