"""The compiled layout and the direct file writes keep every byte of the output (issue 6).

``layout_golden.jsonl`` holds 798 ``[pattern, record fields, text]`` triples written
by the part-by-part layout as it was before the layout was compiled into one
f-string (commit 7bfea43), with ``TZ=UTC`` and ``NESTOR_GOLDEN=value``: Kea's
default patterns, every conversion with and without padding and truncation,
dates with ``%q``/``%Q`` in every position, literal braces, quotes, backslashes,
non-ASCII and surrogates, and times at the edges of a millisecond (``.0709999``,
``.9999996``), at the epoch and before it.
"""

from __future__ import annotations

import calendar
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.logs import LogManager, Severity, Spec
from nestor.logs.outputs import FileOutput, FileSink
from nestor.logs.pattern import DEFAULT_PATTERN, Layout, Record

GOLDEN = Path(__file__).with_name("layout_golden.jsonl")
WHEN = calendar.timegm((2019, 8, 5, 14, 27, 45, 0, 0, 0)) + 0.871234


@pytest.fixture
def utc() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in ("TZ", "NESTOR_GOLDEN")}
    os.environ["TZ"], os.environ["NESTOR_GOLDEN"] = "UTC", "value"
    time.tzset()
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    time.tzset()


def _record(fields: list[object]) -> Record:
    created, severity, logger, message, pid, thread, native = fields
    assert isinstance(created, float) and isinstance(severity, int)
    return Record(created, Severity(severity), str(logger), str(message), int(str(pid)),
                  int(str(thread)), int(str(native)))


def test_every_golden_line_is_unchanged(utc: None) -> None:
    cases = [json.loads(line) for line in GOLDEN.read_text().splitlines()]
    assert len(cases) == 798
    layouts: dict[str, Layout] = {}
    for pattern, fields, expected in cases:
        layout = layouts.setdefault(pattern, Layout(pattern))
        record = _record(fields)
        assert layout(record) == expected, (pattern, fields)
        assert layout.format(record) == layout.slow(record) == expected


# Pieces a random pattern is made of: conversions with their options and fits,
# dates of every shape, and literal text that would mean something in Python.
TOKENS = ["%m", "%p", "%-5p", "%10p", "%.2p", "%c", "%c{1}", "%5.7c", "%-20c", "%i", "%t",
          "%T", "%-9t", "%.3i", "%n", "%x", "%X{k}", "%l", "%L", "%F", "%b", "%.5M", "%%",
          "%e", "%q", "%d", "%D", "%d{%q}", "%d{%H:%M:%S.%q}", "%D{%Y %q %S}", "%d{%Q}",
          "%d{%q%q}", "%d{%%q}", "%-30d{%S.%q}", "%.2d{%q}", "%E{NESTOR_GOLDEN}", " ", "[",
          "]", "/", ".", "{", "}", "{0}", "'", '"', "\\", "\n", "é", "%", "%-", "%5"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(TOKENS), max_size=12),
       created=st.floats(min_value=-5000.0, max_value=4.2e9, allow_nan=False),
       severity=st.sampled_from(list(Severity)),
       logger=st.sampled_from(["kea-dhcp4", "kea-dhcp4.leases", "a.b.c"]),
       message=st.text(max_size=30))
def test_compiled_layout_equals_the_part_by_part_join(
        pieces: list[str], created: float, severity: Severity, logger: str,
        message: str) -> None:
    layout = Layout("".join(pieces))
    record = Record(created, severity, logger, message, 4321, 140000000000001, 99)
    assert layout(record) == layout.slow(record)


@settings(max_examples=400, deadline=None)
@given(created=st.floats(min_value=0.0, max_value=4.2e9, allow_nan=False)
       | st.integers(0, 4_200_000_000).map(lambda s: s + 0.9999995)
       | st.integers(0, 4_200_000_000).map(lambda s: s + 0.0709999))
def test_milliseconds_are_logged_as_rounded_microseconds_cut(created: float) -> None:
    """log4cplus keeps microseconds and prints the first three digits of them; the
    cached date must agree with that rule at every float, edges included."""
    second = int(created)
    micros = min(round((created - second) * 1_000_000), 999_999)
    expected = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second)) + f".{micros // 1000:03d}"
    record = Record(created, Severity.INFO, "kea-dhcp4", "m", 1, 1, 1)
    assert Layout("%d{%Y-%m-%d %H:%M:%S.%q}")(record) == expected
    assert Layout("%d{%Y-%m-%d %H:%M:%S.%q}!")(record) == expected + "!"


