"""Nestor's log lines against Kea 2.2's, line for line.

Kea (kea-dhcp4 / kea-dhcp6) runs in a namespace pair, serves perfdhcp at
DEBUG 99 and writes every message three times: with the default pattern, with
a custom pattern using most conversion specifiers, and to a rotating file.
Then, for every message Kea wrote:

* its identifier is in Nestor's catalogue with the same severity (and the same
  logger, where the catalogue records one);
* its text fits the catalogue's template, and Nestor, given the arguments read
  back from it and Kea's time stamp, pid and thread id, renders *exactly* the
  same line with the default pattern and with the custom one;
* replaying Kea's lines through Nestor's rotating file output leaves the same
  files with the same bytes as Kea's rotation did.
"""

from __future__ import annotations

import json
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.netns import Namespace, pair, skip_unless_netns, wait_until

from nestor.logs import CATALOGUE, Severity
from nestor.logs.outputs import FileOutput, FileSink
from nestor.logs.pattern import DEFAULT_PATTERN, Layout, Record

pytestmark = [pytest.mark.kea, pytest.mark.netns]

CUSTOM = "%d{%j %H:%M:%S.%Q}|%D{%y %b %d}|%-7p|%10.12c|%c{1}|%i|%t|%T|%%|%e|%.9m#%m%n"
ENTRY = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{3}) (\w+) +\[([^/\]]+)/(\d+)\.(\d+)\] "
                   r"([A-Z0-9_]+)(?: (.*))?$", re.S)
MICROS = re.compile(r"\d{3} \d\d:\d\d:\d\d\.(\d{3})\.(\d{3})\|")
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ", re.M)
ROTATE_AT = 1000  # raised to log4cplus's 204800 by Kea and by Nestor alike


@dataclass
class Family:
    version: int
    program: str
    server: dict[str, object]
    perfdhcp: list[str]
    started: str


def family(version: int, iface: str) -> Family:
    if version == 4:
        return Family(4, "kea-dhcp4", {
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.10-192.0.2.200"}],
                         "reservations": [{"hw-address": "aa:bb:cc:dd:ee:01",
                                           "ip-address": "192.0.2.201"}]}]},
            ["-4", "-r", "40", "-n", "40", "-R", "40", "192.0.2.1"], "DHCP4_STARTED")
    return Family(6, "kea-dhcp6", {
        "server-id": {"type": "LL", "persist": False},
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
                     "pools": [{"pool": "2001:db8:1::10-2001:db8:1::ff"}]}]},
        ["-6", "-r", "40", "-n", "40", "-R", "40"], "DHCP6_STARTED")


def kea_config(fam: Family, iface: str, work: Path) -> dict[str, object]:
    outputs = [{"output": str(work / "default.log"), "maxsize": 0},
               {"output": str(work / "custom.log"), "maxsize": 0, "pattern": CUSTOM},
               {"output": str(work / "rotating.log"), "maxsize": ROTATE_AT, "maxver": 9}]
    server = {"interfaces-config": {"interfaces": [iface]},
              "lease-database": {"type": "memfile", "persist": True,
                                 "name": str(work / "leases.csv")},
              "loggers": [{"name": fam.program, "severity": "DEBUG", "debuglevel": 99,
                           "output_options": outputs}],
              **fam.server}
    return {f"Dhcp{fam.version}": server}


def run_kea(version: int, work: Path) -> str:
    """Kea serving perfdhcp until its rotating log has rotated; returns its stdout."""
    with pair(f"log{version}") as (lab, link):
        srv, cli = link.a, link.b
        srv.add_address(link.a_if, "192.0.2.1/24" if version == 4 else "2001:db8:1::1/64")
        cli.add_address(link.b_if, "192.0.2.2/24" if version == 4 else "2001:db8:1::2/64")
        fam = family(version, link.a_if)
        conf = work / "kea.json"
        conf.write_text(json.dumps(kea_config(fam, link.a_if, work)))
        env = {"KEA_PIDFILE_DIR": str(work), "KEA_LOCKFILE_DIR": str(work)}
        kea = lab.spawn(srv, [fam.program, "-c", str(conf)], "kea", env=env)
        default = work / "default.log"
        wait_until(lambda: default.exists() and fam.started in default.read_text(), 15,
                   f"{fam.program} to start")
        for _ in range(6):  # bounded: each round adds ~100 kB of DEBUG 99 output
            if (work / "rotating.log.1").exists():
                break
            exchange(cli, link.b_if, fam)
        kea.signal(signal.SIGTERM)
        kea.wait(10)
        return kea.stdout()


def exchange(cli: Namespace, iface: str, fam: Family) -> None:
    argv = ["perfdhcp", fam.perfdhcp[0], "-l", iface, *fam.perfdhcp[1:]]
    cli.run(argv, timeout=30, check=False)


