"""``nestor-dhcp4`` / ``nestor-dhcp6``: Kea's flags, messages and exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nestor
from nestor.daemons import dhcp4, dhcp6

GOOD4 = '{ "Dhcp4": { "interfaces-config": { "interfaces": [ "lo" ] },\n' \
        '  "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" } ] } }\n'
GOOD6 = '{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64" } ] } }\n'


def write(tmp_path: Path, text: str, name: str = "kea.conf") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def run(main: object, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    assert callable(main)
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_version_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(dhcp4.main, ["-v"], capsys) == (0, f"{nestor.__version__}\n", "")
    code, out, _ = run(dhcp6.main, ["-V"], capsys)
    assert code == 0
    assert out.splitlines()[0] == nestor.__version__
    assert f"Kea {nestor.KEA_COMPAT_VERSION}" in out and "Python 3." in out
    code, out, _ = run(dhcp4.main, ["-W"], capsys)
    assert code == 0 and "Nestor configuration report" in out and "DHCPv4" in out


def test_check_accepts_a_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(dhcp4.main, ["-t", write(tmp_path, GOOD4)], capsys) == (0, "", "")
    assert run(dhcp6.main, ["-t", write(tmp_path, GOOD6)], capsys)[0] == 0
    assert run(dhcp4.main, ["-T", write(tmp_path, GOOD4)], capsys)[0] == 0


def test_check_refuses_with_file_and_line_on_stderr(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '{ "Dhcp4": {\n  "valid-lifetime": 4000,\n  "bogus": 1\n} }\n')
    code, out, err = run(dhcp4.main, ["-t", path], capsys)
    assert code == 1
    assert err == f'Syntax check failed with: got unexpected keyword "bogus" in Dhcp4 map. ' \
                  f"({path}:3:3)\n"
    path = write(tmp_path, '{ "Dhcp4": { "subnet4": [\n { "id": 1,\n "subnet": "192.0.2.0" } ] } }')
    code, out, err = run(dhcp4.main, ["-t", path], capsys)
    assert code == 1
    assert err.startswith("Error encountered: Invalid subnet syntax") and f"{path}:3:" in err
    assert "DHCP4_CONFIG_LOAD_FAIL" in out


def test_check_prints_keas_syntax_warnings(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '{ "Dhcp4": { "valid-lifetime": 4000, } }')
    code, out, err = run(dhcp4.main, ["-t", path], capsys)
    assert (code, err) == (0, "")
    assert "WARN  [kea-dhcp4.dhcp4/" in out and "DHCP4_CONFIG_SYNTAX_WARNING" in out
    assert f"{path}:1:36: Extraneous comma" in out


def test_check_looks_at_the_machines_interfaces(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD4.replace('"lo"', '"nst-no-such-if0"'))
    code, _, err = run(dhcp4.main, ["-t", path], capsys)
    assert code == 1 and "interface 'nst-no-such-if0' doesn't exist in the system" in err
    path = write(tmp_path, GOOD4.replace('"lo"', '"lo/127.0.0.1"'))
    assert run(dhcp4.main, ["-t", path], capsys)[0] == 0
    path = write(tmp_path, GOOD4.replace('"lo"', '"lo/192.0.2.77"'))
    code, _, err = run(dhcp4.main, ["-t", path], capsys)
    assert code == 1 and "doesn't have address '192.0.2.77' assigned" in err


def test_check_refuses_hook_libraries_nestor_cannot_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{ "Dhcp4": { "hooks-libraries": [ { "library": "%s" } ] } }'
    path = write(tmp_path, text % "/opt/lib/security.so")
    code, _, err = run(dhcp4.main, ["-t", path], capsys)
    assert code == 1
    assert "hooks libraries failed to validate - library or libraries in error are: " \
           "/opt/lib/security.so" in err
    # Kea's own libraries map to Nestor's built-ins wherever they are said to live.
    path = write(tmp_path, text % "/opt/lib/kea/hooks/libdhcp_lease_cmds.so")
    assert run(dhcp4.main, ["-t", path], capsys)[0] == 0
    # A Python hook module must be importable.
    path = write(tmp_path, text % "json")
    assert run(dhcp4.main, ["-t", path], capsys)[0] == 0
    path = write(tmp_path, text % "nestor_no_such_hook_module")
    assert run(dhcp4.main, ["-t", path], capsys)[0] == 1


@pytest.mark.parametrize(("args", "reason"), [
    ([], "Configuration file not specified."),
    (["-d"], "Configuration file not specified."),
    (["-x"], "option -x not recognized"),
    (["-t"], "option -t requires argument"),
    (["-p", "abc", "-t", "x"], "Failed to parse server port number: [abc], 1-65535 allowed."),
    (["-P", "0", "-t", "x"], "Failed to parse client port number: [0], 1-65535 allowed."),
    (["-t", "x", "extra"], "Extraneous parameters."),
])
def test_usage_errors_exit_1_with_usage(args: list[str], reason: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(dhcp4.main, args, capsys)
    assert (code, out) == (1, "")
    assert err.startswith(reason) and "Usage: nestor-dhcp4 -[v|V|W]" in err


def test_run_is_not_implemented_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # nestor-dhcp4 -c runs the server (tests/integration/test_server4.py); DHCPv6 does not yet.
    code, _, err = run(dhcp6.main, ["-c", write(tmp_path, GOOD6), "-p", "6767"], capsys)
    assert code == 1 and "not implemented yet" in err
    code, _, err = run(dhcp6.main, ["-c", write(tmp_path, "{")], capsys)
    assert code == 1 and "Syntax check failed with" in err


def test_console_scripts_behave_the_same(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "nestor-dhcp4"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "nestor.daemons.dhcp4"]
    done = subprocess.run([*cmd, "-v"], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, f"{nestor.__version__}\n")
    bad = write(tmp_path, '{ "Dhcp4": { "valid-lifetime": "x" } }')
    done = subprocess.run([*cmd, "-t", bad], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 1 and f"{bad}:1:" in done.stderr
    done = subprocess.run([sys.executable, "-m", "nestor.daemons.dhcp6", "-t", bad],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and "kea-dhcp6" in done.stderr


@pytest.mark.kea
@pytest.mark.parametrize("args", [["-v"], [], ["-x"], ["-t"], ["-p", "abc", "-t", "x"]])
def test_exit_codes_match_kea(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    kea = shutil.which("kea-dhcp4") or ("/usr/sbin/kea-dhcp4"
                                        if os.path.exists("/usr/sbin/kea-dhcp4") else None)
    if kea is None:
        pytest.skip("kea-dhcp4 is not installed")
    done = subprocess.run([kea, *args], capture_output=True, text=True, timeout=60, check=False)
    assert run(dhcp4.main, args, capsys)[0] == done.returncode
