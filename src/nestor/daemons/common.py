"""Command line shared by the DHCP daemons, with Kea's flags and exit codes.

``kea-dhcp4`` takes ``-v`` (version, exit 0), ``-V`` (extended version),
``-W`` (configuration report), ``-d`` (debug), ``-c FILE`` (run),
``-t FILE`` (check the configuration and exit: 0 when good, 1 with the reason
on stderr otherwise), ``-p``/``-P`` (server/client port, 1-65535); Kea 3.x
adds ``-T FILE`` (check more thoroughly). Usage errors print the usage text
on stderr and exit 1, as Kea does.
"""

from __future__ import annotations

import getopt
import importlib.util
import ipaddress
import os
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

import nestor
from nestor.config.build import build
from nestor.config.globalchecks import SystemChecks
from nestor.config.hooklibs import LibraryKind, classify_library
from nestor.config.jsonpos import parse_file
from nestor.config.loader import SECTIONS, gc_paused, section, top_key_check
from nestor.config.schema4 import DHCP4
from nestor.config.schema6 import DHCP6
from nestor.config.source import PList, PMap, error_at
from nestor.config.spec import check_map
from nestor.errors import ConfigError

EXIT_OK, EXIT_FAIL = 0, 1
_NAMES = {4: ("kea-dhcp4", "DHCPv4"), 6: ("kea-dhcp6", "DHCPv6")}


@dataclass
class Options:
    """What the command line asked for."""

    config: str = ""
    check_only: bool = False
    thorough: bool = False
    debug: bool = False
    server_port: int = 0
    client_port: int = 0
    extra: list[str] = field(default_factory=list)


class UsageError(Exception):
    pass


def usage_text(universe: int, prog: str) -> str:
    _, label = _NAMES[universe]
    return (f"Nestor {label} server, version {nestor.__version__} (Kea {nestor.KEA_COMPAT_VERSION}"
            f" compatible)\n\n"
            f"Usage: {prog} -[v|V|W] [-d] [-{{c|t|T}} cfgfile] [-p number] [-P number]\n"
            "  -v: print version number and exit\n"
            "  -V: print extended version and exit\n"
            "  -W: display the configuration report and exit\n"
            "  -d: debug mode with extra verbosity (former -v)\n"
            "  -c file: specify configuration file\n"
            "  -t file: check the configuration file syntax and exit\n"
            "  -T file: check the configuration file doing hooks load and extra checks and exit\n"
            "  -p number: specify non-standard server port number 1-65535 "
            "(useful for testing only)\n"
            "  -P number: specify non-standard client port number 1-65535 "
            "(useful for testing only)\n")


def extended_version() -> str:
    import platform
    return (f"{nestor.__version__}\n"
            f"nestor (Kea {nestor.KEA_COMPAT_VERSION} compatible)\n"
            f"Python {platform.python_version()} ({platform.python_implementation()})\n")


def config_report(universe: int) -> str:
    import platform
    prog, label = _NAMES[universe]
    return (f"\n        Nestor configuration report:\n     -=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-\n\n"
            f" Package:\n   Name:              nestor\n"
            f"   Version:           {nestor.__version__}\n"
            f"   Kea compatibility: {nestor.KEA_COMPAT_VERSION} ({prog} drop-in, {label})\n"
            f"   OS Family:         {platform.system()}\n\n"
            f" Python:\n   Version:           {platform.python_version()}\n"
            f"   Executable:        {sys.executable}\n\n"
            f" Lease backends:     memfile\n")