def test_pattern_text_is_never_run_as_code() -> None:
    record = Record(WHEN, Severity.INFO, "kea-dhcp4", "m", 1, 1, 1)
    hostile = "{__import__('os')._exit(3)}\"'); r.x #{r.message} %m"
    assert Layout(hostile)(record) == "{__import__('os')._exit(3)}\"'); r.x #{r.message} m"


# -- files: each line is written out when logged, byte for byte ----------------------

def _records(count: int) -> list[Record]:
    return [Record(WHEN + n / 7, Severity(n % 5), "kea-dhcp4.leases", f"LINE {n} é {{}} %1",
                   os.getpid(), 1234, 5678) for n in range(count)]


def test_flushed_file_has_each_line_as_soon_as_it_is_logged(tmp_path: Path) -> None:
    path = tmp_path / "kea.log"
    layout = Layout(DEFAULT_PATTERN)
    output = FileOutput(FileSink(str(path), flush=True, maxsize=0), layout)
    expected = b""
    for record in _records(50):
        output.emit(record)
        expected += layout(record).encode()
        assert path.read_bytes() == expected  # no buffer between the line and the file
    output.close()
    assert path.read_bytes() == expected


def test_unflushed_file_has_every_line_after_close(tmp_path: Path) -> None:
    path = tmp_path / "kea.log"
    path.write_bytes(b"before\n")
    layout = Layout("%d{%S.%Q} %p %m%n")
    output = FileOutput(FileSink(str(path), flush=False, maxsize=0), layout)
    records = _records(300)
    for record in records:
        output.emit(record)
    output.close()
    assert path.read_bytes() == b"before\n" + "".join(map(layout, records)).encode()
    output.emit(records[0])  # after close: dropped, not an error
    assert path.stat().st_size == len(b"before\n") + len("".join(map(layout, records)).encode())


def test_rotated_files_together_hold_the_lines_in_order(tmp_path: Path) -> None:
    path = tmp_path / "kea.log"
    layout = Layout(DEFAULT_PATTERN)
    output = FileOutput(FileSink(str(path), maxsize=204800, maxver=3), layout)
    records = _records(8000)  # about 800 kB: three rotations and a bit
    for record in records:
        output.emit(record)
    output.close()
    parts = [tmp_path / name for name in ("kea.log.3", "kea.log.2", "kea.log.1", "kea.log")]
    assert all(p.exists() for p in parts)
    written = b"".join(p.read_bytes() for p in parts)
    assert "".join(map(layout, records)).encode().endswith(written)
    assert written.startswith(layout(records[len(records) - written.count(b"\n")]).encode())


def test_a_new_file_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    path = tmp_path / "new.log"
    mask = os.umask(0o022)
    try:
        FileSink(str(path)).close()
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644


SHORT_WRITE = """
import os, resource, signal, sys
from nestor.logs import LogManager, Severity, Spec
from nestor.logs.outputs import FileOutput, FileSink
from nestor.logs.pattern import Layout
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # past the limit: EFBIG, not a signal
resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))
m = LogManager()
m.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.INFO, 0,
                             (FileOutput(FileSink(sys.argv[1]), Layout("%m%n")),))])
log = m.logger("dhcpsrv")
for n in range(3):
    log.info("DHCPSRV_MEMFILE_LEASE_FILE_LOAD", "x" * 60)
print("still running")
"""


def test_a_short_write_is_finished_or_dropped_without_stopping_the_server(
        tmp_path: Path) -> None:
    path = tmp_path / "full.log"
    done = subprocess.run([sys.executable, "-c", SHORT_WRITE, str(path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "still running\n"
    # The first line fits; the second is cut at the limit (write(2) wrote what it
    # could, the rest failed with EFBIG); the third is dropped.
    first = "DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from file " + "x" * 60 + "\n"
    assert path.read_bytes() == (first + first)[:100].encode()


def test_logger_writes_the_layout_of_its_record(tmp_path: Path) -> None:
    """End to end: what logger.info appends is the default layout of the record it made."""
    seen: list[Record] = []

    class Keep:
        def emit(self, record: Record) -> None:
            seen.append(record)

        def close(self) -> None:
            pass

    path = tmp_path / "kea.log"
    manager = LogManager()
    manager.install("kea-dhcp4", [Spec("kea-dhcp4", Severity.INFO, 0, (
        FileOutput(FileSink(str(path))), Keep()))])
    log = manager.logger("leases")
    for n in range(20):
        log.info("DHCP4_LEASE_ALLOC", f"[hwtype=1 02:00:00:00:00:{n:02x}]", f"10.0.0.{n}",
                 "4000")
    manager.install("kea-dhcp4", [Spec("kea-dhcp4")])
    layout = Layout(DEFAULT_PATTERN)
    assert path.read_bytes() == "".join(layout.slow(r) for r in seen).encode()
