"""The command table of ``nestor-dhcp4``: built-ins and the hook libraries' commands."""

from __future__ import annotations

import importlib

from nestor.control import builtins, config_cmds, explain_cmds
from nestor.control.registry import ACCESS_READ, CommandSpec, Registry

# Commands of Kea hook libraries, each module exporting a COMMANDS tuple of
# CommandSpec whose ``library`` names the Kea library that enables them.
LIBRARY_MODULES = ("nestor.control.lease_cmds", "nestor.control.stat_cmds")


def _library_specs() -> list[CommandSpec]:
    specs: list[CommandSpec] = []
    for name in LIBRARY_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        specs.extend(getattr(module, "COMMANDS", ()))
    return specs


def registry4() -> Registry:
    registry = Registry()
    registry.register_all(builtins.SPECS)
    registry.register_all(config_cmds.SPECS)
    registry.register_all(explain_cmds.SPECS)
    registry.register(CommandSpec("list-commands", builtins.make_list_commands(registry.names),
                                  ACCESS_READ, any_arguments=True))
    registry.register_all(_library_specs())
    return registry
