"""Kea 2.2 as the oracle for configuration verdicts (``kea-dhcp4 -t`` / ``kea-dhcp6 -t``).

``kea-dhcpX -t FILE`` parses and checks a configuration without serving. Besides the
configuration rules it also checks that every interface the file names exists (and, for
``eth0/2001:db8:1::1`` style entries, carries that address), so the oracle runs Kea inside
a private network namespace holding the interfaces Kea's own example files use.

A refusal is classified, because not every refusal is about the configuration itself:

* ``hook-missing`` - ``hooks-libraries`` entries name Kea hook libraries whose files are not
  on disk (Kea's examples point at ``/opt/lib/kea/hooks/...``); Nestor maps Kea's library
  names to built-in equivalents, so these cases are judged separately. A missing library
  that is not one of Kea's own stays an ordinary refusal.
* ``db`` - a database backend could not be reached.
* ``refused`` - anything else: the configuration broke a rule.

Verdicts are cached per (family, file content) for the life of the oracle. The module is
also a script: ``python tests/interop/kea_oracle.py --record`` re-records
``tests/fixtures/configs/expected_verdicts.json`` from the live Kea, which the tests use
when Kea is not installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "configs"
RECORDED = CORPUS / "expected_verdicts.json"
EXAMPLES = Path("/usr/share/doc/kea/examples")

ACCEPTED = "accepted"
REFUSED = "refused"
HOOK_MISSING = "hook-missing"
DB = "db"

# Interfaces (and addresses) that Kea's example configurations and our corpus name.
# eth0 carries 2001:db8:1::1 because kea6/dhcpv4-over-dhcpv6.json binds "eth0/2001:db8:1::1".
INTERFACES: dict[str, tuple[str, ...]] = {
    "eth0": ("192.0.2.1/24", "2001:db8:1::1/64"),
    "eth1": ("192.0.3.1/24", "2001:db8:2::1/64"),
    "eth2": (),
    "eth1961": (),
}

# Output patterns meaning "could not reach the database", not "bad configuration".
DB_PATTERNS = (
    re.compile(r"unable to open database", re.I),
    re.compile(r"DbOpenError", re.I),
    re.compile(r"can't connect to (local )?mysql", re.I),
    re.compile(r"could not connect to server|connection to server .* failed", re.I),
    re.compile(r"DHCPSRV_(PGSQL|MYSQL)_.*FAIL", re.I),
)
# Kea's own hook libraries (2.2 and 3.x names). A missing file with one of these names is
# an environment gap Nestor fills with a built-in; any other missing library is an error
# that Kea reports on every machine, so Nestor must report it too.
KEA_HOOK_LIBRARIES = frozenset({
    "libca_rbac.so", "libddns_gss_tsig.so", "libdhcp_bootp.so", "libdhcp_cb_cmds.so",
    "libdhcp_class_cmds.so", "libdhcp_ddns_tuning.so", "libdhcp_flex_id.so",
    "libdhcp_flex_option.so", "libdhcp_ha.so", "libdhcp_host_cache.so", "libdhcp_host_cmds.so",
    "libdhcp_lease_cmds.so", "libdhcp_lease_query.so", "libdhcp_legal_log.so",
    "libdhcp_limits.so", "libdhcp_mysql.so", "libdhcp_mysql_cb.so", "libdhcp_perfmon.so",
    "libdhcp_pgsql.so", "libdhcp_pgsql_cb.so", "libdhcp_ping_check.so", "libdhcp_radius.so",
    "libdhcp_rbac.so", "libdhcp_run_script.so", "libdhcp_stat_cmds.so",
    "libdhcp_subnet_cmds.so", "libdhcp_user_chk.so",
})
HOOK_PATTERN = re.compile(r"hooks libraries failed to validate - library or libraries in error "
                          r"are: (?P<libs>[^()]*)")
# Kea's two location styles: "(file:12:5)" for semantic errors, "file:12.5-9:" for syntax.
LOCATION = re.compile(r"(?P<file>[^\s():]+):(?P<line>\d+)[.:](?P<col>\d+)")
MESSAGE_PREFIXES = ("Error encountered: ", "Syntax check failed with: ")
KEA_TIMEOUT = 60.0


@dataclass(frozen=True)
class Verdict:
    """What ``-t`` said about one file."""

    accepted: bool
    kind: str  # ACCEPTED, REFUSED, HOOK_MISSING or DB
    message: str  # Kea's error text with directories stripped; "" when accepted

    def lines_for(self, basename: str) -> list[int]:
        """Line numbers the message gives for ``basename``, in order of appearance."""
        return [int(m["line"]) for m in LOCATION.finditer(self.message)
                if Path(m["file"]).name == basename]


def kea_binary(family: int) -> str:
    return "kea-dhcp4" if family == 4 else "kea-dhcp6"


def unavailable_reason(family: int = 4) -> str | None:
    """Why the live oracle cannot run here, or None when it can."""
    if shutil.which(kea_binary(family)) is None:
        return f"{kea_binary(family)} (Kea 2.2) is not installed"
    if shutil.which("ip") is None:
        return "iproute2 'ip' is not installed"
    if os.geteuid() != 0:
        return "creating a network namespace needs root"
    return None


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def classify(returncode: int, stdout: str, stderr: str) -> Verdict:
    """Turn one ``-t`` run into a verdict."""
    if returncode == 0:
        return Verdict(True, ACCEPTED, "")
    message = _error_text(stdout, stderr)
    hook = HOOK_PATTERN.search(message)
    libraries = [Path(lib.strip()) for lib in hook["libs"].split(",")] if hook else []
    if libraries and all(not lib.exists() and lib.name in KEA_HOOK_LIBRARIES
                         for lib in libraries):
        return Verdict(False, HOOK_MISSING, message)
    if any(p.search(message) or p.search(stdout) for p in DB_PATTERNS):
        return Verdict(False, DB, message)
    return Verdict(False, REFUSED, message)


def _error_text(stdout: str, stderr: str) -> str:
    """Kea's final error line, with directories stripped so it is machine independent."""
    starts = [stderr.rfind(prefix) for prefix in MESSAGE_PREFIXES]
    if max(starts) >= 0:
        # The reason may span lines (an unterminated string quotes the newline it hit).
        text = stderr[max(starts):]
        text = " ".join(text.split()).split(": ", 1)[1]
    else:  # fall back to the last ERROR/FATAL log line
        lines = [ln for ln in stdout.splitlines() if " ERROR " in ln or " FATAL " in ln]
        text = lines[-1].strip() if lines else (stderr.strip() or "no error text")
    return re.sub(r"(?<![\w.])/(?:[^\s():/]+/)+(?=[^\s():/]+:\d)", "", text)


