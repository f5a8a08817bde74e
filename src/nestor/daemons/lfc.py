"""``nestor-lfc``: the lease file cleanup program, with ``kea-lfc``'s command line.

    nestor-lfc [-4|-6] -c config-file -p pid-file -x previous-file -i copy-file
               -o output-file -f finish-file [-d] [-v] [-V] [-W] [-h]

Every file option is required, as with kea-lfc; ``-c`` is required and, as in
Kea, not read. A server started with ``KEA_LFC_EXECUTABLE`` pointing here (or
Nestor's own memfile backend) runs it with the names described in
:mod:`nestor.leases.lfc`. Exit status: 0 when done (or when another cleanup
already runs), 1 on a usage error or a failed cleanup, as kea-lfc.

Deliberately light: it imports only the lease file code, not the server.
"""

from __future__ import annotations

import getopt
import logging
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

import nestor
from nestor.leases.lfc import cleanup

EXIT_OK, EXIT_FAIL = 0, 1
PROG = "kea-lfc"

USAGE = (" [-4|-6] -p file -x file -i file -o file -f file -c file\n"
         "   -4 or -6 clean a set of v4 or v6 lease files\n"
         "   -p <file>: PID file\n"
         "   -x <file>: previous or ex lease file\n"
         "   -i <file>: copy of lease file\n"
         "   -o <file>: output lease file\n"
         "   -f <file>: finish file\n"
         "   -c <file>: configuration file\n"
         "   -v: print version number and exit\n"
         "   -V: print extended version information and exit\n"
         "   -W: print the configuration report and exit\n"
         "   -d: optional, verbose output \n"
         "   -h: print this message \n")

# Option letter -> (field, what kea-lfc calls it when missing).
_FILES = {"-p": ("pid_file", "PID file"), "-x": ("previous", "Previous file"),
          "-i": ("copy", "Copy file"), "-o": ("output", "Output file"),
          "-f": ("finish", "Finish file"), "-c": ("config", "Config file")}


class UsageError(Exception):
    pass


@dataclass
class Options:
    family: int = 0
    verbose: bool = False
    pid_file: str = ""
    previous: str = ""
    copy: str = ""
    output: str = ""
    finish: str = ""
    config: str = ""


def parse_args(argv: Sequence[str], out: TextIO) -> Options | int:
    """Options, or an exit status when -v/-V/-W/-h has already answered."""
    try:
        opts, rest = getopt.getopt(list(argv), "46dvVWhp:x:i:o:f:c:")
    except getopt.GetoptError as exc:
        raise UsageError(str(exc)) from None
    o = Options()
    for flag, value in opts:
        answer = _informational(flag, out)
        if answer is not None:
            return answer
        if flag in ("-4", "-6"):
            o.family = int(flag[1])
        elif flag == "-d":
            o.verbose = True
        else:
            setattr(o, _FILES[flag][0], value)
    if rest:
        raise UsageError("Extraneous parameters.")
    if not o.family:
        raise UsageError("DHCP version required")
    for field, label in _FILES.values():
        if not getattr(o, field):
            raise UsageError(f"{label} not specified")
    return o


def _informational(flag: str, out: TextIO) -> int | None:
    if flag == "-v":
        out.write(f"{nestor.__version__}\n")
    elif flag == "-V":
        out.write(f"{nestor.__version__}\nnestor-lfc (Kea {nestor.KEA_COMPAT_VERSION} "
                  f"compatible)\nPython {platform.python_version()}\n")
    elif flag == "-W":
        out.write(f"Nestor configuration report:\n   Program: nestor-lfc {nestor.__version__}"
                  f"\n   Kea compatibility: {nestor.KEA_COMPAT_VERSION}\n"
                  f"   Python: {platform.python_version()} ({sys.executable})\n")
    elif flag == "-h":
        out.write(f"Usage: {PROG}\n{USAGE}\n")
    else:
        return None
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        parsed = parse_args(args, sys.stdout)
    except UsageError as exc:
        sys.stderr.write(f"Usage error: {exc}\nUsage: {PROG}\n{USAGE}\n")
        return EXIT_FAIL
    if isinstance(parsed, int):
        return parsed
    logging.basicConfig(level=logging.DEBUG if parsed.verbose else logging.INFO,
                        stream=sys.stderr,
                        format="%(asctime)s %(levelname)-5s [kea-lfc] %(message)s")
    if parsed.verbose:
        logging.getLogger("nestor.leases.lfc").debug(
            "Protocol version: DHCPv%d, previous %s, copy %s, output %s, finish %s, pid %s",
            parsed.family, parsed.previous, parsed.copy, parsed.output, parsed.finish,
            parsed.pid_file)
    return cleanup(parsed.family, parsed.previous, parsed.copy, parsed.output, parsed.finish,
                   parsed.pid_file)


if __name__ == "__main__":
    sys.exit(main())
