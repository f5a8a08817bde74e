"""Differential tests: ``nestor-dhcpX -t FILE`` must judge configurations as Kea 2.2 does.

Each case is one file: the corpus in ``tests/fixtures/configs`` (broken and valid-but-tricky
configurations, see its README) and every example configuration Kea ships in
``/usr/share/doc/kea/examples``. Kea's verdict comes from a live ``kea-dhcpX -t`` when Kea is
installed (run in a network namespace holding the interfaces the files name), otherwise from
``expected_verdicts.json`` recorded from Kea 2.2.

For a refusal a user must be able to go straight to the mistake, so Nestor's message has to
name the file and the line the corpus annotates (``// expect-line:``), even where Kea itself
gives no position.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

try:  # tests/interop may become a package; work both ways
    from . import kea_oracle as ko  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    import kea_oracle as ko  # type: ignore[import-not-found,no-redef,unused-ignore]

CORPUS = ko.corpus_cases()
EXAMPLES = ko.example_cases()
ALL = CORPUS + EXAMPLES
NESTOR_TIMEOUT = 60.0


def _ids(cases: list[ko.Case]) -> list[str]:
    return [case.key for case in cases]


# --- Kea's side --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def namespace() -> Iterator[ko.KeaOracle | None]:
    """The namespace with Kea's interfaces, or None when it cannot be made (not root)."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        yield None
        return
    oracle = ko.KeaOracle()
    try:
        oracle.start()
    except RuntimeError:  # e.g. a container without the right to make namespaces
        yield None
        return
    try:
        yield oracle
    finally:
        oracle.close()


@pytest.fixture(scope="module")
def kea_live(namespace: ko.KeaOracle | None) -> bool:
    return namespace is not None and ko.unavailable_reason(4) is None \
        and ko.unavailable_reason(6) is None


@pytest.fixture(scope="module")
def recorded() -> dict[str, ko.Recorded]:
    return ko.load_recorded()


@pytest.fixture(scope="module")
def kea_verdicts(namespace: ko.KeaOracle | None, kea_live: bool,
                 recorded: dict[str, ko.Recorded]) -> dict[str, ko.Verdict]:
    """Kea's verdict on every case: live (two Kea processes at a time) or as recorded."""
    if kea_live:
        assert namespace is not None
        verdicts = namespace.verdicts((case.path, case.family) for case in ALL)
        return {case.key: v for case, v in zip(ALL, verdicts, strict=True)}
    return {case.key: rec.verdict() for case in ALL
            if (rec := recorded.get(case.key)) is not None
            and rec.sha256 == ko.file_digest(case.path)}


def kea_verdict(case: ko.Case, verdicts: dict[str, ko.Verdict],
                recorded: dict[str, ko.Recorded]) -> ko.Verdict:
    verdict = verdicts.get(case.key)
    if verdict is not None:
        return verdict
    if case.key.startswith("examples/"):
        pytest.skip("Kea is not runnable here and no verdict was recorded for this "
                    "version of the example file")
    rec = recorded.get(case.key)
    pytest.fail(f"{case.key}: no current Kea verdict ({'stale' if rec else 'none'} in "
                f"expected_verdicts.json); re-record with: {ko.__file__} --record")


# --- Nestor's side -----------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    returncode: int
    output: str  # stdout and stderr together

    @property
    def accepted(self) -> bool:
        return self.returncode == 0

    def lines_for(self, basename: str) -> list[int]:
        """Line numbers the output gives for ``basename`` (``name:LINE``, Kea's styles)."""
        pattern = re.compile(rf"(?<![\w.-]){re.escape(basename)}:(\d+)")
        return [int(m[1]) for m in pattern.finditer(self.output)]


def nestor_command(family: int) -> list[str]:
    """The installed console script, else the module (both are what users run)."""
    script = Path(sys.executable).parent / f"nestor-dhcp{family}"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", f"nestor.daemons.dhcp{family}"]