class KeaOracle:
    """A network namespace with the interfaces above, and ``-t`` runs inside it."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or f"nst-kea-oracle-{os.getpid()}"
        self._tmp: str | None = None
        self._cache: dict[tuple[int, str, str], Verdict] = {}

    def __enter__(self) -> KeaOracle:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self._tmp = tempfile.mkdtemp(prefix="kea-oracle-")
        _ip("netns", "add", self.name)
        try:
            for ifname, addresses in INTERFACES.items():
                self._add_interface(ifname, addresses)
        except BaseException:
            self.close()
            raise

    def _add_interface(self, ifname: str, addresses: tuple[str, ...]) -> None:
        # A veth pair because the dummy driver is not always available; the peer is unused.
        peer = f"p-{ifname}"
        _ip("-n", self.name, "link", "add", ifname, "type", "veth", "peer", "name", peer)
        for dev in (ifname, peer):
            _ip("-n", self.name, "link", "set", dev, "up")
        for address in addresses:
            # nodad: Kea checks the address is assigned; a tentative one would not count.
            extra = ("nodad",) if ":" in address else ()
            _ip("-n", self.name, "addr", "add", address, "dev", ifname, *extra)

    def close(self) -> None:
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, check=False)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def verdict(self, path: Path, family: int) -> Verdict:
        """Kea's verdict on ``path``; Kea runs in the file's folder so relative
        ``<?include?>`` paths resolve the way Kea 2.2 resolves them (from the cwd)."""
        key = (family, str(path.resolve()), file_digest(path))
        if key not in self._cache:
            self._cache[key] = self._run(path.resolve(), family)
        return self._cache[key]

    def verdicts(self, items: Iterable[tuple[Path, int]]) -> list[Verdict]:
        """Several verdicts, two Kea processes at a time (the machines have few cores)."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(lambda item: self.verdict(*item), items))

    def _run(self, path: Path, family: int) -> Verdict:
        assert self._tmp is not None, "KeaOracle.start() was not called"
        env = dict(os.environ, KEA_PIDFILE_DIR=self._tmp, KEA_LOCKFILE_DIR=self._tmp)
        cmd = ["ip", "netns", "exec", self.name, kea_binary(family), "-t", path.name]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=path.parent,
                              timeout=KEA_TIMEOUT, check=False)
        return classify(proc.returncode, proc.stdout, proc.stderr)