def entries(text: str) -> list[str]:
    """Log entries; a message may span lines (packet dumps), an entry starts with a stamp."""
    starts = [m.start() for m in STAMP.finditer(text)]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def template_regex(template: str) -> re.Pattern[str]:
    pieces = re.split(r"%([1-9][0-9]*)", template)
    out, seen = [], set()
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(re.escape(piece))
        elif piece in seen:
            out.append(f"(?P=a{piece})")
        else:
            seen.add(piece)
            out.append(f"(?P<a{piece}>.*?)")
    return re.compile("".join(out), re.S)


def reread(entry: str) -> tuple[Record, str, list[str]]:
    """Kea's entry → the record Nestor would build, the identifier and the arguments."""
    # The pattern's own "\n" ends the entry; a message may end with a newline too.
    match = ENTRY.match(entry.removesuffix("\n"))
    assert match, f"not in Kea's default layout: {entry!r}"
    stamp, millis, severity, logger, pid, tid, ident, text = match.groups()
    message = CATALOGUE.get(ident)
    assert message is not None, f"{ident} missing from the catalogue"
    assert message.severity == Severity[severity], f"{ident}: Kea logs it at {severity}"
    if message.logger:
        assert logger.split(".", 1)[1] == message.logger, f"{ident} came from {logger}"
    found = template_regex(message.template).fullmatch(text or "")
    assert found, f"{ident}: {text!r} does not fit {message.template!r}"
    args = [found.group(f"a{n}") if f"a{n}" in found.groupdict() else ""
            for n in range(1, message.placeholders + 1)]
    created = time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000 + 4e-4
    record = Record(created, Severity[severity], logger, CATALOGUE.render(ident, args),
                    int(pid), int(tid), int(pid))
    return record, ident, args


@pytest.mark.parametrize("version", [4, 6])
def test_log_lines_match_kea(version: int, tmp_path: Path) -> None:
    skip_unless_netns(f"kea-dhcp{version}", "perfdhcp")
    stdout = run_kea(version, tmp_path)
    default = entries((tmp_path / "default.log").read_text())
    custom = (tmp_path / "custom.log").read_text()
    assert len(default) > 300
    default_layout, custom_layout = Layout(DEFAULT_PATTERN), Layout(CUSTOM)
    seen: set[str] = set()
    position = 0  # the same messages, in the same order, in Kea's custom-pattern file
    for kea_line in default:
        record, ident, _ = reread(kea_line)
        # The default layout shows milliseconds; the custom one (%Q) the microseconds.
        micros = MICROS.match(custom, position)
        assert micros, custom[position:position + 80]
        record.created = int(record.created) + int(micros[1]) / 1000 + int(micros[2]) / 1e6
        seen.add(ident)
        assert default_layout(record) == kea_line
        ours = custom_layout(record)
        assert custom[position:position + len(ours)] == ours
        position += len(ours)
    assert position == len(custom)
    prefix = f"DHCP{version}_"
    for expected in ("STARTED", "CONFIG_COMPLETE", "PACKET_RECEIVED", "LEASE_ALLOC",
                     "SHUTDOWN"):
        assert prefix + expected in seen
    assert {"DHCPSRV_CFGMGR_ADD_IFACE", "DHCPSRV_MEMFILE_LEASE_FILE_LOAD"} <= seen
    # Start-up logging (before the configuration) went to stdout in the same layout.
    (starting,) = [e for e in entries(stdout) if f"DHCP{version}_STARTING" in e]
    record, _, args = reread(starting)
    assert args[0] == "2.2.0"
    assert default_layout(record) == starting


@pytest.mark.parametrize("version", [4])
def test_rotation_matches_kea(version: int, tmp_path: Path) -> None:
    skip_unless_netns(f"kea-dhcp{version}", "perfdhcp")
    kea_dir = tmp_path / "kea"
    kea_dir.mkdir()
    run_kea(version, kea_dir)
    kea_files = sorted(kea_dir.glob("rotating.log*"))
    assert kea_dir / "rotating.log.1" in kea_files, "Kea did not rotate; too little output"
    # Oldest first: .N … .1, then the live file.
    rotated = sorted((p for p in kea_files if p.suffix[1:].isdigit()),
                     key=lambda p: -int(p.suffix[1:]))
    stream = "".join(p.read_text() for p in [*rotated, kea_dir / "rotating.log"])
    ours = tmp_path / "ours"
    ours.mkdir()
    output = FileOutput(FileSink(str(ours / "rotating.log"), maxsize=ROTATE_AT, maxver=9),
                        Layout("%m"))
    for entry in entries(stream):
        output.emit(Record(0.0, Severity.INFO, "", entry, 0, 0, 0))
    output.close()
    assert sorted(p.name for p in ours.iterdir()) == sorted(p.name for p in kea_files)
    for kea_file in kea_files:
        assert (ours / kea_file.name).read_bytes() == kea_file.read_bytes(), kea_file.name