def run_nestor(case: ko.Case, namespace: ko.KeaOracle | None, tmp: Path) -> Outcome:
    """``nestor-dhcpX -t FILE`` exactly as Kea ran: same namespace, same working folder
    (Kea 2.2 resolves relative ``<?include?>`` paths from the working folder)."""
    prefix = ["ip", "netns", "exec", namespace.name] if namespace else []
    env = dict(os.environ, KEA_PIDFILE_DIR=str(tmp), KEA_LOCKFILE_DIR=str(tmp))
    proc = subprocess.run([*prefix, *nestor_command(case.family), "-t", case.path.name],
                          capture_output=True, text=True, env=env, cwd=case.path.parent,
                          timeout=NESTOR_TIMEOUT, check=False)
    return Outcome(proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def nestor_outcomes(request: pytest.FixtureRequest, namespace: ko.KeaOracle | None,
                    tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Nestor's outcome on every selected case, two processes at a time."""
    if namespace is None:
        pytest.skip("no network namespace with the interfaces the files name "
                    "(needs root and 'ip netns')")
    tmp = tmp_path_factory.mktemp("nestor-t")
    wanted = {callspec.params["case"].key for item in request.session.items
              if (callspec := getattr(item, "callspec", None)) is not None
              and getattr(item, "originalname", "") == "test_nestor_verdict_matches_kea"}
    cases = [case for case in ALL if case.key in wanted]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda case: run_nestor(case, namespace, tmp), cases))
    return {case.key: outcome for case, outcome in zip(cases, outcomes, strict=True)}


# --- the corpus itself -------------------------------------------------------------------

def test_corpus_is_complete() -> None:
    """The corpus covers both families and every broken file says what and where."""
    broken4 = [c for c in CORPUS if c.broken and c.family == 4]
    broken6 = [c for c in CORPUS if c.broken and c.family == 6]
    assert len(broken4) >= 40 and len(broken6) >= 20, (len(broken4), len(broken6))
    assert any(c.kind == ko.VALID for c in CORPUS if c.family == 4)
    assert any(c.kind == ko.VALID for c in CORPUS if c.family == 6)
    for case in CORPUS:
        assert case.description, f"{case.key}: missing its '// {case.kind}:' line"
        assert case.expect_lines or not case.broken, f"{case.key}: missing '// expect-line:'"


@pytest.mark.parametrize("case", CORPUS, ids=_ids(CORPUS))
def test_kea_agrees_with_corpus(case: ko.Case, kea_verdicts: dict[str, ko.Verdict],
                                recorded: dict[str, ko.Recorded]) -> None:
    """Each corpus file is judged by Kea as its header says, and where Kea names a line
    for the file, it is one of the annotated lines (so the annotations are honest)."""
    verdict = kea_verdict(case, kea_verdicts, recorded)
    if case.kind == ko.VALID:
        assert verdict.accepted, f"Kea refuses a 'valid' file: {verdict.message}"
        return
    assert verdict.kind == ko.REFUSED, f"Kea 2.2 does not refuse it: {verdict}"
    if case.kind == ko.KEA3:
        return
    kea_lines = verdict.lines_for(case.expect_file or case.path.name)
    assert not kea_lines or set(kea_lines) & set(case.expect_lines), (
        f"Kea points at {kea_lines}, the file annotates {case.expect_lines}: {verdict.message}")


@pytest.mark.kea
@pytest.mark.netns
@pytest.mark.parametrize("case", ALL, ids=_ids(ALL))
def test_recorded_verdict_is_current(case: ko.Case, kea_live: bool,
                                     kea_verdicts: dict[str, ko.Verdict],
                                     recorded: dict[str, ko.Recorded]) -> None:
    """expected_verdicts.json (used where Kea is absent) still says what live Kea says."""
    if not kea_live:
        pytest.skip("Kea 2.2 is not runnable here (needs kea-dhcp4/6 and root)")
    rec = recorded.get(case.key)
    assert rec is not None, f"not recorded; run {ko.__file__} --record"
    assert rec.sha256 == ko.file_digest(case.path), f"file changed; run {ko.__file__} --record"
    assert rec.verdict() == kea_verdicts[case.key]


# --- Nestor against Kea ------------------------------------------------------------------