def _ip(*args: str) -> None:
    proc = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)} failed: {proc.stderr.strip()}")


# --- the corpus: which files are cases, and what their header comments promise ------------

HEADER = re.compile(r"^\s*//\s*(?P<key>[a-z0-9-]+):\s*(?P<value>.*?)\s*$")

# What each corpus folder holds; the folder's kind is also the header key describing a file.
BROKEN = "broken"  # Kea 2.2 refuses it; so must Nestor, pointing at the annotated line
VALID = "valid"  # Kea 2.2 accepts it; so must Nestor
KEA3 = "kea3"  # Kea 3.x spelling Kea 2.2 refuses; Nestor accepts both (DESIGN.md)
CORPUS_DIRS: dict[str, tuple[int, str]] = {
    "broken4": (4, BROKEN), "broken6": (6, BROKEN),
    "valid4": (4, VALID), "valid6": (6, VALID),
    "kea3-4": (4, KEA3), "kea3-6": (6, KEA3),
}


@dataclass(frozen=True)
class Case:
    """One configuration file to judge, named by ``key`` (its path in the corpus or
    ``examples/kea4/NAME.json``)."""

    key: str
    path: Path
    family: int
    kind: str = VALID  # BROKEN, VALID or KEA3 (examples are VALID unless Kea says otherwise)
    description: str = ""
    # Lines the refusal may point at: the most precise first, then others also accepted
    # (usually the enclosing element, where Kea itself points).
    expect_lines: tuple[int, ...] = ()
    expect_file: str | None = None  # basename the refusal must name (default: the file)

    @property
    def broken(self) -> bool:
        return self.kind == BROKEN


def corpus_cases() -> list[Case]:
    """Every ``*.json`` directly in the corpus folders (sub-folders hold included parts)."""
    cases = []
    for folder, (family, kind) in CORPUS_DIRS.items():
        for path in sorted((CORPUS / folder).glob("*.json")):
            cases.append(_case_from_header(f"{folder}/{path.name}", path, family, kind))
    return cases


def _case_from_header(key: str, path: Path, family: int, kind: str) -> Case:
    header: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = HEADER.match(line)
        if match is None:
            break
        header[match["key"]] = match["value"]
    lines = tuple(int(n) for n in header.get("expect-line", "").split(",") if n.strip())
    return Case(key, path, family, kind, description=header.get(kind, ""),
                expect_lines=lines, expect_file=header.get("expect-file"))


def example_cases() -> list[Case]:
    """Kea's shipped example configurations (package kea-doc), when installed."""
    return [Case(f"examples/kea{family}/{path.name}", path, family)
            for family in (4, 6)
            for path in sorted((EXAMPLES / f"kea{family}").glob("*.json"))]


# --- recorded verdicts ------------------------------------------------------------------

@dataclass(frozen=True)
class Recorded:
    """A verdict recorded from Kea 2.2, valid while the file's content is unchanged."""

    sha256: str
    accepted: bool
    kind: str
    message: str

    def verdict(self) -> Verdict:
        return Verdict(self.accepted, self.kind, self.message)


def load_recorded(path: Path = RECORDED) -> dict[str, Recorded]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {key: Recorded(**value) for key, value in data["verdicts"].items()}


def record(cases: list[Case], path: Path = RECORDED) -> dict[str, Recorded]:
    """Run every case through the live Kea and write the verdicts file."""
    with KeaOracle() as oracle:
        verdicts = oracle.verdicts((case.path, case.family) for case in cases)
    recorded = {case.key: Recorded(file_digest(case.path), v.accepted, v.kind, v.message)
                for case, v in zip(cases, verdicts, strict=True)}
    version = subprocess.run(["kea-dhcp4", "-v"], capture_output=True, text=True,
                             check=False).stdout.strip()
    body = {"kea_version": version,
            "how": "python tests/interop/kea_oracle.py --record (as root, Kea 2.2 installed)",
            "verdicts": {key: asdict(value) for key, value in sorted(recorded.items())}}
    path.write_text(json.dumps(body, indent=1) + "\n")
    return recorded


def main(argv: list[str]) -> int:
    if argv[1:] != ["--record"]:
        print("usage: kea_oracle.py --record", file=sys.stderr)
        return 2
    reason = unavailable_reason()
    if reason:
        print(f"cannot record: {reason}", file=sys.stderr)
        return 1
    recorded = record(corpus_cases() + example_cases())
    for key, rec in sorted(recorded.items()):
        print(f"{rec.kind:13} {key}  {rec.message[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
