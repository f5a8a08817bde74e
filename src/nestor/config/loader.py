"""Loading a Kea configuration file: parse, check the grammar, build the model.

Kea 2.x configuration files hold exactly one daemon's section: the DHCPv4
server's file is ``{"Dhcp4": {...}}``. Kea 1.x also allowed ``Logging`` and
other daemons' sections in one shared file; Kea 2.0 removed that and
refuses them, and so does Nestor, with a message saying what to do instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from nestor.config.build import build
from nestor.config.globalchecks import SystemChecks
from nestor.config.jsonpos import (
    ParseResult,
    Reader,
    TopKeyCheck,
    _read_file,
    parse_file,
    parse_source,
)
from nestor.config.model import Config
from nestor.config.schema4 import DHCP4
from nestor.config.schema6 import DHCP6
from nestor.config.source import Mark, PList, PMap, Source, error_at
from nestor.config.spec import check_map, kind_of

SECTIONS = {4: "Dhcp4", 6: "Dhcp6"}
_SPECS = {4: DHCP4, 6: DHCP6}
_OTHER_DAEMONS = {"Dhcp4": "kea-dhcp4", "Dhcp6": "kea-dhcp6", "DhcpDdns": "kea-dhcp-ddns",
                  "Control-agent": "kea-ctrl-agent", "Netconf": "kea-netconf"}


@dataclass
class Loaded:
    """A checked configuration with the warnings met while reading it (Kea logs these as
    DHCPx_CONFIG_SYNTAX_WARNING)."""

    config: Config
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a configuration is read and built.

    A big configuration makes hundreds of thousands of containers that all stay
    alive; each automatic collection would walk them again for nothing (about
    half of the load time of a 10,000-subnet file). Reading makes no cycles
    worth collecting, so the collector just waits until the load is over.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _top_mark(result: ParseResult) -> Mark | None:
    value = result.value
    if isinstance(value, PMap | PList) and value.mark is not None:
        return value.mark
    return Mark(result.sources[0], 0)


def top_key_check(universe: int) -> TopKeyCheck:
    """The check of an outermost key, run while parsing (see :func:`parse_source`)."""
    name = SECTIONS[universe]

    def check(key: str, mark: Mark | None) -> None:
        if key == name:
            return
        if key == "Logging":
            raise error_at(f'"Logging" is not supported: since Kea 2.0 loggers are configured '
                           f'in "{name}" with the "loggers" parameter', mark)
        if key in _OTHER_DAEMONS:
            raise error_at(f'"{key}" belongs in the configuration file of '
                           f'{_OTHER_DAEMONS[key]}: since Kea 2.0 a file given to '
                           f'{_OTHER_DAEMONS[name]} may hold only "{name}"', mark)
        raise error_at(f'got unexpected keyword "{key}" in toplevel map.', mark)

    return check


def section(result: ParseResult, universe: int) -> PMap:
    """The daemon's section of a parsed document, refusing what Kea 2.x refuses."""
    doc, name = result.value, SECTIONS[universe]
    if not isinstance(doc, PMap):
        raise error_at(f"syntax error, the configuration must be a map holding \"{name}\", "
                       f"not a {kind_of(doc)}", _top_mark(result))
    check = top_key_check(universe)
    for key in doc:
        check(key, doc.key_mark(key))
    if name not in doc:
        raise error_at(f"missing parameter '{name}': the configuration must hold a "
                       f"\"{name}\" map", doc.mark)
    body = doc[name]
    if not isinstance(body, PMap):
        raise error_at(f"invalid type for parameter '{name}': expecting map, got "
                       f"{kind_of(body)}", doc.value_mark(name))
    return body


def _warnings(result: ParseResult) -> list[str]:
    return [f"{mark}: {text}" for text, mark in result.warnings]


def load_parsed(result: ParseResult, universe: int,
                system: SystemChecks | None = None) -> Loaded:
    body = section(result, universe)
    check_map(_SPECS[universe], body)
    config = build(body, universe, system)
    warnings = _warnings(result)
    config.warnings = warnings
    return Loaded(config, warnings, [s.name for s in result.sources])


def load_file(path: str, universe: int, system: SystemChecks | None = None,
              reader: Reader = _read_file) -> Loaded:
    """Read, check and build a configuration file for the DHCPv4 (4) or DHCPv6 (6) server.

    Raises :class:`~nestor.errors.ConfigError` naming file, line and column.
    """
    with gc_paused():
        return load_parsed(parse_file(path, reader, top_key_check(universe)), universe, system)


def load_text(text: str, universe: int, name: str = "<string>",
              system: SystemChecks | None = None, reader: Reader = _read_file) -> Loaded:
    with gc_paused():
        return load_parsed(parse_source(Source(name, text), reader, top_key_check(universe)),
                           universe, system)