@pytest.mark.kea
@pytest.mark.netns
@pytest.mark.parametrize("case", ALL, ids=_ids(ALL))
def test_nestor_verdict_matches_kea(case: ko.Case, kea_verdicts: dict[str, ko.Verdict],
                                    recorded: dict[str, ko.Recorded],
                                    nestor_outcomes: dict[str, Outcome]) -> None:
    kea = kea_verdict(case, kea_verdicts, recorded)
    nestor = nestor_outcomes[case.key]
    assert "Traceback (most recent call last)" not in nestor.output, nestor.output
    if case.kind == ko.KEA3:
        # A deliberate difference: Kea 2.2 refuses the Kea 3.x spelling, Nestor takes both.
        assert nestor.accepted, f"Nestor refuses a Kea 3.x spelling:\n{nestor.output}"
        return
    if kea.kind in (ko.HOOK_MISSING, ko.DB):
        _judge_environment_refusal(kea, nestor)
        return
    if kea.accepted:
        assert nestor.accepted, f"Kea accepts {case.key}; Nestor refuses:\n{nestor.output}"
        return
    assert not nestor.accepted, f"Kea refuses ({kea.message}); Nestor accepts"
    _assert_points_at(case, kea, nestor)


def _judge_environment_refusal(kea: ko.Verdict, nestor: Outcome) -> None:
    """Kea refused only because a hook library file or a database was missing here.

    Nestor maps Kea's library names to built-in hooks, so accepting is right once it has
    them; refusing is expected (xfail) only while it says the refusal is about the hook or
    database, never for some other rule Kea did not get to check."""
    if nestor.accepted:
        return
    about = r"hook|librar" if kea.kind == ko.HOOK_MISSING else r"database|connect|backend"
    assert re.search(about, nestor.output, re.I), (
        f"Kea stopped at: {kea.message}\nNestor refused for another reason:\n{nestor.output}")
    pytest.xfail(f"judged once Nestor has it ({kea.kind}): {kea.message}")


def _assert_points_at(case: ko.Case, kea: ko.Verdict, nestor: Outcome) -> None:
    """The refusal names the file and the line the mistake is on."""
    basename = case.expect_file or case.path.name
    expected = case.expect_lines or tuple(kea.lines_for(basename))
    lines = nestor.lines_for(basename)
    assert lines, f"Nestor's refusal does not name {basename}:LINE:\n{nestor.output}"
    if expected:
        assert set(lines) & set(expected), (
            f"Nestor points at {basename}:{lines}, expected line {' or '.join(map(str, expected))}"
            f" ({case.description or kea.message}):\n{nestor.output}")


# --- the oracle's own reading of Kea's output ----------------------------------------------

def test_oracle_classifies_missing_hook_library() -> None:
    stderr = ("Error encountered: hooks libraries failed to validate - library or libraries in "
              "error are: /opt/lib/kea/hooks/libdhcp_ha.so (/usr/share/doc/kea/examples/kea4/"
              "ha.json:81:5)\n")
    verdict = ko.classify(1, "", stderr)
    assert verdict.kind == ko.HOOK_MISSING
    assert verdict.lines_for("ha.json") == [81]
    assert "/usr/share" not in verdict.message  # machine independent when recorded


def test_oracle_keeps_unknown_missing_library_a_refusal() -> None:
    """A library that is not Kea's is missing everywhere: a real refusal Nestor must share."""
    stderr = ("Error encountered: hooks libraries failed to validate - library or libraries in "
              "error are: /opt/lib/security.so (hooks.json:35:3)\n")
    assert ko.classify(1, "", stderr).kind == ko.REFUSED


def test_oracle_joins_multi_line_syntax_errors() -> None:
    stderr = 'Syntax check failed with: c.json:2.2-26 (near 22): Invalid control in "x: 4,\n "\n'
    verdict = ko.classify(1, "INFO some log line\n", stderr)
    assert verdict.kind == ko.REFUSED and not verdict.accepted
    assert verdict.message.startswith("c.json:2.2-26") and verdict.lines_for("c.json") == [2]


def test_oracle_reads_a_clean_check_as_accepted() -> None:
    assert ko.classify(0, "INFO lots of logging\n", "") == ko.Verdict(True, ko.ACCEPTED, "")