def _port(text: str, which: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 65535:
        return int(text)
    raise UsageError(f"Failed to parse {which} port number: [{text}], 1-65535 allowed.")


def parse_args(argv: Sequence[str], universe: int, out: TextIO) -> Options | int:
    """Options, or an exit code when a flag (-v, -V, -W) has already answered."""
    try:
        opts, rest = getopt.getopt(list(argv), "dvVWc:t:T:p:P:")
    except getopt.GetoptError as exc:
        raise UsageError(f"{exc}") from None
    o = Options(extra=rest)
    for flag, value in opts:
        if flag == "-v":
            out.write(f"{nestor.__version__}\n")
            return EXIT_OK
        if flag == "-V":
            out.write(extended_version())
            return EXIT_OK
        if flag == "-W":
            out.write(config_report(universe))
            return EXIT_OK
        if flag == "-d":
            o.debug = True
        elif flag in ("-c", "-t", "-T"):
            o.config, o.check_only, o.thorough = value, flag != "-c", flag == "-T"
        elif flag == "-p":
            o.server_port = _port(value, "server")
        elif flag == "-P":
            o.client_port = _port(value, "client")
    if rest:
        raise UsageError("Extraneous parameters.")
    if not o.config:
        raise UsageError("Configuration file not specified.")
    return o


def _log_line(universe: int, level: str, ident: str, text: str) -> str:
    """One log line in Kea's default layout, so log watchers keep matching."""
    now = time.time()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
    prog, _ = _NAMES[universe]
    return (f"{stamp}.{int(now % 1 * 1000):03d} {level:<5} [{prog}.dhcp{universe}/{os.getpid()}."
            f"{threading.get_ident()}] {ident} {text}\n")


def check_config(path: str, universe: int, out: TextIO, err: TextIO,
                 system: SystemChecks | None = None) -> int:
    """Kea's ``-t``: 0 when the configuration is good, else 1 with the reason on stderr."""
    with gc_paused():
        return _check_config(path, universe, out, err, system)


def _check_config(path: str, universe: int, out: TextIO, err: TextIO,
                  system: SystemChecks | None) -> int:
    try:
        parsed = parse_file(path, top_key=top_key_check(universe))
        for text, mark in parsed.warnings:
            out.write(_log_line(universe, "WARN", f"DHCP{universe}_CONFIG_SYNTAX_WARNING",
                                f"configuration syntax warning: {mark}: {text}"))
        body = section(parsed, universe)
        check_map(DHCP4 if universe == 4 else DHCP6, body)
    except ConfigError as exc:
        err.write(f"Syntax check failed with: {exc}\n")
        return EXIT_FAIL
    try:
        build(body, universe, system or live_system_checks())
        check_hook_libraries(body)
    except ConfigError as exc:
        out.write(_log_line(universe, "ERROR", f"DHCP{universe}_CONFIG_LOAD_FAIL",
                            f"configuration error using file: {path}, reason: {exc}"))
        err.write(f"Error encountered: {exc}\n")
        return EXIT_FAIL
    return EXIT_OK


def _loadable(path: str) -> bool:
    """Whether a hooks-libraries entry names something Nestor can run."""
    kind = classify_library(path)
    if kind is LibraryKind.KEA:
        return True
    if kind is LibraryKind.PYTHON:
        if path.endswith(".py"):
            return os.path.isfile(path)
        try:
            return importlib.util.find_spec(path) is not None
        except (ImportError, ValueError):
            return False
    return False


def check_hook_libraries(body: PMap) -> None:
    """Kea's -t loads every hook library and refuses when one fails to load."""
    libs = body.get("hooks-libraries")
    if not isinstance(libs, PList):
        return
    bad = [str(m["library"]) for m in libs
           if isinstance(m, PMap) and not _loadable(str(m["library"]))]
    if bad:
        # Like Kea, name every library that fails and point at the list.
        raise error_at("hooks libraries failed to validate - library or libraries in error "
                       f"are: {', '.join(bad)}", body.key_mark("hooks-libraries"))


def main(argv: Sequence[str] | None, universe: int) -> int:
    prog = f"nestor-dhcp{universe}"
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        parsed = parse_args(args, universe, sys.stdout)
    except UsageError as exc:
        sys.stderr.write(f"{exc}\n{usage_text(universe, prog)}")
        return EXIT_FAIL
    if isinstance(parsed, int):
        return parsed
    if not parsed.check_only and universe == 4:
        # Imported here: -t/-v/-V/-W stay free of the server's imports.
        from nestor.server.loop import run
        return run(parsed.config, parsed.server_port, parsed.client_port, parsed.debug)
    status = check_config(parsed.config, universe, sys.stdout, sys.stderr)
    if parsed.check_only or status != EXIT_OK:
        return status
    sys.stderr.write(f"{prog}: the configuration is valid, but running the "
                     f"{SECTIONS[universe]} server is not implemented yet in this version of "
                     "Nestor\n")
    return EXIT_FAIL


# --- questions about this machine, for the -t checks Kea makes ------------------------

def live_system_checks() -> SystemChecks:
    return SystemChecks(interface_exists=_interface_exists,
                        interface_has_address=_interface_has_address,
                        directory_exists=os.path.isdir)


def _interface_exists(name: str) -> bool:
    return name in {n for _, n in socket.if_nameindex()}


def _interface_has_address(name: str, addr: str) -> bool:
    try:
        wanted = str(ipaddress.ip_address(addr))
    except ValueError:
        return False
    from nestor.daemons.ifaddrs import interface_addresses
    return (name, wanted) in interface_addresses()
